"""``chainrule check``: grade a student's answers (TOML) against a key.

The key is an answer-key file written by ``chainrule explain --answers``, a
problem file, or a built-in example's name (with ``--seed``: the student's own
sheet). Exit code 0 when every answer is right, 1 otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from chainrule.cli.common import ExitCode
from chainrule.errors import ConfigError, UnknownNameError
from chainrule.persist.text_files import load_toml, read_text_file

EPILOG = (
    "Example: chainrule explain -e seed004 --seed 7 --blank dJdW1 --answers "
    "key.toml; chainrule check key.toml answers.toml"
)
FORMATS = ("text", "json")


def load_key(key: str, seed: int | None):
    """An answer-key table, or the explanation of a problem or an example."""
    from chainrule.explainer.assess.quiz import draw_problem
    from chainrule.explainer.problems import list_examples, load_example, parse_problem

    path = Path(key)
    if path.exists():  # a FIFO or a device too: refused by read_text_file
        text = read_text_file(path, "key")
        doc = load_toml(text, str(path), "key")
        if "answers" in doc:
            if seed is not None:
                raise ConfigError("--seed: an answer key has its numbers already")
            return doc["answers"]
        problem = parse_problem(text, str(path))
    elif key in list_examples():
        problem = load_example(key)
    else:
        raise UnknownNameError(
            f"KEY: {key!r} is neither a file nor a built-in example; expected a key "
            f"or problem file (TOML) or one of {list(list_examples())}"
        )
    if seed is not None:
        problem = draw_problem(problem, seed)
    return problem.explain()


def check(
    key: Annotated[
        str, typer.Argument(help="Answer key or problem (TOML), or an example name.")
    ],
    answers: Annotated[Path, typer.Argument(help="The student's answers (TOML).")],
    seed: Annotated[
        int | None, typer.Option(help="The sheet's seed (chainrule explain --seed).")
    ] = None,
    rtol: Annotated[float, typer.Option(help="Relative tolerance.")] = 5e-3,
    atol: Annotated[float, typer.Option(help="Absolute tolerance.")] = 1e-12,
    format: Annotated[
        str, typer.Option("--format", "-f", help="text or json.")
    ] = "text",
) -> int:
    """Grade a student's answers: per quantity right or wrong, and why; the score."""
    from chainrule.explainer.assess.grading import check as grade
    from chainrule.explainer.assess.quiz import read_answers

    if format not in FORMATS:
        raise UnknownNameError(
            f"--format: unknown name {format!r}; expected one of {FORMATS}"
        )
    given = read_answers(answers)
    report = grade(load_key(key, seed), given, rtol=rtol, atol=atol)
    sys.stdout.write(report.to_text() if format == "text" else report.to_json() + "\n")
    return ExitCode.OK if report.ok else ExitCode.ERROR
