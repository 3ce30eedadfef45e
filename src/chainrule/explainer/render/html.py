"""The HTML rendering: one self-contained page, math as MathML.

The LaTeX of every equation is converted to MathML by ``latex2mathml``
(the ``html`` extra), which browsers render natively: the page loads no
script, font, style sheet or image, so it opens offline. At the top: a table
of contents and the network as an inline SVG (weights on the edges, the
values of the first example on the units, their δ below). Each step is
written one line per part; a substitution too wide for the page breaks before
an operator, and matrices beyond a size are abbreviated with their shape, so
nothing is clipped and no scroll bar appears in a window 1200 pixels wide.

:func:`fragment` is the same without ``<html>``, for notebooks.
"""

from __future__ import annotations

import html
import re

from chainrule.errors import ConfigError
from chainrule.explainer.notation.numbers import bmatrix as value_bmatrix
from chainrule.explainer.notation.numbers import check_precision, shape_text
from chainrule.explainer.render.details import is_math, pieces
from chainrule.explainer.render.diagram import to_svg
from chainrule.explainer.render.markdown import equation_lines, latex
from chainrule.explainer.render.prose import convert
from chainrule.explainer.render.records import WORKSHEET_CHOICES, WORKSHEET_ERRATA
from chainrule.explainer.render.walk import (
    Contents,
    Details,
    Diagram,
    Equation,
    Heading,
    Paragraph,
    Table,
    render,
    walk,
)

STYLE = """
.chainrule { font-family: system-ui, sans-serif; max-width: 72rem; margin: 0 auto;
       padding: 0 1rem; line-height: 1.5; color: #1b1b1b; }
.chainrule h1 { font-size: 1.6rem; }
.chainrule h2 { border-bottom: 1px solid #ccc; margin-top: 2rem; }
.chainrule .meta { color: #555; } .chainrule .note { color: #666; font-style: italic; }
.chainrule .step { margin: 0.8rem 0 1.2rem; }
.chainrule .shape { color: #666; font-size: 0.9em; }
.chainrule .eq { padding: 0.2rem 0 0.2rem 1.5rem; }
.chainrule .eq math { display: block; text-align: left; margin: 0.15rem 0; }
.chainrule math { font-size: 1.15em; }
.chainrule table { border-collapse: collapse; margin: 0.5rem 0; }
.chainrule td, .chainrule th { border-bottom: 1px solid #ddd; padding: 0.3rem 0.8rem;
       text-align: left; }
.chainrule nav ol { margin: 0.3rem 0; } .chainrule figure { margin: 1rem 0; }
.chainrule svg { max-width: 100%; height: auto; }
.chainrule figcaption { color: #555; font-size: 0.9em; }
.chainrule .detail { color: #333; margin: 0.15rem 0 0.15rem 1.5rem; font-size: 0.95em; }
.chainrule .detail.math { display: flex; flex-wrap: wrap; gap: 0.2rem 0.5rem; }
.chainrule .detail.math math { font-size: 1em; }
"""


def converter():
    """latex2mathml's ``convert`` (the ``html`` extra), or a ConfigError."""
    try:
        from latex2mathml.converter import convert
    except ImportError:  # pragma: no cover - depends on the environment
        raise ConfigError(
            "to_html needs the latex2mathml package: pip install 'chainrule[html]'"
        ) from None
    return convert


def _math(tex: str) -> str:
    return converter()(tex, display="inline")


# what a prose's MathML may carry: latex2mathml's presentation attributes, no
# link (href) and no style
_ATTRIBUTES = {"xmlns", "display", "stretchy", "accent", "accentunder", "fence"}
_ATTRIBUTES |= {"separator", "lspace", "rspace", "displaystyle", "scriptlevel"}
_ATTRIBUTES |= {"columnalign", "rowspacing", "columnspacing", "width", "height"}
_ATTRIBUTES |= {"depth", "mathvariant", "minsize", "maxsize", "movablelimits"}
_ATTRIBUTES |= {"form", "symmetric", "largeop", "linethickness", "notation"}
_ATTRIBUTE = re.compile(r"\s([^\s=<>\"']+)=")


def prose_math(tex: str, convert_math) -> str:
    """The MathML of one maths span of prose, which may be a user's: ``<``,
    ``>`` and ``&`` go in as LaTeX commands (latex2mathml copies ``\\text``
    verbatim); maths it cannot read, or whose MathML has an attribute beyond
    the presentational ones, is shown as its escaped source."""
    safe = tex.replace("&", r"\&").replace("<", r"\lt ").replace(">", r"\gt ")
    try:
        out = convert_math(safe, display="inline")
    except Exception:  # noqa: BLE001 - latex2mathml's errors have no common base
        return html.escape(f"${tex}$")
    if any(a not in _ATTRIBUTES for a in _ATTRIBUTE.findall(out)):
        return html.escape(f"${tex}$")
    return out


