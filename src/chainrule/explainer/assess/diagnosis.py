"""What a wrong answer most likely is: rounded too coarsely, or off by the
convention's factor (the number of examples).

- :func:`half_units` reads the digits a student gave: ``0.009`` has its last
  digit in the thousandths, so any number within ``0.0005`` of it rounds to
  it; a correct value rounded to those digits is *rounded*, not wrong.
- :func:`digits_needed`: how many significant digits the tolerance asks for.
- :func:`factor_off`: whether the answer is ``N`` times (or ``1/N`` of) the
  right one, the mean's ``1/N`` (``1/m`` in CS230's column convention)
  dropped or applied twice.

Examples
--------
>>> import numpy as np
>>> half_units([[0.009, 0.006, 0.001]]).tolist()
[[0.0005, 0.0005, 0.0005]]
>>> digits_needed(np.array([[0.00916, 0.00601, 0.00102]]), 5e-3, 1e-12)
3
>>> factor_off(np.array([1.0, 2.0]), np.array([3.0, 6.0]), 3, 5e-3, 1e-12)
'larger'
"""

from __future__ import annotations

import numpy as np


def _half_unit(x: object) -> float:
    """Half a unit of the last digit written in ``x`` (an int or a float)."""
    if isinstance(x, (int, np.integer)):
        return 0.5  # an integer's trailing zeros may be digits: read as units
    text = repr(float(x))  # the shortest form: the digits as typed
    mantissa, _, exponent = text.partition("e")
    whole, _, decimals = mantissa.partition(".")
    decimals = decimals.rstrip("0")
    return 0.5 * 10.0 ** (int(exponent or 0) - len(decimals))


def half_units(raw: object) -> np.ndarray:
    """Half a unit of the last digit of each number in ``raw`` (a number or
    nested lists of numbers), shaped as ``raw``.

    A float is read in its shortest form (``repr``), which gives back the
    digits as typed in a TOML or Python answer: ``0.0090`` reads as
    ``0.009``, so trailing zeros after the point do not count.
    """
    a = np.asarray(raw, dtype=object)
    return np.vectorize(_half_unit, otypes=[float])(a) if a.size else a


def digits_needed(expected: np.ndarray, rtol: float, atol: float) -> int:
    """The fewest significant digits whose rounding of every entry of
    ``expected`` is within the tolerance (at most 17)."""
    e = np.asarray(expected, dtype=np.float64)
    for d in range(1, 18):
        rounded = np.array([float(f"{x:.{d}g}") for x in e.ravel()])
        if np.allclose(rounded, e.ravel(), rtol=rtol, atol=atol):
            return d
    return 17


def factor_off(
    expected: np.ndarray, given: np.ndarray, n: int, rtol: float, atol: float
) -> str | None:
    """``"larger"`` when ``given`` is ``n`` times ``expected``, ``"smaller"``
    when it is ``1/n`` of it, else ``None`` (and always ``None`` for ``n`` < 2
    or an all-zero key)."""
    if n < 2 or not np.any(np.abs(expected) > atol):
        return None
    if np.allclose(given, n * expected, rtol=rtol, atol=atol):
        return "larger"
    if np.allclose(given, expected / n, rtol=rtol, atol=atol):
        return "smaller"
    return None
