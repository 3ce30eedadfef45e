"""``chainrule predict``: one row of predictions per row of a table.

The table is read, predicted and written in batches
(:func:`chainrule.data.batches.iter_table`), so memory stays bounded
whatever the file's size. With ``--out`` the CSV goes to a temporary file
renamed over ``--out`` when complete; an error half-way leaves ``--out`` as
it was. Label text is neutralised against formula injection
(:func:`chainrule.data.numbers.csv_safe`).

The ID column the model was trained with (``train --id``), or the one
``--id`` names, is copied as the first column. Missing cells are filled as
in training and unseen categories counted; both are reported on stderr.
When the table has the target column, the metrics of the rows that have a
target are reported too, gathered batch by batch in constant memory
(:class:`~chainrule.data.metrics.RunningMetrics`); for a model trained with
row weights (``--class-weight``, ``--weight COL`` when the table has
``COL``), the weighted metrics as well
(:class:`~chainrule.data.metrics.RunningWeighted`).
"""

from __future__ import annotations

import csv
import sys
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import numpy as np
import typer

from chainrule.cli.common import (
    check_model_first,
    check_paths,
    console,
    filled_lines,
    print_metrics,
    say,
    sep_option,
)
from chainrule.data import prepare as tabular
from chainrule.data.batches import BATCH_ROWS, iter_table
from chainrule.data.cells import check_decimal
from chainrule.data.encoding import column_text
from chainrule.data.labels import labels_of, missing_targets
from chainrule.data.metrics import RunningMetrics, RunningWeighted
from chainrule.data.numbers import csv_safe
from chainrule.data.scaling import Scaler
from chainrule.data.weights import weight_column
from chainrule.loading import load_with_metadata
from chainrule.persist.atomic import atomic_open
from chainrule.validation import TerminalStream

EPILOG = "Example: chainrule predict model.safetensors new.csv --out preds.csv"


def _cell(v) -> str:
    return csv_safe(v) if isinstance(v, str) else repr(float(v))


@dataclass
class Tally:
    """What a prediction run saw: rows, skipped rows, fills, targets."""

    rows: int = 0
    skipped: int = 0
    missing: dict = field(default_factory=dict)
    unseen: dict = field(default_factory=dict)
    metrics: RunningMetrics | None = None  # constant size, whatever the rows
    no_id: str | None = None
    no_target: int = 0
    unknown: int = 0
    weighted: RunningWeighted | None = None
    no_weight: str | None = None  # the model's --weight column, not in the table

    def add(self, table, d) -> None:
        self.rows += table.n_rows
        self.skipped += table.skipped
        for name, r in d.report.items():
            self.missing[name] = self.missing.get(name, 0) + r.missing
            n, example = self.unseen.get(name, (0, ""))
            self.unseen[name] = (n + r.unseen, example or r.example)


def _score(tally: Tally, table, meta: dict, yhat) -> None:
    """Add the rows whose target cells are present to ``tally.metrics``; the
    rows without a target (and with an unknown label) counted in ``tally``."""
    targets, classes = meta["targets"], meta.get("classes")
    if not all(t in table.columns for t in targets):
        return
    if classes is None:
        y = np.column_stack([table.columns[t] for t in targets])
        if y.dtype.kind != "f":
            return
        keep = np.isfinite(y).all(axis=1)
        tally.no_target += int(missing_targets(table, targets).sum())
        # in the targets' units, as tabular.evaluate scores them
        true, pred = y[keep], Scaler.from_dict(meta["scale_targets"]).inverse(yhat)
    else:
        absent = missing_targets(table, targets)
        labels = labels_of(table, targets[0])
        onehot = labels[:, None] == np.array(classes)[None, :]
        keep = onehot.any(axis=1) & ~absent
        tally.no_target += int(absent.sum())
        tally.unknown += int((~keep & ~absent).sum())
        true, pred = onehot[keep].argmax(axis=1), yhat
    if tally.metrics is None:
        k = yhat.shape[1]
        tally.metrics = RunningMetrics(k, classification=classes is not None)
    tally.metrics.add(true, pred[keep])
    w = _weights(tally, table, meta, true, keep)
    if w is not None:
        if tally.weighted is None:
            k = yhat.shape[1]
            tally.weighted = RunningWeighted(k, classification=classes is not None)
        tally.weighted.add(true, pred[keep], w)


def _weights(tally: Tally, table, meta: dict, true, keep):
    """The scored rows' weights as training weighed its rows: the model's
    class weights of their labels, times its ``--weight`` column when the
    table has it; ``None`` for a model trained without weights."""
    t = meta.get("training") if isinstance(meta.get("training"), dict) else {}
    column, by_class = t.get("weight"), _class_weights(t, meta.get("classes"))
    if isinstance(column, str) and column not in table.columns:
        tally.no_weight, column = column, None
    if not isinstance(column, str) and by_class is None:
        return None
    w = np.ones(int(keep.sum())) if by_class is None else by_class[true]
    if isinstance(column, str):
        w = w * weight_column(table, column)[keep]
    return w


def _class_weights(record: dict, classes) -> np.ndarray | None:
    """The record's class weights in the order of ``classes``; ``None``
    without them (or when they are not finite numbers >= 0)."""
    per_class = record.get("class_weights")
    if not isinstance(per_class, dict) or not classes:
        return None
    values = [per_class.get(c) for c in classes]
    if not all(
        isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v < np.inf
        for v in values
    ):
        return None
    return np.array(values, dtype=np.float64)


