"""``chainrule info``: a model's architecture and how it was trained.

The training record (the metadata's ``training``) is shown whole: every
option of the run, the command line that runs it again, the data file's
absolute path, size and SHA-256, and the metrics of the saved weights on
the training and held-out rows. ``--json`` prints the same as one JSON
object. The file's metadata is untrusted: values are checked or clipped
before they are shown, and control characters escaped.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable

from chainrule.cli.common import LABELS, console, fmt, print_metrics, write_text
from chainrule.cli.train_record import RUN_KEYS
from chainrule.data import prepare as tabular
from chainrule.loading import load_with_metadata

EPILOG = "Example: chainrule info model.safetensors"


def run_info(model: Path, as_json: bool = False) -> None:
    """Print a model's architecture, parameter count and training record."""
    net, meta = load_with_metadata(model)
    if as_json:
        write_text(None, info_json(model, net, meta) + "\n", json=True)
        return
    con = console()
    arch = RichTable(title=f"{model}", show_header=True)
    for col in ("layer", "W", "b", "activation"):
        arch.add_column(col)
    for l in range(1, net.n_layers + 1):
        b = net.shapes.get(f"b{l}")
        arch.add_row(
            str(l), str(net.shapes[f"W{l}"]), str(b or "-"), net.activations[l - 1]
        )
    con.print(arch)
    con.print(
        f"sizes {net.sizes}; {net.n_params} parameters; loss {net.loss}; "
        f"l2 {net.l2}; dtype {net.dtype.name}"
    )
    if "inputs" in meta:
        _print_data(con, net, meta)
    if isinstance(meta.get("sklearn"), dict):
        _print_estimator(con, meta["sklearn"])
        return
    t = meta.get("training")
    if not isinstance(t, dict) or not all(isinstance(k, str) for k in t):
        con.print("training: not recorded in this file")
        return
    con.print(
        f"trained {t.get('date')} with chainrule {t.get('chainrule')} on "
        f"{t.get('data')} ({t.get('rows')} rows, {t.get('validation_rows')} for "
        f"validation): {t.get('optimizer')}, {t.get('iterations')} iterations, "
        f"final cost {_number(t.get('final_cost'))}, validation cost "
        f"{_number(t.get('final_val_cost'))} ({t.get('message')})"
    )
    _print_record(con, t)
    _print_weights(con, t)
    _print_cv(con, t)
    metrics = _safe_metrics(t.get("metrics"), meta.get("classes"))
    if metrics:
        best = t.get("best_epoch")
        which = f"best epoch {best}" if isinstance(best, int) else "final weights"
        print_metrics(con, metrics, meta, f"the saved weights ({which})")


def _print_record(con, t: dict) -> None:
    """The options, the command line and the data file of a training record."""
    options = [f"{k}={_value(v)}" for k, v in t.items() if k not in RUN_KEYS]
    con.print("options: " + (", ".join(options) or "not recorded"))
    command = t.get("command")
    con.print(f"command: {command if isinstance(command, str) else 'not recorded'}")
    size, sha = t.get("data_size"), t.get("data_sha256")
    if isinstance(size, int) and isinstance(sha, str):
        con.print(f"data file: {t.get('data')} ({size} bytes, SHA-256 {sha[:64]})")
    else:
        con.print(f"data file: {t.get('data')} (size and SHA-256 not recorded)")


def _print_weights(con, t: dict) -> None:
    """``--weight`` and ``--class-weight`` of a record, and the class weights."""
    column, rule = t.get("weight"), t.get("class_weight")
    if not isinstance(column, str) and not isinstance(rule, str):
        return
    parts = []
    if isinstance(rule, str):
        weights = t.get("class_weights")
        shown = (
            ", ".join(f"{k!r:.40}: {_number(v)}" for k, v in list(weights.items())[:20])
            if isinstance(weights, dict)
            else "not recorded"
        )
        parts.append(f"class weights {rule[:20]} ({shown})")
    if isinstance(column, str):
        parts.append(f"the weights of column {column!r:.80}")
    con.print("sample weights: " + " times ".join(parts))


def _print_cv(con, t: dict) -> None:
    """The cross-validation scores of a record (``--cv`` with ``--out``)."""
    cv = t.get("cv_scores")
    if not isinstance(cv, dict):
        return
    folds, mean, std = cv.get("folds"), cv.get("mean"), cv.get("std")
    if not (
        isinstance(folds, list) and isinstance(mean, dict) and isinstance(std, dict)
    ):
        return
    scores = [
        f"{LABELS.get(k, k)[:40]} {_number(v)} ± {_number(std.get(k))}"
        for k, v in list(mean.items())[:20]
        if isinstance(k, str)
    ]
    con.print(f"cross-validation ({len(folds)} folds, held out): " + "; ".join(scores))


