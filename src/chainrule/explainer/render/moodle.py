"""The Moodle XML rendering of a quiz: one question per sheet (a student's
variant), in a category named after the problem.

Moodle's question import reads ``<quiz>`` with ``<question type="...">``
elements; every major LMS imports it. Each sheet is one question:

- its text (HTML, in CDATA) is the sheet as handed out -- the problem, the
  given values and every step with the blanks shown ``?`` -- through the same
  records (:func:`~chainrule.explainer.render.walk.walk`) and the same LaTeX
  as the Markdown rendering, maths between ``\\(...\\)`` and ``\\[...\\]``
  (Moodle's MathJax filter);
- one blank that is a single number is a ``numerical`` question; otherwise
  the question is ``cloze``, one ``{1:NUMERICAL:=value:tolerance}`` per entry
  of each blank, laid out as the matrix.

The tolerance of a value ``v`` is ``rtol·|v|`` (at least ``atol``), the
rounding rule of :func:`chainrule.check` (its defaults accept every correct
rounding to 3 significant figures); Moodle's tolerance is absolute, so it is
computed per entry (rounded up to 4 significant digits). Values are written with 12
significant digits, which Moodle shows as the right answer in the review.
Formatting only: the values are given by the caller.

Examples
--------
>>> import numpy as np
>>> cloze(np.array([[0.5, -2.0]]), rtol=5e-3, atol=1e-12)
['{1:NUMERICAL:=0.5:0.0025}', '{1:NUMERICAL:=-2:0.01}']
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from chainrule.explainer.notation.numbers import check_precision, shape_text
from chainrule.explainer.render.details import detail_latex, is_math
from chainrule.explainer.render.markdown import equation_lines, latex
from chainrule.explainer.render.records import (
    Contents,
    Details,
    Diagram,
    Equation,
    Heading,
    Paragraph,
    Table,
)
from chainrule.explainer.render.walk import render, walk

#: Moodle's default penalty for each wrong try (a third of the mark).
PENALTY = "0.3333333"


@dataclass(frozen=True)
class Sheet:
    """One student's variant of a quiz.

    Attributes
    ----------
    name : str
        The question's name in Moodle (``"... (sheet 7)"``).
    shown : Explanation
        The sheet as handed out (blanks hidden).
    answers : tuple of (Welch key, value)
        Each blank and its right value: a float or a (rows, cols) array.
    idnumber : str
        Moodle's ID number of the question (unique in the course).
    """

    name: str
    shown: object
    answers: tuple
    idnumber: str = ""


def escape(text: str) -> str:
    """Text for HTML (the question text) and XML (names, categories)."""
    return html.escape(text, quote=False)


def cdata(text: str) -> str:
    """``text`` in a CDATA section (a ``]]>`` inside is split across two)."""
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def number(x: float) -> str:
    """A value as Moodle reads it and shows it in the review: 12 significant
    digits (``0.0272``, not ``0.027200000000000002``)."""
    return f"{float(x):.12g}"


def tolerance(x: float, rtol: float, atol: float) -> str:
    """Moodle's absolute tolerance of ``x``: ``rtol·|x|`` rounded up to 4
    significant digits, and at least ``atol`` (a value 0).

    ``rtol·|x|`` is rounded up, not to the nearest, so that Moodle is never
    stricter than :func:`chainrule.check` (whose ``atol`` only absorbs
    floating-point noise, and is left out beside ``rtol·|x|``).
    """
    t = rtol * abs(float(x))
    if t <= atol:
        return f"{atol:.4g}"
    shown = float(f"{t:.4g}")
    if shown < t * (1 - 1e-12):  # not float noise: up by one in the 4th digit
        shown = float(f"{shown + 10.0 ** (math.floor(math.log10(shown)) - 3):.4g}")
    return f"{shown:.4g}"


def cloze(value, *, rtol: float, atol: float) -> list[str]:
    """One ``{1:NUMERICAL:=v:tol}`` sub-answer per entry of ``value``, row by row."""
    return [
        f"{{1:NUMERICAL:={number(v)}:{tolerance(v, rtol, atol)}}}"
        for v in np.ravel(np.asarray(value, dtype=np.float64))
    ]


# ------------------------------------------------------- the question text
def _inline(tex: str) -> str:
    return r"\(" + escape(tex) + r"\)"


def _heading(r: Heading, precision: int) -> list[str]:
    level = min(r.level + 2, 6)
    return [f"<h{level}>{escape(r.text)}</h{level}>"]


def _paragraph(r: Paragraph, precision: int) -> list[str]:
    return [f"<p>{escape(r.text)}</p>"]


def _table(r: Table, precision: int) -> list[str]:
    def cell(c) -> str:
        return escape(c) if isinstance(c, str) else _inline(latex(c, precision))

    head = "".join(f"<th>{escape(c)}</th>" for c in r.columns)
    rows = [
        "<tr>" + "".join(f"<td>{cell(c)}</td>" for c in row) + "</tr>" for row in r.rows
    ]
    return ['<table border="1">', f"<tr>{head}</tr>", *rows, "</table>"]


def _equation(r: Equation, precision: int) -> list[str]:
    lines = equation_lines(r, precision)
    if r.compact:
        return [r"<p>\[" + escape(lines[0]) + r"\]</p>"]
    head = f"<p><b>{_inline(r.name.latex[0])}</b> · shape {shape_text(r.shape)}"
    head += f" · {escape(r.note)}</p>" if r.note else "</p>"
    body = " \\\\ ".join("& " + line for line in lines)
    return [head, r"<p>\[\begin{aligned}" + escape(body) + r"\end{aligned}\]</p>"]


def _details(r: Details, precision: int) -> list[str]:
    items = [
        _inline(detail_latex(d, precision)) if is_math(d) else escape(d.text)
        for d in r.lines
    ]
    return ["<ul>", *(f"<li>{i}</li>" for i in items), "</ul>"]


FORMATTERS = {
    Heading: _heading,
    Paragraph: _paragraph,
    Contents: lambda r, p: [],
    Diagram: lambda r, p: [],
    Table: _table,
    Equation: _equation,
    Details: _details,
}


def _fallback(lines: list[str]) -> list[str]:
    return [f"<p>{escape(line)}</p>" for line in lines]


def question_text(sheet: Sheet, precision: int, rtol: float, atol: float) -> str:
    """The HTML of one question: the sheet, then a box per entry of a blank
    (none for a numerical question, whose box Moodle draws)."""
    ex = sheet.shown
    out = render(walk(ex), FORMATTERS, _fallback, precision)
    out.append("<h4>Your answers</h4>")
    out.append(
        "<p>Give each number to at least 3 significant figures; a matrix "
        "entry by entry, in its rows and columns.</p>"
    )
    numerical = is_numerical(sheet)
    for symbol, value in sheet.answers:
        step = ex[symbol]
        what = f"<p>{_inline(step.name_latex)}, shape {shape_text(np.shape(value))}"
        out.append(what + ":</p>")
        if numerical:
            continue
        shape = np.shape(value) if np.ndim(value) == 2 else (1, np.size(value))
        boxes = np.array(cloze(value, rtol=rtol, atol=atol), dtype=object)
        rows = boxes.reshape(shape)
        out.append('<table border="1">')
        out += [
            "<tr>" + "".join(f"<td>{b}</td>" for b in row) + "</tr>" for row in rows
        ]
        out.append("</table>")
    return "\n".join(out)


def is_numerical(sheet: Sheet) -> bool:
    """One blank holding one number: a numerical question, else cloze."""
    return len(sheet.answers) == 1 and np.size(sheet.answers[0][1]) == 1


# ------------------------------------------------------------ the document
def _question(sheet: Sheet, precision: int, rtol: float, atol: float) -> list[str]:
    kind = "numerical" if is_numerical(sheet) else "cloze"
    text = question_text(sheet, precision, rtol, atol)
    out = [
        f'  <question type="{kind}">',
        f"    <name><text>{escape(sheet.name)}</text></name>",
        f'    <questiontext format="html"><text>{cdata(text)}</text></questiontext>',
        '    <generalfeedback format="html"><text></text></generalfeedback>',
    ]
    if kind == "numerical":
        v = float(np.ravel(sheet.answers[0][1])[0])
        out += [
            "    <defaultgrade>1</defaultgrade>",
            f"    <penalty>{PENALTY}</penalty>",
            "    <hidden>0</hidden>",
            f"    <idnumber>{escape(sheet.idnumber[:100])}</idnumber>",
            '    <answer fraction="100" format="moodle_auto_format">',
            f"      <text>{number(v)}</text>",
            '      <feedback format="html"><text></text></feedback>',
            f"      <tolerance>{tolerance(v, rtol, atol)}</tolerance>",
            "    </answer>",
            "    <unitgradingtype>0</unitgradingtype>",
            "    <unitpenalty>0.1000000</unitpenalty>",
            "    <showunits>3</showunits>",
            "    <unitsleft>0</unitsleft>",
        ]
    else:
        out += [
            f"    <penalty>{PENALTY}</penalty>",
            "    <hidden>0</hidden>",
            f"    <idnumber>{escape(sheet.idnumber[:100])}</idnumber>",
        ]
    return [*out, "  </question>"]


def quiz_xml(
    category: str,
    sheets: Sequence[Sheet],
    precision: int = 6,
    *,
    rtol: float,
    atol: float,
) -> str:
    """The Moodle XML of a quiz: a category, then one question per sheet.

    Parameters
    ----------
    category : str
        The question category (the problem's name), created under the
        course's top category on import.
    sheets : sequence of Sheet
        One per student's variant (seed).
    precision : int
        Significant digits of the numbers shown in the question text.
    rtol, atol : float
        The rounding rule of :func:`chainrule.check`, made each entry's
        absolute tolerance.

    Returns
    -------
    str
        The XML document (UTF-8 text).
    """
    precision = check_precision(precision)
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<quiz>",
        '  <question type="category">',
        f"    <category><text>$course$/top/{escape(category)}</text></category>",
        '    <info format="html"><text>'
        + cdata(f"<p>{escape(category)}: one question per student's sheet.</p>")
        + "</text></info>",
        "  </question>",
    ]
    for sheet in sheets:
        out += _question(sheet, precision, rtol, atol)
    return "\n".join([*out, "</quiz>"]) + "\n"


__all__ = ["FORMATTERS", "Sheet", "cloze", "question_text", "quiz_xml", "tolerance"]
