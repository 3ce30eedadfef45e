"""``chainrule check``: grade students' answers (TOML) against a key.

The key is an answer-key file written by ``chainrule explain --answers`` (its
every quantity is asked for: one not answered is "missing"), a problem file,
or a built-in example's name (with ``--seed``: the student's own sheet). With
several answer files, each is graded in turn (a file that cannot be read is
said on stderr and graded 0) and ``--csv`` writes the class's grade sheet.
Exit code 0 when every answer of every file is right, 1 otherwise.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from chainrule.cli.common import ExitCode, Force, write_text
from chainrule.errors import ChainruleError, ConfigError, UnknownNameError
from chainrule.persist.paths import check_outputs
from chainrule.persist.text_files import load_toml, read_text_file

EPILOG = (
    "Example: chainrule explain -e seed004 --seed 7 --blank dJdW1 --answers "
    "key.toml; chainrule check key.toml answers.toml; "
    "chainrule check key.toml class/*.toml --csv grades.csv"
)
FORMATS = ("text", "json")


def load_key(key: str, seed: int | None) -> tuple[object, dict]:
    """The key to grade against, and :func:`chainrule.check`'s options from it.

    An answer-key file gives its ``[answers]`` table, every quantity of it
    required, and the number of examples of its ``[sheet]`` table; a problem
    or an example gives its explanation (drawn from ``seed``).
    """
    from chainrule.explainer.assess.quiz import draw_problem
    from chainrule.explainer.problems import list_examples, load_example, parse_problem

    path = Path(key)
    if path.exists():  # a FIFO or a device too: refused by read_text_file
        text = read_text_file(path, "key")
        doc = load_toml(text, str(path), "key")
        if "answers" in doc:
            if seed is not None:
                raise ConfigError("--seed: an answer key has its numbers already")
            table, sheet = doc["answers"], doc.get("sheet", {})
            options = {"required": list(table) if isinstance(table, dict) else None}
            if isinstance(sheet, dict):
                options["examples"] = sheet.get("examples")
                options["convention"] = sheet.get("convention")
            return table, options
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
    return problem.explain(), {}


def check(
    key: Annotated[
        str, typer.Argument(help="Answer key or problem (TOML), or an example name.")
    ],
    answers: Annotated[
        list[Path], typer.Argument(help="The students' answers (TOML), one or more.")
    ],
    seed: Annotated[
        int | None, typer.Option(help="The sheet's seed (chainrule explain --seed).")
    ] = None,
    rtol: Annotated[float, typer.Option(help="Relative tolerance.")] = 5e-3,
    atol: Annotated[float, typer.Option(help="Absolute tolerance.")] = 1e-12,
    format: Annotated[
        str, typer.Option("--format", "-f", help="text or json.")
    ] = "text",
    csv: Annotated[
        Path | None,
        typer.Option(
            "--csv", help="Write the grade sheet: file, score, a verdict per question."
        ),
    ] = None,
    force: Force = False,
) -> int:
    """Grade students' answers: per quantity right or wrong, and why; the score."""
    from chainrule.explainer.assess.grade_sheet import grade_sheet
    from chainrule.explainer.assess.grading import check as grade
    from chainrule.explainer.assess.quiz import read_answers

    if format not in FORMATS:
        raise UnknownNameError(
            f"--format: unknown name {format!r}; expected one of {FORMATS}"
        )
    inputs = {f"ANSWERS[{i + 1}]": a for i, a in enumerate(answers)}
    check_outputs({"--csv": csv}, {"KEY": Path(key), **inputs}, force=force)
    expected, options = load_key(key, seed)
    reports = {}
    for path in answers:
        try:
            given = read_answers(path)
        except ChainruleError as exc:
            if len(answers) == 1:
                raise
            typer.echo(f"{path}: not graded: {exc}", err=True)
            reports[str(path)] = None
            continue
        reports[str(path)] = grade(expected, given, rtol=rtol, atol=atol, **options)
    _print(reports, format)
    if csv is not None:
        write_text(csv, grade_sheet(reports))
    ok = all(r is not None and r.ok for r in reports.values())
    return ExitCode.OK if ok else ExitCode.ERROR


def _print(reports: dict, fmt: str) -> None:
    """One report as before; several, each under its file's name."""
    if len(reports) == 1:
        (report,) = reports.values()
        sys.stdout.write(report.to_text() if fmt == "text" else report.to_json() + "\n")
        return
    if fmt == "json":
        docs = [
            {"file": f, **(r.to_dict() if r is not None else {"unreadable": True})}
            for f, r in reports.items()
        ]
        sys.stdout.write(json.dumps(docs, ensure_ascii=False, indent=2) + "\n")
        return
    for f, r in reports.items():
        sys.stdout.write(f"── {f}\n" + (r.to_text() if r else "unreadable\n"))
