"""The records that the walk yields and the renderers format (data only).

See :mod:`chainrule.explainer.render.walk` for the order in which they come
and for how a new kind of record gets rendered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chainrule.explainer.notation.numbers import is_scalar
from chainrule.explainer.render.details import detail_text
from chainrule.explainer.render.grid import INLINE, grid, inline_text


@dataclass(frozen=True, eq=False)
class Value:
    """A number or a matrix inside a formula; negative ones parenthesised."""

    value: object
    paren_negative: bool = False

    def width(self, precision: int, inline: bool = False) -> int:
        """Characters of its widest row when written plainly (or of one line)."""
        if inline or is_scalar(self.value):
            return len(inline_text(self.value, precision, self.paren_negative))
        g = grid(self.value, precision, limits=(INLINE, INLINE))
        return max(sum(len(c) + 2 for c in r) for r in g.rows) + 2


@dataclass(frozen=True, eq=False)
class Math:
    """A formula: ``text`` and ``latex`` pieces, ``str`` or :class:`Value`."""

    text: tuple
    latex: tuple

    @classmethod
    def of(cls, text: str, latex: str) -> Math:
        return cls((text,), (latex,))

    def plain(self, precision: int) -> str:
        return "".join(
            p if isinstance(p, str) else inline_text(p.value, precision, True)
            for p in self.text
        )

    def lines(self, budget: int, precision: int, inline: bool = False) -> list[Math]:
        """Split before an operator between two values, each line ≤ ``budget``.

        The width is counted in characters of the plain rendering; a value
        wider than the budget gets a line of its own; ``inline`` counts a
        matrix written on one line (text) rather than as a block. Only an operator
        (``·``, ``∘``, ``+``, ``−``) right before a value is a break point.
        """
        tv = [i for i, p in enumerate(self.text) if isinstance(p, Value)]
        lv = [i for i, p in enumerate(self.latex) if isinstance(p, Value)]
        if len(tv) != len(lv):
            return [self]

        def op(pieces, at, pattern):
            return (
                at > 0
                and isinstance(pieces[at - 1], str)
                and pattern.search(pieces[at - 1])
            )

        breaks, used = [], 0
        for k, i in enumerate(tv):
            start = tv[k - 1] + 1 if k else 0
            w = sum(
                len(p) if isinstance(p, str) else p.width(precision, inline)
                for p in self.text[start : i + 1]
            )
            can = k and op(self.text, i, _TEXT_OP) and op(self.latex, lv[k], _TEX_OP)
            if can and used and used + w > budget:
                breaks.append(k)
                used = 0
            used += w
        if not breaks:
            return [self]
        text = _split(self.text, [tv[k] for k in breaks], _TEXT_OP)
        latex = _split(self.latex, [lv[k] for k in breaks], _TEX_OP)
        return [Math(t, x) for t, x in zip(text, latex, strict=True)]


_TEXT_OP = re.compile(r"\s[·∘+−]\s*$")
_TEX_OP = re.compile(r"\s(\\cdot|\\circ|\+|-)\s*$")


def _split(pieces: tuple, at: list[int], pattern: re.Pattern) -> list[tuple]:
    """``pieces`` cut before each index of ``at``, the operator moving down."""
    out, current = [], list(pieces[: at[0] - 1])
    bounds = [*at, len(pieces) + 1]
    for n, i in enumerate(at):
        before = pieces[i - 1]
        m = pattern.search(before)
        current.append(before[: m.start()])
        out.append(tuple(p for p in current if p != ""))
        current = [before[m.start() :].lstrip(), *pieces[i : bounds[n + 1] - 1]]
    out.append(tuple(p for p in current if p != ""))
    return out


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    anchor: str = ""

    def plain(self, precision: int) -> list[str]:
        return [self.text]


@dataclass(frozen=True)
class Paragraph:
    """Prose; ``kind`` is ``"description"``, ``"meta"`` or ``"note"``.

    ``latex``, when given, is the same in LaTeX text mode with ``$...$`` math.
    """

    text: str
    kind: str = "description"
    latex: str = ""

    def plain(self, precision: int) -> list[str]:
        return [self.text]


@dataclass(frozen=True)
class Contents:
    """The headings to list: ``(level, text, anchor)`` each."""

    entries: tuple

    def plain(self, precision: int) -> list[str]:
        return ["  " * (lvl - 2) + text for lvl, text, _ in self.entries]


@dataclass(frozen=True, eq=False)
class Diagram:
    """The network with its weights and the values of one example on its units.

    Attributes
    ----------
    sizes : tuple of int
    weights, biases : tuple of arrays
        ``W{l}`` (inputs × outputs) and ``b{l}`` (1 × outputs, or ``None``).
    units : tuple of (n,) arrays
        The value of every unit for example ``example``: the input row, each
        activation, ŷ.
    deltas : tuple of (n,) arrays or None
        ``δ`` of every unit for the same example (``None`` for the input).
    example, n_examples : int
    first_layer : int
        The input layer's number in the explanation's notation (1 in Welch
        notation, 0 in bracket notation and the column convention).
    """

    sizes: tuple
    weights: tuple
    biases: tuple
    units: tuple
    deltas: tuple
    example: int
    n_examples: int
    first_layer: int = 1

    def plain(self, precision: int) -> list[str]:
        return ["network " + "-".join(map(str, self.sizes))]


@dataclass(frozen=True, eq=False)
class Table:
    """Rows of cells under ``columns``; a cell is ``str`` or :class:`Math`."""

    columns: tuple
    rows: tuple
    anchor: str = ""

    def plain(self, precision: int) -> list[str]:
        def cell(c):
            return c if isinstance(c, str) else c.plain(precision)

        return [" | ".join(self.columns)] + [
            " | ".join(cell(c) for c in r) for r in self.rows
        ]


@dataclass(frozen=True, eq=False)
class Equation:
    """One step: ``formula``, then ``= substitution``, then ``= value``.

    ``compact`` equations (a chain-rule link) are written on one line when
    they fit; ``shape`` is ``None`` where none is shown.
    """

    anchor: str
    name: Math
    formula: Math
    substitution: Math | None
    value: Value
    shape: tuple | None = None
    note: str = ""
    compact: bool = False

    def plain(self, precision: int) -> list[str]:
        pad = " " * len(self.name.plain(precision)) + " = "
        out = [self.formula.plain(precision)]
        if self.substitution is not None:
            out.append(pad + self.substitution.plain(precision))
        out.append(pad + inline_text(self.value.value, precision))
        return out

    @property
    def head(self) -> str:
        """The formula's right-hand side after the name (``" = X W⁽¹⁾"``)."""
        return self.formula.text[0][len(self.name.text[0]) :]


@dataclass(frozen=True, eq=False)
class Details:
    """The lines under a step (:class:`~chainrule.explainer.model.Detail`).

    Its product's shapes, why an operand is transposed, at element level each
    element term by term, and the rows of a cost table; each line reads
    ``text = factors = products = value``
    (:func:`chainrule.explainer.render.details.pieces`).
    """

    anchor: str
    lines: tuple

    def plain(self, precision: int) -> list[str]:
        return [detail_text(d, precision) for d in self.lines]


Record = Heading | Paragraph | Contents | Diagram | Table | Equation | Details


#: A worksheet's headings for its choices and its source's misprints.
WORKSHEET_CHOICES = "Chosen where the seed leaves a value open"
WORKSHEET_ERRATA = "Misprints in the seed"
