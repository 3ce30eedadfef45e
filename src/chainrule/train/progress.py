"""A Rich progress bar that is also a training callback.

On a terminal the bar is redrawn in place. Elsewhere (a log file, a batch
job's captured stderr) Rich draws only the final state, so the bar also
writes one plain line every ``log_every`` seconds: the epoch, the cost, the
validation cost and the time elapsed.

Examples
--------
>>> import chainrule as cr
>>> X, y = cr.datasets.test_scores()
>>> net = cr.Network([2, 3, 1], seed=0)
>>> with ProgressBar(total=5, disable=True) as bar:
...     hist = net.fit(X, y, optimizer="gd", epochs=5, callbacks=[bar])
>>> bar.completed
5
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

if TYPE_CHECKING:
    from chainrule.train.records import History


class ProgressBar:
    """Show epochs (or iterations) done and the latest cost.

    Use it as a context manager and pass it in ``callbacks``; ``fit(...,
    progress=True)`` does both. Output goes to stderr, so that stdout stays
    clean for data.

    Parameters
    ----------
    total : int
        Epochs or iterations expected.
    description : str
    disable : bool
        Draw nothing (for tests and non-interactive runs).
    console : rich.console.Console, optional
    log_every : float
        When the console is not a terminal: seconds between two progress
        lines (``epoch 40/200 cost 0.1 val 0.2 elapsed 0:00:10``); 0 writes
        none, only the bar's final state.
    clock : callable, optional
        Seconds as a float (default :func:`time.monotonic`); tests pass a
        fake one.
    """

    def __init__(
        self,
        total: int,
        description: str = "fit",
        disable: bool = False,
        console: Console | None = None,
        log_every: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.total = total
        self.completed = 0
        self.log_every = log_every
        self._clock = clock
        self._console = console or Console(stderr=True)
        self._log = log_every > 0 and not disable and not self._console.is_terminal
        self._start = self._last = clock()
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("J={task.fields[cost]}"),
            TextColumn("{task.fields[val]}"),
            TimeElapsedColumn(),
            console=self._console,
            disable=disable,
            transient=False,
        )
        self._task = self._progress.add_task(description, total=total, cost="-", val="")

    def __enter__(self) -> ProgressBar:
        self._start = self._last = self._clock()
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None and self.completed == 0:
            # refused before the first epoch: the error is the only line
            self._progress.live.transient = True
        self._progress.stop()

    def __call__(self, epoch: int, history: History, net: object) -> bool:
        """Advance to ``epoch``; never asks training to stop."""
        self.completed = epoch
        val = f"val={history.val_cost[-1]:.4g}" if history.val_cost else ""
        self._progress.update(
            self._task, completed=epoch, cost=f"{history.cost[-1]:.4g}", val=val
        )
        if self._log:
            now = self._clock()
            if now - self._last >= self.log_every:
                self._last = now
                self._console.print(
                    self.line(epoch, history, now - self._start),
                    markup=False,
                    highlight=False,
                )
        return False

    def line(self, epoch: int, history: History, elapsed: float) -> str:
        """One progress line of a log: epoch, cost, validation cost, elapsed.

        >>> from chainrule.train.records import History
        >>> h = History(cost=[0.5, 0.25], val_cost=[0.75, 0.5])
        >>> ProgressBar(total=200, disable=True).line(2, h, 75.4)
        'epoch 2/200 cost 0.25 val 0.5 elapsed 0:01:15'
        """
        val = f" val {history.val_cost[-1]:.4g}" if history.val_cost else ""
        seconds = int(elapsed)
        clock = f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
        return (
            f"epoch {epoch}/{self.total} cost {history.cost[-1]:.4g}{val} "
            f"elapsed {clock}"
        )
