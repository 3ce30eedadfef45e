"""Reading Parquet files (needs pyarrow: ``pip install chainrule[data]``).

Numeric, decimal and boolean columns are numbers; other columns are text
(categories). A null anywhere is an error naming its row and column.

Examples
--------
>>> import os, tempfile
>>> import pyarrow as pa, pyarrow.parquet as pq
>>> path = os.path.join(tempfile.mkdtemp(), "d.parquet")
>>> pq.write_table(pa.table({"x": [1, 2], "label": ["a", "b"]}), path)
>>> t = read_parquet(path)
>>> t.names, t.column("x"), t.column("label")
(['x', 'label'], array([1., 2.]), array(['a', 'b'], dtype='<U1'))
"""

from __future__ import annotations

import os

import numpy as np

from chainrule.data.tables import Table, check_names
from chainrule.errors import DataFileError


def pyarrow_parquet(src: str):
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DataFileError(
            f"{src}: reading Parquet needs pyarrow; pip install 'chainrule[data]'"
        ) from None
    return pq


def read_parquet(path: str | os.PathLike) -> Table:
    """A Parquet file (needs pyarrow: ``pip install chainrule[data]``)."""
    src = str(path)
    pq = pyarrow_parquet(src)
    try:
        data = pq.read_table(path)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        raise DataFileError(f"{src}: not a readable Parquet file ({exc})") from None
    if not data.column_names or data.num_rows == 0:
        raise DataFileError(f"{src}: no rows of data")
    return arrow_table(src, data)


def arrow_table(src: str, data, first: int = 0) -> Table:
    """A pyarrow Table or RecordBatch as a :class:`Table`.

    Numeric, decimal and boolean columns are numbers (integers beyond 2**53
    keep their exact text for labels); other columns are text.
    """
    import pyarrow as pa

    names = list(data.schema.names)
    check_names(src, names)
    table = Table(names, {}, source=src, first_row=first)
    for name, col in zip(names, data.columns, strict=True):
        if col.null_count:
            row = next(i for i, v in enumerate(col.is_null().to_pylist()) if v)
            raise DataFileError(
                f"{src}: {table.where(row)}, column {name!r}: missing value (null)"
            )
        if pa.types.is_decimal(col.type):
            col = col.cast(pa.float64(), safe=False)
        values = np.asarray(col.to_numpy(zero_copy_only=False))
        if values.dtype.kind in "biuf":
            table.columns[name] = values.astype(np.float64)
            if (
                values.dtype.kind in "iu"
                and values.size
                and (np.abs(values.astype(np.float64)).max() >= 2.0**53)
            ):
                table.text[name] = np.array([str(int(v)) for v in values], dtype=str)
        else:
            table.columns[name] = np.array([str(v) for v in values], dtype=str)
    return table


__all__ = ["arrow_table", "pyarrow_parquet", "read_parquet"]
