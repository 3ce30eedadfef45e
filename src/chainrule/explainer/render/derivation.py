"""Renderings of a :class:`~chainrule.explainer.symbolic.Derivation`, and its
numeric evaluation.

Each step is written at matrix level, then element by element in the earlier
steps' symbols, then (when short enough to read) in the base symbols, then
SymPy's checks with a ✓ or ✗. Renderers only format; SymPy's printers spell
the expressions with the derivation's names for the symbols.
"""

from __future__ import annotations

import html
import json
import re

import numpy as np
import sympy as sp
from sympy.printing.str import StrPrinter

from chainrule.errors import ConfigError, ShapeError

MAX_BASE = 160  # characters: longer base forms are left to .expr
SCHEMA = "chainrule.derive/1"
HEADINGS = {"forward": "Forward pass", "backward": "Backward pass"}


class _Printer(StrPrinter):
    def __init__(self, pretty: dict) -> None:
        super().__init__()
        self.names = pretty

    def _print_Symbol(self, expr) -> str:
        return self.names.get(expr, (expr.name,))[0]


def show(pretty: dict, expr, latex: bool = False) -> str:
    """``expr`` with each symbol spelled as ``pretty`` says (text or LaTeX)."""
    if latex:
        return sp.latex(expr, symbol_names={s: p[1] for s, p in pretty.items()})
    text = _Printer(pretty).doprint(expr)
    return text.replace("**", "^").replace("*", "·")


def _entries(d, step, latex: bool) -> list[tuple[str, str, str]]:
    """``(lhs, element formula, base form or "")`` for every entry."""
    built = d.built
    out = []
    for e in range(len(step.local)):
        if step.symbol == "J":
            lhs = "J"
        else:
            lhs = show(built.pretty, built.q[step.symbol][e], latex)
        rhs = show(built.pretty, step.local[e], latex)
        base = ""
        if small(step.base[e]) and step.base[e] != step.local[e]:
            plain = show(built.pretty, step.base[e], False)
            if len(plain) <= MAX_BASE:
                base = show(built.pretty, step.base[e], latex)
        out.append((lhs, rhs, base))
    return out


def small(expr, limit: int = 60) -> bool:
    """``True`` when ``expr`` has at most ``limit`` nodes (stops counting there)."""
    nodes = enumerate(sp.preorder_traversal(expr))
    return all(count < limit for count, _ in nodes)


def _shape(shape: tuple) -> str:
    return "scalar" if shape == () else f"{shape[0]}×{shape[1]}"


def _mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def _header(d) -> list[str]:
    net = d.network
    return [
        d.title,
        "=" * len(d.title),
        f"network: sizes {net['sizes']}, activation {net['activation']}, "
        f"loss {net['loss']}, bias {net['bias']}, N = {net['examples']} "
        f"example{'s' if net['examples'] > 1 else ''}",
        f"every check held: {'yes' if d.ok else 'NO'}",
    ]


def to_text(d) -> str:
    lines = _header(d)
    for phase in HEADINGS:
        lines += ["", HEADINGS[phase], "-" * len(HEADINGS[phase])]
        for s in (s for s in d.steps if s.phase == phase):
            note = f"   [{s.note}]" if s.note else ""
            lines += ["", f"{s.formula}   (shape {_shape(s.shape)}){note}"]
            for lhs, rhs, base in _entries(d, s, False):
                lines.append(
                    f"    {lhs} = {rhs}" + (f"\n        = {base}" if base else "")
                )
            for c in s.checks:
                lines.append(f"  {_mark(c.ok)} {c.statement} ({c.method})")
    return "\n".join(lines) + "\n"


def to_markdown(d) -> str:
    head = _header(d)
    lines = [f"# {head[0]}", "", head[2], "", head[3]]
    for phase in HEADINGS:
        lines += ["", f"## {HEADINGS[phase]}"]
        for s in (s for s in d.steps if s.phase == phase):
            note = f" *{s.note}*" if s.note else ""
            lines += [
                "",
                f"$${s.formula_latex}$$",
                "",
                f"shape {_shape(s.shape)}.{note}",
            ]
            lines.append("")
            for lhs, rhs, base in _entries(d, s, True):
                tail = f" = {base}" if base else ""
                lines.append(f"- ${lhs} = {rhs}{tail}$")
            lines.append("")
            lines += [f"- {_mark(c.ok)} {c.statement} ({c.method})" for c in s.checks]
    return "\n".join(lines) + "\n"


