"""Checks of single values: numbers, booleans, seeds, and how a check names them.

:func:`describe` writes a value as every check's message shows it (its
``repr``, shortened, and its type). The numbers are checked for their type
first (``True`` is not a number here), then for being finite, then for their
range; a check returns the clean value or raises.

Examples
--------
>>> from chainrule.validation.scalars import check_non_negative
>>> check_non_negative("l2", 0)
0.0
>>> check_non_negative("l2", float("nan"))
Traceback (most recent call last):
    ...
chainrule.errors.InvalidValueError: l2: expected a finite number >= 0, got nan
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from chainrule.errors import InvalidTypeError, InvalidValueError


def describe(value: object) -> str:
    """``value`` as a message shows it: its ``repr`` (60 characters at most) and type.

    Examples
    --------
    >>> describe(None)
    'None (NoneType)'
    """
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def _number(name: str, value: object, integer: bool, bound: str) -> None:
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, kind):
        what = "an integer" if integer else "a number"
        raise InvalidTypeError(
            f"{name}: expected {what} {bound}, got {describe(value)}"
        )


def _finite(value: numbers.Real) -> bool:
    try:
        return math.isfinite(float(value))
    except OverflowError:  # an int or a Fraction too large for a float
        return False


def check_positive(name: str, value: object, *, integer: bool = False) -> float | int:
    """A strictly positive, finite number (an integer when ``integer``)."""
    _number(name, value, integer, "> 0")
    if not _finite(value):
        raise InvalidValueError(
            f"{name}: expected a finite number > 0, got {value!r:.60}"
        )
    if value <= 0:
        what = "an integer" if integer else "a number"
        raise InvalidValueError(f"{name}: expected {what} > 0, got {value!r}")
    return int(value) if integer else float(value)


def check_non_negative(name: str, value: object) -> float:
    """A finite number >= 0."""
    _number(name, value, False, ">= 0")
    if not _finite(value) or value < 0:
        raise InvalidValueError(
            f"{name}: expected a finite number >= 0, got {value!r:.60}"
        )
    return float(value)


def check_bool(name: str, value: object) -> bool:
    """``True`` or ``False`` (NumPy booleans included), nothing else."""
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidTypeError(f"{name}: expected True or False, got {describe(value)}")
    return bool(value)


def check_seed(seed: object) -> int | None:
    """``None`` or an integer >= 0 (a seed of ``numpy.random.default_rng``)."""
    if seed is None:
        return None
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        raise InvalidTypeError(
            f"seed: expected None or an integer >= 0, got {describe(seed)}"
        )
    if seed < 0:
        raise InvalidValueError(f"seed: expected an integer >= 0, got {seed!r}")
    return int(seed)


def check_momentum(value: object) -> float:
    """Momentum μ in [0, 1): μ >= 1 makes the velocity grow without bound."""
    mu = check_non_negative("momentum", value)
    if mu >= 1:
        raise InvalidValueError(f"momentum: expected 0 <= value < 1, got {value!r}")
    return mu


def checked_schedule(schedule):
    """A callable schedule whose every value is checked: a finite number > 0."""

    def checked(epoch: int) -> float:
        value = schedule(epoch)
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise InvalidTypeError(
                f"schedule: returned {value!r:.40} ({type(value).__name__}) for "
                f"epoch {epoch}; expected a learning rate, a number > 0"
            )
        if not (_finite(value) and value > 0):
            raise InvalidValueError(
                f"schedule: returned {value!r:.40} for epoch {epoch}; expected a "
                "finite learning rate > 0"
            )
        return float(value)

    return checked
