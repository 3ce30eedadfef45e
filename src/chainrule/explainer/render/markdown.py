"""The Markdown rendering: GitHub-flavoured, math in ``$...$`` and ``$$...$$``.

GitHub renders ``$...$`` inline and ``$$...$$`` display math with MathJax;
matrices are ``bmatrix`` environments, abbreviated beyond a size
(:mod:`chainrule.explainer.render.grid`). Each step is an ``aligned`` block:
the formula, then ``= substitution``, then ``= value``, one per line.
Formatting only: every number is a step's value.
"""

from __future__ import annotations

from chainrule.explainer.notation.numbers import bmatrix as value_bmatrix
from chainrule.explainer.notation.numbers import check_precision, shape_text
from chainrule.explainer.render.details import detail_latex, is_math
from chainrule.explainer.render.grid import INLINE, bmatrix
from chainrule.explainer.render.prose import convert
from chainrule.explainer.render.records import WORKSHEET_CHOICES, WORKSHEET_ERRATA
from chainrule.explainer.render.walk import (
    Contents,
    Details,
    Diagram,
    Equation,
    Heading,
    Math,
    Paragraph,
    Table,
    Value,
    render,
    walk,
)

# about 80 characters of math fit a line of a rendered page (GitHub, Jupyter,
# A4 with 2-cm margins in LaTeX, a 1200-pixel window)
BUDGET = 80


def escape(text: str) -> str:
    """Text for a Markdown paragraph or table cell (no stray markup)."""
    for ch in "\\`*_|<>[]$":
        text = text.replace(ch, "\\" + ch)
    return text


def prose(text: str) -> str:
    """Prose (:mod:`~chainrule.explainer.render.prose`): text escaped, maths
    in ``$...$`` (a bar as ``\\vert``, which a table cell needs), literals
    in backquotes."""
    return convert(
        text,
        escape,
        lambda m: "$" + m.replace("|", r"\vert ") + "$",
        lambda c: f"`{c}`",
    )


def latex(m: Math, precision: int, inline: bool = True) -> str:
    """A :class:`Math` in LaTeX: values as ``bmatrix`` (smaller when inline)."""
    limits = (INLINE, INLINE) if inline else None
    out = []
    for p in m.latex:
        if isinstance(p, str):
            out.append(p)
        elif limits is None:
            out.append(bmatrix(p.value, precision, p.paren_negative))
        else:
            out.append(bmatrix(p.value, precision, p.paren_negative, limits=limits))
    return "".join(out)


def equation_lines(r: Equation, precision: int) -> list[str]:
    """The formula, ``= substitution`` and ``= value``, one LaTeX line each.

    A substitution too wide for a line breaks before an operator
    (:meth:`~chainrule.explainer.render.walk.Math.lines`).
    """
    value = bmatrix(r.value.value, precision)
    if r.compact:
        return [f"{r.formula.latex[0]} = {value}"]
    lines = [r.formula.latex[0]]
    if r.substitution is not None:
        for i, part in enumerate(r.substitution.lines(BUDGET, precision)):
            lead = r"\quad = " if i == 0 else r"\qquad "
            lines.append(lead + latex(part, precision))
    return [*lines, r"\quad = " + value]


def _heading(r: Heading, precision: int) -> list[str]:
    return ["#" * r.level + " " + escape(r.text), ""]


def _paragraph(r: Paragraph, precision: int) -> list[str]:
    return [r.latex or prose(r.text), ""]


def _cell(c, precision: int) -> str:
    if isinstance(c, str):
        return escape(c)
    return f"${latex(c, precision)}$"


def _table(r: Table, precision: int) -> list[str]:
    lines = ["| " + " | ".join(r.columns) + " |", "|" + "---|" * len(r.columns)]
    for row in r.rows:
        lines.append("| " + " | ".join(_cell(c, precision) for c in row) + " |")
    return [*lines, ""]


def _equation(r: Equation, precision: int) -> list[str]:
    lines = equation_lines(r, precision)
    if r.compact:
        return ["$$", lines[0], "$$", ""]
    head = f"**${r.name.latex[0]}$** · shape {shape_text(r.shape)}"
    if r.note:
        head += f" · {prose(r.note)}"
    body = " \\\\\n".join("& " + line for line in lines)
    return [head, "", "$$", r"\begin{aligned}", body, r"\end{aligned}", "$$", ""]


