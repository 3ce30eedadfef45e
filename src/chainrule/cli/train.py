"""``chainrule train``: read a table, prepare it, train, report, save."""

from __future__ import annotations

import importlib.util
import math
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table as RichTable

from chainrule.cli.common import (
    ExitCode,
    check_paths,
    check_saveable,
    console,
    fmt,
    interrupted_path,
    parse_layers,
    save_model,
    say,
)
from chainrule.data import prepare as tabular
from chainrule.data.tables import load_table
from chainrule.errors import ConfigError, FileWriteError, InvalidValueError
from chainrule.network import Network
from chainrule.train.optimizers import check_name
from chainrule.train.options import OPTIONS, check_given
from chainrule.validation import check_epochs
from chainrule.version import VERSION

#: The options of fit that ``chainrule train`` offers under the same names
#: (``--batch-size`` is ``batch_size``), with the spec's help and defaults.
FIT_OPTIONS = (
    "epochs",
    "learning_rate",
    "batch_size",
    "shuffle",
    "schedule",
    "momentum",
    "nesterov",
    "b1",
    "b2",
    "eps",
    "early_stopping",
    "patience",
    "tol",
    "update_biases",
    "checkpoint",
    "checkpoint_every",
    "threads",
)

EPILOG = (
    "Example: chainrule train scores.csv --target score --layers 8 "
    "--epochs 300 --out model.safetensors --plot cost.png"
)


@dataclass
class TrainOptions:
    """The options of ``chainrule train``, parsed."""

    data: Path
    targets: list[str]
    hidden: list[int]
    activation: str
    output_activation: str | None
    loss: str | None
    optimizer: str
    epochs: int
    batch_size: int | None
    learning_rate: float | None
    l2: float
    seed: int
    validation_split: float
    early_stopping: bool
    patience: int
    scale_inputs: str
    scale_targets: str
    classify: bool
    out: Path
    plot: Path | None
    checkpoint: Path | None = None
    checkpoint_every: int = 1
    resume: bool = False
    shuffle: bool = True
    schedule: str = "constant"
    momentum: float = 0.0
    nesterov: bool = False
    b1: float = 0.9
    b2: float = 0.999
    eps: float = 1e-8
    tol: float = 0.0
    update_biases: bool = True
    threads: int | None = None
    dask: str | None = None


def flag(name: str) -> str:
    """The command-line spelling of a fit option: ``batch_size`` → ``--batch-size``."""
    return "--" + name.replace("_", "-")


def spec_option(name: str, *decls: str) -> Any:
    """A Typer option whose help is the fit option's, from the one spec."""
    return typer.Option(*decls, help=OPTIONS[name].full_help)


def fit_options(opts: TrainOptions) -> dict[str, Any]:
    """The options of ``Network.fit`` that ``opts`` sets, by their fit names."""
    given: dict[str, Any] = {name: getattr(opts, name) for name in FIT_OPTIONS}
    given["early_stopping"] = bool(opts.early_stopping)
    if opts.checkpoint is not None:
        given["checkpoint"] = str(opts.checkpoint)
    given["resume"] = True if opts.resume else None
    return given


def _build(opts: TrainOptions, d: tabular.Prepared) -> Network:
    classify = d.classes is not None
    default_out = "softmax" if classify else "identity"
    return Network(
        [d.X.shape[1], *opts.hidden, d.y.shape[1]],
        activation=opts.activation,
        output_activation=opts.output_activation or default_out,
        loss=opts.loss or ("cce" if classify else "mse"),
        l2=opts.l2,
        seed=opts.seed,
    )


def _check_options(opts: TrainOptions) -> None:
    check_epochs("--epochs", opts.epochs)
    if opts.plot is not None and importlib.util.find_spec("matplotlib") is None:
        raise ConfigError("--plot: needs matplotlib; pip install 'chainrule[plot]'")
    # the same refusals as Network.fit, named as flags
    check_given(check_name(opts.optimizer), fit_options(opts), spell=flag)
    if opts.early_stopping and opts.validation_split == 0:
        raise ConfigError("--early-stopping: needs --validation-split above 0")
    if opts.resume and opts.checkpoint is None:
        raise ConfigError("--resume: needs --checkpoint FILE to resume from")


def _fit(net: Network, opts: TrainOptions, train, val):
    return net.fit(
        *train,
        optimizer=opts.optimizer,
        validation_data=val,
        progress=True,
        seed=opts.seed,
        **fit_options(opts),
    )


def run_train_dask(opts: TrainOptions) -> Network:
    """``--dask``: Parquet read in partitions on the workers, trained there."""
    from chainrule.data import dask_tables
    from chainrule.train.dask_engine import connect

    if opts.validation_split or opts.classify:
        flag_name = "--validation-split" if opts.validation_split else "--classify"
        raise ConfigError(f"{flag_name}: not available with --dask")
    address = None if opts.dask == "local" else opts.dask
    with connect(address):
        ddf = dask_tables.read_parquet(opts.data)
        d = dask_tables.prepare_training(
            ddf, opts.targets, opts.scale_inputs, opts.scale_targets
        )
        net = _build(opts, d)
        meta = tabular.data_metadata(d)
        check_saveable(net, meta)  # what the final save would refuse, before training
        n_rows = int(d.X.shape[0])
        console().print(
            f"{opts.data}: {n_rows} rows on Dask; inputs {d.inputs}; target "
            f"{d.targets}; network {net.sizes}, {net.n_params} parameters"
        )
        hist = _fit(net, opts, (d.X, d.y), None)
    meta["training"] = _training_record(opts, n_rows, 0, hist)
    if hist.interrupted:
        _save_interrupted(net, opts, meta, hist)
    save_model(net, opts.out, meta)
    console().print(f"{hist.message}; final cost {fmt(hist.cost[-1])}")
    console().print(f"Model written to {opts.out}")
    return net


