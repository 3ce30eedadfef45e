"""The HTML rendering: one self-contained page, math as MathML.

The LaTeX of every equation is converted to MathML by ``latex2mathml``
(the ``html`` extra), which browsers render natively: the page loads no
script, font, style sheet or image, so it opens offline.
"""

from __future__ import annotations

import html

from chainrule.errors import ConfigError
from chainrule.explainer.numbers import bmatrix, check_precision, num_latex, shape_text
from chainrule.explainer.render.details import is_math, pieces
from chainrule.explainer.render.markdown import equation
from chainrule.explainer.render.text import HEADINGS, network_line

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.5; color: #1b1b1b; }
h1 { font-size: 1.6rem; } h2 { border-bottom: 1px solid #ccc; margin-top: 2rem; }
.meta { color: #555; } .note { color: #666; font-style: italic; }
.step { margin: 0.8rem 0 1.2rem; } .shape { color: #666; font-size: 0.9em; }
.eq { overflow-x: auto; padding: 0.3rem 0; }
math { font-size: 1.15em; }
.detail { color: #333; margin: 0.15rem 0 0.15rem 1.5rem; font-size: 0.95em; }
.detail.math { display: flex; flex-wrap: wrap; gap: 0.2rem 0.5rem; }
.detail.math math { font-size: 1em; }
table { border-collapse: collapse; margin: 0.5rem 0; }
td, th { border-bottom: 1px solid #ddd; padding: 0.3rem 0.8rem; text-align: left; }
"""


def _converter():
    try:
        from latex2mathml.converter import convert
    except ImportError:  # pragma: no cover - depends on the environment
        raise ConfigError(
            "to_html needs the latex2mathml package: pip install 'chainrule[html]'"
        ) from None
    return convert


def _math(convert, latex: str, display: bool = False) -> str:
    return convert(latex, display="block" if display else "inline")


def _given(ex, convert, precision: int) -> list[str]:
    out = ["<table><tr><th>symbol</th><th>shape</th><th>value</th></tr>"]
    for s in ex.phase("given"):
        out.append(
            f"<tr><td>{_math(convert, s.name_latex)}</td>"
            f"<td>{shape_text(s.shape)}</td>"
            f"<td>{_math(convert, bmatrix(s.value, precision))}</td></tr>"
        )
    return [*out, "</table>"]


def _step(ex, s, convert, precision: int) -> list[str]:
    note = f' <span class="note">{html.escape(s.note)}</span>' if s.note else ""
    return [
        f'<div class="step" id="{html.escape(s.symbol)}">',
        f'<div>{_math(convert, s.name_latex)} <span class="shape">shape '
        f"{shape_text(s.shape)}</span>{note}</div>",
        f'<div class="eq">{_math(convert, equation(ex, s, precision), True)}</div>',
        *details_html(s, convert, precision),
        "</div>",
    ]


def details_html(s, convert, precision: int) -> list[str]:
    """Each detail line; an equation's pieces wrap at their ``=`` signs."""
    out = []
    for d in s.details:
        if not is_math(d):
            out.append(f'<div class="detail">{html.escape(d.text)}</div>')
            continue
        parts = pieces(d, precision, latex=True)
        cells = [f"<span>{_math(convert, parts[0])}</span>"]
        cells += [f"<span>{_math(convert, '= ' + p)}</span>" for p in parts[1:]]
        out.append(f'<div class="detail math">{" ".join(cells)}</div>')
    return out


def _chain(ex, convert, precision: int) -> list[str]:
    chain = ex.chain
    out = [
        "<h3>Elementary functions and their derivatives (seed 004, problem 3)</h3>",
        f'<p class="meta">{html.escape(chain.mapping)}</p>',
        "<table><tr><th>function</th><th>derivative</th><th>value</th></tr>",
    ]
    for r in chain.rows:
        cells = (r.function_latex, r.derivative_latex, num_latex(r.value, precision))
        out.append("<tr>" + "".join(f"<td>{_math(convert, c)}</td>" for c in cells))
    out += ["</table>", "<h3>The chain rule, link by link (seed 004, problem 4)</h3>"]
    for target, links in chain.products:
        out.append(f"<h4>{html.escape(f'∂J/∂{target}')}</h4>")
        rows = []
        for link in links:
            mid = f" = {link.product_latex}" if link.product_latex else ""
            rows.append(f"{link.name_latex}{mid} = {num_latex(link.value, precision)}")
        out += [f'<div class="eq">{_math(convert, r, True)}</div>' for r in rows]
    return out


def to_html(ex, precision: int = 6) -> str:
    """The explanation as one HTML page that needs nothing else to display."""
    precision = check_precision(precision)
    convert = _converter()
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{html.escape(ex.title)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(ex.title)}</h1>",
    ]
    if ex.description:
        out.append(f"<p>{html.escape(ex.description)}</p>")
    out.append(f'<p class="meta">{html.escape(network_line(ex))}</p>')
    for phase in ex.phases:
        out.append(f"<h2>{html.escape(HEADINGS[phase])}</h2>")
        if phase == "given":
            out += _given(ex, convert, precision)
            continue
        for s in ex.phase(phase):
            out += _step(ex, s, convert, precision)
        if phase == "backward" and ex.chain is not None:
            out += _chain(ex, convert, precision)
    out.append("</body></html>")
    return "\n".join(out) + "\n"
