r"""Learning-rate schedules: the learning rate of each epoch.

A schedule is a callable ``schedule(epoch) -> float`` of the 0-based epoch
index; :meth:`Network.fit` asks it once at the start of every epoch. Pass a
name to ``fit(schedule=...)`` with its options, or any such callable.

=================  ===============================================  ==========
name               learning rate at epoch ``e`` (``α`` = initial)    options
=================  ===============================================  ==========
``constant``       ``α``
``inverse``        ``α / (1 + e)^power``                             ``power``
``step``           ``α · drop^⌊e / every⌋``                          ``drop``, ``every``
``cosine``         ``α_min + (α − α_min)(1 + cos(π e / E)) / 2``      ``min_lr``
=================  ===============================================  ==========

``inverse`` is scikit-learn's ``invscaling`` (``power_t`` = 0.5 by default),
counted in epochs; ``cosine`` is SGDR's annealing without restarts
(Loshchilov & Hutter, 2017), over the ``E`` epochs of the run.

Examples
--------
>>> from chainrule.train.schedules import make
>>> s = make("step", 0.1, epochs=10, drop=0.5, every=3)
>>> [s(e) for e in range(7)]
[0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025]
>>> c = make("cosine", 1.0, epochs=4)
>>> [round(c(e), 4) for e in range(5)]
[1.0, 0.8536, 0.5, 0.1464, 0.0]
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from chainrule.errors import ConfigError, UnknownNameError
from chainrule.validation import check_non_negative, check_positive, checked_schedule

Schedule = Callable[[int], float]
NAMES = ("constant", "inverse", "step", "cosine")


def constant(learning_rate: float) -> Schedule:
    """The same learning rate every epoch."""
    lr = check_positive("learning_rate", learning_rate)
    return lambda epoch: lr


def inverse(learning_rate: float, power: float = 0.5) -> Schedule:
    """``α / (1 + e)^power`` (scikit-learn's ``invscaling``)."""
    lr = check_positive("learning_rate", learning_rate)
    p = check_non_negative("power", power)
    return lambda epoch: lr / (1 + epoch) ** p


def step(learning_rate: float, drop: float = 0.5, every: int = 10) -> Schedule:
    """``α · drop^⌊e / every⌋``: multiply by ``drop`` every ``every`` epochs."""
    lr = check_positive("learning_rate", learning_rate)
    if not 0 < drop <= 1:
        raise ConfigError(f"drop: expected a value in (0, 1], got {drop!r}")
    every = int(check_positive("every", every, integer=True))
    return lambda epoch: lr * drop ** (epoch // every)


def cosine(learning_rate: float, epochs: int, min_lr: float = 0.0) -> Schedule:
    """Cosine annealing from ``α`` at epoch 0 to ``min_lr`` at epoch ``epochs``."""
    lr = check_positive("learning_rate", learning_rate)
    epochs = int(check_positive("epochs", epochs, integer=True))
    lo = check_non_negative("min_lr", min_lr)
    if lo > lr:
        raise ConfigError(f"min_lr: expected at most learning_rate={lr}, got {lo}")

    def schedule(epoch: int) -> float:
        return (
            lo + (lr - lo) * (1 + math.cos(math.pi * min(epoch, epochs) / epochs)) / 2
        )

    return schedule


def invscaling(
    learning_rate: float, power_t: float, samples_per_epoch: int, start: int = 0
) -> Schedule:
    """scikit-learn's ``learning_rate="invscaling"`` for ``sgd``, per epoch.

    scikit-learn sets ``α / (t + 1)^power_t`` at the end of each epoch,
    where ``t`` counts the samples seen (``SGDOptimizer.iteration_ends`` in
    ``sklearn/neural_network/_stochastic_optimizers.py``); a new optimizer
    starts at ``α``. With ``samples_per_epoch = n`` and ``start`` samples
    seen before this run, epoch ``e`` (0-based) has ``α`` for ``e = 0`` and
    ``α / (start + e n + 1)^power_t`` after.

    Examples
    --------
    >>> s = invscaling(1.0, 0.5, samples_per_epoch=3)
    >>> [s(e) for e in range(3)]
    [1.0, 0.5, 0.3779644730092272]
    """
    lr = check_positive("learning_rate", learning_rate)
    p = check_non_negative("power_t", power_t)
    n = check_positive("samples_per_epoch", samples_per_epoch, integer=True)
    return lambda epoch: lr if epoch == 0 else lr / (start + epoch * n + 1) ** p


class Reducible:
    """A constant learning rate that a callback divides when the loss stalls.

    scikit-learn's ``learning_rate="adaptive"`` for ``sgd``: when training
    stalls, ``SGDOptimizer.trigger_stopping`` divides the rate by 5, and
    stops only once it is at most 1e-6.

    Examples
    --------
    >>> s = Reducible(0.1)
    >>> s.reduce(), s(3)
    (True, 0.02)
    """

    def __init__(
        self, learning_rate: float, factor: float = 5.0, floor: float = 1e-6
    ) -> None:
        self.learning_rate = check_positive("learning_rate", learning_rate)
        self.factor, self.floor = factor, floor

    def __call__(self, epoch: int) -> float:
        return self.learning_rate

    def reduce(self) -> bool:
        """Divide the rate by ``factor``; ``False`` (unchanged) at the floor."""
        if self.learning_rate <= self.floor:
            return False
        self.learning_rate /= self.factor
        return True


def make(
    name: str | Schedule, learning_rate: float, epochs: int, **options: Any
) -> Schedule:
    """A schedule by name (options as above), or ``name`` if it is callable.

    Raises
    ------
    UnknownNameError
        An unknown name; the message lists the valid ones.
    ConfigError
        An option the schedule does not take.
    """
    if callable(name):
        if options:
            raise ConfigError(
                f"schedule options {sorted(options)} need a named schedule"
            )
        return checked_schedule(name)
    key = name.lower() if isinstance(name, str) else name
    if key not in NAMES:
        raise UnknownNameError(
            f"schedule: unknown name {name!r}; expected one of {list(NAMES)} "
            "or a callable epoch -> learning rate"
        )
    try:
        if key == "cosine":
            return cosine(learning_rate, epochs, **options)
        return {"constant": constant, "inverse": inverse, "step": step}[key](
            learning_rate, **options
        )
    except TypeError as exc:
        raise ConfigError(f"schedule {name!r}: {exc}") from None