def _print_estimator(con, est: dict) -> None:
    """A chainrule.sklearn estimator's file: its class and settings, clipped."""
    params = est.get("params")
    items = params.items() if isinstance(params, dict) else ()
    con.print(
        f"estimator: chainrule.sklearn.{_value(est.get('estimator'))[1:-1]}, "
        f"saved by chainrule {_value(est.get('chainrule'))[1:-1]}; load it with "
        "chainrule.sklearn.load"
    )
    con.print("params: " + ", ".join(f"{k}={_value(v)}" for k, v in items))


def _value(v: object) -> str:
    """A recorded option as Python would write it, clipped."""
    return repr(v)[:200]


def info_json(model: Path, net, meta: dict) -> str:
    """Everything ``info`` shows, as one JSON object (ASCII, finite numbers).

    Keys: ``model``, ``sizes``, ``parameters``, ``loss``, ``l2``,
    ``dtype``, ``layers`` (shapes and activation of each), the data's
    ``inputs``, ``targets``, ``id``, ``classes`` and ``scaling`` when the
    model was trained on a table, and ``training``: the record as saved
    (options, ``command``, ``data``, ``data_size``, ``data_sha256``,
    ``metrics``...), or ``null``.
    """
    out: dict = {
        "model": str(model),
        "sizes": list(net.sizes),
        "parameters": int(net.n_params),
        "loss": net.loss,
        "l2": float(net.l2),
        "dtype": net.dtype.name,
        "layers": [
            {
                "W": list(net.shapes[f"W{l}"]),
                "b": list(net.shapes[f"b{l}"]) if f"b{l}" in net.shapes else None,
                "activation": net.activations[l - 1],
            }
            for l in range(1, net.n_layers + 1)
        ],
    }
    if "inputs" in meta:
        tabular.check_metadata(meta, net.n_inputs, net.n_outputs)
        out.update(
            inputs=meta["inputs"],
            targets=meta["targets"],
            id=meta.get("id") if isinstance(meta.get("id"), str) else None,
            classes=meta.get("classes"),
            scaling={
                "inputs": meta["scale_inputs"]["method"],
                "targets": meta["scale_targets"]["method"],
            },
        )
    t = meta.get("training")
    out["training"] = t if isinstance(t, dict) else None
    return json.dumps(_finite(out), indent=2, ensure_ascii=True)


def _finite(value: object) -> object:
    """``value`` with NaN and infinities as ``None`` (JSON has no such number)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {str(k): _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _safe_metrics(metrics: object, classes: object) -> dict:
    """Recorded metrics that are numbers (a confusion matrix of the right size)."""
    if not isinstance(metrics, dict):
        return {}
    out = {}
    k = len(classes) if isinstance(classes, list) else -1
    for part, values in metrics.items():
        if not isinstance(part, str) or not isinstance(values, dict):
            continue
        row = {  # None: a metric without a value (R² of a constant, AUC of one class)
            name: None if v is None else float(v)
            for name, v in values.items()
            if isinstance(name, str)
            and (v is None or isinstance(v, (int, float)))
            and not isinstance(v, bool)
        }
        cm = values.get("confusion")
        if (
            isinstance(cm, list)
            and len(cm) == k
            and all(isinstance(r, list) and len(r) == k for r in cm)
            and all(isinstance(v, int) for r in cm for v in r)
        ):
            row["confusion"] = cm
        if row:
            out[part] = row
    names = [set(v) for v in out.values()]
    return out if names and all(n == names[0] for n in names) else {}


def _number(v: object) -> str:
    """A recorded metric; anything but a number is shown as it is."""
    if isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) < 1e300:
        return fmt(float(v))
    return fmt(None) if v is None else repr(v)[:80]


def _print_data(con, net, meta: dict) -> None:
    """Columns, labels and scaling, after checking them (hostile metadata)."""
    tabular.check_metadata(meta, net.n_inputs, net.n_outputs)
    con.print(f"inputs {meta['inputs']}; targets {meta['targets']}")
    if isinstance(meta.get("id"), str):
        con.print(f"id column {meta['id']!r} (copied by predict)")
    if meta.get("classes"):
        con.print(f"classes {meta['classes']}")
    dates, flags = meta.get("dates"), meta.get("missing_indicators")
    if isinstance(dates, dict) and dates:
        con.print(f"dates expanded: {dates!r:.300}")
    if isinstance(flags, list) and flags:
        con.print(f"missing-value indicators of {flags!r:.300}")
    sx, sy = meta["scale_inputs"]["method"], meta["scale_targets"]["method"]
    con.print(f"scaling: inputs {sx}, targets {sy}")


def info(
    model: Annotated[Path, typer.Argument(help="A model file.")],
    as_json: Annotated[
        bool, typer.Option("--json", help="Everything as one JSON object.")
    ] = False,
) -> None:
    """Architecture, parameter count and how a model was trained: every
    option, the command line that runs it again, the data file's size and
    SHA-256, the metrics on the training and held-out rows."""

    run_info(model, as_json)
