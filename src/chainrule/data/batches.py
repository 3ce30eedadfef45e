"""Reading a data file in batches of rows, so that memory stays bounded.

``chainrule predict`` reads, predicts and writes one batch at a time: CSV
through Arrow's streaming reader with the same conversion as
:func:`chainrule.data.csvfiles.read_csv`, Parquet by record batches, NPY
memory-mapped. An NPZ archive is read whole (after its declared sizes are
checked) and then sliced.

Each batch is a :class:`~chainrule.data.tables.Table` whose ``first_row``
places it in the file, so that errors name the file's row.

Examples
--------
>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "d.csv")
>>> with open(path, "w") as fh:
...     _ = fh.write("x,y\\n1,2\\n3,4\\n5,6\\n")
>>> [(t.first_row, t.n_rows) for t in iter_table(path, batch_rows=2)]
[(0, 2), (2, 1)]
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from chainrule.data.csvfiles import iter_csv
from chainrule.data.frame import Table
from chainrule.data.parquet import arrow_table, pyarrow_parquet
from chainrule.data.tables import FORMATS, load_table, read_numpy
from chainrule.errors import DataFileError, InvalidValueError

#: Rows per batch when predicting.
BATCH_ROWS = 65536


def iter_parquet(path: str | os.PathLike, batch_rows: int):
    """A Parquet file as tables of at most ``batch_rows`` rows (record batches)."""
    src = str(path)
    pq = pyarrow_parquet(src)
    try:
        pf = pq.ParquetFile(path)
        batches = pf.iter_batches(batch_size=batch_rows)
        first = 0
        for batch in batches:
            yield arrow_table(src, batch, first)
            first += batch.num_rows
    except DataFileError:
        raise
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        raise DataFileError(f"{src}: not a readable Parquet file ({exc})") from None
    if first == 0:
        raise DataFileError(f"{src}: no rows of data")


def _slices(table: Table, batch_rows: int) -> Iterator[Table]:
    for start in range(0, table.n_rows, batch_rows):
        sl = slice(start, start + batch_rows)
        yield replace(
            table,
            columns={k: v[sl] for k, v in table.columns.items()},
            text={k: v[sl] for k, v in table.text.items()},
            first_row=start,
        )


def iter_table(
    path: str | os.PathLike,
    batch_rows: int = BATCH_ROWS,
    sep: str | None = None,
    encoding: str | None = None,
    decimal: str = ".",
) -> Iterator[Table]:
    """A data file as tables of at most ``batch_rows`` rows, in file order.

    ``sep``, ``encoding`` and ``decimal`` apply to CSV (see :func:`load_table`).

    Raises
    ------
    DataFileError
        As :func:`chainrule.data.tables.load_table`, for the batch that has
        the problem (earlier batches have been yielded).
    """
    if (
        isinstance(batch_rows, bool)
        or not isinstance(batch_rows, int)
        or batch_rows < 1
    ):
        raise InvalidValueError(
            f"batch_rows: expected an integer >= 1, got {batch_rows!r}"
        )
    p = Path(path)
    fmt = FORMATS.get(p.suffix.lower())
    if fmt is None or not p.is_file():
        yield from _slices(load_table(p), batch_rows)  # its error, or the table
        return
    if fmt == "csv":
        yield from iter_csv(p, batch_rows, sep=sep, encoding=encoding, decimal=decimal)
    elif fmt == "parquet":
        yield from iter_parquet(p, batch_rows)
    else:
        yield from _slices(read_numpy(p, mmap=fmt == "npy"), batch_rows)


__all__ = ["BATCH_ROWS", "iter_parquet", "iter_table"]
