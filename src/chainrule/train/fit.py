"""The fit loop: optimizers, minibatches, history, early stopping, callbacks.

Examples
--------
The tutorial's part 6: BFGS on the test-score data.

>>> import chainrule as cr
>>> X, y = cr.datasets.test_scores()
>>> net = cr.Network([2, 3, 1], seed=0)
>>> hist = net.fit(X, y, optimizer="bfgs", epochs=200)
>>> hist.cost[-1] < 1e-6
True
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from chainrule.errors import ConfigError, DivergenceError
from chainrule.train import optimizers as _opt
from chainrule.train.threads import blas_threads, check_threads
from chainrule.validation import check_positive

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

    @property
    def epochs(self) -> int:
        """The number of epochs or iterations recorded."""
        return len(self.cost)

    def __len__(self) -> int:
        return len(self.cost)


@dataclass
class Settings:
    """Validated arguments of one call to :func:`fit`."""

    optimizer: str
    epochs: int
    learning_rate: float | None
    batch_size: int | None
    early_stopping: bool
    patience: int
    tol: float
    shuffle: bool
    seed: int | None
    schedule: Any
    callbacks: list
    options: dict
    checkpoint: str | None
    checkpoint_every: int
    resume: Any


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


def split_validation(X: Array, y: Array, fraction: float, rng) -> tuple:
    """Hold out ``fraction`` of the rows, drawn by ``rng``, for validation."""
    if not 0 < fraction < 1:
        raise ConfigError(
            f"validation_split: expected a fraction in (0, 1), got {fraction!r}"
        )
    n = X.shape[0]
    n_val = int(round(n * fraction))
    if n_val < 1 or n_val >= n:
        raise ConfigError(
            f"validation_split: {fraction} of {n} examples leaves "
            f"{n_val} for validation and {n - n_val} for training; both need >= 1"
        )
    order = rng.permutation(n)
    val, train = np.sort(order[:n_val]), np.sort(order[n_val:])
    return X[train], y[train], (X[val], y[val])


def _check_resume_file(resume, ckpt) -> None:
    """Read the checkpoint to resume from now, so a bad file fails before work."""
    if resume is None or resume is False:
        return
    path = ckpt if resume is True else os.fspath(resume)
    if resume is True and not os.path.exists(path):
        return  # resume=True with no checkpoint yet: a fresh start
    from chainrule.train.checkpoint import read

    read(path)


def _settings(optimizer, epochs, learning_rate, batch_size, **kw) -> Settings:
    name = _opt.check_name(optimizer)
    epochs = check_positive("epochs", epochs, integer=True)
    if learning_rate is not None:
        learning_rate = check_positive("learning_rate", learning_rate)
    if batch_size is not None:
        batch_size = check_positive("batch_size", batch_size, integer=True)
    patience = check_positive("patience", kw.pop("patience"), integer=True)
    every = check_positive("checkpoint_every", kw.pop("checkpoint_every"), integer=True)
    ckpt = kw.pop("checkpoint")
    if ckpt is not None:
        ckpt = os.fspath(ckpt)
        folder = os.path.dirname(ckpt) or "."
        if not os.path.isdir(folder):
            raise ConfigError(f"checkpoint: the folder {folder!r} does not exist")
    if kw["resume"] is True and ckpt is None:
        raise ConfigError("resume=True: expected a checkpoint= path to resume from")
    if name in _opt.SCIPY_METHODS and (ckpt is not None or kw["resume"]):
        raise ConfigError(
            f"checkpoint/resume: supported for 'gd', 'sgd' and 'adam', not {name!r} "
            "(SciPy keeps its state internally)"
        )
    _check_resume_file(kw["resume"], ckpt)
    return Settings(
        name,
        epochs,
        learning_rate,
        batch_size,
        patience=patience,
        checkpoint=ckpt,
        checkpoint_every=every,
        callbacks=list(kw.pop("callbacks")),
        **kw,
    )


def fit(
    net,
    X,
    y,
    optimizer: str = "bfgs",
    epochs: int = 200,
    learning_rate: float | None = None,
    batch_size: int | None = None,
    validation_data: tuple | None = None,
    early_stopping: bool = False,
    callbacks: Sequence[Callable[..., Any]] = (),
    progress: bool = False,
    *,
    validation_split: float | None = None,
    patience: int = 10,
    tol: float = 0.0,
    schedule: str | Callable[[int], float] = "constant",
    shuffle: bool = True,
    seed: int | None = None,
    checkpoint: str | os.PathLike | None = None,
    checkpoint_every: int = 1,
    resume: str | os.PathLike | bool | None = None,
    threads: int | None = None,
    **options: Any,
) -> History:
    """Train ``net`` in place and return its :class:`History`.

    Parameters
    ----------
    net : Network
    X : (n, n_inputs) array_like
    y : (n, n_outputs) array_like
    optimizer : {"gd", "sgd", "adam", "bfgs", "lbfgs"}
    epochs : int
        Epochs (first-order; the total, counting resumed ones) or the maximum
        number of iterations (quasi-Newton).
    learning_rate : float, optional
        First-order optimizers only; defaults per optimizer.
    batch_size : int, optional
        ``None`` for full batch. Minibatches follow a permutation drawn each
        epoch from ``numpy.random.default_rng(seed)``.
    validation_data : tuple (X_val, y_val), optional
    early_stopping : bool
        Stop when the validation cost (or the training cost without
        validation data) has not improved by more than ``tol`` for
        ``patience`` epochs, and restore the best parameters.
    callbacks : sequence of callables
        Called as ``callback(epoch, history, net)`` after each epoch; a
        callback that returns ``True`` stops training. ``net.params`` are the
        live parameters: copy them to keep them.
    progress : bool
        Show a progress bar (Rich) on stderr.
    validation_split : float, optional
        Hold out this fraction of ``(X, y)``, drawn with ``seed``, as
        validation data (instead of ``validation_data``).
    patience, tol : int, float
        See ``early_stopping``.
    schedule : {"constant", "inverse", "step", "cosine"} or callable
        The learning rate of each epoch; see :mod:`chainrule.train.schedules`.
    shuffle : bool
        Shuffle minibatches each epoch.
    seed : int, optional
        Seed of the shuffles and of ``validation_split`` (default: the
        network's seed).
    checkpoint : path, optional
        Write the training state (parameters, optimizer state, epoch, random
        generator, history) there every ``checkpoint_every`` epochs and when
        training ends; see :mod:`chainrule.train.checkpoint`.
    resume : path or True, optional
        Continue from a checkpoint (``True``: from ``checkpoint`` if that file
        exists); with the same arguments, the run ends exactly where an
        uninterrupted one would.
    threads : int, optional
        BLAS threads for this fit (``-1``: every core). By default they are
        chosen from the size of the products; see :mod:`chainrule.train.threads`.
    **options
        Passed to the optimizer (``momentum``, ``nesterov``, ``b1``, ``b2``,
        ``eps``; SciPy's ``options`` for BFGS and L-BFGS).

    Returns
    -------
    History

    Raises
    ------
    DivergenceError
        When the cost stops being finite; ``net`` keeps the parameters of
        the last epoch with a finite cost and the error carries ``.epoch``
        and ``.history``.
    """
    s = _settings(
        optimizer,
        epochs,
        learning_rate,
        batch_size,
        early_stopping=early_stopping,
        patience=patience,
        tol=float(tol),
        shuffle=bool(shuffle),
        seed=net.seed if seed is None else seed,
        schedule=schedule,
        callbacks=callbacks,
        options=options,
        checkpoint=checkpoint,
        checkpoint_every=checkpoint_every,
        resume=resume,
    )
    threads = check_threads(threads)
    Xa, ya = net.check_data(X, y)
    rng = np.random.default_rng(s.seed)
    if validation_split is not None:
        if validation_data is not None:
            raise ConfigError("validation_split: give it or validation_data, not both")
        Xa, ya, val = split_validation(Xa, ya, float(validation_split), rng)
    else:
        val = None if validation_data is None else net.check_data(*validation_data)
    if s.optimizer in _opt.SCIPY_METHODS:
        from chainrule.train.quasi_newton import fit_scipy as run
    else:
        from chainrule.train.first_order import fit_first_order as run
    batch = Xa.shape[0] if s.batch_size is None else min(s.batch_size, Xa.shape[0])
    with blas_threads(threads, net.sizes, batch):
        if not progress:
            return run(net, Xa, ya, val, s, rng)
        from chainrule.train.progress import ProgressBar

        with ProgressBar(total=s.epochs, description=f"fit ({s.optimizer})") as bar:
            s.callbacks.append(bar)
            return run(net, Xa, ya, val, s, rng)
