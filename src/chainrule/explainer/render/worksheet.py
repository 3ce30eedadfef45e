"""A worksheet's renderings: text, Markdown, LaTeX, HTML and JSON.

Formatting only: every number is a part's value or a detail's numbers.
"""

from __future__ import annotations

import html
import json
from dataclasses import asdict

import numpy as np

from chainrule.explainer.notation.numbers import block, bmatrix, check_precision
from chainrule.explainer.render.details import detail_latex, detail_text, is_math
from chainrule.explainer.render.latex import PREAMBLE
from chainrule.explainer.render.latex import escape as _escape_text

SCHEMA = "chainrule.worksheet/1"
ERRATA = "Misprints in the seed"
CHOICES = "Chosen where the seed leaves a value open"


def _value_lines(value, precision: int) -> list[str]:
    return block(value, precision)


# ------------------------------------------------------------------- text
def _part_text(p, precision: int) -> list[str]:
    if p.kind == "number":
        lines = _value_lines(p.value, precision)
        if len(lines) == 1:
            return [f"{p.text} = {lines[0]}"]
        pad = " " * (len(p.text) + 1)
        mid = (len(lines) - 1) // 2
        return [
            (f"{p.text} = " if i == mid else pad + "  ") + line
            for i, line in enumerate(lines)
        ]
    out = [p.text] if p.text else []
    out += ["  " + detail_text(d, precision) for d in p.details]
    return out


def to_text(ws, precision: int = 6) -> str:
    """The worksheet as plain text."""
    precision = check_precision(precision)
    out = [ws.title, "=" * len(ws.title), ws.source, "", ws.description, ""]
    if ws.choices:
        out += [CHOICES + ":", *[f"- {c}" for c in ws.choices], ""]
    for q in ws.questions:
        out += [f"Question {q.number}. {q.text}", ""]
        for p in q.parts:
            out += ["    " + line for line in _part_text(p, precision)]
        out.append("")
    if ws.errata:
        out += [ERRATA + ":", ""]
        for e in ws.errata:
            out += [
                f"- {e.where}: the seed prints {e.printed}",
                f"  correct: {e.correct}",
            ]
            out += [f"  why: {e.why}", ""]
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------- markdown
def _md_escape(text: str) -> str:
    for ch in "\\`*_|<>[]$":
        text = text.replace(ch, "\\" + ch)
    return text


def _part_md(p, precision: int) -> list[str]:
    if p.kind == "number":
        return ["$$", f"{p.latex or p.text} = {bmatrix(p.value, precision)}", "$$", ""]
    if p.kind == "expression" and p.latex:
        return ["$$", p.latex, "$$", ""]
    out = [_md_escape(p.text), ""] if p.text else []
    for d in p.details:
        line = f"${detail_latex(d, precision)}$" if is_math(d) else _md_escape(d.text)
        out.append(f"- {line}")
    return [*out, ""] if p.details else out


def to_markdown(ws, precision: int = 6) -> str:
    """The worksheet as Markdown (``$...$`` math)."""
    precision = check_precision(precision)
    out = [f"# {_md_escape(ws.title)}", "", _md_escape(ws.source), ""]
    out += [_md_escape(ws.description), ""]
    if ws.choices:
        out += [f"**{CHOICES}:**", "", *[f"- {_md_escape(c)}" for c in ws.choices], ""]
    for q in ws.questions:
        out += [f"## Question {q.number}", "", f"*{_md_escape(q.text)}*", ""]
        for p in q.parts:
            out += _part_md(p, precision)
    if ws.errata:
        out += [
            f"## {ERRATA}",
            "",
            "| where | printed | correct | why |",
            "|---|---|---|---|",
        ]
        for e in ws.errata:
            cells = (e.where, e.printed, e.correct, e.why)
            out.append("| " + " | ".join(_md_escape(c) for c in cells) + " |")
    return "\n".join(out).rstrip() + "\n"


# ------------------------------------------------------------------ latex
def escape(text: str) -> str:
    """Plain text for LaTeX, with a break allowed after each slash."""
    return _escape_text(text).replace("/", r"/\allowbreak{}")


def _part_tex(p, precision: int) -> list[str]:
    if p.kind == "number":
        body = f"{p.latex or escape(p.text)} = {bmatrix(p.value, precision)}"
        return [r"\begin{equation*}", body, r"\end{equation*}"]
    if p.kind == "expression" and p.latex:
        return [r"\begin{equation*}", p.latex, r"\end{equation*}"]
    out = [escape(p.text), ""] if p.text else []
    for d in p.details:
        line = f"${detail_latex(d, precision)}$" if is_math(d) else escape(d.text)
        out.append(
            rf"{{\noindent\small\raggedright\hangindent=2em\hspace*{{1em}}{line}\par}}"
        )
    return [*out, ""]


