"""What ``chainrule train`` does once its options are read: prepare the
table, build and fit the network (in memory or on Dask), report, save.

:mod:`chainrule.cli.train` declares the command and its options; the
:class:`~chainrule.cli.train_options.TrainOptions` it fills are run here
(:func:`run_train`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import typer

from chainrule import interrupt
from chainrule.cli.common import (
    ExitCode,
    check_saveable,
    console,
    fmt,
    interrupted_path,
    print_metrics,
    save_model,
    say,
)
from chainrule.cli.table_defaults import (
    batching_text,
    columns_text,
    default_batch,
    default_rate,
    default_split,
    notes,
    stopping,
)
from chainrule.cli.train_options import TrainOptions, check_options, fit_options
from chainrule.cli.train_record import command_line, data_record
from chainrule.cli.train_weights import score, weight_drop, weights_of
from chainrule.data import prepare as tabular
from chainrule.data.frame import Table
from chainrule.data.tables import load_table, release_memory
from chainrule.errors import ConfigError, FileWriteError
from chainrule.network import Network
from chainrule.train.progress import ProgressBar
from chainrule.validation.config import check_memory
from chainrule.version import VERSION

#: Copies of the parameters that training holds: θ, the gradient, two Adam
#: moments, the best epoch's θ and a step's workspace.
TRAINING_COPIES = 6


def _build(opts: TrainOptions, d: tabular.Prepared) -> Network:
    classify = d.classes is not None
    default_out = "softmax" if classify else "identity"
    sizes = [d.X.shape[1], *opts.hidden, d.y.shape[1]]
    check_memory(sizes, copies=TRAINING_COPIES)  # --layers beyond the machine
    return Network(
        sizes,
        activation=opts.activation,
        output_activation=opts.output_activation or default_out,
        loss=opts.loss or ("cce" if classify else "mse"),
        l2=opts.l2,
        seed=opts.seed,
    )


def _fit(net: Network, opts: TrainOptions, train, val, weights=None):
    interrupt.raise_if_pending()  # a Ctrl-C that a library's import swallowed
    weighted = {} if weights is None else {"sample_weight": weights}
    with ProgressBar(
        total=opts.epochs,
        description=f"fit ({opts.optimizer})",
        log_every=opts.log_every,
    ) as bar:
        return net.fit(
            *train,
            optimizer=opts.optimizer,
            validation_data=val,
            callbacks=[bar],
            seed=opts.seed,
            **fit_options(opts),
            **weighted,
        )


def run_train_dask(opts: TrainOptions) -> Network:
    """``--dask``: Parquet read in partitions on the workers, trained there."""
    from chainrule.data import dask_tables
    from chainrule.train.dask_engine import connect

    if opts.validation_split or opts.classify:
        flag_name = "--validation-split" if opts.validation_split else "--classify"
        raise ConfigError(f"{flag_name}: not available with --dask")
    local = (("--weight", opts.weight), ("--class-weight", opts.class_weight),
             ("--cv", opts.cv), ("--missing-indicator", opts.missing_indicator),
             ("--dates", opts.dates != "error"))  # fmt: skip
    for flag_name, given in local:
        if given:
            raise ConfigError(f"{flag_name}: not available with --dask")
    address = None if opts.dask == "local" else opts.dask
    source = data_record(opts.data)
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
    meta["training"] = _training_record(opts, n_rows, 0, hist, source)
    con = console()
    con.print(f"{hist.message}; final cost {fmt(hist.cost[-1])}")
    _save_and_plot(net, opts, meta, hist, con)
    return net


@dataclass
class Trained:
    """One network trained on a table (:func:`train_table`).

    Attributes
    ----------
    net : Network
    d : Prepared
        The table's arrays and what was done to its columns.
    opts : TrainOptions
        The options with the table's defaults chosen.
    hist : History
    meta : dict
        The model's metadata (the data's; no training record yet).
    weights : (n,) array or None
        Each row's weight (``--weight``, ``--class-weight``), rows of ``d``.
    class_weights : (k,) array or None
    """

    net: Network
    d: tabular.Prepared
    opts: TrainOptions
    hist: Any
    meta: dict
    weights: Any = None
    class_weights: Any = None

    def part(self, name: str):
        """``(X, y)`` of the ``"train"`` or ``"validation"`` rows (``None``
        when no row is held out), and their weights."""
        part = self.d.train if name == "train" else self.d.validation
        if part is None:
            return None, None
        rows = self.d.train_rows if name == "train" else self.d.val_rows
        return part, None if self.weights is None else self.weights[rows]


def train_table(opts: TrainOptions, table: Table, con=None) -> Trained:
    """Prepare ``table``, build the network and fit it; the summary on ``con``.

    :func:`prepare_table` then :func:`fit_table`; the folds of ``--cv``
    train so.
    """
    return fit_table(prepare_table(opts, table, con))


def prepare_table(opts: TrainOptions, table: Table, con=None) -> Trained:
    """Prepare ``table`` and build the network (not trained yet: ``hist`` is
    ``None``); the summary on ``con``.

    The options' table defaults (validation split, batches, learning rate,
    early stopping) are chosen from ``table``; ``--weight``'s column is not
    an input. Nothing returned refers to ``table``: once prepared, it may
    be dropped.
    """
    split = default_split(opts, table.n_rows)
    d = tabular.prepare_training(
        table, opts.targets, opts.scale_inputs, opts.scale_targets, opts.classify,
        regress=opts.regress, inputs=opts.inputs, drop=weight_drop(opts, table),
        id_column=opts.id, missing=opts.missing, validation_split=split,
        seed=opts.seed, judge_columns=True, keep=opts.keep,
        categorical=opts.categorical, missing_target=opts.missing_target,
        dates=opts.dates, missing_indicator=opts.missing_indicator,
    )  # fmt: skip
    tr, va = d.train_rows, d.val_rows
    batch = default_batch(opts, len(tr))
    opts = opts.replaced(
        validation_split=split,
        batch_size=batch,
        learning_rate=default_rate(opts, batch, len(tr)),
        **stopping(opts, len(va), minibatches=bool(batch) and batch < len(tr)),
    )
    net = _build(opts, d)
    weights, per_class = weights_of(opts, table, d)
    t = Trained(net, d, opts, None, tabular.data_metadata(d), weights, per_class)
    check_saveable(net, t.meta)  # what the final save would refuse, before training
    if con is not None:
        n_rows = len(tr) + len(va)  # those with a target
        con.print(f"target {', '.join(d.targets)}: {d.problem}")
        con.print(
            f"{opts.data}: {n_rows} rows ({len(tr)} to train, {len(va)} to "
            f"validate); columns {columns_text(d)}; network {net.sizes}, "
            f"{net.n_params} parameters" + batching_text(opts, len(va), n_rows)
        )
    return t


def fit_table(t: Trained) -> Trained:
    """Fit ``t``'s network on its training rows, watching the held-out ones."""
    (train, w), (val, _) = t.part("train"), t.part("validation")
    t.hist = _fit(t.net, t.opts, train, val, w)
    return t