def run_train(opts: TrainOptions) -> Network:
    """Load, prepare, train, report, save; see ``chainrule train --help``."""
    _check_options(opts)
    if opts.dask is not None:
        return run_train_dask(opts)
    table = load_table(opts.data)
    d = tabular.prepare_training(
        table, opts.targets, opts.scale_inputs, opts.scale_targets, opts.classify
    )
    tr, va = tabular.split_rows(table.n_rows, opts.validation_split, opts.seed)
    net = _build(opts, d)
    train, val = (d.X[tr], d.y[tr]), ((d.X[va], d.y[va]) if len(va) else None)
    meta = tabular.data_metadata(d)
    check_saveable(net, meta)  # what the final save would refuse, before training
    con = console()
    kind = f"classification of {len(d.classes)} labels" if d.classes else "regression"
    con.print(
        f"{opts.data}: {table.n_rows} rows; inputs {d.inputs}; target {d.targets} "
        f"({kind}); network {net.sizes}, {net.n_params} parameters"
    )
    hist = _fit(net, opts, train, val)
    metrics = _metrics(net, meta, train, val)
    meta["training"] = _training_record(opts, table.n_rows, len(va), hist)
    meta["training"]["metrics"] = metrics
    if hist.interrupted:
        _save_interrupted(net, opts, meta, hist)
    save_model(net, opts.out, meta)
    con.print(_metrics_table(metrics, hist))
    con.print(f"Model written to {opts.out}")
    if opts.plot is not None:
        from chainrule.plot import cost_curve

        cost_curve(hist, path=opts.plot)
        con.print(f"Cost curve written to {opts.plot}")
    return net


def _save_interrupted(net, opts: TrainOptions, meta: dict, hist) -> None:
    """Ctrl-C: never replace --out; save beside it, say where, exit 130."""
    path = interrupted_path(opts.out)
    try:
        where = save_model(net, path, meta)
    except FileWriteError as exc:
        say(f"interrupted ({hist.message}); {exc}")
        raise typer.Exit(ExitCode.INTERRUPTED) from None
    resume = (
        f"; resume with --checkpoint {opts.checkpoint} --resume"
        if opts.checkpoint is not None
        else ""
    )
    say(
        f"interrupted ({hist.message}); {opts.out} was not replaced; the model "
        f"so far is in {where}{resume}"
    )
    raise typer.Exit(ExitCode.INTERRUPTED)


def _metrics(net, meta, train, val) -> dict:
    out = {}
    for name, part in (("train", train), ("validation", val)):
        if part is None:
            continue
        X, y = part
        label, value = tabular.score(net.forward(X), y, meta)
        out[name] = {
            "cost": net.cost(X, y),
            label: None if math.isnan(value) else value,
        }
    return out


def _metrics_table(metrics: dict, hist) -> RichTable:
    table = RichTable(title="Final metrics", caption=hist.message)
    table.add_column("metric")
    for part in metrics:
        table.add_column(part, justify="right")
    names = list(metrics["train"])
    for name in names:
        row = [metrics[p].get(name) for p in metrics]
        table.add_row(f"{name}", *(fmt(v) for v in row))
    return table


def _training_record(opts: TrainOptions, n_rows: int, n_val: int, hist) -> dict:
    record = {
        k: (str(v) if isinstance(v, Path) else v)
        for k, v in asdict(opts).items()
        if k not in ("out", "plot")
    }
    record.update(
        rows=n_rows,
        validation_rows=n_val,
        iterations=hist.epochs,
        message=hist.message,
        final_cost=hist.cost[-1] if hist.cost else None,
        final_val_cost=hist.val_cost[-1] if hist.val_cost else None,
        date=datetime.now(UTC).isoformat(timespec="seconds"),
        chainrule=VERSION,
    )
    return record


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
        float, typer.Option(help="Fraction of rows held out for validation.")
    ] = 0.0,
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
        bool,
        typer.Option(
            "--dask",
            help="Train on Dask, data-parallel: DATA is a Parquet file or glob "
            "('data/*.parquet') read in partitions on the workers; a local "
            "cluster unless --scheduler is given.",
        ),
    ] = False,
    scheduler: Annotated[
        str | None,
        typer.Option(
            metavar="ADDRESS",
            help="The Dask scheduler to train on (tcp://host:port); implies --dask.",
        ),
    ] = None,
) -> None:
    """Train a network on a table of data and save it.

    A category (non-numeric) target column makes a classifier: softmax
    output, cce cost, the labels kept in the model. The training options
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
        dask=scheduler if scheduler is not None else ("local" if dask else None),
    )
    if not opts.targets:
        raise InvalidValueError(f"--target: expected column names, got {target!r}")
    check_paths(
        {"--out": out, "--plot": plot, "--checkpoint": checkpoint},
        {"DATA": data},
        force,
    )
    run_train(opts)