def to_latex(ws, precision: int = 6) -> str:
    """The worksheet as a complete LaTeX document."""
    precision = check_precision(precision)
    out = [PREAMBLE, rf"\title{{{escape(ws.title)}}}", r"\date{}", ""]
    out += [r"\begin{document}", r"\maketitle", r"\sloppy\emergencystretch=3em", ""]
    out += [escape(ws.source), ""]
    out += [escape(ws.description), ""]
    if ws.choices:
        out += [rf"\paragraph{{{CHOICES}.}}", r"\begin{itemize}"]
        out += [rf"\item {escape(c)}" for c in ws.choices] + [r"\end{itemize}"]
    for q in ws.questions:
        out += [
            rf"\subsection*{{Question {escape(q.number)}}}",
            rf"\emph{{{escape(q.text)}}}",
            "",
        ]
        for p in q.parts:
            out += _part_tex(p, precision)
    if ws.errata:
        out += [rf"\section*{{{ERRATA}}}", r"\begin{itemize}"]
        for e in ws.errata:
            out.append(
                rf"\item \textbf{{{escape(e.where)}}}: the seed prints "
                rf"{escape(e.printed)}. Correct: {escape(e.correct)}. {escape(e.why)}"
            )
        out.append(r"\end{itemize}")
    out += ["", r"\end{document}"]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------- html
STYLE = """
body { font-family: system-ui, sans-serif; max-width: 52rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.5; color: #1b1b1b; }
h1 { font-size: 1.6rem; } h2 { border-bottom: 1px solid #ccc; margin-top: 2rem;
       font-size: 1.25rem; }
.question { break-inside: avoid-page; margin-bottom: 1.5rem; }
.ask { font-style: italic; } .meta { color: #555; }
.eq { padding: 0.3rem 0; max-width: 100%; }
.detail { margin: 0.15rem 0 0.15rem 1.5rem; }
.detail.math { display: flex; flex-wrap: wrap; gap: 0.2rem 0.5rem; }
table { border-collapse: collapse; margin: 0.5rem 0; }
td, th { border: 1px solid #ddd; padding: 0.3rem 0.6rem; text-align: left;
         vertical-align: top; }
@media print { body { margin: 0; max-width: none; } a { color: inherit; } }
"""


def _converter():
    from chainrule.explainer.render.html import converter

    return converter()


def _pieces_html(convert, d, precision: int) -> str:
    from chainrule.explainer.render.details import pieces

    parts = pieces(d, precision, latex=True)
    cells = [convert(parts[0], display="inline")]
    cells += [convert("= " + x, display="inline") for x in parts[1:]]
    return " ".join(f"<span>{c}</span>" for c in cells)


def _part_html(convert, p, precision: int) -> list[str]:
    if p.kind == "number":
        tex = f"{p.latex or p.text} = {bmatrix(p.value, precision)}"
        return [f'<div class="eq">{convert(tex, display="block")}</div>']
    if p.kind == "expression" and p.latex:
        return [f'<div class="eq">{convert(p.latex, display="block")}</div>']
    out = [f"<p>{html.escape(p.text)}</p>"] if p.text else []
    for d in p.details:
        if is_math(d):
            out.append(
                f'<div class="detail math">{_pieces_html(convert, d, precision)}</div>'
            )
        else:
            out.append(f'<div class="detail">{html.escape(d.text)}</div>')
    return out


def to_html(ws, precision: int = 6) -> str:
    """The worksheet as one self-contained page (MathML, no script)."""
    precision = check_precision(precision)
    convert = _converter()
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(ws.title)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(ws.title)}</h1>",
        f'<p class="meta">{html.escape(ws.source)}</p>',
        f"<p>{html.escape(ws.description)}</p>",
    ]
    if ws.choices:
        out.append(f"<h2>{CHOICES}</h2><ul>")
        out += [f"<li>{html.escape(c)}</li>" for c in ws.choices]
        out.append("</ul>")
    for q in ws.questions:
        out.append(f'<section class="question" id="q{html.escape(q.number)}">')
        out.append(f"<h2>Question {html.escape(q.number)}</h2>")
        out.append(f'<p class="ask">{html.escape(q.text)}</p>')
        for p in q.parts:
            out += _part_html(convert, p, precision)
        out.append("</section>")
    if ws.errata:
        out.append(f"<h2>{ERRATA}</h2>")
        out.append(
            "<table><tr><th>where</th><th>printed</th><th>correct</th><th>why</th></tr>"
        )
        for e in ws.errata:
            cells = (e.where, e.printed, e.correct, e.why)
            out.append(
                "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>"
            )
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------- json
def _jsonable(x):
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, (np.floating, np.integer)):
        return x.item()
    if isinstance(x, dict):
        return {k: _jsonable(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_jsonable(v) for v in x]
    return x


def to_json(ws) -> str:
    """The worksheet as JSON (``"schema": "chainrule.worksheet/1"``)."""
    doc = {
        "schema": SCHEMA,
        "name": ws.name,
        "title": ws.title,
        "source": ws.source,
        "description": ws.description,
        "choices": list(ws.choices),
        "questions": [
            {"number": q.number, "text": q.text, "parts": [asdict(p) for p in q.parts]}
            for q in ws.questions
        ],
        "errata": [asdict(e) for e in ws.errata],
    }
    return json.dumps(_jsonable(doc), ensure_ascii=False, indent=1) + "\n"
