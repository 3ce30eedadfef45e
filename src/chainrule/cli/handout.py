"""``chainrule explain --format ipynb|moodle``: a sheet handed out to a course.

- ``ipynb``: a Jupyter notebook (:mod:`chainrule.explainer.render.notebook`);
  with ``--blank``, an nbgrader answer cell and autograded test cell per
  blank, whose key is recomputed from the example's name (or the problem's
  TOML text) and ``--seed``;
- ``moodle``: a Moodle XML quiz (:mod:`chainrule.explainer.render.moodle`),
  one question per sheet: ``--seed S --variants N`` writes the sheets of the
  seeds ``S`` to ``S + N − 1`` in one category, so that each student draws
  one; the tolerances are :func:`chainrule.check`'s rounding rule.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainrule.errors import ConfigError, InvalidValueError

FORMATS = ("ipynb", "moodle")
#: ``--format`` of explain: the common formats and these.
Format = Annotated[
    str,
    typer.Option(
        "--format",
        "-f",
        help="text, markdown, latex, json, html, ipynb (a Jupyter notebook) or "
        "moodle (a Moodle XML quiz of --blank).",
    ),
]
#: The most sheets one Moodle file holds.
MAX_VARIANTS = 1000


def check_options(
    fmt: str, variants: int | None, seed: int | None, blank: str | None
) -> int:
    """The number of sheets (1 without ``--variants``), said no to early."""
    if fmt == "moodle" and blank is None:
        raise ConfigError(
            "--format moodle: give the quantities to ask with --blank, "
            "e.g. --blank dJdW1,delta2"
        )
    if variants is None:
        return 1
    if fmt != "moodle":
        raise ConfigError(
            f"--variants: writes Moodle quizzes (--format moodle), not {fmt}"
        )
    if seed is None:
        raise ConfigError("--variants: give --seed, the first sheet's seed")
    if isinstance(variants, bool) or not 1 <= variants <= MAX_VARIANTS:
        raise InvalidValueError(
            f"--variants: expected an integer from 1 to {MAX_VARIANTS}, "
            f"got {variants!r}"
        )
    return variants


def _asked(explanation, names: list[str]) -> dict[str, str]:
    """Welch key -> the name each blank was asked by, in the sheet's order."""
    from chainrule.explainer.assess.grading import aliases_of, resolve_quantity

    values = {s.symbol: s.value for s in explanation.steps}
    aliases = aliases_of(list(values))
    asked = {resolve_quantity(n, values, aliases): n for n in names}
    return {s: asked[s] for s in values if s in asked}


def notebook(
    sheet,
    *,
    names: list[str] | None,
    example: str | None,
    problem: Path | None,
    seed: int | None,
    notation: str | None,
    settings: dict,
    precision: int,
) -> str:
    """The notebook of ``sheet`` (the explanation as handed out)."""
    from chainrule.explainer.render.notebook import explanation_notebook, key_code
    from chainrule.persist.text_files import read_text_file

    source = {"example": example}
    if example is None:
        source = {
            "problem_text": read_text_file(problem, "problem file"),
            "source": problem.name,
        }
    code = key_code(**source, seed=seed, notation=notation, settings=settings)
    blanks = None if names is None else _asked(sheet, names)
    return explanation_notebook(sheet, precision, key_code=code, blanks=blanks)


def moodle(
    chosen,
    *,
    names: list[str] | None,
    category: str,
    seed: int | None,
    variants: int,
    notation: str | None,
    settings: dict,
    precision: int,
) -> str:
    """The Moodle quiz of ``chosen`` (a problem): one question per seed."""
    from chainrule.explainer.assess import quiz
    from chainrule.explainer.assess.check_report import ATOL, RTOL
    from chainrule.explainer.render.moodle import Sheet, quiz_xml

    seeds = [None] if seed is None else range(seed, seed + variants)
    sheets = []
    for s in seeds:
        p = chosen if s is None else quiz.draw_problem(chosen, s)
        full = p.explain(notation, **settings)
        asked = _asked(full, names)
        answers = tuple((k, full[k].value) for k in asked)
        tag = category if s is None else f"{category}-sheet-{s}"
        name = full.title or category
        sheets.append(Sheet(name, quiz.blank(full, names), answers, tag))
    return quiz_xml(category, sheets, precision, rtol=RTOL, atol=ATOL)
