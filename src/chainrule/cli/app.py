"""The command line: a thin layer over the library.

``main(argv)`` runs the Typer app and turns errors into one line on stderr
and an exit code (:class:`ExitCode`); the work is in the library
(:mod:`chainrule.data.prepare`, :mod:`chainrule.data.tables`, :mod:`chainrule.plot`)
with the commands' work in :mod:`chainrule.cli.commands`.
"""

from __future__ import annotations

import sys
from enum import IntEnum
from pathlib import Path
from typing import Annotated

import typer

try:  # Typer >= 0.29 vendors Click
    from typer._click.exceptions import ClickException, NoArgsIsHelpError
except ImportError:  # pragma: no cover - Typer with Click as a dependency
    from click.exceptions import ClickException, NoArgsIsHelpError

from chainrule.cli.explain import explain_command
from chainrule.errors import ChainruleError, ConfigError, InvalidValueError


class ExitCode(IntEnum):
    """Exit codes of the ``chainrule`` command."""

    OK = 0
    ERROR = 1
    USAGE = 2


app = typer.Typer(
    name="chainrule",
    help="Build, train, check and explain neural networks by backpropagation. "
    "Add --debug to any command to see the traceback of an error.",
    epilog="Example: chainrule demo",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Build, train, check and explain neural networks by backpropagation."""


@app.command(epilog="Example: chainrule demo --out chainrule-demo")
def demo(
    out: Annotated[
        Path, typer.Option(help="Folder for the PNG plots (created if missing).")
    ] = Path("chainrule-demo"),
) -> None:
    """The tutorial's 2-3-1 network on the test-score data, end to end."""
    from chainrule.cli.demo import run_demo

    run_demo(out=out)


def _parse_layers(text: str) -> list[int]:
    if text.strip().lower() in ("", "none"):
        return []
    try:
        sizes = [int(s) for s in text.split(",")]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1:
        raise InvalidValueError(
            f"--layers: expected hidden layer sizes like 16,8 (or 'none'), got {text!r}"
        )
    return sizes


def _check_folder(option: str, path: Path | None) -> None:
    if path is None:
        return
    if not path.parent.is_dir():
        raise ConfigError(f"{option}: the folder {str(path.parent)!r} does not exist")
    if path.is_dir():
        raise ConfigError(f"{option}: {str(path)!r} is a folder; expected a file name")


@app.command(
    epilog="Example: chainrule train scores.csv --target score --layers 8 "
    "--epochs 300 --out model.safetensors --plot cost.png"
)
def train(
    data: Annotated[
        Path, typer.Argument(help="CSV (with header), Parquet, NPY or NPZ.")
    ],
    target: Annotated[
        str, typer.Option(help="Target column(s), comma-separated (NPZ: array name).")
    ],
    layers: Annotated[str, typer.Option(help="Hidden layer sizes, e.g. 16,8.")] = "16",
    activation: Annotated[str, typer.Option(help="Hidden activation.")] = "tanh",
    output_activation: Annotated[
        str | None,
        typer.Option(help="Default: identity, or softmax for a classification."),
    ] = None,
    loss: Annotated[
        str | None,
        typer.Option(help="Cost. Default: mse, or cce for a classification."),
    ] = None,
    optimizer: Annotated[
        str, typer.Option(help="gd, sgd, adam, bfgs, lbfgs.")
    ] = "adam",
    epochs: Annotated[int, typer.Option(help="Epochs (or iterations for bfgs).")] = 200,
    batch_size: Annotated[int | None, typer.Option(help="Minibatch size.")] = None,
    learning_rate: Annotated[float | None, typer.Option(help="Step size.")] = None,
    l2: Annotated[float, typer.Option(help="L2 penalty λ.")] = 0.0,
    seed: Annotated[int, typer.Option(help="Seed of weights and shuffles.")] = 0,
    validation_split: Annotated[
        float, typer.Option(help="Fraction of rows held out for validation.")
    ] = 0.0,
    early_stopping: Annotated[
        bool, typer.Option("--early-stopping", help="Stop when validation stalls.")
    ] = False,
    patience: Annotated[int, typer.Option(help="Epochs to wait (early stop).")] = 10,
    scale_inputs: Annotated[str, typer.Option(help="max, standard or none.")] = (
        "standard"
    ),
    scale_targets: Annotated[str, typer.Option(help="max, standard or none.")] = (
        "standard"
    ),
    classify: Annotated[
        bool, typer.Option("--classify", help="Numeric target as class labels.")
    ] = False,
    out: Annotated[Path, typer.Option(help="Where to write the model.")] = Path(
        "model.safetensors"
    ),
    plot: Annotated[Path | None, typer.Option(help="Write the cost curve PNG.")] = None,
    checkpoint: Annotated[
        Path | None,
        typer.Option(help="Save the training state here (gd, sgd, adam)."),
    ] = None,
    checkpoint_every: Annotated[
        int, typer.Option(help="Epochs between checkpoints.")
    ] = 1,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Continue from --checkpoint if it exists."),
    ] = False,
) -> None:
    """Train a network on a table of data and save it.

    A category (non-numeric) target column makes a classifier: softmax
    output, cce cost, the labels kept in the model.
    """
    from chainrule.cli.commands import TrainOptions, run_train
    from chainrule.data.scaling import check_method

    opts = TrainOptions(
        data=data,
        targets=[t.strip() for t in target.split(",") if t.strip()],
        hidden=_parse_layers(layers),
        activation=activation,
        output_activation=output_activation,
        loss=loss,
        optimizer=optimizer,
        epochs=epochs,
        batch_size=batch_size,
        learning_rate=learning_rate,
        l2=l2,
        seed=seed,
        validation_split=validation_split,
        early_stopping=early_stopping,
        patience=patience,
        scale_inputs=check_method("--scale-inputs", scale_inputs),
        scale_targets=check_method("--scale-targets", scale_targets),
        classify=classify,
        out=out,
        plot=plot,
        checkpoint=checkpoint,
        checkpoint_every=checkpoint_every,
        resume=resume,
    )
    if not opts.targets:
        raise InvalidValueError(f"--target: expected column names, got {target!r}")
    _check_folder("--out", out)
    _check_folder("--plot", plot)
    _check_folder("--checkpoint", checkpoint)
    run_train(opts)


