"""Reading tables of data: CSV, Parquet, NPY and NPZ files.

A :class:`Table` is a list of named columns of equal length. A column is a
float64 array when every cell is a number, and an array of strings
otherwise (a *category* column). How columns are named:

- **CSV** and **TSV**: the header row (required); read by Arrow and
  converted by :mod:`chainrule.data.cells` (numbers under the strict rule,
  missing values, booleans as 1/0, dates, categories).
- **Parquet** (pyarrow): the schema's column names.
  Numeric and boolean columns are numbers, string columns are categories.
- **NPY**: a 1-D array is one column named ``0``; a 2-D array of shape
  (n, k) gives columns ``0`` ... ``k-1``.
- **NPZ**: each array is named by its key. A 1-D array ``key`` is one column
  ``key``; a 2-D array ``key`` of k columns gives columns ``key[0]`` ...
  ``key[k-1]``, and the name ``key`` alone selects all of them, so that a file
  saved with ``np.savez(path, X=X, y=y)`` is used with ``--target y``.

Examples
--------
>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "scores.csv")
>>> with open(path, "w") as fh:
...     _ = fh.write("sleep,study,grade\\n3,5,B\\n5,1,B\\n10,2,A\\n")
>>> t = load_table(path)
>>> t.names
['sleep', 'study', 'grade']
>>> t.numbers(["sleep", "study"])
array([[ 3.,  5.],
       [ 5.,  1.],
       [10.,  2.]])
>>> t.column("grade")
array(['B', 'B', 'A'], dtype='<U1')
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np

from chainrule.data.csvfiles import read_csv
from chainrule.data.frame import Table, check_names
from chainrule.data.npfiles import check_numpy_file
from chainrule.data.parquet import read_parquet
from chainrule.errors import DataFileError

Array = np.ndarray
FORMATS = {".csv": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet"}
FORMATS.update({".npy": "npy", ".npz": "npz"})


def _array_columns(src: str, key: str | None, a: Array) -> dict[str, Array]:
    what = "the array" if key is None else f"array {key!r}"
    if a.dtype.kind not in "biufU" or a.ndim not in (1, 2):
        raise DataFileError(
            f"{src}: {what} should be 1-D or 2-D numbers or strings, got "
            f"{a.ndim}-D of dtype {a.dtype}"
        )
    kind = np.float64 if a.dtype.kind != "U" else str
    if a.ndim == 1:
        return {key or "0": a.astype(kind)}
    names = [str(j) if key is None else f"{key}[{j}]" for j in range(a.shape[1])]
    return {name: a[:, j].astype(kind) for j, name in enumerate(names)}


def _add_columns(src: str, key: str | None, a: Array, table: Table) -> None:
    cols = _array_columns(src, key, a)
    for name in cols:
        if name in table.columns or name in table.groups:
            raise DataFileError(
                f"{src}: the column name {name!r} comes from two arrays (an array "
                f"{name!r} and a column of array {key!r}); rename one of them"
            )
    if key is not None and a.ndim == 2:
        if key in table.columns:
            raise DataFileError(
                f"{src}: the name {key!r} is both an array and a column; rename one"
            )
        table.groups[key] = list(cols)
    table.columns.update(cols)
    if a.dtype.kind in "iu" and a.size and np.abs(a).max() >= 2**53:
        for name, col in _array_columns(src, key, a.astype(str)).items():
            table.text[name] = col


def read_numpy(path: str | os.PathLike, mmap: bool = False) -> Table:
    """An NPY or NPZ file, loaded with ``allow_pickle=False``.

    The headers are checked first (:func:`chainrule.data.npfiles.check_numpy_file`):
    no object array, no lying or oversized header, nothing decompressed
    beyond what the archive declares. ``mmap`` maps an NPY file instead of
    reading it (for prediction in batches).
    """
    src = str(path)
    check_numpy_file(path)
    try:
        loaded = np.load(path, allow_pickle=False, mmap_mode="r" if mmap else None)
        arrays = {None: loaded} if isinstance(loaded, np.ndarray) else dict(loaded)
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
        raise DataFileError(f"{src}: not a readable NumPy file ({exc})") from None
    named = not isinstance(loaded, np.ndarray)
    table = Table([], {}, source=src, named=named)
    for key, a in arrays.items():
        _add_columns(src, key, a, table)
    table.names = list(table.columns)
    lengths = {name: len(c) for name, c in table.columns.items()}
    if not table.columns or 0 in lengths.values():
        raise DataFileError(f"{src}: no rows of data")
    if len(set(lengths.values())) > 1:
        raise DataFileError(f"{src}: arrays of different lengths {lengths}")
    return table


def load_table(
    path: str | os.PathLike,
    sep: str | None = None,
    encoding: str | None = None,
    decimal: str = ".",
) -> Table:
    """Read a data file; the format comes from its extension.

    Parameters
    ----------
    path : str or path
        ``.csv``, ``.tsv``, ``.parquet`` (or ``.pq``), ``.npy`` or ``.npz``.
    sep, encoding : str, optional
        CSV only: the separator (default: guessed) and the text encoding
        (default UTF-8); see :mod:`chainrule.data.csvfiles`.
    decimal : {".", ","}
        CSV only: the decimal mark of number-like text (``3,5``), see
        :mod:`chainrule.data.cells`.

    Returns
    -------
    Table

    Raises
    ------
    DataFileError
        The file is missing, of an unknown extension, or cannot be read; the
        message says why.
    """
    p = Path(path)
    fmt = FORMATS.get(p.suffix.lower())
    if fmt is None:
        raise DataFileError(
            f"{p}: unknown data format {p.suffix!r}; expected one of {sorted(FORMATS)}"
        )
    if not p.is_file():
        what = "is not a regular file" if p.exists() else "no such data file"
        raise DataFileError(f"{p}: {what}")
    if fmt == "parquet":
        return read_parquet(p)
    if fmt == "csv":
        return read_csv(p, sep=sep, encoding=encoding, decimal=decimal)
    return read_numpy(p)


def release_memory() -> None:
    """Hand back to the system the memory of tables no longer used.

    A CSV or Parquet table's numbers live in Apache Arrow's memory pool,
    whose allocator keeps freed memory for later; once a table is dropped,
    this returns it, and the process's footprint shrinks with it.
    """
    import sys

    if "pyarrow" in sys.modules:  # no table was read by Arrow otherwise
        sys.modules["pyarrow"].default_memory_pool().release_unused()


__all__ = [
    "FORMATS",
    "Table",
    "check_names",
    "load_table",
    "read_numpy",
    "release_memory",
]
