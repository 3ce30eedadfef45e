"""``chainrule predict``: one row of predictions per row of a table."""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path
from typing import Annotated

import typer

from chainrule.cli.common import check_folder, console, model_and_data
from chainrule.data import prepare as tabular
from chainrule.persist.atomic import atomic_write_bytes

EPILOG = "Example: chainrule predict model.safetensors new.csv --out preds.csv"


def run_predict(model: Path, data: Path, out: Path | None) -> None:
    """Write one row of predictions per row of ``data`` as CSV."""
    net, meta, _, d = model_and_data(model, data, None, with_y=False)
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
    console().print(f"{n} predictions written to {out}")


def predict(
    model: Annotated[Path, typer.Argument(help="A model written by train.")],
    data: Annotated[Path, typer.Argument(help="CSV, Parquet, NPY or NPZ.")],
    out: Annotated[
        Path | None, typer.Option(help="CSV to write; default: standard output.")
    ] = None,
) -> None:
    """Predict the targets of every row of DATA (in the targets' units or labels)."""

    check_folder("--out", out)
    run_predict(model, data, out)
