"""The LaTeX rendering: one complete document (amsmath, bmatrix).

It compiles with ``pdflatex`` from a plain TeX installation (packages
``amsmath`` and ``amssymb``). Formatting only.
"""

from __future__ import annotations

from chainrule.explainer.numbers import bmatrix, check_precision, num_latex, shape_text
from chainrule.explainer.render.details import detail_latex, is_math
from chainrule.explainer.render.markdown import equation
from chainrule.explainer.render.text import HEADINGS, network_line

_TEXT = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "ŷ": r"$\hat{y}$",
    "−": "-",
    "·": r"$\cdot$",
    "α": r"$\alpha$",
    "λ": r"$\lambda$",
    "δ": r"$\delta$",
    "∂": r"$\partial$",
    "Σ": r"$\Sigma$",
    "½": r"$\frac{1}{2}$",
    "′": "'",
    "×": r"$\times$",
    "∘": r"$\circ$",
    "ᵀ": r"$^{\top}$",
    "‖": r"$\|$",
    "ₙ": r"$_n$",
    "ⱼ": r"$_j$",
    "≤": r"$\le$",
    "→": r"$\to$",
    "–": "--",
    "—": "---",
}
_SUP = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾", "0123456789()")
_SUBS = dict(zip("₀₁₂₃₄₅₆₇₈₉ₙᵢⱼ", "0123456789nij", strict=True))
_MATH = {"⁻ᶻ": "$^{-z}$", "ℝ": r"$\mathbb{R}$", "∈": r"$\in$", "ᶻ": "$^{z}$"}


def _subscripts(text: str) -> str:
    """Runs of subscript characters (``₁₁``, ``ᵢ``) as ``$_{11}$``; ℝ, ∈."""
    out, run = [], ""
    for ch in text + " ":
        if ch in _SUBS:
            run += _SUBS[ch]
            continue
        if run:
            out.append(f"$_{{{run}}}$")
            run = ""
        out.append(ch)
    joined = "".join(out)[:-1]
    for k, v in _MATH.items():
        joined = joined.replace(k, v)
    return joined


def escape(text: str) -> str:
    """Plain text for a LaTeX paragraph: specials escaped, symbols as math."""
    out = []
    for ch in text:
        out.append(_TEXT.get(ch, ch))
    # superscript digits and parentheses, as in z⁽²⁾: write them as ^{(2)}
    joined = "".join(out)
    if any(c in joined for c in "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾"):
        parts, sup = [], ""
        for ch in joined + " ":
            if ch in "⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾":
                sup += ch
                continue
            if sup:
                parts.append(f"$^{{{sup.translate(_SUP)}}}$")
                sup = ""
            parts.append(ch)
        joined = "".join(parts)[:-1]
    return _subscripts(joined)


PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage{amsmath}
\usepackage{amssymb}
\setcounter{MaxMatrixCols}{40}
\allowdisplaybreaks
"""


def _step(ex, s, precision: int) -> list[str]:
    head = rf"\paragraph{{${s.name_latex}$}} shape {shape_text(s.shape)}"
    if s.note:
        head += f"; {escape(s.note)}"
    out = [head, r"\begin{equation*}", equation(ex, s, precision), r"\end{equation*}"]
    return out + details_tex(s, precision)


def details_tex(s, precision: int) -> list[str]:
    """The detail lines: inline math, which breaks after ``=`` and ``+``."""
    out = []
    for d in s.details:
        line = f"${detail_latex(d, precision)}$" if is_math(d) else escape(d.text)
        out.append(rf"\noindent\hangindent=2em\hspace*{{1em}}{{\small {line}}}\par")
    return out


def _given(ex, precision: int) -> list[str]:
    rows = [
        rf"{s.name_latex} &= {bmatrix(s.value, precision)} "
        rf"&& \text{{shape {shape_text(s.shape)}}}"
        for s in ex.phase("given")
    ]
    return [r"\begin{align*}", " \\\\\n".join(rows), r"\end{align*}"]


def _chain(ex, precision: int) -> list[str]:
    chain = ex.chain
    out = [
        r"\subsection*{Elementary functions and their derivatives "
        r"(seed 004, problem 3)}",
        chain.mapping_latex,
        "",
        r"\begin{center}\begin{tabular}{lll}",
        r"function & derivative & value \\ \hline",
    ]
    for r in chain.rows:
        out.append(
            rf"${r.function_latex}$ & ${r.derivative_latex}$ & "
            rf"${num_latex(r.value, precision)}$ \\[4pt]"
        )
    out += [r"\end{tabular}\end{center}"]
    out += [r"\subsection*{The chain rule, link by link (seed 004, problem 4)}"]
    for _, links in chain.products:
        rows = []
        for link in links:
            mid = f" = {link.product_latex}" if link.product_latex else ""
            value = num_latex(link.value, precision)
            rows.append(f"{link.name_latex} &{mid} = {value}")
        out += [r"\begin{align*}", " \\\\\n".join(rows), r"\end{align*}"]
    return out


def to_latex(ex, precision: int = 6) -> str:
    """The explanation as a complete, compilable LaTeX document."""
    precision = check_precision(precision)
    out = [PREAMBLE, rf"\title{{{escape(ex.title)}}}", r"\date{}", ""]
    out += [r"\begin{document}", r"\maketitle", ""]
    if ex.description:
        out += [escape(ex.description), ""]
    out += [escape(network_line(ex)), ""]
    for phase in ex.phases:
        out += [rf"\section*{{{escape(HEADINGS[phase])}}}"]
        if phase == "given":
            out += _given(ex, precision)
            continue
        for s in ex.phase(phase):
            out += _step(ex, s, precision)
        if phase == "backward" and ex.chain is not None:
            out += _chain(ex, precision)
        out.append("")
    out += [r"\end{document}"]
    return "\n".join(out) + "\n"
