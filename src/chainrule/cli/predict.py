"""``chainrule predict``: one row of predictions per row of a table.

The table is read, predicted and written in batches
(:func:`chainrule.data.batches.iter_table`), so memory stays bounded
whatever the file's size. With ``--out`` the CSV goes to a temporary file
renamed over ``--out`` when complete; an error half-way leaves ``--out`` as
it was. Label text is neutralised against formula injection
(:func:`chainrule.data.numbers.csv_safe`).
"""

from __future__ import annotations

import csv
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Annotated

import typer

from chainrule.cli.common import check_paths, console
from chainrule.data import prepare as tabular
from chainrule.data.batches import BATCH_ROWS, iter_table
from chainrule.data.numbers import csv_safe
from chainrule.loading import load_with_metadata
from chainrule.persist.atomic import atomic_open

EPILOG = "Example: chainrule predict model.safetensors new.csv --out preds.csv"


def _cell(v) -> str:
    return csv_safe(v) if isinstance(v, str) else repr(float(v))


def predict_rows(model: Path, data: Path, fh, batch_rows: int = BATCH_ROWS) -> int:
    """Write the predictions of every row of ``data`` as CSV to ``fh``; count them."""
    net, meta = load_with_metadata(model)
    writer = csv.writer(fh, lineterminator="\n")
    n = 0
    for table in iter_table(data, batch_rows):
        if "inputs" not in meta:
            meta = tabular.plain_metadata(table, [], net.n_outputs)
        d = tabular.prepare_from_metadata(
            table, meta, net.n_inputs, net.n_outputs, with_targets=False
        )
        cols = tabular.decode(net.forward(d.X), meta)
        if n == 0:
            writer.writerow([csv_safe(name) for name in cols])
        writer.writerows(
            [_cell(v) for v in row] for row in zip(*cols.values(), strict=True)
        )
        n += table.n_rows
    return n


def run_predict(model: Path, data: Path, out: Path | None) -> None:
    """Write one row of predictions per row of ``data`` as CSV."""
    target = nullcontext(sys.stdout) if out is None else atomic_open(out, newline="")
    with target as fh:
        n = predict_rows(model, data, fh)
    if out is not None:
        console().print(f"{n} predictions written to {out}")


def predict(
    model: Annotated[Path, typer.Argument(help="A model written by train.")],
    data: Annotated[Path, typer.Argument(help="CSV, Parquet, NPY or NPZ.")],
    out: Annotated[
        Path | None, typer.Option(help="CSV to write; default: standard output.")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a read-only --out.")
    ] = False,
) -> None:
    """Predict the targets of every row of DATA (in the targets' units or labels)."""

    check_paths({"--out": out}, {"MODEL": model, "DATA": data}, force)
    run_predict(model, data, out)
