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
from chainrule.persist.paths import check_outputs
from chainrule.validation import check_explain_size

FORMATS = ("text", "markdown", "latex", "json", "html")
_METHODS = {
    "text": "to_text",
    "markdown": "to_markdown",
    "latex": "to_latex",
    "json": "to_json",
    "html": "to_html",
}


def _check_problem_size(problem: Path) -> None:
    """The declared network's size, before the problem builds it."""
    import tomllib

    try:
        doc = tomllib.loads(problem.read_text(encoding="utf-8"))
        sizes = doc["network"]["sizes"]
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        return  # load_problem says what is wrong
    if (
        isinstance(sizes, list)
        and sizes
        and all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes)
    ):
        check_explain_size(sizes, 0)


def _choose(problem: Path | None, example: str | None):
    if problem is not None and example is not None:
        raise ConfigError("give either a PROBLEM file or --example NAME, not both")
    if problem is not None:
        _check_problem_size(problem)
        try:
            return load_problem(problem)
        except RecursionError:
            raise DataFileError(f"{problem}: nested too deeply") from None
    if example is not None:
        return load_example(example)
    raise ConfigError(
        "give a PROBLEM file (TOML) or --example NAME; --list-examples lists them"
    )


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
) -> None:
    """Explain backpropagation step by step, with every value and shape.

    Examples: chainrule explain --example seed004;
    chainrule explain problem.toml --format markdown --out derivation.md
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
    check_outputs({"--out": out}, {"PROBLEM": problem})
    explanation = _choose(problem, example).explain(notation)
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
