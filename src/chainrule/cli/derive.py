"""``chainrule derive``: backpropagation in symbols (SymPy), every step checked.

The command reads its options, calls :func:`chainrule.derive` and writes one
rendering; it exits with 1 if a SymPy check failed (it never should).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chainrule.cli.common import (
    Convention,
    ExitCode,
    Force,
    Format,
    Notation,
    Out,
    write_text,
)
from chainrule.errors import ConfigError, InvalidValueError, UnknownNameError
from chainrule.persist.paths import check_outputs

FORMATS = ("text", "markdown", "latex", "json", "html")
EPILOG = (
    "Example: chainrule derive --sizes 2,3,1 --examples 1 --activation sigmoid "
    "--loss sse --format markdown --out derivation.md. Also: "
    "chainrule derive problem.toml --convention column; "
    "chainrule derive -e seed004 --notation bracket"
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


def _network(sizes, examples, activation, output_activation, loss, bias) -> dict:
    """``derive``'s network from the options, each default filled in."""
    if sizes is None:
        raise ConfigError(
            "give --sizes (units per layer, e.g. 2,3,1), a PROBLEM file or "
            "--example NAME"
        )
    activation = activation or "sigmoid"
    return {
        "sizes": parse_sizes(sizes),
        "activation": activation.split(",") if "," in activation else activation,
        "output_activation": output_activation,
        "loss": loss or "sse",
        "bias": bool(bias),
        "examples": 1 if examples is None else examples,
    }


def derive(
    problem: Annotated[
        Path | None,
        typer.Argument(help="A problem file (TOML), read as `explain` reads it."),
    ] = None,
    sizes: Annotated[
        str | None,
        typer.Option("--sizes", help="Units per layer, inputs first: 2,3,1."),
    ] = None,
    examples: Annotated[
        int | None, typer.Option("--examples", "-n", help="Rows of X: 1 to 3.")
    ] = None,
    activation: Annotated[
        str | None,
        typer.Option(help="sigmoid, tanh, identity or relu (or a,b per layer)."),
    ] = None,
    output_activation: Annotated[
        str | None, typer.Option(help="The last layer's, e.g. softmax.")
    ] = None,
    loss: Annotated[str | None, typer.Option(help="sse, mse, bce or cce.")] = None,
    bias: Annotated[
        bool | None, typer.Option("--bias/--no-bias", help="Biases.")
    ] = None,
    example: Annotated[
        str | None,
        typer.Option("--example", "-e", help="A built-in example's network."),
    ] = None,
    notation: Notation = None,
    convention: Convention = None,
    format: Format = "text",
    out: Out = None,
    force: Force = False,
) -> int:
    """Derive backpropagation in symbols, element by element, checked by SymPy.

    The network is given by --sizes and its options, or is a problem file's
    (or a built-in example's): its sizes, activations, cost, biases and number
    of examples, in its notation and convention unless --notation or
    --convention says otherwise.
    """
    if format not in FORMATS:
        raise UnknownNameError(
            f"--format: unknown name {format!r}; expected one of {FORMATS}"
        )
    check_outputs({"--out": out}, {"PROBLEM": problem}, force=force)
    from chainrule.explainer.symbolic import derive as derive_
    from chainrule.explainer.symbolic import derive_problem

    style = {"notation": notation, "convention": convention}
    if problem is not None or example is not None:
        given = {
            "--sizes": sizes,
            "--examples": examples,
            "--activation": activation,
            "--output-activation": output_activation,
            "--loss": loss,
            "--bias/--no-bias": bias,
        }
        for flag, value in given.items():
            if value is not None:
                raise ConfigError(
                    f"{flag}: the problem gives the network and its examples; "
                    "give either a PROBLEM (or --example) or --sizes and its options"
                )
        from chainrule.cli.explain import choose_problem

        d = derive_problem(choose_problem(problem, example), **style)
    else:
        net = _network(sizes, examples, activation, output_activation, loss, bias)
        d = derive_(**net, notation=notation or "welch", convention=convention or "row")
    text = getattr(d, f"to_{format}")()
    write_text(out, text, json=format == "json")
    return ExitCode.OK if d.ok else ExitCode.ERROR