def _prepared(opts: TrainOptions, con) -> tuple[Trained, list[str]]:
    """The file read and prepared (:func:`prepare_table`), and the notes to
    print once trained; the table is dropped on return (memory)."""
    table = load_table(
        opts.data, sep=opts.sep, encoding=opts.encoding, decimal=opts.decimal
    )
    t = prepare_table(opts, table, con)
    lines = notes(table, t.d, opts.keep)
    del table
    release_memory()
    return t, lines


def run_train(opts: TrainOptions, record: dict | None = None) -> Network:
    """Load, prepare, train, report, save; see ``chainrule train --help``.

    ``record`` is added to the model's training record (``--cv``'s scores).
    """
    check_options(opts)
    if opts.dask is not None:
        return run_train_dask(opts)
    source = data_record(opts.data)  # the file as it is read
    con = console()
    t, lines = _prepared(opts, con)
    fit_table(t)
    net, d, hist, meta, opts = t.net, t.d, t.hist, t.meta, t.opts
    if opts.early_stopping and hist.best_epoch == hist.epochs and hist.epochs:
        hist.message += "; the last epoch was the best, kept"
    for line in lines:  # after fit: an error there stays the only line on stderr
        say(line)
    metrics = held_out_metrics(t)
    n_rows = len(d.train_rows) + len(d.val_rows)
    meta["training"] = _training_record(opts, n_rows, len(d.val_rows), hist, source)
    meta["training"]["metrics"] = metrics
    if t.class_weights is not None:
        meta["training"]["class_weights"] = dict(
            zip(d.classes, t.class_weights.tolist(), strict=True)
        )
    meta["training"].update(record or {})
    print_metrics(con, metrics, meta, hist.message, "Final metrics")
    _save_and_plot(net, opts, meta, hist, con)
    return net


def _save_and_plot(net, opts: TrainOptions, meta: dict, hist, con) -> None:
    """The model to --out (beside it when interrupted), then the cost curve."""
    if hist.interrupted:
        _save_interrupted(net, opts, meta, hist)
    save_model(net, opts.out, meta)
    con.print(f"Model written to {opts.out}")
    if opts.plot is not None:
        from chainrule.plot import cost_curve

        cost_curve(hist, path=opts.plot)
        con.print(f"Cost curve written to {opts.plot}")


def _save_interrupted(net, opts: TrainOptions, meta: dict, hist) -> None:
    """Ctrl-C: never replace --out; save beside it, say where, exit 130."""
    path = interrupted_path(opts.out)
    interrupt.tell()  # the lines below say it
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


def held_out_metrics(t: Trained) -> dict:
    """The metrics of the training and validation rows (weighted ones too
    when rows have weights: :func:`~chainrule.data.metrics.weighted_metrics`)."""
    out = {}
    for name in ("train", "validation"):
        part, w = t.part(name)
        if part is not None:
            X, y = part
            yhat, cost = t.net.forward_and_cost(X, y)
            out[name] = {"cost": cost, **score(yhat, y, t.meta, w)}
    return out


def _training_record(
    opts: TrainOptions, n_rows: int, n_val: int, hist, source: dict
) -> dict:
    record = opts.record()
    record.update(
        **source,  # data (absolute), data_size, data_sha256
        command=command_line(),
        rows=n_rows,
        validation_rows=n_val,
        iterations=hist.epochs,
        best_epoch=getattr(hist, "best_epoch", None),
        message=hist.message,
        final_cost=hist.cost[-1] if hist.cost else None,
        final_val_cost=hist.val_cost[-1] if hist.val_cost else None,
        date=datetime.now(UTC).isoformat(timespec="seconds"),
        chainrule=VERSION,
    )
    return record
