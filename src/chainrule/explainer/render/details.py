"""The lines under a step (:class:`~chainrule.explainer.model.Detail`), formatted.

A detail reads ``text = factors = products = value``: the symbolic side, the
numbers multiplied, each product, and the sum. Formatting only: the products
shown are of the detail's own numbers.

Examples
--------
>>> from chainrule.explainer.model import Detail
>>> d = Detail("element", "z₁₁ = a₁₁W₁₁ + a₁₂W₂₁", "z_{11} = a_{11}W_{11} + ...",
...            (0, 0), ((0.5, 2.0), (-1.0, 3.0)), -2.0)
>>> pieces(d, 6)
['z₁₁ = a₁₁W₁₁ + a₁₂W₂₁', '0.5·2 + (-1)·3', '1 + (-3)', '-2']
"""

from __future__ import annotations

import math

from chainrule.explainer.model.step import Detail
from chainrule.explainer.notation.numbers import num, num_latex

MATH_KINDS = ("shapes", "element", "examples", "cost")


def _n(x: float, precision: int, latex: bool, paren: bool) -> str:
    s = num_latex(x, precision) if latex else num(x, precision)
    return f"({s})" if paren and s.startswith("-") else s


def pieces(d: Detail, precision: int, latex: bool = False) -> list[str]:
    """The parts of the line that ``=`` joins (LaTeX math when ``latex``)."""
    out = [d.latex if latex else d.text]
    if d.factors and not (len(d.factors) == 1 and len(d.factors[0]) == 1):
        dot = r" \cdot " if latex else "·"
        terms = [
            dot.join(
                _n(x, precision, latex, paren=k > 0 or i > 0) for k, x in enumerate(f)
            )
            for i, f in enumerate(d.factors)
        ]
        out.append(" + ".join(terms))
        if any(len(f) > 1 for f in d.factors) and len(d.factors) > 1:
            prods = [math.prod(f) for f in d.factors]
            out.append(
                " + ".join(_n(p, precision, latex, i > 0) for i, p in enumerate(prods))
            )
    if d.value is not None:
        out.append(_n(d.value, precision, latex, paren=False))
    return out


def detail_text(d: Detail, precision: int) -> str:
    """One line of plain text."""
    return " = ".join(pieces(d, precision))


def detail_latex(d: Detail, precision: int) -> str:
    """LaTeX math for the equation kinds, prose (escaped by the caller) else."""
    return " = ".join(pieces(d, precision, latex=True))


def is_math(d: Detail) -> bool:
    """Whether ``d.latex`` is math (an equation) rather than prose."""
    return d.kind in MATH_KINDS