def prose(text: str, convert_math=None) -> str:
    """Prose (:mod:`~chainrule.explainer.render.prose`): text escaped, maths
    as inline MathML (:func:`prose_math`), literals as ``<code>``."""
    math = convert_math or converter()
    return convert(
        text,
        html.escape,
        lambda m: prose_math(m, math),
        lambda c: f"<code>{html.escape(c)}</code>",
    )


def _heading(r: Heading, precision: int) -> list[str]:
    anchor = f' id="{html.escape(r.anchor)}"' if r.anchor else ""
    return [f"<h{r.level}{anchor}>{html.escape(r.text)}</h{r.level}>"]


def _paragraph(r: Paragraph, precision: int) -> list[str]:
    return [f'<p class="{r.kind}">{prose(r.text)}</p>']


def _contents(r: Contents, precision: int) -> list[str]:
    out, depth = ['<nav aria-label="contents"><ol>'], 2
    for level, text, anchor in r.entries:
        if level > depth:
            out[-1] = out[-1].removesuffix("</li>") + "<ol>"
        elif level < depth:
            out.append("</ol></li>")
        depth = level
        link = f'<a href="#{html.escape(anchor)}">{html.escape(text)}</a>'
        out.append(f"<li>{link}</li>")
    if depth > 2:
        out.append("</ol></li>")
    return [*out, "</ol></nav>"]


def _diagram(r: Diagram, precision: int) -> list[str]:
    example = f"example {r.example + 1} of {r.n_examples}"
    caption = (
        "The network: weights on the edges (dashed: biases, from the unit 1), "
        f"the values of {example} on the units, their δ below them."
    )
    return [
        f"<figure>{to_svg(r, precision)}<figcaption>{caption}</figcaption></figure>"
    ]


def _cell(c, precision: int) -> str:
    return html.escape(c) if isinstance(c, str) else _math(latex(c, precision))


def _table(r: Table, precision: int) -> list[str]:
    anchor = f' id="{html.escape(r.anchor)}"' if r.anchor else ""
    out = [f"<table{anchor}><tr>" + "".join(f"<th>{c}</th>" for c in r.columns)]
    for row in r.rows:
        out.append(
            "<tr>" + "".join(f"<td>{_cell(c, precision)}</td>" for c in row) + "</tr>"
        )
    return [*out, "</table>"]


def _equation(r: Equation, precision: int) -> list[str]:
    lines = "".join(_math(line) for line in equation_lines(r, precision))
    if r.compact:
        return [f'<div class="eq">{lines}</div>']
    note = f' <span class="note">{prose(r.note)}</span>' if r.note else ""
    shape = f'<span class="shape">shape {shape_text(r.shape)}</span>'
    return [
        f'<div class="step" id="{html.escape(r.anchor)}">',
        f"<div>{_math(r.name.latex[0])} {shape}{note}</div>",
        f'<div class="eq">{lines}</div>',
        "</div>",
    ]


def _details(r: Details, precision: int) -> list[str]:
    """The lines under a step; an equation's pieces wrap at their ``=`` signs."""
    out = []
    for d in r.lines:
        if not is_math(d):
            out.append(f'<div class="detail">{html.escape(d.text)}</div>')
            continue
        parts = pieces(d, precision, latex=True)
        cells = [f"<span>{_math(parts[0])}</span>"]
        cells += [f"<span>{_math('= ' + p)}</span>" for p in parts[1:]]
        out.append(f'<div class="detail math">{" ".join(cells)}</div>')
    return [
        f'<div class="details" id="{html.escape(r.anchor)}-details">',
        *out,
        "</div>",
    ]


def _fallback(lines: list[str]) -> list[str]:
    return ["<p>" + "<br>".join(html.escape(line) for line in lines) + "</p>"]


FORMATTERS = {
    Heading: _heading,
    Paragraph: _paragraph,
    Contents: _contents,
    Diagram: _diagram,
    Table: _table,
    Equation: _equation,
    Details: _details,
}


def fragment(ex, precision: int = 6) -> str:
    """The page's content in one ``<div class="chainrule">`` with its style."""
    precision = check_precision(precision)
    body = render(walk(ex), FORMATTERS, _fallback, precision)
    return "\n".join(
        [f"<style>{STYLE}</style>", '<div class="chainrule">', *body, "</div>"]
    )


def to_html(ex, precision: int = 6) -> str:
    """The explanation as one HTML page that needs nothing else to display."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(ex.title)}</title></head><body>",
        fragment(ex, precision),
        "</body></html>",
    ]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------- worksheets
WORKSHEET_STYLE = """
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


