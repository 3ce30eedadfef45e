"""The terminal rendering, with Rich: colours on a terminal, plain text elsewhere.

:func:`renderables` formats the records of :func:`~chainrule.explainer.render.walk.walk`
as Rich objects (it never computes); :func:`to_text` prints them to a
colourless console of ``width`` columns (:data:`WIDTH` by default) and
returns the text. No line is longer than that: long formulas and
substitutions break onto indented lines, and matrices wider than the page
are abbreviated (``…``) with their shape (:mod:`chainrule.explainer.render.grid`).
"""

from __future__ import annotations

import io
from contextvars import ContextVar

from rich import box
from rich.cells import cell_len
from rich.console import Console, RenderableType
from rich.rule import Rule
from rich.table import Table as RichTable
from rich.text import Text

from chainrule.explainer.notation.numbers import block, check_precision, shape_text
from chainrule.explainer.render.details import detail_text
from chainrule.explainer.render.grid import block_text, inline_text
from chainrule.explainer.render.prose import plain
from chainrule.explainer.render.records import WORKSHEET_CHOICES, WORKSHEET_ERRATA
from chainrule.explainer.render.walk import (
    HEADINGS,
    Contents,
    Details,
    Diagram,
    Equation,
    Heading,
    Math,
    Paragraph,
    Table,
    Value,
    network_line,
    render,
    walk,
)

__all__ = [
    "HEADINGS",
    "WIDTH",
    "fold_lines",
    "network_line",
    "print_all",
    "renderables",
    "to_text",
]

WIDTH = 100
_MEASURE = Console(width=WIDTH, file=io.StringIO(), color_system=None)
#: The columns of the rendering under way (:func:`to_text`'s ``width``).
_COLUMNS: ContextVar[int] = ContextVar("columns", default=WIDTH)


def _fold(text: Text, indent: int, width: int | None = None) -> list[Text]:
    """``text`` broken at spaces into lines ≤ ``width`` (the rendering's
    columns by default), continuations indented."""
    width = _COLUMNS.get() if width is None else width
    lines = text.wrap(_MEASURE, width - indent, overflow="fold")
    out = []
    for i, line in enumerate(lines):
        line.rstrip()
        out.append(Text(" " * indent) + line if i else line)
    return out


def _join(lines: list[Text]) -> Text:
    out = Text(no_wrap=True)
    for i, line in enumerate(lines):
        out.append_text(line)
        if i < len(lines) - 1:
            out.append("\n")
    return out


def _heading(r: Heading, precision: int) -> list[RenderableType]:
    if r.level == 1:
        return [_join(_fold(Text(r.text, style="bold"), 0))]
    if r.level <= 3:
        return [Rule(r.text)]
    return [_join(_fold(Text(r.text, style="bold magenta"), 2))]


def _paragraph(r: Paragraph, precision: int) -> list[RenderableType]:
    return [Text(plain(r.text), style="dim" if r.kind == "meta" else "")]


def _cell(c: str | Math, precision: int, budget: int) -> str:
    if isinstance(c, str):
        return c
    if len(c.text) == 1 and isinstance(c.text[0], Value):
        return "\n".join(block_text(c.text[0].value, precision, budget))
    return c.plain(precision)


def _table(r: Table, precision: int) -> list[RenderableType]:
    table = RichTable(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for col in r.columns:
        right = col == "value" and r.columns[0] != "symbol"
        table.add_column(col, justify="right" if right else "left")
    budget = _COLUMNS.get() - 40
    for row in r.rows:
        cells = [_cell(c, precision, budget) for c in row]
        if r.columns[0] == "symbol":
            table.add_row(Text(cells[0], style="bold cyan"), *cells[1:])
        else:
            table.add_row(*cells)
    return [table]


def _head(r: Equation, precision: int) -> Text:
    name = r.name.plain(precision)
    style = "bold magenta" if r.compact else "bold cyan"
    head = Text(("  " if r.compact else "") + name, style=style)
    head.append(r.formula.plain(precision)[len(name) :])
    if r.shape is not None:
        head.append(f"   shape {shape_text(r.shape)}", style="dim")
    if r.note:
        head.append(f"   ({plain(r.note)})", style="dim italic")
    return head


def _equation(r: Equation, precision: int) -> list[RenderableType]:
    name = r.name.plain(precision)
    pad, assign = " " * len(name), " = "
    head = _head(r, precision)
    if r.compact:
        value = inline_text(r.value.value, precision)
        if head.cell_len + 3 + len(value) <= _COLUMNS.get():
            head.append(assign)
            head.append(value, style="bold")
            return [_join(_fold(head, 4))]
    lines = _fold(head, len(pad) + len(assign))
    if r.substitution is not None:
        indent = len(pad) + len(assign)
        columns = _COLUMNS.get() - indent
        for i, part in enumerate(r.substitution.lines(columns, precision, True)):
            sub = Text(pad + (assign if i == 0 else " " * len(assign)))
            lines += _fold(sub + Text(part.plain(precision)), indent)
    block = block_text(r.value.value, precision, _COLUMNS.get() - len(pad) - 13)
    mid = (len(block) - 1) // 2
    for i, line in enumerate(block):
        lead = Text(pad + (assign if i == mid else " " * len(assign)))
        lead.append(line, style="bold")
        lines.append(lead)
    return [_join(lines)]


def _details(r: Details, precision: int) -> list[RenderableType]:
    """The lines under a step, dim and indented; a long one folds at spaces."""
    lines = []
    for d in r.lines:
        lines += _fold(Text("    " + detail_text(d, precision), style="dim"), 8)
    return [_join(lines)]


def _fallback(lines: list[str]) -> list[RenderableType]:
    return [_join([x for line in lines for x in _fold(Text(line), 4)])]


FORMATTERS = {
    Heading: _heading,
    Paragraph: _paragraph,
    Contents: lambda r, p: [],  # a terminal scrolls; the headings are the rules
    Diagram: lambda r, p: [],  # drawn by the HTML page and by chainrule.plot
    Table: _table,
    Equation: _equation,
    Details: _details,
}


def renderables(ex, precision: int = 6, width: int = WIDTH) -> list[RenderableType]:
    """The rendering as a list of Rich objects, for any console, its long
    lines folded to ``width`` columns (at least 40)."""
    precision = check_precision(precision)
    token = _COLUMNS.set(max(int(width), 40))
    try:
        return render(walk(ex), FORMATTERS, _fallback, precision)
    finally:
        _COLUMNS.reset(token)


def print_all(console: Console, items: list[RenderableType]) -> None:
    """Print; a console narrower than :data:`WIDTH` folds the long lines."""
    for item in items:
        console.print(item, overflow="fold")


def to_text(ex, precision: int = 6, width: int = WIDTH) -> str:
    """Plain text: the Rich rendering without colours, ``width`` columns
    (at least 40)."""
    width = max(int(width), 40)
    items = renderables(ex, precision, width)
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=width,
        color_system=None,
        force_terminal=False,
        highlight=False,
        emoji=False,
        markup=False,
    )
    print_all(console, items)
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