@app.command(
    epilog="Example: chainrule predict model.safetensors new.csv --out preds.csv"
)
def predict(
    model: Annotated[Path, typer.Argument(help="A model written by train.")],
    data: Annotated[Path, typer.Argument(help="CSV, Parquet, NPY or NPZ.")],
    out: Annotated[
        Path | None, typer.Option(help="CSV to write; default: standard output.")
    ] = None,
) -> None:
    """Predict the targets of every row of DATA (in the targets' units or labels)."""
    from chainrule.cli.commands import run_predict

    _check_folder("--out", out)
    run_predict(model, data, out)


@app.command(epilog="Example: chainrule info model.safetensors")
def info(
    model: Annotated[Path, typer.Argument(help="A model file.")],
) -> None:
    """Architecture, parameter count and how a model was trained."""
    from chainrule.cli.commands import run_info

    run_info(model)


@app.command(
    epilog="Example: chainrule gradcheck model.safetensors scores.csv --target score"
)
def gradcheck(
    model: Annotated[Path, typer.Argument(help="A model file.")],
    data: Annotated[Path, typer.Argument(help="CSV, Parquet, NPY or NPZ.")],
    target: Annotated[
        str | None, typer.Option(help="Target column(s); default: the model's.")
    ] = None,
    eps: Annotated[float, typer.Option(help="The perturbation ε.")] = 1e-4,
    rows: Annotated[int, typer.Option(help="Check on the first ROWS rows.")] = 100,
    at_init: Annotated[
        bool, typer.Option("--at-init", help="Check a fresh initialisation.")
    ] = False,
) -> None:
    """Compare backpropagation's gradient with central differences.

    Exit code 1 when the relative error is above the tolerance. At a trained
    minimum the gradient is too small for the check: it then says
    "inconclusive" (exit code 0); use --at-init.
    """
    from chainrule.cli.commands import run_gradcheck

    targets = None if target is None else [t.strip() for t in target.split(",")]
    if not run_gradcheck(model, data, targets, eps, rows, at_init):
        raise typer.Exit(ExitCode.ERROR)


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


app.command("explain")(explain_command)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (a plain int, see :class:`ExitCode`).

    Usage errors and chainrule's errors about input become one line on
    stderr with exit code 2; other errors exit with 1. ``--debug`` shows the
    traceback instead.
    """
    return int(_run(sys.argv[1:] if argv is None else argv))


def _run(argv: list[str]) -> int:
    args = list(argv)
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"]
    try:
        rv = app(args=args, prog_name="chainrule", standalone_mode=False)
    except NoArgsIsHelpError as exc:  # the help is printed already (Rich)
        if exc.format_message().strip():
            print(exc.format_message(), file=sys.stderr)
        return ExitCode.USAGE
    except ClickException as exc:
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        print(
            f"chainrule: error: {_one_line(exc.format_message())}{hint}",
            file=sys.stderr,
        )
        return exc.exit_code
    except ChainruleError as exc:
        if debug:
            raise
        print(f"chainrule: error: {_one_line(exc)}", file=sys.stderr)
        return ExitCode.USAGE if isinstance(exc, ValueError) else ExitCode.ERROR
    except (KeyboardInterrupt, typer.Abort):
        print("chainrule: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if debug:
            raise
        print(
            f"chainrule: error: {type(exc).__name__}: {_one_line(exc)} (run with "
            "--debug for the traceback)",
            file=sys.stderr,
        )
        return ExitCode.ERROR
    return int(rv) if isinstance(rv, int) else ExitCode.OK
