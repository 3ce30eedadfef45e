"""A Rich progress bar that is also a training callback.

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
    """

    def __init__(
        self,
        total: int,
        description: str = "fit",
        disable: bool = False,
        console: Console | None = None,
    ) -> None:
        self.total = total
        self.completed = 0
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("J={task.fields[cost]}"),
            TextColumn("{task.fields[val]}"),
            TimeElapsedColumn(),
            console=console or Console(stderr=True),
            disable=disable,
            transient=False,
        )
        self._task = self._progress.add_task(description, total=total, cost="-", val="")

    def __enter__(self) -> ProgressBar:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def __call__(self, epoch: int, history: History, net: object) -> bool:
        """Advance to ``epoch``; never asks training to stop."""
        self.completed = epoch
        val = f"val={history.val_cost[-1]:.4g}" if history.val_cost else ""
        self._progress.update(
            self._task, completed=epoch, cost=f"{history.cost[-1]:.4g}", val=val
        )
        return False
