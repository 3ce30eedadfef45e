"""The LaTeX rendering: one complete document that nothing runs off.

It compiles with ``pdflatex`` from a plain TeX installation (``amsmath``,
``amssymb``, ``graphicx``, ``geometry``; Latin Modern when installed). The text
is in the T1 font encoding, so ``->`` and ``^`` print as typed. Each step is
written one line per part (the formula, ``= substitution``, ``= value``); a
substitution too wide for the line breaks before an operator, and any line
still wider than the text is scaled down to the text width (``\\crfit``), so
pdflatex reports no overfull box. Matrices beyond a size are abbreviated with
their shape (:mod:`chainrule.explainer.render.grid`). Formatting only.
"""

from __future__ import annotations

import unicodedata

from chainrule.explainer.notation.numbers import bmatrix as value_bmatrix
from chainrule.explainer.notation.numbers import check_precision, shape_text
from chainrule.explainer.render.details import detail_latex, is_math
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
    "≤": r"$\le$",
    "→": r"$\to$",
    "–": "--",
    "—": "---",
    "…": r"\dots{}",
    "ₕ": r"$_h$",
    "ₒ": r"$_o$",
    "ₓ": r"$\times$",
    "⊘": r"$\oslash$",
    "✓": r"$\checkmark$",
    "✗": r"$\times$",
}
# a run of subscripts (z₁₁, aᵢⱼ) is written as one: $_{11}$
_SUBS = dict(zip("₀₁₂₃₄₅₆₇₈₉ₙₖᵢⱼ", "0123456789nkij", strict=True))
_MATH = {"⁻ᶻ": "$^{-z}$", "ℝ": r"$\mathbb{R}$", "∈": r"$\in$", "ᶻ": "$^{z}$"}
_SUP = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾", "0123456789()")


# characters that escape() maps after its first pass
_LATER = set("⁰¹²³⁴⁵⁶⁷⁸⁹⁽⁾⁻ᶻℝ∈")
# the Greek letters LaTeX has as math symbols, and the capitals it writes as
# Latin letters
_GREEK = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"}
_GREEK |= {"iota", "kappa", "lambda", "mu", "nu", "xi", "pi", "rho", "sigma"}
_GREEK |= {"tau", "upsilon", "phi", "chi", "psi", "omega"}
_CAPITALS = {"GAMMA", "DELTA", "THETA", "LAMBDA", "XI", "PI", "SIGMA", "UPSILON"}
_CAPITALS |= {"PHI", "PSI", "OMEGA"}
_LATIN = dict(ALPHA="A", BETA="B", EPSILON="E", ZETA="Z", ETA="H", IOTA="I")
_LATIN.update(KAPPA="K", MU="M", NU="N", OMICRON="O", RHO="P", TAU="T", CHI="X")


def _greek(name: str) -> str | None:
    letter = name.split(" LETTER ", 1)[1]
    if name.startswith("GREEK SMALL"):
        if letter == "FINAL SIGMA":
            return r"$\varsigma$"
        if letter == "OMICRON":
            return "o"
        return f"$\\{letter.lower()}$" if letter.lower() in _GREEK else None
    if letter in _CAPITALS:
        return f"$\\{letter.capitalize()}$"
    return _LATIN.get(letter)


def any_character(ch: str) -> str:
    r"""One character that pdflatex can typeset, whatever it is.

    Printable ASCII and Latin-1 letters as they are (T1 has them); a Greek
    letter as its math symbol (ω: ``$\omega$``); any other character (a
    control character, U+202E, a combining mark, CJK, an emoji) as its code
    in typewriter type, as a terminal shows it: ``\texttt{\textbackslash{}u202e}``.

    Examples
    --------
    >>> any_character("ω"), any_character("é"), any_character("\x1b")
    ('$\\omega$', 'é', '\\texttt{\\textbackslash{}x1b}')
    """
    code = ord(ch)
    if 0x20 <= code < 0x7F or ch in "\n\t" or 0xA0 <= code <= 0xFF:
        return ch
    name = unicodedata.name(ch, "")
    if name.startswith(("GREEK SMALL LETTER ", "GREEK CAPITAL LETTER ")):
        greek = _greek(name)
        if greek is not None:
            return greek
    shown = f"x{code:02x}" if code < 0x100 else f"u{code:04x}"
    if code > 0xFFFF:
        shown = f"U{code:08x}"
    return rf"\texttt{{\textbackslash{{}}{shown}}}"


