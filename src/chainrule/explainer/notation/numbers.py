"""Number and matrix formatting shared by the renderers (formatting only).

Examples
--------
>>> import numpy as np
>>> num(-1.92, 6), num(0.0040572032, 6), num(-0.0, 6)
('-1.92', '0.0040572', '0')
>>> inline(np.array([[3.0, 5.0], [5.0, 1.0]]), 6)
'[3 5; 5 1]'
>>> print("\\n".join(block(np.array([[1.0, 10.0], [-2.5, 3.0]]), 6)))
⎡   1  10⎤
⎣-2.5   3⎦
>>> bmatrix(np.array([[1.0, 2.0]]), 6)
'\\\\begin{bmatrix}1 & 2\\\\end{bmatrix}'
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from chainrule.errors import InvalidValueError
from chainrule.explainer.model.step import PLACEHOLDER


def check_precision(precision: object) -> int:
    """``precision`` (significant digits) if it is an int from 1 to 17."""
    if (
        isinstance(precision, bool)
        or not isinstance(precision, (int, np.integer))
        or not 1 <= precision <= 17
    ):
        raise InvalidValueError(
            f"precision: expected an integer from 1 to 17 (significant digits), "
            f"got {precision!r}"
        )
    return int(precision)


def num(x: float, precision: int) -> str:
    """``x`` with ``precision`` significant digits, no ``-0``; NaN, a value
    hidden for a quiz (:func:`chainrule.explainer.assess.quiz.blank`), is ``?``."""
    if np.isnan(x):
        return "?"
    s = f"{float(x):.{precision}g}"
    return "0" if s in ("-0", "0") else s


def num_latex(x: float, precision: int) -> str:
    """:func:`num` with ``1e-05`` written ``1 \\times 10^{-5}``."""
    s = num(x, precision)
    if "e" in s:
        mant, exp = s.split("e")
        return rf"{mant} \times 10^{{{int(exp)}}}"
    return s


def is_scalar(value: object) -> bool:
    """A float, or an array with one element."""
    return np.size(value) == 1


def scalar(value: object) -> float:
    return float(np.asarray(value).reshape(()))


def inline(value: object, precision: int, paren_negative: bool = False) -> str:
    """One line: ``1.5``, ``[1 2 3]``, ``[1 2; 3 4]`` (rows split by ``;``)."""
    if is_scalar(value):
        s = num(scalar(value), precision)
        return f"({s})" if paren_negative and s.startswith("-") else s
    rows = np.atleast_2d(value)
    body = "; ".join(" ".join(num(x, precision) for x in r) for r in rows)
    return f"[{body}]"


def block(value: object, precision: int) -> list[str]:
    """A matrix laid out on several lines, columns right-aligned."""
    if is_scalar(value):
        return [num(scalar(value), precision)]
    rows = [[num(x, precision) for x in r] for r in np.atleast_2d(value)]
    widths = [max(len(r[j]) for r in rows) for j in range(len(rows[0]))]
    cells = [" ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows]
    if len(cells) == 1:
        return [f"[{cells[0]}]"]
    edges = [("⎡", "⎤")] + [("⎢", "⎥")] * (len(cells) - 2) + [("⎣", "⎦")]
    return [f"{lo}{c}{hi}" for c, (lo, hi) in zip(cells, edges, strict=True)]


def bmatrix(value: object, precision: int, paren_negative: bool = False) -> str:
    """LaTeX: a number for one element, else ``\\begin{bmatrix}...``."""
    if is_scalar(value):
        s = num_latex(scalar(value), precision)
        return f"({s})" if paren_negative and s.startswith("-") else s
    rows = np.atleast_2d(value)
    body = r" \\ ".join(" & ".join(num_latex(x, precision) for x in r) for r in rows)
    return rf"\begin{{bmatrix}}{body}\end{{bmatrix}}"


def substitute(template: str, render: Callable[[str], str]) -> str:
    """Replace every ``⟦key⟧`` of ``template`` with ``render(key)``."""
    return PLACEHOLDER.sub(lambda m: render(m.group(1)), template)


def shape_text(shape: tuple) -> str:
    """``(3, 1)``; ``scalar`` for ``()``."""
    return "scalar" if shape == () else "(" + ", ".join(str(s) for s in shape) + ")"