def predict_rows(
    model: Path,
    data: Path,
    fh,
    batch_rows: int = BATCH_ROWS,
    *,
    id_column: str | None = None,
    sep: str | None = None,
    encoding: str | None = None,
    tally: Tally | None = None,
    decimal: str | None = None,
) -> int:
    """Write the predictions of every row of ``data`` as CSV to ``fh``; count them.

    ``tally``, when given, gathers what :func:`report` says. ``decimal``
    defaults to the one the model was trained with.
    """
    net, meta = load_with_metadata(model)
    decimal = decimal or trained_decimal(meta)
    id_column = id_column or meta.get("id")
    writer = csv.writer(fh, lineterminator="\n")
    tally = Tally() if tally is None else tally
    for table in iter_table(data, batch_rows, sep, encoding, decimal):
        if "inputs" not in meta:
            meta = tabular.plain_metadata(table, [], net.n_outputs)
        else:  # an NPY's columns are the model's, in order
            table = tabular.by_position(table, meta, net.n_inputs, net.n_outputs)
        d = tabular.prepare_from_metadata(
            table, meta, net.n_inputs, net.n_outputs, with_targets=False
        )
        yhat = net.forward(d.X)
        cols = tabular.decode(yhat, meta)
        if isinstance(id_column, str) and id_column in table.columns:
            cols = {id_column: column_text(table, id_column).tolist(), **cols}
        elif isinstance(id_column, str):
            tally.no_id = id_column
        if tally.rows == 0:
            writer.writerow([csv_safe(name) for name in cols])
        writer.writerows(
            [_cell(v) for v in row] for row in zip(*cols.values(), strict=True)
        )
        tally.add(table, d)
        _score(tally, table, meta, yhat)
    return tally.rows


def trained_decimal(meta: dict) -> str:
    """The ``--decimal`` of the model's training record, else ``.``."""
    t = meta.get("training")
    d = t.get("decimal") if isinstance(t, dict) else None
    return d if d in (".", ",") else "."


def report(tally: Tally, meta: dict, con) -> None:
    """The run's warnings on stderr; the metrics when targets were present."""
    if tally.no_id:
        say(f"warning: no ID column {tally.no_id!r}; predictions are in row order")
    if tally.skipped:
        say(
            f"warning: {tally.skipped} empty rows skipped (every cell empty); "
            "they have no prediction row: join by an --id column"
        )
    for line in filled_lines(tally.missing, "as in training"):
        say(line)
    for name, (n, example) in tally.unseen.items():
        if n:
            say(
                f"column {name!r}: {n} rows with a category not seen in training "
                f"(e.g. {example!r:.40}); their one-hot inputs are all 0"
            )
    if tally.no_target:
        say(
            f"warning: {tally.no_target} rows without a target value left out "
            "of the metrics (they are predicted)"
        )
    if tally.unknown:
        say(
            f"warning: {tally.unknown} rows with a label the model does not know "
            "left out of the metrics"
        )
    if tally.no_weight is not None:
        say(
            f"note: no column {tally.no_weight!r} (the model's --weight); the "
            "metrics are not weighted by it"
        )
    if tally.metrics is not None and tally.metrics.rows:
        metrics = {"data": tally.metrics.result()}
        if tally.weighted is not None:
            metrics["data"].update(tally.weighted.result())
        print_metrics(con, metrics, meta, f"{tally.metrics.rows} rows with a target")


def run_predict(
    model: Path,
    data: Path,
    out: Path | None,
    id_column: str | None = None,
    sep: str | None = None,
    encoding: str | None = None,
    decimal: str | None = None,
) -> None:
    """Write one row of predictions per row of ``data`` as CSV."""
    target = (  # on stdout, control characters in labels shown escaped
        nullcontext(TerminalStream(sys.stdout))
        if out is None
        else atomic_open(out, newline="")
    )
    tally = Tally()
    with target as fh:
        predict_rows(
            model, data, fh, id_column=id_column, sep=sep, encoding=encoding,
            tally=tally, decimal=decimal,
        )  # fmt: skip
    con = console(stderr=out is None)
    _, meta = load_with_metadata(model)
    if "inputs" in meta:
        report(tally, meta, con)
    if out is not None:
        con.print(f"{tally.rows} predictions written to {out}")


def predict(
    model: Annotated[Path, typer.Argument(help="A model written by train.")],
    data: Annotated[Path, typer.Argument(help="CSV, TSV, Parquet, NPY or NPZ.")],
    out: Annotated[
        Path | None, typer.Option(help="CSV to write; default: standard output.")
    ] = None,
    id_column: Annotated[
        str | None,
        typer.Option("--id", help="Column copied first (default: the model's --id)."),
    ] = None,
    sep: Annotated[str | None, typer.Option(help="CSV separator.")] = None,
    encoding: Annotated[str | None, typer.Option(help="CSV text encoding.")] = None,
    decimal: Annotated[
        str | None,
        typer.Option(help="Decimal mark of number-like text (default: the model's)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a read-only --out.")
    ] = False,
) -> None:
    """Predict the targets of every row of DATA (in the targets' units or labels)."""

    check_model_first("predict", model, data)  # swapped arguments, before any work
    check_paths({"--out": out}, {"MODEL": model, "DATA": data}, force)
    mark = None if decimal is None else check_decimal(decimal)
    run_predict(model, data, out, id_column, sep_option(sep), encoding, mark)
