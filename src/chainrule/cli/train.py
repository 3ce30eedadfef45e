"""``chainrule train``: read a table, prepare it, train, report, save.

This module declares the command and its options; :mod:`chainrule.cli.train_run`
runs them. The command's own options (the table, the network, the files) are
the parameters of :func:`train_command`; the options of ``fit`` that it
offers are made from the spec, :data:`chainrule.train.options.OPTIONS` (each
entry with a ``Flag``): :func:`fit_parameters` turns them into Typer options
with the same name (``--batch-size``), default and help, and :data:`train`
is the command with both.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from chainrule.cli.common import (
    check_paths,
    interrupted_path,
    names_option,
    parse_layers,
    sep_option,
)
from chainrule.cli.optional_value import dask_address
from chainrule.cli.table_defaults import CHOSEN_BY_TABLE
from chainrule.cli.train_cv import run_cv
from chainrule.cli.train_options import FIT_OPTIONS, TrainOptions, flag
from chainrule.cli.train_run import run_train
from chainrule.data.cells import check_decimal
from chainrule.data.derived import DATES
from chainrule.data.weights import check_class_weight
from chainrule.errors import InvalidValueError
from chainrule.train.optimizers import NAMES
from chainrule.train.options import OPTIONS, cli_options

__all__ = [
    "FIT_OPTIONS",
    "TrainOptions",
    "fit_parameters",
    "flag",
    "run_train",
    "train",
    "train_command",
]

EPILOG = (
    "Example: chainrule train scores.csv --target score --layers 8 "
    "--epochs 300 --out model.safetensors --plot cost.png"
)


def fit_parameters() -> list[inspect.Parameter]:
    """A Typer option per entry of the spec with a ``Flag``, in spec order.

    Each has the fit option's name (``batch_size``: ``--batch-size``, or the
    flag's own declarations), default and help (``full_help``); those of
    :data:`~chainrule.cli.table_defaults.CHOSEN_BY_TABLE` default to ``None``
    (chosen from the table) and their help says how.
    """
    params = []
    for name in cli_options():
        o = OPTIONS[name]
        kind = o.annotation if o.cli.type is None else o.cli.type
        default, help_text = o.default, o.full_help
        note = CHOSEN_BY_TABLE.get(name)
        if note is not None:  # not given: None, chosen from the table
            kind, default, help_text = kind | None, None, f"{help_text} {note}"
        option = typer.Option(*o.cli.decls, help=help_text)
        params.append(
            inspect.Parameter(
                name,
                inspect.Parameter.KEYWORD_ONLY,
                default=default,
                annotation=Annotated[kind, option],
            )
        )
    return params


class WithFitOptions:
    """``command``, whose ``**fit`` takes the spec's flags, as Typer sees it.

    The signature is ``command``'s own parameters with :func:`fit_parameters`
    after the one named ``after``; it is made each time it is read (Typer
    reads it when it builds the command), so the flags follow the spec.
    ``name`` is the command's name.
    """

    def __init__(self, command: Callable[..., None], name: str, after: str) -> None:
        functools.update_wrapper(self, command)
        self.__name__ = self.__qualname__ = name
        self.command, self.after = command, after

    @property
    def __signature__(self) -> inspect.Signature:
        own = inspect.signature(self.command, eval_str=True)
        params: list[inspect.Parameter] = []
        for p in own.parameters.values():
            if p.kind is not p.VAR_KEYWORD:
                params.append(p.replace(kind=p.KEYWORD_ONLY))
            if p.name == self.after:
                params += fit_parameters()
        return own.replace(parameters=params)

    def __call__(self, **kwargs: Any) -> None:
        return self.command(**kwargs)


def train_command(
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
    optimizer: Annotated[str, typer.Option(help=", ".join(NAMES) + ".")] = "adam",
    l2: Annotated[float, typer.Option(help="L2 penalty λ.")] = 0.0,
    seed: Annotated[int, typer.Option(help="Seed of weights and shuffles.")] = 0,
    validation_split: Annotated[
        float | None,
        typer.Option(
            help="Fraction held out for validation (stratified for labels). "
            "Default: 0.2 from 10 rows on; 0 to train on all."
        ),
    ] = None,
    scale_inputs: Annotated[str, typer.Option(help="max, standard or none.")] = (
        "standard"
    ),
    scale_targets: Annotated[str, typer.Option(help="max, standard or none.")] = (
        "standard"
    ),
    classify: Annotated[
        bool, typer.Option("--classify", help="Numeric target as class labels.")
    ] = False,
    regress: Annotated[
        bool,
        typer.Option("--regress", help="Integer target as numbers, not labels."),
    ] = False,
    inputs: Annotated[
        str | None, typer.Option(help="Input columns, comma-separated (default: all).")
    ] = None,
    drop: Annotated[
        str | None, typer.Option(help="Columns to leave out, comma-separated.")
    ] = None,
    id_column: Annotated[
        str | None,
        typer.Option("--id", help="Row identifier: not an input; kept by predict."),
    ] = None,
    keep: Annotated[
        str | None,
        typer.Option(
            help="Columns that look like identifiers (a different value in "
            "every row, pandas' index) but are inputs, comma-separated; "
            "identifiers are left out by default."
        ),
    ] = None,
    categorical: Annotated[
        str | None,
        typer.Option(
            help="Columns taken as categories (one-hot), comma-separated: "
            "numeric codes, or text with many different values."
        ),
    ] = None,
    missing: Annotated[
        str, typer.Option(help="Missing input cells: impute (default) or error.")
    ] = "impute",
    missing_target: Annotated[
        str,
        typer.Option(
            help="Rows whose target cell is missing: skip (default; counted "
            "and said) or error. A missing target is never a class."
        ),
    ] = "skip",
    sep: Annotated[
        str | None, typer.Option(help="CSV separator (default: guessed); 'tab'.")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="CSV text encoding (default utf-8).")
    ] = None,
    decimal: Annotated[
        str,
        typer.Option(
            help="Decimal mark of number-like text: '.' (default) or ',' "
            "(3,5 and 1.234,5 read as numbers)."
        ),
    ] = ".",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Where to write the model (default model.safetensors; with "
            "--cv none unless given: then a final model trained on every row).",
        ),
    ] = None,
    plot: Annotated[Path | None, typer.Option(help="Write the cost curve PNG.")] = None,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Continue from --checkpoint if it exists."),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a read-only --out or --plot.")
    ] = False,
    class_weight: Annotated[
        str | None,
        typer.Option(
            help="balanced: weigh each row n / (classes × rows of its class), "
            "scikit-learn's rule (classification)."
        ),
    ] = None,
    weight: Annotated[
        str | None,
        typer.Option(
            help="A numeric column of row weights >= 0 (not an input); "
            "times the class weight when both are given."
        ),
    ] = None,
    cv: Annotated[
        int | None,
        typer.Option(
            help="K-fold cross-validation (stratified for labels, seeded by "
            "--seed): K models with these options, the held-out scores per "
            "fold and their mean ± std; no model saved unless --out."
        ),
    ] = None,
    missing_indicator: Annotated[
        bool,
        typer.Option(
            "--missing-indicator",
            help="A 0/1 input 'COL missing' for each input column with "
            "missing cells in the training rows (predict makes the same).",
        ),
    ] = False,
    dates: Annotated[
        str,
        typer.Option(
            help="Date columns: error (refused, the default) or expand (year, "
            "month, day, weekday, and hour when times are given)."
        ),
    ] = "error",
    log_every: Annotated[
        float,
        typer.Option(
            help="When standard error is not a terminal (a log file): one "
            "progress line every this many seconds; 0 for none."
        ),
    ] = 10.0,
    dask: Annotated[
        str | None,
        typer.Option(
            "--dask",
            metavar="[ADDRESS]",
            help="Train on Dask, data-parallel: DATA is a Parquet file or glob "
            "('data/*.parquet') read in partitions on the workers. --dask alone "
            "starts a local cluster; --dask tcp://host:8786 uses that scheduler.",
        ),
    ] = None,
    **fit: Any,
) -> None:
    """Train a network on a table of data and save it.

    A category (non-numeric) or true/false target, or an integer target with
    few distinct values, makes a classifier: softmax output, cce cost, the
    labels kept in the model; the first line says which and why. Category
    inputs are one-hot encoded and missing cells imputed, fitted on the
    training rows (20 % are held out from 10 rows on). The training options
    are those of Network.fit, with the same help and the same refusals.
    """
    from chainrule.data.scaling import check_method

    opts = TrainOptions(
        data=data,
        targets=[t.strip() for t in target.split(",") if t.strip()],
        hidden=parse_layers(layers),
        activation=activation,
        output_activation=output_activation,
        loss=loss,
        optimizer=optimizer,
        l2=l2,
        seed=seed,
        validation_split=validation_split,
        scale_inputs=check_method("--scale-inputs", scale_inputs),
        scale_targets=check_method("--scale-targets", scale_targets),
        classify=classify,
        out=out if out is not None or cv else Path("model.safetensors"),
        plot=plot,
        resume=resume,
        dask=dask_address(dask),
        inputs=names_option("--inputs", inputs),
        drop=names_option("--drop", drop) or [],
        id=id_column,
        keep=names_option("--keep", keep) or [],
        categorical=names_option("--categorical", categorical) or [],
        missing=missing,
        missing_target=missing_target,
        regress=regress,
        sep=sep_option(sep),
        encoding=encoding,
        decimal=check_decimal(decimal),
        log_every=check_log_every(log_every),
        class_weight=check_class_weight(class_weight),
        weight=weight,
        cv=cv,
        missing_indicator=missing_indicator,
        dates=check_dates(dates),
        fit=fit,
    )
    if not opts.targets:
        raise InvalidValueError(f"--target: expected column names, got {target!r}")
    out = opts.out
    check_paths(
        {
            "--out": out,
            "--plot": plot,
            "--checkpoint": opts.checkpoint,
            "the file an interrupted run saves": out and interrupted_path(out),
        },
        {"DATA": data},
        force,
    )
    if opts.cv is not None:
        run_cv(opts)
    else:
        run_train(opts)


def check_dates(value: str) -> str:
    """``--dates``: one of :data:`~chainrule.data.derived.DATES`."""
    if value not in DATES:
        raise InvalidValueError(f"--dates: expected error or expand, got {value!r}")
    return value


def check_log_every(seconds: float) -> float:
    """``--log-every``: seconds, 0 or more (0: no progress lines)."""
    if not seconds >= 0 or seconds == float("inf"):
        raise InvalidValueError(
            f"--log-every: expected seconds, 0 or more, got {seconds!r}"
        )
    return seconds


#: ``chainrule train``: :func:`train_command` with the spec's flags.
train = WithFitOptions(train_command, "train", after="optimizer")
