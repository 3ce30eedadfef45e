"""``chainrule derive``: backpropagation in symbols (SymPy), every step checked.

The command reads its options, calls :func:`chainrule.derive` and writes one
rendering; it exits with 1 if a SymPy check failed (it never should).
"""

from __future__ import annotations

from typing import Annotated

import typer

from chainrule.cli.common import ExitCode, Force, Format, Out, write_text
from chainrule.errors import InvalidValueError, UnknownNameError
from chainrule.persist.paths import check_outputs

FORMATS = ("text", "markdown", "latex", "json", "html")
EPILOG = (
    "Example: chainrule derive --sizes 2,3,1 --examples 1 --activation sigmoid "
    "--loss sse --format markdown --out derivation.md"
)


def parse_sizes(text: str) -> list[int]:
    """``--sizes 2,3,1`` as ``[2, 3, 1]``."""
    try:
        sizes = [int(s) for s in text.split(",")]
    except ValueError:
        sizes = []
    if len(sizes) < 2:
        raise InvalidValueError(
            f"--sizes: expected units per layer like 2,3,1 (inputs first), got {text!r}"
        )
    return sizes


def derive(
    sizes: Annotated[
        str, typer.Option("--sizes", help="Units per layer, inputs first: 2,3,1.")
    ],
    examples: Annotated[
        int, typer.Option("--examples", "-n", help="Rows of X: 1 to 3.")
    ] = 1,
    activation: Annotated[
        str,
        typer.Option(help="sigmoid, tanh, identity or relu (or a,b per layer)."),
    ] = "sigmoid",
    output_activation: Annotated[
        str | None, typer.Option(help="The last layer's, e.g. softmax.")
    ] = None,
    loss: Annotated[str, typer.Option(help="sse, mse, bce or cce.")] = "sse",
    bias: Annotated[bool, typer.Option("--bias/--no-bias", help="Biases.")] = False,
    format: Format = "text",
    out: Out = None,
    force: Force = False,
) -> int:
    """Derive backpropagation in symbols, element by element, checked by SymPy."""
    if format not in FORMATS:
        raise UnknownNameError(
            f"--format: unknown name {format!r}; expected one of {FORMATS}"
        )
    check_outputs({"--out": out}, force=force)
    acts = activation.split(",") if "," in activation else activation
    from chainrule.explainer.symbolic import derive as derive_

    d = derive_(parse_sizes(sizes), acts, output_activation, loss, bias, examples)
    text = getattr(d, f"to_{format}")()
    write_text(out, text, json=format == "json")
    return ExitCode.OK if d.ok else ExitCode.ERROR
