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
               a scalar chain's elementary functions
``Equation``   one step: ``formula``, ``= substitution``, ``= value``
``Details``    the lines under a step: its product's shapes, why an operand
               is transposed, each element term by term (``level="element"``),
               the rows of a cost table (``steps=N``)
=============  ==============================================================

(defined in :mod:`chainrule.explainer.render.records`, with their ``plain``
forms).

A formula is a :class:`Math`: pieces of text (plain and LaTeX) and
:class:`Value` pieces that each renderer lays out in its medium (abbreviated
beyond :data:`chainrule.explainer.render.grid.MAX_ROWS` rows and
:data:`~chainrule.explainer.render.grid.MAX_COLS` columns; the JSON rendering
keeps every value).

How a new kind of content gets rendered: a step is turned into records by
:func:`step_records`, from whatever the :class:`~chainrule.explainer.Step`
carries (name, formula, substitution, value, shape, note, details). New
content becomes either existing records
(an ``Equation`` per line, a ``Table``) or a new frozen dataclass here with a
``plain(precision) -> list[str]`` method, yielded by :func:`step_records` or
:func:`walk`. A renderer without a formatter for a record type prints its
``plain`` lines (:func:`render`), so new content shows everywhere at once;
then give each renderer a formatter in its ``FORMATTERS``.

Examples
--------
>>> import chainrule as cr
>>> from chainrule.explainer.problems.files import load_example
>>> records = list(walk(load_example("seed004").explain()))
>>> [type(r).__name__ for r in records[:5]]
['Heading', 'Paragraph', 'Paragraph', 'Contents', 'Diagram']
>>> eq = next(r for r in records if isinstance(r, Equation) and r.anchor == "z2")
>>> eq.plain(6)
['z⁽²⁾ = X W⁽¹⁾', '     = 3 · 0.5', '     = 1.5']
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from chainrule.explainer.model.step import PLACEHOLDER, Step
from chainrule.explainer.notation.numbers import shape_text
from chainrule.explainer.render.records import (
    Contents,
    Details,
    Diagram,
    Equation,
    Heading,
    Math,
    Paragraph,
    Record,
    Table,
    Value,
)

HEADINGS = {
    "given": "Given",
    "forward": "Forward",
    "backward": "Backward",
    "update": "Update: gradient descent",
    "forward_again": "Forward again, with the new parameters",
    "descent": "Several steps of gradient descent",
}
DIAGRAM_UNITS = 16  # wider layers are not drawn (the diagram would not be read)


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
    if s.details:
        yield Details(s.symbol, tuple(s.details))


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
    if bias and not ex.update_biases:
        parts[3] += " (frozen: not updated)"
    if ex.convention == "column":
        parts.append("column convention (Z = WA + b)")
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
    notes = dict.fromkeys(s.note for s in ex.phase("given") if s.note)
    for note in notes:  # which example of a batch is explained
        yield Paragraph(f"X and y: {note}", "meta")


def _steps(ex, phase: str) -> Iterator[Record]:
    for s in ex.phase(phase):
        yield from step_records(ex, s)


def _chain(chain) -> Iterator[Record]:
    """A scalar chain's table of elementary functions, then its products."""
    yield Heading(3, chain.table_title, "chain-table")
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
    yield Heading(3, chain.rule_title, "chain-rule")
    for target, links in chain.products:
        yield Heading(4, f"dJ/d{target}", f"chain-{target}")
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
    # one example per row: the column convention's matrices turned back
    rows = (
        (lambda v: np.atleast_2d(v).T) if ex.convention == "column" else np.atleast_2d
    )
    if ex.convention == "column":
        weights = tuple(w.T for w in weights)
        biases = tuple(None if b is None else b.T for b in biases)
    units = tuple(rows(ex[k].value)[example] for k in keys)
    deltas = (None, *(rows(ex[f"delta{l}"].value)[example] for l in range(2, L + 2)))
    n = rows(ex["X"].value).shape[0]
    first = 1 if ex.notation == "welch" and ex.convention == "row" else 0
    return Diagram(sizes, weights, biases, units, deltas, example, n, first)


def walk(ex) -> Iterator[Record]:
    """Every record of ``ex``, in reading order (see the module's docstring)."""
    yield Heading(1, ex.title, "top")
    if ex.description:
        yield Paragraph(ex.description, "description")
    yield Paragraph(network_line(ex), "meta")
    entries = [(2, HEADINGS[p], p) for p in ex.phases]
    if ex.scalar_chain is not None:
        at = ex.phases.index("backward") + 1
        entries[at:at] = [
            (3, ex.scalar_chain.table_title, "chain-table"),
            (3, ex.scalar_chain.rule_title, "chain-rule"),
        ]
    yield Contents(tuple(entries))
    if max(ex.network["sizes"]) <= DIAGRAM_UNITS:
        yield diagram(ex)
    for phase in ex.phases:
        yield Heading(2, HEADINGS[phase], phase)
        yield from (_given(ex) if phase == "given" else _steps(ex, phase))
        if phase == "backward" and ex.scalar_chain is not None:
            yield from _chain(ex.scalar_chain)


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
