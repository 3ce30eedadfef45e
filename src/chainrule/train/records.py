"""What a fit records and what a checkpoint holds: :class:`History`, :class:`State`.

Data only; :mod:`chainrule.train.options` re-exports both, with the
:class:`~chainrule.train.options.Settings` of a call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chainrule.errors import DivergenceError
from chainrule.train.optimizers import OptState

Array = np.ndarray


@dataclass
class History:
    """What happened during :meth:`Network.fit`.

    Attributes
    ----------
    cost : list of float
        Training cost of each epoch. Full batch (and BFGS, L-BFGS, per
        iteration): the cost after the epoch's update, ``net.cost(X, y)``.
        Minibatches: the mean, weighted by batch size, of the cost of each
        minibatch before its update, as scikit-learn's ``loss_curve_`` and
        Keras report it (no extra pass over the data).
    val_cost : list of float
        Validation cost after each epoch; empty without validation data.
    time : list of float
        Seconds since the start of training at the end of each epoch.
    learning_rate : list of float
        The learning rate of each epoch (first-order optimizers).
    optimizer : str
    stopped_early : bool
    best_epoch : int or None
        The epoch (1-based) whose parameters were kept by early stopping.
    interrupted : bool
        Training was ended by Ctrl-C (``KeyboardInterrupt``).
    message : str
    path : str
        The path that ran a first-order fit's epochs
        (:func:`chainrule.accel.plan`: ``"numpy"``, ``"compiled"`` or
        ``"fused"``); ``""`` for bfgs and lbfgs.
    """

    cost: list[float] = field(default_factory=list)
    val_cost: list[float] = field(default_factory=list)
    time: list[float] = field(default_factory=list)
    learning_rate: list[float] = field(default_factory=list)
    optimizer: str = ""
    stopped_early: bool = False
    best_epoch: int | None = None
    interrupted: bool = False
    message: str = ""
    path: str = ""

    @property
    def epochs(self) -> int:
        """The number of epochs or iterations recorded."""
        return len(self.cost)

    def __len__(self) -> int:
        return len(self.cost)


@dataclass
class State:
    """Everything a checkpoint holds: training resumes from exactly this.

    ``views`` (the network's parameters as views of ``theta``), ``version``
    and ``cache`` are the loop's own and not saved; ``cache`` is the last
    evaluation, reused by the next full-batch step: a forward pass's cache
    (in memory) or the pair ``(J, ∇J)`` (Dask).
    """

    epoch: int
    theta: Array
    opt_state: OptState
    rng: np.random.Generator
    hist: History
    best: Array | None = None
    best_cost: float = np.inf
    waited: int = 0
    elapsed: float = 0.0
    views: dict[str, Array] | None = None
    version: int = -1
    cache: Any = None


def diverged(hist: History, epoch: int, lr: float | None) -> DivergenceError:
    """The error raised when the cost stops being finite at ``epoch``."""
    hint = f" (learning_rate={lr:g})" if lr is not None else ""
    err = DivergenceError(
        f"training diverged: the cost is not finite at epoch {epoch}; the "
        f"parameters of the last finite epoch are kept. Try a smaller "
        f"learning rate{hint}.",
        epoch=epoch,
    )
    err.history = hist
    return err
