"""``chainrule worksheet``: every question of a seed, answered.

The command only reads its arguments, builds the worksheet
(:func:`chainrule.explainer.worksheets.worksheet`) and writes one rendering.
"""

from __future__ import annotations

from typing import Annotated

import typer

from chainrule.cli.common import Force, Out, Precision, write_text
from chainrule.errors import UnknownNameError
from chainrule.explainer.notation.numbers import check_precision
from chainrule.explainer.worksheets import WORKSHEETS, worksheet
from chainrule.persist.paths import check_outputs

FORMATS = ("text", "markdown", "latex", "json", "html", "ipynb")
EPILOG = (
    "Examples: chainrule worksheet seed000; "
    "chainrule worksheet seed004 --format html --out seed004.html; "
    "chainrule worksheet seed004 --format ipynb --out seed004.ipynb"
)


def worksheet_command(
    name: Annotated[
        str | None,
        typer.Argument(help="seed000, seed001, seed002, seed004 or part4."),
    ] = None,
    format: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="text, markdown, latex, json, html or ipynb."
        ),
    ] = "text",
    out: Out = None,
    force: Force = False,
    precision: Precision = 6,
    list_: Annotated[bool, typer.Option("--list", help="List the worksheets.")] = False,
) -> None:
    """Every question of a seed document, answered: dimensions, expressions,
    products element by element, numbers, and the seed's misprints."""
    if list_:
        for key, (_, title) in WORKSHEETS.items():
            typer.echo(f"{key:10} {title}")
        return
    if name is None:
        raise UnknownNameError(
            f"NAME: give a worksheet name, one of {list(WORKSHEETS)} (--list)"
        )
    if format not in FORMATS:
        raise UnknownNameError(
            f"--format: unknown name {format!r}; expected one of {FORMATS}"
        )
    precision = check_precision(precision)
    check_outputs({"--out": out}, force=force)
    ws = worksheet(name)
    if format == "ipynb":
        from chainrule.explainer.render.notebook import worksheet_notebook

        text = worksheet_notebook(ws, precision)
    elif format == "json":
        text = ws.to_json()
    else:
        text = getattr(ws, f"to_{format}")(precision)
    write_text(out, text, json=format == "json")
