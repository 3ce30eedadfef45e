"""One walk over an explanation: the records that every renderer formats.

:func:`walk` goes through the derivation once, phase by phase, and yields
records; the text, Markdown, LaTeX and HTML renderers only format them, each
with a table ``FORMATTERS`` from record type to a function. The records:

=============  ==============================================================
``Heading``    the title (level 1), a phase (2), a part of it (3, 4)
``Paragraph``  prose: the description, the settings line, a remark
``Contents``   the table of contents (the headings of level 2 and 3)
``Diagram``    the network: weights on the edges, values on the units
``Table``      columns of cells (``str`` or :class:`Math`): the given values,
               seed 004's elementary functions
``Equation``   one step: ``formula``, ``= substitution``, ``= value``
=============  ==============================================================

A formula is a :class:`Math`: pieces of text (plain and LaTeX) and
:class:`Value` pieces that each renderer lays out in its medium (abbreviated
beyond :data:`chainrule.explainer.render.grid.MAX_ROWS` rows and
:data:`~chainrule.explainer.render.grid.MAX_COLS` columns; the JSON rendering
keeps every value).

How a new kind of content gets rendered: a step is turned into records by
:func:`step_records`, from whatever the :class:`~chainrule.explainer.Step`
carries (name, formula, substitution, value, shape, note). New content (an
element-level expansion, a worksheet line) becomes either existing records
(an ``Equation`` per line, a ``Table``) or a new frozen dataclass here with a
``plain(precision) -> list[str]`` method, yielded by :func:`step_records` or
:func:`walk`. A renderer without a formatter for a record type prints its
``plain`` lines (:func:`render`), so new content shows everywhere at once;
then give each renderer a formatter in its ``FORMATTERS``.

Examples
--------
>>> import chainrule as cr
>>> from chainrule.explainer.problems import load_example
>>> records = list(walk(load_example("seed004").explain()))
>>> [type(r).__name__ for r in records[:5]]
['Heading', 'Paragraph', 'Paragraph', 'Contents', 'Diagram']
>>> eq = next(r for r in records if isinstance(r, Equation) and r.anchor == "z2")
>>> eq.plain(6)
['z⁽²⁾ = X W⁽¹⁾', '     = 3 · 0.5', '     = 1.5']
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from chainrule.explainer.numbers import is_scalar, shape_text
from chainrule.explainer.render.grid import INLINE, grid, inline_text
from chainrule.explainer.steps import PLACEHOLDER, Step

HEADINGS = {
    "given": "Given",
    "forward": "Forward",
    "backward": "Backward",
    "update": "Update: gradient descent",
    "forward_again": "Forward again, with the new parameters",
}
DIAGRAM_UNITS = 16  # wider layers are not drawn (the diagram would not be read)
CHAIN_TABLE = "Elementary functions and their derivatives (seed 004, problem 3)"
CHAIN_RULE = "The chain rule, link by link (seed 004, problem 4)"


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
    """The network with the given weights and the forward values of one example.

    Attributes
    ----------
    sizes : tuple of int
    weights, biases : tuple of arrays
        ``W{l}`` (inputs × outputs) and ``b{l}`` (1 × outputs, or ``None``).
    units : tuple of (n,) arrays
        The value of every unit for example ``example``: the input row, each
        activation, ŷ.
    example, n_examples : int
    """

    sizes: tuple
    weights: tuple
    biases: tuple
    units: tuple
    example: int
    n_examples: int

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


Record = Heading | Paragraph | Contents | Diagram | Table | Equation


def resolve(ex, text: str, latex: str) -> Math | None:
    """A substitution template with each ``⟦key⟧`` as the :class:`Value` of ``key``."""
    if not text:
        return None

    def pieces(template: str) -> tuple:
        parts = PLACEHOLDER.split(template)
        return tuple(
            Value(ex[p].value, True) if i % 2 else p
            for i, p in enumerate(parts)
            if p or i % 2
        )

    return Math(pieces(text), pieces(latex))


def step_records(ex, s: Step) -> Iterator[Record]:
    """The records of one step (see the module's docstring for new kinds)."""
    yield Equation(
        s.symbol,
        Math.of(s.name, s.name_latex),
        Math.of(s.formula, s.formula_latex),
        resolve(ex, s.substitution, s.substitution_latex),
        Value(s.value),
        s.shape,
        s.note,
    )


def network_line(ex) -> str:
    """One line describing the network and the settings."""
    net = ex.network
    bias = [f"b{i + 1}" for i, b in enumerate(net["bias"]) if b]
    parts = [
        "sizes " + "-".join(str(s) for s in net["sizes"]),
        "activations " + ", ".join(net["activation"]),
        f"cost {net['loss']}",
        "biases " + (", ".join(bias) if bias else "none"),
        f"notation {ex.notation}",
    ]
    if net.get("l2"):
        parts.append(f"λ = {net['l2']:g}")
    if ex.learning_rate is not None:
        parts.append(f"α = {ex.learning_rate:g}")
    return " · ".join(parts)


def _value(v: object) -> Math:
    return Math((Value(v),), (Value(v),))


def _given(ex) -> Iterator[Record]:
    rows = tuple(
        (Math.of(s.name, s.name_latex), shape_text(s.shape), _value(s.value))
        for s in ex.phase("given")
    )
    yield Table(("symbol", "shape", "value"), rows, "given-values")


def _steps(ex, phase: str) -> Iterator[Record]:
    for s in ex.phase(phase):
        yield from step_records(ex, s)


def _chain(chain) -> Iterator[Record]:
    """Seed 004's table of elementary functions, then the chain products."""
    yield Heading(3, CHAIN_TABLE, "chain-table")
    yield Paragraph(chain.mapping, "meta", chain.mapping_latex)
    rows = tuple(
        (
            Math.of(r.function, r.function_latex),
            Math.of(r.derivative, r.derivative_latex),
            _value(r.value),
        )
        for r in chain.rows
    )
    yield Table(("function", "derivative", "value"), rows, "chain-functions")
    yield Heading(3, CHAIN_RULE, "chain-rule")
    for target, links in chain.products:
        yield Heading(4, f"∂J/∂{target}", f"chain-{target}")
        for k in links:
            mid = (
                (f" = {k.product}", f" = {k.product_latex}") if k.product else ("", "")
            )
            yield Equation(
                f"chain-{target}-{k.symbol}",
                Math.of(k.name, k.name_latex),
                Math.of(k.name + mid[0], k.name_latex + mid[1]),
                None,
                Value(k.value),
                compact=True,
            )


def diagram(ex, example: int = 0) -> Diagram:
    """The network of ``ex`` with its given weights and example ``example``."""
    sizes = tuple(ex.network["sizes"])
    L = len(sizes) - 1
    weights = tuple(ex[f"W{l}"].value for l in range(1, L + 1))
    biases = tuple(
        ex[f"b{l}"].value if f"b{l}" in ex else None for l in range(1, L + 1)
    )
    keys = ["X", *(f"a{l}" for l in range(2, L + 1)), "yHat"]
    units = tuple(np.atleast_2d(ex[k].value)[example] for k in keys)
    return Diagram(sizes, weights, biases, units, example, ex["X"].shape[0])


def walk(ex) -> Iterator[Record]:
    """Every record of ``ex``, in reading order (see the module's docstring)."""
    yield Heading(1, ex.title, "top")
    if ex.description:
        yield Paragraph(ex.description, "description")
    yield Paragraph(network_line(ex), "meta")
    entries = [(2, HEADINGS[p], p) for p in ex.phases]
    if ex.chain is not None:
        at = ex.phases.index("backward") + 1
        entries[at:at] = [
            (3, CHAIN_TABLE, "chain-table"),
            (3, CHAIN_RULE, "chain-rule"),
        ]
    yield Contents(tuple(entries))
    if max(ex.network["sizes"]) <= DIAGRAM_UNITS:
        yield diagram(ex)
    for phase in ex.phases:
        yield Heading(2, HEADINGS[phase], phase)
        yield from (_given(ex) if phase == "given" else _steps(ex, phase))
        if phase == "backward" and ex.chain is not None:
            yield from _chain(ex.chain)


def render(
    records, formatters: dict[type, Callable], fallback: Callable, precision: int
) -> list:
    """Format each record with ``formatters[type(record)]``.

    A record without a formatter is written as ``fallback(record.plain(...))``.
    Each formatter returns a list of outputs; the lists are concatenated.
    """
    out: list = []
    for record in records:
        fmt = formatters.get(type(record))
        if fmt is None:
            out.extend(fallback(record.plain(precision)))
        else:
            out.extend(fmt(record, precision))
    return out
