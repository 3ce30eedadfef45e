"""``chainrule train``: read a table, prepare it, train, report, save.

This module declares the command and its options; :mod:`chainrule.cli.train_run`
runs them.
"""

from __future__ import annotations

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
from chainrule.cli.train_run import FIT_OPTIONS, TrainOptions, flag, run_train
from chainrule.errors import InvalidValueError
from chainrule.train.options import OPTIONS

__all__ = ["FIT_OPTIONS", "TrainOptions", "flag", "run_train", "train"]

EPILOG = (
    "Example: chainrule train scores.csv --target score --layers 8 "
    "--epochs 300 --out model.safetensors --plot cost.png"
)


def spec_option(name: str, *decls: str) -> Any:
    """A Typer option whose help is the fit option's, from the one spec."""
    return typer.Option(*decls, help=OPTIONS[name].full_help)


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
    epochs: Annotated[int, spec_option("epochs")] = OPTIONS["epochs"].default,
    batch_size: Annotated[int | None, spec_option("batch_size")] = None,
    learning_rate: Annotated[float | None, spec_option("learning_rate")] = None,
    shuffle: Annotated[
        bool, spec_option("shuffle", "--shuffle/--no-shuffle")
    ] = OPTIONS["shuffle"].default,
    schedule: Annotated[str, spec_option("schedule")] = OPTIONS["schedule"].default,
    momentum: Annotated[float, spec_option("momentum")] = OPTIONS["momentum"].default,
    nesterov: Annotated[bool, spec_option("nesterov", "--nesterov")] = OPTIONS[
        "nesterov"
    ].default,
    b1: Annotated[float, spec_option("b1")] = OPTIONS["b1"].default,
    b2: Annotated[float, spec_option("b2")] = OPTIONS["b2"].default,
    eps: Annotated[float, spec_option("eps")] = OPTIONS["eps"].default,
    l2: Annotated[float, typer.Option(help="L2 penalty λ.")] = 0.0,
    seed: Annotated[int, typer.Option(help="Seed of weights and shuffles.")] = 0,
    validation_split: Annotated[
        float | None,
        typer.Option(
            help="Fraction held out for validation (stratified for labels). "
            "Default: 0.2 from 10 rows on; 0 to train on all."
        ),
    ] = None,
    early_stopping: Annotated[
        bool, spec_option("early_stopping", "--early-stopping")
    ] = OPTIONS["early_stopping"].default,
    patience: Annotated[int, spec_option("patience")] = OPTIONS["patience"].default,
    tol: Annotated[float, spec_option("tol")] = OPTIONS["tol"].default,
    update_biases: Annotated[
        bool, spec_option("update_biases", "--update-biases/--freeze-biases")
    ] = OPTIONS["update_biases"].default,
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
    missing: Annotated[
        str, typer.Option(help="Missing input cells: impute (default) or error.")
    ] = "impute",
    sep: Annotated[
        str | None, typer.Option(help="CSV separator (default: guessed); 'tab'.")
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(help="CSV text encoding (default utf-8).")
    ] = None,
    out: Annotated[Path, typer.Option(help="Where to write the model.")] = Path(
        "model.safetensors"
    ),
    plot: Annotated[Path | None, typer.Option(help="Write the cost curve PNG.")] = None,
    checkpoint: Annotated[Path | None, spec_option("checkpoint")] = None,
    checkpoint_every: Annotated[int, spec_option("checkpoint_every")] = OPTIONS[
        "checkpoint_every"
    ].default,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Continue from --checkpoint if it exists."),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a read-only --out or --plot.")
    ] = False,
    threads: Annotated[int | None, spec_option("threads")] = None,
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
        shuffle=shuffle,
        schedule=schedule,
        momentum=momentum,
        nesterov=nesterov,
        b1=b1,
        b2=b2,
        eps=eps,
        tol=tol,
        update_biases=update_biases,
        threads=threads,
        dask=dask_address(dask),
        inputs=names_option("--inputs", inputs),
        drop=names_option("--drop", drop) or [],
        id=id_column,
        missing=missing,
        regress=regress,
        sep=sep_option(sep),
        encoding=encoding,
    )
    if not opts.targets:
        raise InvalidValueError(f"--target: expected column names, got {target!r}")
    check_paths(
        {
            "--out": out,
            "--plot": plot,
            "--checkpoint": checkpoint,
            "the file an interrupted run saves": interrupted_path(out),
        },
        {"DATA": data},
        force,
    )
    run_train(opts)
