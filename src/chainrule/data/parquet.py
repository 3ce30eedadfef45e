"""Reading Parquet files with pyarrow (a core dependency).

Numeric, decimal and boolean columns are numbers; date and time columns
are dates (refused as inputs, with a hint); other columns are text
(categories). A null is a missing value (NaN or ``""``).

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

from chainrule.data.frame import Table, check_names
from chainrule.errors import DataFileError


def pyarrow_parquet(src: str):
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DataFileError(
            f"{src}: reading Parquet needs pyarrow; pip install pyarrow"
        ) from None
    return pq


def read_parquet(path: str | os.PathLike) -> Table:
    """A Parquet file, read whole; see the module."""
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

    Numeric, decimal and boolean columns are numbers (nulls NaN; integers
    beyond 2**53 keep their exact text for labels); date and time columns
    are ``"date"`` columns; other columns are text (nulls ``""``).
    """
    import pyarrow as pa

    names = list(data.schema.names)
    check_names(src, names)
    table = Table(names, {}, source=src, first_row=first)
    for name, col in zip(names, data.columns, strict=True):
        t = col.type
        if pa.types.is_dictionary(t):
            col, t = col.cast(t.value_type), t.value_type
        if pa.types.is_decimal(t):
            col = col.cast(pa.float64(), safe=False)
        boolean = pa.types.is_boolean(t)
        if boolean:
            col = col.cast(pa.float64())
        if pa.types.is_temporal(t):
            table.kinds[name] = "date"
            col = col.cast(pa.string())
        values = np.asarray(col.to_numpy(zero_copy_only=False))
        if values.dtype.kind in "biuf" and table.kinds.get(name) != "date":
            _numbers(table, name, col, values, boolean)
        else:
            text = ["" if v is None else str(v) for v in col.to_pylist()]
            table.columns[name] = np.array(text, dtype=str)
            table.kinds.setdefault(name, "category")
    return table


def _numbers(table: Table, name: str, col, values, boolean: bool) -> None:
    nulls = np.asarray(col.is_null().to_numpy(zero_copy_only=False), dtype=bool)
    floats = np.array(values, dtype=np.float64)
    floats[nulls] = np.nan
    table.columns[name] = floats
    table.kinds[name] = "bool" if boolean else "number"
    big = values.dtype.kind in "iu" and values.size and not nulls.any()
    if big and np.abs(floats).max() >= 2.0**53:
        table.text[name] = np.array([str(int(v)) for v in values], dtype=str)


__all__ = ["arrow_table", "pyarrow_parquet", "read_parquet"]
