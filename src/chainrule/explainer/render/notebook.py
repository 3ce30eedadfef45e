"""The Jupyter notebook rendering (nbformat 4): Markdown cells with maths, and
for a quiz, answer cells and nbgrader's autograded test cells.

A notebook is the Markdown rendering cut into cells: the same records
(:func:`~chainrule.explainer.render.walk.walk`) through the same formatters
(:data:`chainrule.explainer.render.markdown.FORMATTERS`), maths in ``$...$``
and ``$$...$$``, which Jupyter renders with MathJax. A new Markdown cell
starts at each heading of level 1 to 3.

A quiz (an explanation with blanks, :func:`chainrule.explainer.assess.quiz.blank`)
gets, after each blank's step, two code cells in nbgrader's format:

- an **answer cell** (``dJdW1 = ...  # YOUR ANSWER``), nbgrader metadata
  ``solution: true, grade: false, locked: false``;
- a **test cell** (``grade: true, points: 1, locked: true``) that recomputes
  the sheet from the problem with chainrule's public API (``key_code``: the
  example's name or the problem's TOML text, and the seed) and grades the
  answer with :func:`chainrule.check`; a wrong answer raises ``AssertionError``
  with the verdict. No expected number is written in the notebook: the key
  is what a student could compute, which is the exercise.

Without blanks, the notebook is the worked derivation and a last code cell
that recomputes it. Formatting only: the code is text, run by the notebook.

Examples
--------
>>> import json
>>> from chainrule.explainer.problems.files import load_example
>>> ex = load_example("seed004").explain()
>>> nb = json.loads(explanation_notebook(ex, key_code=key_code(example="seed004")))
>>> nb["nbformat"], nb["cells"][0]["cell_type"], nb["cells"][-1]["cell_type"]
(4, 'markdown', 'code')
>>> print(key_code(example="seed004", seed=7, settings={"learning_rate": 0.5}))
import chainrule as cr
from chainrule.explainer.assess.quiz import draw_problem
from chainrule.explainer.problems import load_example
<BLANKLINE>
key = draw_problem(load_example('seed004'), 7).explain(learning_rate=0.5)
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping

from chainrule.errors import ConfigError
from chainrule.explainer.notation.numbers import check_precision
from chainrule.explainer.render.markdown import (
    FORMATTERS,
    escape,
    worksheet_to_markdown,
)
from chainrule.explainer.render.records import Details, Equation, Heading
from chainrule.explainer.render.walk import render, walk

#: nbgrader's cell metadata schema version.
NBGRADER_SCHEMA = 3
#: The settings of ``Problem.explain`` left out of the code when at these values.
DEFAULT_SETTINGS = {"level": "matrix", "steps": 1, "uphill": False}


def nbformat_module():
    """The ``nbformat`` package (the ``course`` extra), or a ConfigError."""
    try:
        import nbformat
    except ImportError:  # pragma: no cover - depends on the environment
        raise ConfigError(
            "--format ipynb needs the nbformat package: pip install 'chainrule[course]'"
        ) from None
    return nbformat


# ----------------------------------------------------------- the code cells
def _literal(text: str) -> str:
    """``text`` as a Python string literal, one source line per line of it."""
    plain = "'''" not in text and "\\" not in text and "\r" not in text
    if plain and not text.endswith("'"):
        return "'''\\\n" + text + "'''"
    return repr(text)


def key_code(
    *,
    example: str | None = None,
    problem_text: str | None = None,
    source: str = "problem.toml",
    seed: int | None = None,
    notation: str | None = None,
    settings: Mapping[str, object] | None = None,
    target: str = "key",
) -> str:
    """Python code that recomputes a sheet into the variable ``target``.

    Parameters
    ----------
    example : str, optional
        A built-in example's name; else ``problem_text``, a problem file's
        TOML text (written into the code), read as ``source``.
    seed : int, optional
        The sheet's seed (:func:`~chainrule.explainer.assess.quiz.draw_problem`).
    notation : str, optional
        The notation given to ``explain`` (``None``: the problem's).
    settings : mapping, optional
        ``Problem.explain``'s keyword arguments; those that are ``None`` or
        at their default are left out.
    target : str
        The variable the code assigns.

    Returns
    -------
    str
        Import lines, then ``target = ....explain(...)``.
    """
    if (example is None) == (problem_text is None):
        raise ConfigError("key_code: give either example or problem_text")
    lines = ["import chainrule as cr"]
    if seed is not None:
        lines.append("from chainrule.explainer.assess.quiz import draw_problem")
    if example is not None:
        lines += ["from chainrule.explainer.problems import load_example", ""]
        problem = f"load_example({example!r})"
    else:
        lines += ["from chainrule.explainer.problems import parse_problem", ""]
        lines.append(f"PROBLEM = {_literal(problem_text)}")
        problem = f"parse_problem(PROBLEM, {source!r})"
    if seed is not None:
        problem = f"draw_problem({problem}, {int(seed)})"
    args = [repr(notation)] if notation else []
    for k, v in (settings or {}).items():
        if v is not None and (k not in DEFAULT_SETTINGS or DEFAULT_SETTINGS[k] != v):
            args.append(f"{k}={v!r}")
    lines.append(f"{target} = {problem}.explain({', '.join(args)})")
    return "\n".join(lines)


def variable(name: str, symbol: str) -> str:
    """The Python variable of an answer: ``name`` as asked when it is one,
    else made one (``g[1W]`` -> ``g_1W``, ``W1'`` -> ``W1_new``).

    >>> variable("dZ2", "delta3"), variable("g[1W]", "dJdW1"), variable("W1'", "W1'")
    ('dZ2', 'g_1W', 'W1_new')
    """
    if name.isidentifier() and not keyword.iskeyword(name):
        return name
    v = re.sub(r"\W+", "_", name.replace("'", "_new")).strip("_")
    if not v.isidentifier() or keyword.iskeyword(v):
        v = re.sub(r"\W+", "_", symbol.replace("'", "_new")).strip("_")
    return v if v.isidentifier() and not keyword.iskeyword(v) else f"answer_{v}"


def cell_id(kind: str, symbol: str) -> str:
    """A cell id nbformat and nbgrader accept (letters, digits, ``-``, ``_``)."""
    return f"{kind}-" + re.sub(r"[^A-Za-z0-9_-]", "_", symbol.replace("'", "-new"))


# ----------------------------------------------------------- the notebook
def _markdown_lines(record, precision: int) -> list[str]:
    return render(
        [record],
        FORMATTERS,
        lambda lines: [*(escape(x) + "  " for x in lines), ""],
        precision,
    )


def _cells_of_quiz(nbf, step, name: str, code: str) -> list:
    """The answer cell and the test cell of one blank."""
    var = variable(name, step.symbol)
    if step.shape == ():
        shape = "a number"
    else:
        rows, cols = (*step.shape, 1)[:2]
        shape = f"a {rows}×{cols} matrix: a list of rows, [[...], ...]"
    answer = nbf.v4.new_code_cell(
        f"# {step.name}, {shape}\n{var} = ...  # YOUR ANSWER",
        id=cell_id("answer", step.symbol),
    )
    answer.metadata["nbgrader"] = {
        "grade": False,
        "solution": True,
        "locked": False,
        "cell_id": answer.id,
        "schema_version": NBGRADER_SCHEMA,
    }
    test = nbf.v4.new_code_cell(
        f"# autograded: {step.name} (1 point; do not edit)\n{code}\n"
        f"report = cr.check(key, {{{name!r}: {var}}})\n"
        "assert report.ok, report.items[0].reason",
        id=cell_id("test", step.symbol),
    )
    test.metadata["nbgrader"] = {
        "grade": True,
        "solution": False,
        "locked": True,
        "points": 1,
        "cell_id": test.id,
        "schema_version": NBGRADER_SCHEMA,
    }
    return [answer, test]


def _notebook(nbf, cells: list) -> str:
    nb = nbf.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    return nbf.writes(nb)


def explanation_notebook(
    ex,
    precision: int = 6,
    *,
    key_code: str,
    blanks: Mapping[str, str] | None = None,
) -> str:
    """An explanation as a Jupyter notebook (JSON text).

    Parameters
    ----------
    ex : Explanation
        The sheet as handed out (blanks hidden).
    precision : int
        Significant digits of every number shown.
    key_code : str
        Code that recomputes the sheet as ``key`` (:func:`key_code`).
    blanks : mapping of str to str, optional
        Welch key of each blank -> the name it was asked by (``"dJdW1"``,
        ``"dZ2"``): an answer cell and a test cell after its step. Without
        blanks, a last code cell recomputes the derivation.

    Returns
    -------
    str
        The notebook, nbformat 4 JSON.
    """
    nbf = nbformat_module()
    precision = check_precision(precision)
    blanks = dict(blanks or {})
    quiz = bool(blanks)
    cells, lines, pending = [], [], None

    def flush() -> None:
        text = "\n".join(lines).strip()
        if text:
            cells.append(nbf.v4.new_markdown_cell(text))
        lines.clear()

    def ask(symbol: str) -> None:
        flush()
        cells.extend(_cells_of_quiz(nbf, ex[symbol], blanks.pop(symbol), key_code))

    for r in walk(ex):
        if pending and not (isinstance(r, Details) and r.anchor == pending):
            ask(pending)
            pending = None
        if isinstance(r, Heading) and r.level <= 3:
            flush()
        lines += _markdown_lines(r, precision)
        if isinstance(r, Equation) and r.anchor in blanks:
            pending = r.anchor
    if pending:
        ask(pending)
    flush()
    if blanks:  # blanks without a step of their own (a given value)
        cells.append(nbf.v4.new_markdown_cell("## Your answers"))
        for symbol in list(blanks):
            ask(symbol)
    if not quiz:
        cells.append(nbf.v4.new_markdown_cell("## The derivation in Python"))
        loop = "\nfor s in key:\n    print(s.symbol, '=', s.value)"
        cells.append(nbf.v4.new_code_cell(key_code + "\n" + loop))
    return _notebook(nbf, cells)


def worksheet_notebook(ws, precision: int = 6) -> str:
    """A worksheet as a Jupyter notebook: a Markdown cell per question, then
    a code cell that recomputes its numbers (JSON text)."""
    nbf = nbformat_module()
    text = worksheet_to_markdown(ws, precision)
    parts = re.split(r"\n(?=## )", text)
    cells = [nbf.v4.new_markdown_cell(p.strip()) for p in parts if p.strip()]
    cells.append(nbf.v4.new_markdown_cell("## The numbers in Python"))
    code = (
        "import chainrule as cr\n\n"
        f"ws = cr.worksheet({ws.name!r})\n"
        "{q.number: [p.value for p in q.parts if p.kind == 'number']\n"
        " for q in ws.questions if any(p.kind == 'number' for p in q.parts)}"
    )
    cells.append(nbf.v4.new_code_cell(code))
    return _notebook(nbf, cells)


__all__ = [
    "NBGRADER_SCHEMA",
    "cell_id",
    "explanation_notebook",
    "key_code",
    "variable",
    "worksheet_notebook",
]
