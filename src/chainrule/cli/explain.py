"""``chainrule explain``: the derivation of a problem file or a built-in example.

The command only reads its arguments, loads the problem and writes one
rendering; errors are chainrule errors, which :func:`chainrule.cli.app.main`
reports on one line with exit code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from chainrule.errors import ConfigError, DataFileError, UnknownNameError
from chainrule.explainer.numbers import check_precision
from chainrule.explainer.problems import list_examples, load_example, load_problem

FORMATS = ("text", "markdown", "latex", "json", "html")
_METHODS = {
    "text": "to_text",
    "markdown": "to_markdown",
    "latex": "to_latex",
    "json": "to_json",
    "html": "to_html",
}


def _choose(problem: Path | None, example: str | None):
    if problem is not None and example is not None:
        raise ConfigError("give either a PROBLEM file or --example NAME, not both")
    if problem is not None:
        return load_problem(problem)
    if example is not None:
        return load_example(example)
    raise ConfigError(
        "give a PROBLEM file (TOML) or --example NAME; --list-examples lists them"
    )


def _quiz(chosen, notation, blank: str | None, answers: Path | None, seed):
    """The explanation, drawn from ``seed``, its key written, ``blank`` hidden."""
    from chainrule.explainer import quiz

    names = None if blank is None else [n.strip() for n in blank.split(",")]
    if seed is not None:
        chosen = quiz.draw_problem(chosen, seed)
    explanation = chosen.explain(notation)
    if names is not None:
        blanked = quiz.blank(explanation, names)  # checks the names first
    if answers is not None:
        from chainrule.persist.model import atomic_write_bytes

        key = quiz.key_toml(explanation, names)
        atomic_write_bytes(answers, key.encode("utf-8"))
        typer.echo(f"wrote {answers}", err=True)
    return explanation if names is None else blanked


def _render(explanation, fmt: str, precision: int, to_terminal: bool) -> str | None:
    """The rendering as text, or ``None`` after printing it in colour."""
    if fmt == "text" and to_terminal:
        from rich.console import Console

        from chainrule.explainer.render.text import print_all, renderables

        console = Console(highlight=False, emoji=False, markup=False)
        print_all(console, renderables(explanation, precision))
        return None
    method = getattr(explanation, _METHODS[fmt])
    return method() if fmt == "json" else method(precision)


def explain_command(
    problem: Annotated[
        Path | None,
        typer.Argument(help="A problem file (TOML): network, weights, data."),
    ] = None,
    format: Annotated[
        str, typer.Option("--format", "-f", help="text, markdown, latex, json or html.")
    ] = "text",
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file.")
    ] = None,
    example: Annotated[
        str | None, typer.Option("--example", "-e", help="A built-in example.")
    ] = None,
    list_: Annotated[
        bool, typer.Option("--list-examples", help="List the built-in examples.")
    ] = False,
    notation: Annotated[
        str | None,
        typer.Option("--notation", help="welch (z2, delta3) or bracket (z[1], g[2z])."),
    ] = None,
    precision: Annotated[
        int, typer.Option("--precision", help="Significant digits of every number.")
    ] = 6,
    blank: Annotated[
        str | None,
        typer.Option(help="Hide these values (a quiz): dJdW1,delta2."),
    ] = None,
    answers: Annotated[
        Path | None,
        typer.Option(help="Write the answer key (TOML) of --blank (or every step)."),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(help="Draw a student's own weights and data from this seed."),
    ] = None,
) -> None:
    """Explain backpropagation step by step, with every value and shape.

    Examples: chainrule explain --example seed004;
    chainrule explain problem.toml --format markdown --out derivation.md;
    chainrule explain -e seed004 --seed 7 --blank dJdW1 --answers key.toml
    """
    if list_:
        for name, title in list_examples().items():
            typer.echo(f"{name:16} {title}")
        return
    if format not in FORMATS:
        raise UnknownNameError(
            f"--format: unknown name {format!r}; expected one of {FORMATS}"
        )
    precision = check_precision(precision)
    for option, path in (("--out", out), ("--answers", answers)):
        if path is not None and not path.parent.is_dir():
            raise DataFileError(
                f"{option}: the folder {str(path.parent)!r} does not exist"
            )
    explanation = _quiz(_choose(problem, example), notation, blank, answers, seed)
    terminal = out is None and sys.stdout.isatty()
    text = _render(explanation, format, precision, terminal)
    if text is None:
        return
    if out is None:
        sys.stdout.write(text)
        return
    from chainrule.persist.model import atomic_write_bytes

    atomic_write_bytes(out, text.encode("utf-8"))
    typer.echo(f"wrote {out}", err=True)