def escape(text: str) -> str:
    """Plain text for a LaTeX paragraph: specials escaped, symbols as math,
    any other character as :func:`any_character` writes it."""
    out, run = [], ""
    for ch in text + " ":
        if ch in _SUBS:
            run += _SUBS[ch]
            continue
        if run:
            out.append(f"$_{{{run}}}$")
            run = ""
        if ch in _TEXT:
            out.append(_TEXT[ch])
        else:
            out.append(ch if ch in _LATER else any_character(ch))
    out.pop()
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
    for k, v in _MATH.items():
        joined = joined.replace(k, v)
    return joined


# \crfit{material}: the material at its natural width, or scaled down to the
# line's width when wider (graphicx's \resizebox), so no box is overfull.
PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[T1]{fontenc}
\IfFileExists{lmodern.sty}{\usepackage{lmodern}}{}
\usepackage[a4paper,margin=2cm]{geometry}
\usepackage{amsmath}
\usepackage{amssymb}
\usepackage{graphicx}
\setcounter{MaxMatrixCols}{40}
\setlength{\parindent}{0pt}
\newsavebox{\crbox}
\newcommand{\crfit}[1]{\sbox{\crbox}{#1}%
  \ifdim\wd\crbox>\linewidth\resizebox{\linewidth}{!}{\usebox{\crbox}}%
  \else\usebox{\crbox}\fi}
\newcommand{\crline}[1]{\par\noindent\crfit{$\displaystyle #1$}\par\smallskip}
"""


def _heading(r: Heading, precision: int) -> list[str]:
    if r.level == 1:
        return [rf"{{\LARGE\bfseries {escape(r.text)}\par}}\bigskip", ""]
    command = {2: "section", 3: "subsection"}.get(r.level, "subsubsection")
    return [rf"\{command}*{{{escape(r.text)}}}"]


def prose(text: str, escape_text=escape) -> str:
    """Prose (:mod:`~chainrule.explainer.render.prose`): its text through
    ``escape_text``, its maths as is, its literals in typewriter type."""
    return convert(
        text, escape_text, lambda m: f"${m}$", lambda c: rf"\texttt{{{escape(c)}}}"
    )


def _paragraph(r: Paragraph, precision: int) -> list[str]:
    return [r.latex or prose(r.text), ""]


def _cell(c, precision: int) -> str:
    return escape(c) if isinstance(c, str) else f"${latex(c, precision)}$"


def _table(r: Table, precision: int) -> list[str]:
    rows = [" & ".join(r.columns) + r" \\ \hline"]
    for row in r.rows:
        rows.append(" & ".join(_cell(c, precision) for c in row) + r" \\[4pt]")
    body = "\n".join(rows)
    spec = "l" * len(r.columns)
    return [
        r"\par\noindent\crfit{\begin{tabular}{" + spec + "}",
        body,
        r"\end{tabular}}\par\medskip",
        "",
    ]


def _equation(r: Equation, precision: int) -> list[str]:
    lines = [rf"\crline{{{line}}}" for line in equation_lines(r, precision)]
    if r.compact:
        return lines
    head = rf"\paragraph{{${r.name.latex[0]}$}} shape {shape_text(r.shape)}"
    if r.note:
        head += f"; {prose(r.note)}"
    return [head, *lines, ""]


def _details(r: Details, precision: int) -> list[str]:
    """The lines under a step, small and indented: inline math breaks after
    ``=`` and ``+``, prose at spaces."""
    out = []
    for d in r.lines:
        line = f"${detail_latex(d, precision)}$" if is_math(d) else escape(d.text)
        out.append(rf"\noindent\hangindent=2em\hspace*{{1em}}{{\small {line}}}\par")
    return [*out, ""]


def _fallback(lines: list[str]) -> list[str]:
    return [*(escape(line) + r"\\" for line in lines), ""]


FORMATTERS = {
    Heading: _heading,
    Paragraph: _paragraph,
    Contents: lambda r, p: [],  # a short document; the sections are numbered
    Diagram: lambda r, p: [],  # drawn by the HTML page and by chainrule.plot
    Table: _table,
    Equation: _equation,
    Details: _details,
}


def to_latex(ex, precision: int = 6) -> str:
    """The explanation as a complete, compilable LaTeX document."""
    precision = check_precision(precision)
    out = [PREAMBLE, r"\begin{document}", ""]
    out += render(walk(ex), FORMATTERS, _fallback, precision)
    out += [r"\end{document}"]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------- worksheets
def escape_breaking(text: str) -> str:
    """:func:`escape`, with a line break allowed after each slash."""
    return escape(text).replace("/", r"/\allowbreak{}")


def _prose(text: str) -> str:
    return prose(text, escape_breaking)


def _part_tex(p, precision: int) -> list[str]:
    if p.kind == "number":
        lhs = p.latex or escape_breaking(p.text)
        body = f"{lhs} = {value_bmatrix(p.value, precision)}"
        return [r"\begin{equation*}", body, r"\end{equation*}"]
    if p.kind == "expression" and p.latex:
        return [r"\begin{equation*}", p.latex, r"\end{equation*}"]
    out = [_prose(p.text), ""] if p.text else []
    for d in p.details:
        line = (
            f"${detail_latex(d, precision)}$" if is_math(d) else escape_breaking(d.text)
        )
        out.append(
            rf"{{\noindent\small\raggedright\hangindent=2em\hspace*{{1em}}{line}\par}}"
        )
    return [*out, ""]


def worksheet_to_latex(ws, precision: int = 6) -> str:
    """The worksheet as a complete LaTeX document."""
    precision = check_precision(precision)
    out = [PREAMBLE, rf"\title{{{_prose(ws.title)}}}", r"\date{}", ""]
    out += [r"\begin{document}", r"\maketitle", r"\sloppy\emergencystretch=3em", ""]
    out += [_prose(ws.source), ""]
    out += [_prose(ws.description), ""]
    if ws.choices:
        out += [rf"\paragraph{{{WORKSHEET_CHOICES}.}}", r"\begin{itemize}"]
        out += [rf"\item {_prose(c)}" for c in ws.choices] + [r"\end{itemize}"]
    for q in ws.questions:
        out += [
            rf"\subsection*{{Question {escape_breaking(q.number)}}}",
            rf"\emph{{{_prose(q.text)}}}",
            "",
        ]
        for p in q.parts:
            out += _part_tex(p, precision)
    if ws.errata:
        out += [rf"\section*{{{WORKSHEET_ERRATA}}}", r"\begin{itemize}"]
        for e in ws.errata:
            where, printed, correct, why = (
                _prose(x) for x in (e.place, e.printed, e.correct, e.why)
            )
            out.append(
                rf"\item \textbf{{{where}}}: the seed prints "
                rf"{printed}. Correct: {correct}. {why}"
            )
        out.append(r"\end{itemize}")
    out += ["", r"\end{document}"]
    return "\n".join(out) + "\n"


# ------------------------------------------------- symbolic derivations
def _tex_broken(d, expr, per_line: int = 4) -> str:
    """LaTeX of ``expr``; a long sum is broken after every ``per_line`` terms."""
    terms = expr.as_ordered_terms() if expr.is_Add else [expr]
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
    from chainrule.explainer.render.symbols import mark

    items = [f"{mark(c.ok)} {c.statement} ({c.method})" for c in s.checks]
    items += [s.note] if s.note else []
    if not items:
        return []
    body = [rf"\item {escape(i)}" for i in items]
    return [r"\begin{itemize}", *body, r"\end{itemize}"]


def derivation_to_latex(d) -> str:
    """A symbolic derivation as a complete LaTeX document."""
    from chainrule.explainer.render.symbols import (
        HEADINGS,
        entries,
        header,
        shape_words,
    )

    head = header(d)
    out = [
        r"\documentclass{article}",
        r"\usepackage[margin=2cm]{geometry}",
        r"\usepackage{amsmath,amssymb}",
        r"\allowdisplaybreaks",
        rf"\title{{{escape(head[0])}}}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
        escape(head[2]) + r"\\",
        escape(head[3]),
    ]
    for phase in HEADINGS:
        out.append(rf"\section*{{{HEADINGS[phase]}}}")
        for s in (s for s in d.steps if s.phase == phase):
            out += [
                r"\[",
                s.formula_latex,
                r"\]",
                f"shape {escape(shape_words(s.shape))}.",
            ]
            out.append(r"\begin{align*}")
            rows = [
                f"{lhs} &= {_tex_broken(d, expr)}"
                for (lhs, _, _), expr in zip(entries(d, s, True), s.local, strict=True)
            ]
            out += [r" \\ ".join(rows), r"\end{align*}"]
            out += _tex_items(s)
    out.append(r"\end{document}")
    return "\n".join(line for line in out if line) + "\n"