# ------------------------------------------------------------- worksheets
def fold_lines(text: str, indent: int, width: int = WIDTH) -> list[str]:
    """``text`` broken at spaces into lines of at most ``width`` columns
    (display width), the continuations indented by ``indent``; a word wider
    than the line is cut."""
    return [line.plain.rstrip() for line in _fold(Text(text), indent, width)]


def _part_text(p, precision: int, width: int) -> list[str]:
    """A part at 4 columns: prose and details folded, matrices as they are."""
    if p.kind == "number":
        label = plain(p.text)
        lines = block(p.value, precision)
        if len(lines) == 1:
            return [f"    {label} = {lines[0]}"]
        pad = " " * (cell_len(label) + 1)
        mid = (len(lines) - 1) // 2
        return [
            "    " + (f"{label} = " if i == mid else pad + "  ") + line
            for i, line in enumerate(lines)
        ]
    out = fold_lines("    " + plain(p.text), 6, width) if p.text else []
    for d in p.details:
        out += fold_lines("      " + detail_text(d, precision), 10, width)
    return out


def worksheet_to_text(ws, precision: int = 6, width: int = WIDTH) -> str:
    """The worksheet as plain text, its prose folded at ``width`` columns."""
    precision = check_precision(precision)
    title = fold_lines(plain(ws.title), 0, width)
    out = [*title, "=" * max(cell_len(t) for t in title)]
    out += [*fold_lines(plain(ws.source), 0, width), ""]
    out += [*fold_lines(plain(ws.description), 0, width), ""]
    if ws.choices:
        out.append(WORKSHEET_CHOICES + ":")
        for c in ws.choices:
            out += fold_lines(f"- {plain(c)}", 2, width)
        out.append("")
    for q in ws.questions:
        out += [*fold_lines(f"Question {q.number}. {plain(q.text)}", 4, width), ""]
        for p in q.parts:
            out += _part_text(p, precision, width)
        out.append("")
    if ws.errata:
        out += [WORKSHEET_ERRATA + ":", ""]
        for e in ws.errata:
            out += fold_lines(
                f"- {plain(e.place)}: the seed prints {plain(e.printed)}", 4, width
            )
            out += fold_lines(f"  correct: {plain(e.correct)}", 4, width)
            out += [*fold_lines(f"  why: {plain(e.why)}", 4, width), ""]
    return "\n".join(out).rstrip() + "\n"


# ------------------------------------------------- symbolic derivations
def derivation_to_text(d) -> str:
    """A symbolic derivation as plain text."""
    from chainrule.explainer.render.symbols import (
        HEADINGS,
        entries,
        header,
        mark,
        shape_words,
    )

    lines = header(d)
    for phase in HEADINGS:
        lines += ["", HEADINGS[phase], "-" * len(HEADINGS[phase])]
        for s in (s for s in d.steps if s.phase == phase):
            note = f"   [{s.note}]" if s.note else ""
            lines += ["", f"{s.formula}   (shape {shape_words(s.shape)}){note}"]
            for lhs, rhs, base in entries(d, s, False):
                lines.append(
                    f"    {lhs} = {rhs}" + (f"\n        = {base}" if base else "")
                )
            for c in s.checks:
                lines.append(f"  {mark(c.ok)} {c.statement} ({c.method})")
    return "\n".join(lines) + "\n"