_TEX_TEXT = {
    "δ": r"$\delta$",
    "∂": r"$\partial$",
    "Σ": r"$\Sigma$",
    "ŷ": r"$\hat{y}$",
    "−": "-",
    "∘": r"$\circ$",
    "ᵀ": r"$^{T}$",
    "·": r"$\cdot$",
    "′": "'",
    "×": r"$\times$",
    "✓": r"$\checkmark$",
    "✗": r"$\times$",
    "…": "...",
}
_SUPS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾", "0123456789()")
_SUBS = str.maketrans("₀₁₂₃₄₅₆₇₈₉ₙₖᵢⱼ", "0123456789nkij")


def tex_text(text: str) -> str:
    """Plain text with Unicode math as LaTeX text-mode (pdflatex-safe)."""
    text = re.sub(r"[_^&%#$]", lambda m: "\\" + m.group(0), text)
    text = re.sub(
        r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾]+", lambda m: f"$^{{{m.group(0).translate(_SUPS)}}}$", text
    )
    text = re.sub(
        r"[₀₁₂₃₄₅₆₇₈₉ₙₖᵢⱼ]+", lambda m: f"$_{{{m.group(0).translate(_SUBS)}}}$", text
    )
    return "".join(_TEX_TEXT.get(ch, ch) for ch in text)


def _tex_broken(d, expr, per_line: int = 4) -> str:
    """LaTeX of ``expr``; a long sum is broken after every ``per_line`` terms."""
    terms = expr.as_ordered_terms() if isinstance(expr, sp.Add) else [expr]
    if len(terms) <= per_line:
        return d.pretty(expr, latex=True)
    out = ""
    for i, term in enumerate(terms):
        tex = d.pretty(term, latex=True)
        sep = "" if i == 0 else (" " if tex.startswith("-") else " + ")
        if i and i % per_line == 0:
            sep = r" \\ &\quad " + sep.strip()
        out += sep + tex
    return out


def _tex_items(s) -> list[str]:
    items = [f"{_mark(c.ok)} {c.statement} ({c.method})" for c in s.checks]
    items += [s.note] if s.note else []
    if not items:
        return []
    body = [rf"\item {tex_text(i)}" for i in items]
    return [r"\begin{itemize}", *body, r"\end{itemize}"]


def to_latex(d) -> str:
    head = _header(d)
    out = [
        r"\documentclass{article}",
        r"\usepackage[margin=2cm]{geometry}",
        r"\usepackage{amsmath,amssymb}",
        r"\allowdisplaybreaks",
        rf"\title{{{tex_text(head[0])}}}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
        tex_text(head[2]) + r"\\",
        tex_text(head[3]),
    ]
    for phase in HEADINGS:
        out.append(rf"\section*{{{HEADINGS[phase]}}}")
        for s in (s for s in d.steps if s.phase == phase):
            out += [
                r"\[",
                s.formula_latex,
                r"\]",
                f"shape {tex_text(_shape(s.shape))}.",
            ]
            out.append(r"\begin{align*}")
            rows = [
                f"{lhs} &= {_tex_broken(d, expr)}"
                for (lhs, _, _), expr in zip(_entries(d, s, True), s.local, strict=True)
            ]
            out += [r" \\ ".join(rows), r"\end{align*}"]
            out += _tex_items(s)
    out.append(r"\end{document}")
    return "\n".join(line for line in out if line) + "\n"


def to_html(d) -> str:
    try:
        from latex2mathml.converter import convert
    except ImportError:  # pragma: no cover - depends on the environment
        raise ConfigError(
            "to_html needs the latex2mathml package: pip install 'chainrule[html]'"
        ) from None
    head = _header(d)
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{html.escape(head[0])}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(head[0])}</h1>",
        f'<p class="meta">{html.escape(head[2])}<br>{html.escape(head[3])}</p>',
    ]
    for phase in HEADINGS:
        out.append(f"<h2>{HEADINGS[phase]}</h2>")
        for s in (s for s in d.steps if s.phase == phase):
            out += _html_step(d, s, convert)
    return "\n".join([*out, "</body></html>"]) + "\n"


STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto;
       padding: 0 1rem; line-height: 1.5; color: #1b1b1b; }
h2 { border-bottom: 1px solid #ccc; margin-top: 2rem; }
.meta, .shape { color: #555; } .note { color: #666; font-style: italic; }
.eq { overflow-x: auto; padding: 0.2rem 0; } .ok { color: #17692f; }
.bad { color: #b00020; font-weight: bold; } math { font-size: 1.1em; }
"""


def _html_step(d, s, convert) -> list[str]:
    note = f' <span class="note">{html.escape(s.note)}</span>' if s.note else ""
    out = [
        f'<div class="step" id="{html.escape(s.symbol)}">',
        f'<div class="eq">{convert(s.formula_latex, display="block")}</div>',
        f'<div class="shape">shape {_shape(s.shape)}{note}</div>',
    ]
    for lhs, rhs, base in _entries(d, s, True):
        tail = f" = {base}" if base else ""
        out.append(f'<div class="eq">{convert(f"{lhs} = {rhs}{tail}")}</div>')
    out.append("<ul>")
    for c in s.checks:
        cls = "ok" if c.ok else "bad"
        text = html.escape(f"{c.statement} ({c.method})")
        out.append(f'<li><span class="{cls}">{_mark(c.ok)}</span> {text}</li>')
    return [*out, "</ul>", "</div>"]


def to_json(d) -> str:
    pretty = d.built.pretty
    steps = []
    for s in d.steps:
        shape = (1, 1) if s.symbol == "J" else s.shape
        steps.append(
            {
                "symbol": s.symbol,
                "phase": s.phase,
                "formula": s.formula,
                "formula_latex": s.formula_latex,
                "shape": list(s.shape),
                "note": s.note,
                "element": _grid(s.local, shape, pretty),
                "base": _grid(s.base, shape, pretty, small_only=True),
                "checks": [c.__dict__ for c in s.checks],
            }
        )
    doc = {
        "schema": SCHEMA,
        "title": d.title,
        "network": d.network,
        "ok": d.ok,
        "symbols": {
            k: [[str(v) for v in row] for row in m.tolist()]
            for k, m in d.symbols.items()
        },
        "steps": steps,
    }
    return json.dumps(doc, ensure_ascii=False, indent=1)


def _grid(m, shape, pretty, small_only: bool = False) -> list:
    """Each entry as SymPy's ``str``, text and LaTeX; ``None`` for a base form
    too large to print (written out, it grows exponentially with the depth;
    ``Derivation.expr`` holds it)."""

    def one(e):
        if small_only and not small(e, 400):
            return None
        return {
            "sympy": str(e),
            "text": show(pretty, e),
            "latex": show(pretty, e, True),
        }

    return [[one(m[i, j]) for j in range(shape[1])] for i in range(shape[0])]


def evaluate(d, net, X, y) -> dict:
    """``d.expr`` at ``net``'s parameters and the data (see Derivation.evaluate)."""
    mine = d.network
    theirs = {
        "sizes": net.sizes,
        "activation": net.activations,
        "loss": net.loss,
        "bias": net.bias,
    }
    for k, v in theirs.items():
        if list(v) != list(mine[k]) if isinstance(v, list) else v != mine[k]:
            raise ConfigError(
                f"net: expected {k} = {mine[k]!r} as in the derivation, got {v!r}"
            )
    Xa, ya = net.check_data(X, y)
    if Xa.shape[0] != mine["examples"]:
        raise ShapeError(
            f"X: expected {mine['examples']} rows (the derivation's examples), "
            f"got {Xa.shape[0]}"
        )
    numbers = {"X": Xa, "y": ya, **net.params}
    subs = {}
    for k, m in d.symbols.items():
        subs.update(
            zip(m, np.asarray(numbers[k], dtype=np.float64).reshape(-1), strict=True)
        )
    symbols = list(subs)
    values = [subs[s] for s in symbols]
    out = {}
    for k, e in d.expr.items():
        fn = sp.lambdify(symbols, e, "numpy")
        v = fn(*values)
        out[k] = float(v) if k == "J" else np.array(v, dtype=np.float64)
    return out
