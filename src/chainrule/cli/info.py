"""``chainrule info``: a model's architecture and how it was trained."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable

from chainrule.cli.common import console, fmt, print_metrics
from chainrule.data import prepare as tabular
from chainrule.loading import load_with_metadata

EPILOG = "Example: chainrule info model.safetensors"


def run_info(model: Path) -> None:
    """Print a model's architecture, parameter count and training record."""
    net, meta = load_with_metadata(model)
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
    metrics = _safe_metrics(t.get("metrics"), meta.get("classes"))
    if metrics:
        best = t.get("best_epoch")
        which = f"best epoch {best}" if isinstance(best, int) else "final weights"
        print_metrics(con, metrics, meta, f"the saved weights ({which})")


def _safe_metrics(metrics: object, classes: object) -> dict:
    """Recorded metrics that are numbers (a confusion matrix of the right size)."""
    if not isinstance(metrics, dict):
        return {}
    out = {}
    k = len(classes) if isinstance(classes, list) else -1
    for part, values in metrics.items():
        if not isinstance(part, str) or not isinstance(values, dict):
            continue
        row = {
            name: float(v)
            for name, v in values.items()
            if isinstance(name, str)
            and isinstance(v, (int, float))
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
    sx, sy = meta["scale_inputs"]["method"], meta["scale_targets"]["method"]
    con.print(f"scaling: inputs {sx}, targets {sy}")


def info(
    model: Annotated[Path, typer.Argument(help="A model file.")],
) -> None:
    """Architecture, parameter count and how a model was trained."""

    run_info(model)
