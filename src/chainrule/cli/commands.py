"""The work behind ``chainrule train``, ``predict``, ``info`` and ``gradcheck``.

Each ``run_*`` function takes checked options, calls the library and prints
with Rich to standard output (progress bars go to standard error).
"""

from __future__ import annotations

import csv
import importlib.util
import io
import math
import sys
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table as RichTable

import chainrule as cr
from chainrule.data import prepare as tabular
from chainrule.data.tables import load_table
from chainrule.errors import ConfigError
from chainrule.persist.model import atomic_write_bytes, load_with_metadata
from chainrule.train.optimizers import check_name
from chainrule.validation import check_positive

FIRST_ORDER = ("gd", "sgd", "adam")


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


def _console() -> Console:
    # soft_wrap: long lines stay whole, for reading by grep and scripts
    return Console(highlight=False, soft_wrap=True)


def _fmt(v: float | None) -> str:
    if v is None:
        return "-"
    return "n/a" if math.isnan(v) else f"{v:.6g}"


def _build(opts: TrainOptions, d: tabular.Prepared) -> cr.Network:
    classify = d.classes is not None
    default_out = "softmax" if classify else "identity"
    return cr.Network(
        [d.X.shape[1], *opts.hidden, d.y.shape[1]],
        activation=opts.activation,
        output_activation=opts.output_activation or default_out,
        loss=opts.loss or ("cce" if classify else "mse"),
        l2=opts.l2,
        seed=opts.seed,
    )


def _check_options(opts: TrainOptions) -> None:
    if opts.plot is not None and importlib.util.find_spec("matplotlib") is None:
        raise ConfigError("--plot: needs matplotlib; pip install 'chainrule[plot]'")
    name = check_name(opts.optimizer)
    if name not in FIRST_ORDER:
        for flag, value in (
            ("--batch-size", opts.batch_size),
            ("--learning-rate", opts.learning_rate),
            ("--early-stopping", opts.early_stopping or None),
            ("--checkpoint", opts.checkpoint),
        ):
            if value is not None:
                raise ConfigError(
                    f"{flag}: applies to the first-order optimizers {FIRST_ORDER}, "
                    f"not to --optimizer {name}"
                )
    if opts.early_stopping and opts.validation_split == 0:
        raise ConfigError("--early-stopping: needs --validation-split above 0")
    if opts.resume and opts.checkpoint is None:
        raise ConfigError("--resume: needs --checkpoint FILE to resume from")


def _fit(net: cr.Network, opts: TrainOptions, train, val):
    return net.fit(
        *train,
        optimizer=opts.optimizer,
        epochs=opts.epochs,
        learning_rate=opts.learning_rate,
        batch_size=opts.batch_size,
        validation_data=val,
        early_stopping=opts.early_stopping,
        progress=True,
        patience=opts.patience,
        seed=opts.seed,
        checkpoint=None if opts.checkpoint is None else str(opts.checkpoint),
        checkpoint_every=opts.checkpoint_every,
        resume=True if opts.resume else None,
    )


def run_train(opts: TrainOptions) -> cr.Network:
    """Load, prepare, train, report, save; see ``chainrule train --help``."""
    _check_options(opts)
    table = load_table(opts.data)
    d = tabular.prepare_training(
        table, opts.targets, opts.scale_inputs, opts.scale_targets, opts.classify
    )
    tr, va = tabular.split_rows(table.n_rows, opts.validation_split, opts.seed)
    net = _build(opts, d)
    train, val = (d.X[tr], d.y[tr]), ((d.X[va], d.y[va]) if len(va) else None)
    console = _console()
    kind = f"classification of {len(d.classes)} labels" if d.classes else "regression"
    console.print(
        f"{opts.data}: {table.n_rows} rows; inputs {d.inputs}; target {d.targets} "
        f"({kind}); network {net.sizes}, {net.n_params} parameters"
    )
    hist = _fit(net, opts, train, val)
    meta = tabular.data_metadata(d)
    metrics = _metrics(net, meta, train, val)
    console.print(_metrics_table(metrics, hist))
    meta["training"] = _training_record(opts, table.n_rows, len(va), hist)
    meta["training"]["metrics"] = metrics
    net.save(str(opts.out), metadata=meta)
    console.print(f"Model written to {opts.out}")
    if opts.plot is not None:
        from chainrule.plot import cost_curve

        cost_curve(hist, path=opts.plot)
        console.print(f"Cost curve written to {opts.plot}")
    return net


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
        table.add_row(f"{name}", *(_fmt(v) for v in row))
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
        chainrule=cr.__version__,
    )
    return record


