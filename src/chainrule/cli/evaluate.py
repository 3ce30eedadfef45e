"""``chainrule evaluate``: a model's metrics on any labelled table.

The table is read in batches as by ``predict`` (the same filling of missing
cells and counting of unseen categories); rows whose target cell is missing
are left out of the metrics, and the count of rows scored is printed.
Classification: accuracy, balanced accuracy, macro F1, log loss and the
confusion matrix; regression: R², MAE, RMSE (:mod:`chainrule.data.metrics`).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated

import typer

from chainrule.cli.common import check_model_first, check_paths, console, sep_option
from chainrule.cli.predict import Tally, predict_rows, report, trained_decimal
from chainrule.data.batches import iter_table
from chainrule.data.cells import check_decimal
from chainrule.data.prepare import by_position
from chainrule.errors import ConfigError, DataFileError
from chainrule.loading import load_with_metadata

EPILOG = "Example: chainrule evaluate model.safetensors test.csv"


class _Discard(io.TextIOBase):
    def write(self, s: str) -> int:
        return len(s)


def run_evaluate(
    model: Path,
    data: Path,
    sep: str | None = None,
    encoding: str | None = None,
    decimal: str | None = None,
) -> Tally:
    """Print the metrics of ``model`` on the labelled table ``data``."""
    net, meta = load_with_metadata(model)
    if "inputs" not in meta:
        raise ConfigError(
            f"MODEL: {model} was not saved by 'chainrule train'; its target "
            "columns are unknown"
        )
    decimal = decimal or trained_decimal(meta)
    first = next(iter(iter_table(data, 1, sep, encoding, decimal)))
    first = by_position(first, meta, net.n_inputs, net.n_outputs)  # NPY: in order
    absent = [t for t in meta["targets"] if t not in first.columns]
    if absent:
        raise DataFileError(
            f"{data}: no target column {absent[0]!r}; evaluate needs the targets "
            f"the model was trained on ({meta['targets']}); use predict instead"
        )
    tally = Tally()
    predict_rows(
        model, data, _Discard(), sep=sep, encoding=encoding, tally=tally,
        decimal=decimal,
    )  # fmt: skip
    con = console()
    if tally.metrics is None or not tally.metrics.rows:
        if tally.unknown:
            classes = ", ".join(str(c) for c in meta["classes"][:10])
            raise DataFileError(
                f"{data}: no row to score: the {tally.unknown} rows' labels are "
                f"not among the model's classes ({classes})"
            )
        raise DataFileError(f"{data}: no row has a target value to score")
    report(tally, meta, con)
    return tally


def evaluate(
    model: Annotated[Path, typer.Argument(help="A model written by train.")],
    data: Annotated[Path, typer.Argument(help="A table with the target column(s).")],
    sep: Annotated[str | None, typer.Option(help="CSV separator.")] = None,
    encoding: Annotated[str | None, typer.Option(help="CSV text encoding.")] = None,
    decimal: Annotated[
        str | None,
        typer.Option(help="Decimal mark of number-like text (default: the model's)."),
    ] = None,
) -> None:
    """Score a model on a labelled table: the metrics of train's report."""

    check_model_first("evaluate", model, data)  # swapped arguments, before any work
    check_paths({}, {"MODEL": model, "DATA": data})
    mark = None if decimal is None else check_decimal(decimal)
    run_evaluate(model, data, sep_option(sep), encoding, mark)
