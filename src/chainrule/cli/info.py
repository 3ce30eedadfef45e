"""``chainrule info``: a model's architecture and how it was trained."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table as RichTable

from chainrule.cli.common import console, fmt
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


def _number(v: object) -> str:
    """A recorded metric; anything but a number is shown as it is."""
    if isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) < 1e300:
        return fmt(float(v))
    return fmt(None) if v is None else repr(v)[:80]


def _print_data(con, net, meta: dict) -> None:
    """Columns, labels and scaling, after checking them (hostile metadata)."""
    tabular.check_metadata(meta, net.n_inputs, net.n_outputs)
    con.print(f"inputs {meta['inputs']}; targets {meta['targets']}")
    if meta.get("classes"):
        con.print(f"classes {meta['classes']}")
    sx, sy = meta["scale_inputs"]["method"], meta["scale_targets"]["method"]
    con.print(f"scaling: inputs {sx}, targets {sy}")


def info(
    model: Annotated[Path, typer.Argument(help="A model file.")],
) -> None:
    """Architecture, parameter count and how a model was trained."""

    run_info(model)
