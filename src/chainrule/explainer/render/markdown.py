"""The Markdown rendering: GitHub-flavoured, math in ``$...$`` and ``$$...$$``.

GitHub renders ``$...$`` inline and ``$$...$$`` display math with MathJax;
matrices are ``bmatrix`` environments. Formatting only: every number is a
step's value.
"""

from __future__ import annotations

from chainrule.explainer.numbers import (
    bmatrix,
    check_precision,
    num,
    num_latex,
    shape_text,
    substitute,
)
from chainrule.explainer.render.details import detail_latex, is_math
from chainrule.explainer.render.text import HEADINGS, network_line


def _escape(text: str) -> str:
    """Text for a Markdown paragraph or table cell (no stray markup)."""
    for ch in "\\`*_|<>[]$":
        text = text.replace(ch, "\\" + ch)
    return text


def equation(ex, s, precision: int) -> str:
    """``formula = substitution = value`` in LaTeX (math mode)."""

    def value(key: str) -> str:
        return bmatrix(ex[key].value, precision, paren_negative=True)

    parts = [s.formula_latex]
    if s.substitution_latex:
        parts.append(substitute(s.substitution_latex, value))
    parts.append(bmatrix(s.value, precision))
    return " = ".join(parts)


def _given(ex, precision: int) -> list[str]:
    lines = ["| symbol | shape | value |", "|---|---|---|"]
    for s in ex.phase("given"):
        value = bmatrix(s.value, precision)
        lines.append(f"| ${s.name_latex}$ | {shape_text(s.shape)} | ${value}$ |")
    return [*lines, ""]


def _step(ex, s, precision: int) -> list[str]:
    head = f"**${s.name_latex}$** · shape {shape_text(s.shape)}"
    if s.note:
        head += f" · {_escape(s.note)}"
    return [
        head,
        "",
        "$$",
        equation(ex, s, precision),
        "$$",
        "",
        *details_md(s, precision),
    ]


def details_md(s, precision: int) -> list[str]:
    """The step's detail lines as a bullet list."""
    if not s.details:
        return []
    out = []
    for d in s.details:
        line = f"${detail_latex(d, precision)}$" if is_math(d) else _escape(d.text)
        out.append(f"- {line}")
    return [*out, ""]


def _chain(ex, precision: int) -> list[str]:
    chain = ex.chain
    out = [
        "### Elementary functions and their derivatives (seed 004, problem 3)",
        "",
        chain.mapping_latex,
        "",
        "| function | derivative | value |",
        "|---|---|---|",
    ]
    for r in chain.rows:
        out.append(
            f"| ${r.function_latex}$ | ${r.derivative_latex}$ | "
            f"${num_latex(r.value, precision)}$ |"
        )
    out += ["", "### The chain rule, link by link (seed 004, problem 4)", ""]
    for _, links in chain.products:
        rows = []
        for link in links:
            mid = f" = {link.product_latex}" if link.product_latex else ""
            rows.append(f"{link.name_latex} &{mid} = {num(link.value, precision)}")
        out += ["$$", r"\begin{aligned}", " \\\\\n".join(rows), r"\end{aligned}"]
        out += ["$$", ""]
    return out


def to_markdown(ex, precision: int = 6) -> str:
    """The explanation as one Markdown document."""
    precision = check_precision(precision)
    out = [f"# {_escape(ex.title)}", ""]
    if ex.description:
        out += [_escape(ex.description), ""]
    out += [_escape(network_line(ex)), ""]
    for phase in ex.phases:
        out += [f"## {HEADINGS[phase]}", ""]
        if phase == "given":
            out += _given(ex, precision)
            continue
        for s in ex.phase(phase):
            out += _step(ex, s, precision)
        if phase == "backward" and ex.chain is not None:
            out += _chain(ex, precision)
    return "\n".join(out).rstrip() + "\n"
