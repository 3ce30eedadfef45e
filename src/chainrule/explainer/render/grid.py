"""Matrices laid out for reading: abbreviated beyond a size, in every medium.

A matrix with more than :data:`MAX_ROWS` rows or :data:`MAX_COLS` columns (or
wider than a renderer's budget of characters) is shown abbreviated: its first
rows and columns, an ellipsis (``…`` across, ``⋮`` down, ``⋱`` at the
crossing), its last row and column, and its shape. Every value stays in the
JSON rendering. Formatting only.

Examples
--------
>>> import numpy as np
>>> g = grid(np.arange(40.0).reshape(20, 2), 6)
>>> g.shape, g.abbreviated, len(g.rows), g.rows[-2]
((20, 2), True, 12, ('⋮', '⋮'))
>>> inline_text(np.arange(40.0).reshape(20, 2), 6)
'[0 1; 2 3; 4 5; 6 7; …; 38 39]₂₀ₓ₂'
>>> print("\\n".join(block_text(np.arange(12.0).reshape(1, 12), 6)))
[0 1 2 3 4 5 … 11]₁ₓ₁₂
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chainrule.explainer.notation.numbers import is_scalar, num, num_latex, scalar

MAX_ROWS = 12  # beyond: the first 10 rows, ⋮, the last row
MAX_COLS = 8  # beyond: the first 6 columns, …, the last column
INLINE = 6  # an inline matrix (inside a substitution) shows at most 6 rows, 6 columns
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SKIP = {"…", "⋮", "⋱"}


@dataclass(frozen=True)
class Grid:
    """The cells to show: numbers as strings, ellipses where rows/columns are cut."""

    rows: tuple  # tuple of tuples of str
    shape: tuple
    abbreviated: bool


def _keep(n: int, limit: int) -> list[int | None]:
    """Indices to show out of ``n``; ``None`` marks the cut."""
    if n <= limit:
        return list(range(n))
    return [*range(limit - 2), None, n - 1]


def _width(cells: list[str]) -> int:
    return sum(len(c) for c in cells) + len(cells) - 1


def grid(
    value: object,
    precision: int,
    budget: int | None = None,
    latex: bool = False,
    limits: tuple[int, int] = (MAX_ROWS, MAX_COLS),
) -> Grid:
    """The cells of a 2-D ``value`` with at most ``budget`` characters a row.

    Parameters
    ----------
    value : (rows, cols) array_like
    precision : int
        Significant digits.
    budget : int, optional
        The widest row allowed (numbers and one space between them); columns
        are cut until a row fits (never fewer than the first and the last).
    latex : bool
        Numbers as LaTeX (``1 \\times 10^{-5}``) rather than ``1e-05``.
    limits : (int, int)
        The most rows and columns shown, ellipses included.
    """
    fmt = num_latex if latex else num
    m = np.atleast_2d(np.asarray(value, dtype=float))
    rows, cols = _keep(m.shape[0], limits[0]), _keep(m.shape[1], limits[1])
    while True:
        cells = [
            tuple(
                ("⋱" if j is None else "⋮")
                if i is None
                else ("…" if j is None else fmt(m[i, j], precision))
                for j in cols
            )
            for i in rows
        ]
        widest = max(_width(list(r)) for r in cells)
        if budget is None or widest <= budget or len(cols) <= 3:
            break
        shown = [j for j in cols if j is not None][:-1]
        cols = [*shown[:-1], None, m.shape[1] - 1]
    cut = len(rows) < m.shape[0] or len(cols) < m.shape[1]
    return Grid(tuple(cells), tuple(m.shape), cut)


def shape_subscript(shape: tuple) -> str:
    """``₂₀ₓ₂``: a shape written as a subscript."""
    return "ₓ".join(str(s).translate(_SUB) for s in shape)


def inline_text(value: object, precision: int, paren_negative: bool = False) -> str:
    """One line, ``[1 2; 3 4]``; abbreviated matrices carry their shape."""
    if is_scalar(value):
        s = num(scalar(value), precision)
        return f"({s})" if paren_negative and s.startswith("-") else s
    g = grid(value, precision, limits=(INLINE, INLINE))
    body = "; ".join(
        "…" if r[0] == "⋮" else " ".join(c for c in r if c not in ("⋮", "⋱"))
        for r in g.rows
    )
    return f"[{body}]" + (shape_subscript(g.shape) if g.abbreviated else "")


def block_text(value: object, precision: int, budget: int | None = None) -> list[str]:
    """A matrix on several lines, columns right-aligned, within ``budget``."""
    if is_scalar(value):
        return [num(scalar(value), precision)]
    g = grid(value, precision, None if budget is None else budget - 2)
    widths = [max(len(r[j]) for r in g.rows) for j in range(len(g.rows[0]))]
    lines = [
        " ".join(
            c.center(w) if c in _SKIP else c.rjust(w)
            for c, w in zip(r, widths, strict=True)
        )
        for r in g.rows
    ]
    tail = shape_subscript(g.shape) if g.abbreviated else ""
    if len(lines) == 1:
        return [f"[{lines[0]}]{tail}"]
    edges = [("⎡", "⎤")] + [("⎢", "⎥")] * (len(lines) - 2) + [("⎣", "⎦")]
    out = [f"{lo}{c}{hi}" for c, (lo, hi) in zip(lines, edges, strict=True)]
    out[-1] += tail
    return out


_TEX = {"…": r"\cdots", "⋮": r"\vdots", "⋱": r"\ddots"}


def bmatrix(
    value: object,
    precision: int,
    paren_negative: bool = False,
    row_sep: str = r" \\ ",
    limits: tuple[int, int] = (MAX_ROWS, MAX_COLS),
) -> str:
    """LaTeX: a number, or a ``bmatrix`` (abbreviated with its shape)."""
    if is_scalar(value):
        s = num_latex(scalar(value), precision)
        return f"({s})" if paren_negative and s.startswith("-") else s
    g = grid(value, precision, latex=True, limits=limits)
    body = row_sep.join(" & ".join(_TEX.get(c, c) for c in r) for r in g.rows)
    tail = "_{" + r" \times ".join(map(str, g.shape)) + "}" if g.abbreviated else ""
    return rf"\begin{{bmatrix}}{body}\end{{bmatrix}}{tail}"