def _pieces_html(convert, d, precision: int) -> str:
    parts = pieces(d, precision, latex=True)
    cells = [convert(parts[0], display="inline")]
    cells += [convert("= " + x, display="inline") for x in parts[1:]]
    return " ".join(f"<span>{c}</span>" for c in cells)


def _part_html(convert, p, precision: int) -> list[str]:
    if p.kind == "number":
        tex = f"{p.latex or p.text} = {value_bmatrix(p.value, precision)}"
        return [f'<div class="eq">{convert(tex, display="block")}</div>']
    if p.kind == "expression" and p.latex:
        return [f'<div class="eq">{convert(p.latex, display="block")}</div>']
    out = [f"<p>{prose(p.text, convert)}</p>"] if p.text else []
    for d in p.details:
        if is_math(d):
            out.append(
                f'<div class="detail math">{_pieces_html(convert, d, precision)}</div>'
            )
        else:
            out.append(f'<div class="detail">{html.escape(d.text)}</div>')
    return out


def worksheet_to_html(ws, precision: int = 6) -> str:
    """The worksheet as one self-contained page (MathML, no script)."""
    precision = check_precision(precision)
    convert = converter()
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(ws.title)}</title>",
        f"<style>{WORKSHEET_STYLE}</style></head><body>",
        f"<h1>{prose(ws.title, convert)}</h1>",
        f'<p class="meta">{prose(ws.source, convert)}</p>',
        f"<p>{prose(ws.description, convert)}</p>",
    ]
    if ws.choices:
        out.append(f"<h2>{WORKSHEET_CHOICES}</h2><ul>")
        out += [f"<li>{prose(c, convert)}</li>" for c in ws.choices]
        out.append("</ul>")
    for q in ws.questions:
        out.append(f'<section class="question" id="q{html.escape(q.number)}">')
        out.append(f"<h2>Question {html.escape(q.number)}</h2>")
        out.append(f'<p class="ask">{prose(q.text, convert)}</p>')
        for p in q.parts:
            out += _part_html(convert, p, precision)
        out.append("</section>")
    if ws.errata:
        out.append(f"<h2>{WORKSHEET_ERRATA}</h2>")
        out.append(
            "<table><tr><th>where</th><th>printed</th><th>correct</th><th>why</th></tr>"
        )
        for e in ws.errata:
            cells = (e.place, e.printed, e.correct, e.why)
            out.append(
                "<tr>"
                + "".join(f"<td>{prose(c, convert)}</td>" for c in cells)
                + "</tr>"
            )
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


# ------------------------------------------------- symbolic derivations
def derivation_to_html(d) -> str:
    """A symbolic derivation as one page (MathML); needs ``latex2mathml``."""
    from chainrule.explainer.render.symbols import HEADINGS, header

    convert = converter()
    head = header(d)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(head[0])}</title>",
        f"<style>{DERIVATION_STYLE}</style></head><body>",
        f"<h1>{html.escape(head[0])}</h1>",
        f'<p class="meta">{html.escape(head[2])}<br>{html.escape(head[3])}</p>',
    ]
    for phase in HEADINGS:
        out.append(f"<h2>{HEADINGS[phase]}</h2>")
        for s in (s for s in d.steps if s.phase == phase):
            out += _html_step(d, s, convert)
    return "\n".join([*out, "</body></html>"]) + "\n"


DERIVATION_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.5; color: #1b1b1b; }
h2 { border-bottom: 1px solid #ccc; margin-top: 2rem; }
.meta, .shape { color: #555; } .note { color: #666; font-style: italic; }
.eq { overflow-x: auto; padding: 0.2rem 0; } .ok { color: #17692f; }
.bad { color: #b00020; font-weight: bold; } math { font-size: 1.1em; }
"""


def _html_step(d, s, convert) -> list[str]:
    from chainrule.explainer.render.symbols import entries, mark, shape_words

    note = f' <span class="note">{html.escape(s.note)}</span>' if s.note else ""
    out = [
        f'<div class="step" id="{html.escape(s.symbol)}">',
        f'<div class="eq">{convert(s.formula_latex, display="block")}</div>',
        f'<div class="shape">shape {shape_words(s.shape)}{note}</div>',
    ]
    for lhs, rhs, base in entries(d, s, True):
        tail = f" = {base}" if base else ""
        out.append(f'<div class="eq">{convert(f"{lhs} = {rhs}{tail}")}</div>')
    out.append("<ul>")
    for c in s.checks:
        cls = "ok" if c.ok else "bad"
        text = html.escape(f"{c.statement} ({c.method})")
        out.append(f'<li><span class="{cls}">{mark(c.ok)}</span> {text}</li>')
    return [*out, "</ul>", "</div>"]
