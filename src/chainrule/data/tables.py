"""Reading tables of data: CSV, Parquet, NPY and NPZ files.

A :class:`Table` is a list of named columns of equal length. A column is a
float64 array when every cell is a number, and an array of strings
otherwise (a *category* column). How columns are named:

- **CSV** and **TSV**: the header row (required); read by Arrow and
  converted by :mod:`chainrule.data.cells` (numbers under the strict rule,
  missing values, booleans as 1/0, dates, categories).
- **Parquet** (``pip install chainrule[data]``): the schema's column names.
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
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from chainrule.data.npfiles import check_numpy_file
from chainrule.data.numbers import parse_number
from chainrule.errors import DataFileError

Array = np.ndarray
FORMATS = {".csv": "csv", ".tsv": "csv", ".parquet": "parquet", ".pq": "parquet"}
FORMATS.update({".npy": "npy", ".npz": "npz"})


@dataclass
class Table:
    """Named columns of equal length, read by :func:`load_table`.

    Attributes
    ----------
    names : list of str
        Column names, in file order.
    columns : dict of str to (n,) array
        float64 for numeric columns, strings for category columns.
    groups : dict of str to list of str
        Names that stand for several columns (an NPZ array of 2-D shape).
    source : str
        Where the table came from, for error messages.
    lines : list of int, optional
        The file's line number of each row (CSV).
    named : bool
        Whether the columns have names of their own (not NPY's numbers).
    text : dict of str to (n,) array
        The exact text of numeric columns where a float64 may not hold it
        (CSV cells; integers beyond 2**53): class labels are taken from it.
    first_row : int
        The 0-based number of the first row in the file (a batch of a file).
    kinds : dict of str to str
        What a column holds where its cells say more than numbers or text:
        ``"bool"`` (read as 1/0), ``"date"`` (text), ``"number"``,
        ``"category"`` (CSV, Parquet).
    locate : callable, optional
        The file's line of a row (0-based, counted in the file), found when a
        message needs it (CSV).
    skipped : int
        Rows left out because every cell was empty (CSV).

    Missing cells are NaN in float64 columns and ``""`` in text columns.
    """

    names: list[str]
    columns: dict[str, Array]
    groups: dict[str, list[str]] = field(default_factory=dict)
    source: str = "table"
    lines: list[int] | None = None
    named: bool = True
    text: dict[str, Array] = field(default_factory=dict)
    first_row: int = 0
    kinds: dict[str, str] = field(default_factory=dict)
    locate: Callable[[int], int | None] | None = None
    skipped: int = 0

    @property
    def n_rows(self) -> int:
        """The number of rows."""
        return len(self.columns[self.names[0]]) if self.names else 0

    def expand(self, names: list[str]) -> list[str]:
        """Column names with group names replaced by their columns.

        Raises
        ------
        DataFileError
            A name is neither a column nor a group; the message lists them.
        """
        out: list[str] = []
        for name in names:
            if name in self.groups:
                out.extend(self.groups[name])
            elif name in self.columns:
                out.append(name)
            else:
                raise DataFileError(
                    f"{self.source}: no column {name!r}; columns are "
                    f"{self.names + list(self.groups)}"
                )
        return out

    def exact_text(self, name: str) -> Array | None:
        """The exact text of a numeric column's cells, where kept (else None)."""
        text = self.text.get(name)
        if text is None or isinstance(text, np.ndarray):
            return text
        from chainrule.data.cells import trimmed

        return np.asarray(trimmed(text).to_numpy(zero_copy_only=False), dtype=str)

    def column(self, name: str) -> Array:
        """One column by name."""
        return self.columns[self.expand([name])[0]]

    def is_numeric(self, name: str) -> bool:
        """Whether every cell of the column is a number."""
        return self.columns[name].dtype.kind == "f"

    def numbers(self, names: list[str]) -> Array:
        """The named columns as an (n, k) float64 array.

        Raises
        ------
        DataFileError
            A cell is not a number, or is NaN or infinite: the message names
            the row, the column and the text.
        """
        cols = self.expand(names)
        for name in cols:
            if not self.is_numeric(name):
                raise self._not_a_number(name)
            bad = np.flatnonzero(~np.isfinite(self.columns[name]))
            if bad.size:
                v = self.columns[name][bad[0]]
                got = "a missing value" if np.isnan(v) else str(v)
                raise DataFileError(
                    f"{self.source}: {self.where(int(bad[0]))}, column {name!r}: "
                    f"expected a finite number, got {got}"
                )
        return np.column_stack([self.columns[c] for c in cols])

    def where(self, row: int) -> str:
        """``row`` (0-based) as the user sees it: a row and, for CSV, a line."""
        n = self.first_row + row
        line = None
        if self.lines is not None:
            line = self.lines[row]
        elif self.locate is not None:
            line = self.locate(n)
        return f"row {n + 1}" if line is None else f"row {n + 1} (line {line})"

    def first_non_number(self, name: str) -> int | None:
        """The first row of a text column whose cell is not a number."""
        for i, text in enumerate(self.columns[name]):
            if text != "" and parse_number(str(text)) is None:
                return i
        return None

    def _not_a_number(self, name: str) -> DataFileError:
        values = self.columns[name]
        for i, text in enumerate(values):
            if text == "":
                return DataFileError(
                    f"{self.source}: {self.where(i)}, column {name!r}: expected a "
                    "number, got a missing value"
                )
            if parse_number(str(text)) is None:
                return DataFileError(
                    f"{self.source}: {self.where(i)}, column {name!r}: expected a "
                    f"number, got {str(text)!r}"
                )
        return DataFileError(f"{self.source}: column {name!r} is not numeric")


def check_names(src: str, names: list[str]) -> None:
    seen: set[str] = set()
    for j, name in enumerate(names):
        if name == "":
            raise DataFileError(f"{src}: column {j + 1} has no name in the header")
        if name in seen:
            raise DataFileError(f"{src}: column name {name!r} appears twice")
        seen.add(name)


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
    path: str | os.PathLike, sep: str | None = None, encoding: str | None = None
) -> Table:
    """Read a data file; the format comes from its extension.

    Parameters
    ----------
    path : str or path
        ``.csv``, ``.tsv``, ``.parquet`` (or ``.pq``), ``.npy`` or ``.npz``.
    sep, encoding : str, optional
        CSV only: the separator (default: guessed) and the text encoding
        (default UTF-8); see :mod:`chainrule.data.csvfiles`.

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
        from chainrule.data.parquet import read_parquet

        return read_parquet(p)
    if fmt == "csv":
        from chainrule.data.csvfiles import read_csv

        return read_csv(p, sep=sep, encoding=encoding)
    return read_numpy(p)