def _model_and_data(model: Path, data: Path, targets: list[str] | None, with_y: bool):
    net, meta = load_with_metadata(model)
    table = load_table(data)
    if "inputs" not in meta:
        meta = tabular.plain_metadata(table, targets or [], net.n_outputs)
    elif targets is not None and table.expand(targets) != meta["targets"]:
        raise ConfigError(
            f"--target: the model was trained on {meta['targets']}, got {targets}"
        )
    d = tabular.prepare_from_metadata(
        table, meta, net.n_inputs, net.n_outputs, with_targets=with_y
    )
    return net, meta, table, d


def run_predict(model: Path, data: Path, out: Path | None) -> None:
    """Write one row of predictions per row of ``data`` as CSV."""
    net, meta, _, d = _model_and_data(model, data, None, with_y=False)
    cols = tabular.decode(net.forward(d.X), meta)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(list(cols))
    for row in zip(*cols.values(), strict=True):
        writer.writerow([v if isinstance(v, str) else repr(float(v)) for v in row])
    if out is None:
        sys.stdout.write(buf.getvalue())
        return
    atomic_write_bytes(out, buf.getvalue().encode())
    n = len(next(iter(cols.values())))
    _console().print(f"{n} predictions written to {out}")


def run_info(model: Path) -> None:
    """Print a model's architecture, parameter count and training record."""
    net, meta = load_with_metadata(model)
    console = _console()
    arch = RichTable(title=f"{model}", show_header=True)
    for col in ("layer", "W", "b", "activation"):
        arch.add_column(col)
    for l in range(1, net.n_layers + 1):
        b = net.shapes.get(f"b{l}")
        arch.add_row(
            str(l), str(net.shapes[f"W{l}"]), str(b or "-"), net.activations[l - 1]
        )
    console.print(arch)
    console.print(
        f"sizes {net.sizes}; {net.n_params} parameters; loss {net.loss}; "
        f"l2 {net.l2}; dtype {net.dtype.name}"
    )
    if "inputs" in meta:
        console.print(f"inputs {meta['inputs']}; targets {meta['targets']}")
        if meta.get("classes"):
            console.print(f"classes {meta['classes']}")
        sx, sy = meta["scale_inputs"]["method"], meta["scale_targets"]["method"]
        console.print(f"scaling: inputs {sx}, targets {sy}")
    t = meta.get("training")
    if not isinstance(t, dict):
        console.print("training: not recorded in this file")
        return
    console.print(
        f"trained {t.get('date')} with chainrule {t.get('chainrule')} on "
        f"{t.get('data')} ({t.get('rows')} rows, {t.get('validation_rows')} for "
        f"validation): {t.get('optimizer')}, {t.get('iterations')} iterations, "
        f"final cost {_fmt(t.get('final_cost'))}, validation cost "
        f"{_fmt(t.get('final_val_cost'))} ({t.get('message')})"
    )


#: Below this norm of the numerical gradient, central differences with
#: ε = 1e-4 (truncation error of order ε² ≈ 1e-8 per component) cannot give a
#: relative error under 1e-7: a trained minimum is not a point to check at.
FLAT_GRADIENT = 1e-3


def run_gradcheck(
    model: Path,
    data: Path,
    targets: list[str] | None,
    eps: float,
    rows: int,
    at_init: bool = False,
) -> bool:
    """Print the gradient check of a model on (the first rows of) a table.

    Returns ``False`` only when the check fails where it is conclusive.
    """
    check_positive("--rows", rows, integer=True)
    check_positive("--eps", eps)
    net, _, _, d = _model_and_data(model, data, targets, with_y=True)
    if at_init:
        net = cr.Network(**net.config())
    X, y = d.X[:rows], d.y[:rows]
    chk = cr.gradcheck(net, X, y, eps=eps)
    console = _console()
    where = "a fresh initialisation" if at_init else "the saved weights"
    t = RichTable(title=f"Gradient check at {where}, {len(X)} rows (ε = {eps:g})")
    for col in ("parameter", "shape", "max |g − n|", "relative error"):
        t.add_column(col, justify="right" if col != "parameter" else "left")
    for name, p in chk.per_param.items():
        t.add_row(
            name,
            str(net.shapes[name]),
            f"{p['max_abs_error']:.3e}",
            f"{p['relative_error']:.3e}",
        )
    console.print(t)
    norm = float(np.sqrt(sum(np.sum(v**2) for v in chk.numerical.values())))
    flat = not chk.ok and norm < FLAT_GRADIENT
    verdict = "ok" if chk.ok else ("inconclusive" if flat else "FAILED")
    console.print(
        f"relative error ‖g − n‖/‖g + n‖ = {chk.relative_error:.3e} "
        f"(tolerance {chk.tolerance:g}; ‖n‖ = {norm:.3e}): {verdict}"
    )
    if flat:
        console.print(
            "The gradient is nearly zero here (a trained minimum), below what "
            "finite differences resolve; check with --at-init."
        )
    return chk.ok or flat