def _details(r: Details, precision: int) -> list[str]:
    """The lines under a step as a bullet list: math, or prose."""
    out = []
    for d in r.lines:
        line = f"${detail_latex(d, precision)}$" if is_math(d) else escape(d.text)
        out.append(f"- {line}")
    return [*out, ""]


def _contents(r: Contents, precision: int) -> list[str]:
    return [
        "  " * (level - 2) + f"- [{escape(text)}](#{anchor})"
        for level, text, anchor in r.entries
    ] + [""]


def _fallback(lines: list[str]) -> list[str]:
    return [*(escape(line) + "  " for line in lines), ""]


FORMATTERS = {
    Heading: _heading,
    Paragraph: _paragraph,
    Contents: lambda r, p: [],  # GitHub lists the headings itself
    Diagram: lambda r, p: [],  # drawn by the HTML page and by chainrule.plot
    Table: _table,
    Equation: _equation,
    Details: _details,
}


def to_markdown(ex, precision: int = 6) -> str:
    """The explanation as one Markdown document."""
    precision = check_precision(precision)
    out = render(walk(ex), FORMATTERS, _fallback, precision)
    return "\n".join(out).rstrip() + "\n"


__all__ = ["FORMATTERS", "Value", "equation_lines", "latex", "prose", "to_markdown"]


# ------------------------------------------------------------- worksheets
def _part_md(p, precision: int) -> list[str]:
    if p.kind == "number":
        return [
            "$$",
            f"{p.latex or p.text} = {value_bmatrix(p.value, precision)}",
            "$$",
            "",
        ]
    if p.kind == "expression" and p.latex:
        return ["$$", p.latex, "$$", ""]
    out = [prose(p.text), ""] if p.text else []
    for d in p.details:
        line = f"${detail_latex(d, precision)}$" if is_math(d) else escape(d.text)
        out.append(f"- {line}")
    return [*out, ""] if p.details else out


def worksheet_to_markdown(ws, precision: int = 6) -> str:
    """The worksheet as Markdown (``$...$`` math)."""
    precision = check_precision(precision)
    out = [f"# {prose(ws.title)}", "", prose(ws.source), ""]
    out += [prose(ws.description), ""]
    if ws.choices:
        out += [
            f"**{WORKSHEET_CHOICES}:**",
            "",
            *[f"- {prose(c)}" for c in ws.choices],
            "",
        ]
    for q in ws.questions:
        out += [f"## Question {q.number}", "", f"*{prose(q.text)}*", ""]
        for p in q.parts:
            out += _part_md(p, precision)
    if ws.errata:
        out += [
            f"## {WORKSHEET_ERRATA}",
            "",
            "| where | printed | correct | why |",
            "|---|---|---|---|",
        ]
        for e in ws.errata:
            cells = (e.place, e.printed, e.correct, e.why)
            out.append("| " + " | ".join(prose(c) for c in cells) + " |")
    return "\n".join(out).rstrip() + "\n"


# ------------------------------------------------- symbolic derivations
def derivation_to_markdown(d) -> str:
    """A symbolic derivation as Markdown (``$...$`` math)."""
    from chainrule.explainer.render.symbols import (
        HEADINGS,
        entries,
        header,
        mark,
        shape_words,
    )

    head = header(d)
    lines = [f"# {head[0]}", "", head[2], "", head[3]]
    for phase in HEADINGS:
        lines += ["", f"## {HEADINGS[phase]}"]
        for s in (s for s in d.steps if s.phase == phase):
            note = f" *{s.note}*" if s.note else ""
            lines += [
                "",
                f"$${s.formula_latex}$$",
                "",
                f"shape {shape_words(s.shape)}.{note}",
            ]
            lines.append("")
            for lhs, rhs, base in entries(d, s, True):
                tail = f" = {base}" if base else ""
                lines.append(f"- ${lhs} = {rhs}{tail}$")
            lines.append("")
            lines += [f"- {mark(c.ok)} {c.statement} ({c.method})" for c in s.checks]
    return "\n".join(lines) + "\n"
