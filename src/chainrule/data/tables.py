"""Reading tables of data: CSV, Parquet, NPY and NPZ files.

A :class:`Table` is a list of named columns of equal length. A column is a
float64 array when every cell is a number, and an array of strings
otherwise (a *category* column). How columns are named:

- **CSV**: the header row (required). Cells are parsed as numbers; a column
  with any other text is a category column.
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

import csv
import os
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from chainrule.data.npfiles import check_numpy_file
from chainrule.data.numbers import parse_number
from chainrule.errors import DataFileError

Array = np.ndarray
FORMATS = {".csv": "csv", ".parquet": "parquet", ".pq": "parquet"}
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
    """

    names: list[str]
    columns: dict[str, Array]
    groups: dict[str, list[str]] = field(default_factory=dict)
    source: str = "table"
    lines: list[int] | None = None
    named: bool = True
    text: dict[str, Array] = field(default_factory=dict)
    first_row: int = 0

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
                raise DataFileError(
                    f"{self.source}: {self.where(int(bad[0]))}, column {name!r}: "
                    f"expected a finite number, got {self.columns[name][bad[0]]}"
                )
        return np.column_stack([self.columns[c] for c in cols])

    def where(self, row: int) -> str:
        """``row`` (0-based) as the user sees it: a row and, for CSV, a line."""
        if self.lines is None:
            return f"row {self.first_row + row + 1}"
        return f"row {self.first_row + row + 1} (line {self.lines[row]})"

    def first_non_number(self, name: str) -> int | None:
        """The first row of a text column whose cell is not a number."""
        for i, text in enumerate(self.columns[name]):
            if parse_number(str(text)) is None:
                return i
        return None

    def _not_a_number(self, name: str) -> DataFileError:
        values = self.columns[name]
        for i, text in enumerate(values):
            if parse_number(str(text)) is None:
                return DataFileError(
                    f"{self.source}: {self.where(i)}, column {name!r}: expected a "
                    f"number, got {str(text)!r}"
                )
        return DataFileError(f"{self.source}: column {name!r} is not numeric")


def _column_from_text(cells: list[str]) -> Array:
    """Numbers under the strict rule (:mod:`chainrule.data.numbers`), else text."""
    numbers = []
    for c in cells:
        v = parse_number(c)
        if v is None:
            return np.array(cells, dtype=str)
        numbers.append(v)
    return np.array(numbers, dtype=np.float64)


def read_csv(path: str | os.PathLike) -> Table:
    """A CSV file with a header row; see :func:`load_table`."""
    src = str(path)
    with open_csv(path) as (header, rows):
        body = list(rows)
    if not body:
        raise DataFileError(f"{src}: a header but no rows of data")
    return csv_table(src, header, [r for r, _ in body], [n for _, n in body])


@contextmanager
def open_csv(path: str | os.PathLike):
    """The header and an iterator of (row, line number) of the non-blank rows."""
    src = str(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            rows = (
                (row, reader.line_num)
                for row in _guard(reader, src)
                if any(c.strip() for c in row)
            )
            first = next(rows, None)
            if first is None:
                raise DataFileError(f"{src}: the file is empty; expected a header row")
            header = [h.strip() for h in first[0]]
            check_names(src, header)
            yield header, rows
    except OSError as exc:
        raise DataFileError(f"{src}: cannot be read ({exc.strerror})") from None


def _guard(reader, src: str):
    try:
        yield from reader
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{src}: not UTF-8 text ({exc.reason})") from None
    except csv.Error as exc:
        raise DataFileError(f"{src}: not a valid CSV file ({exc})") from None


def csv_table(
    src: str, header: list[str], body: list[list[str]], lines: list[int], first: int = 0
) -> Table:
    """Rows of CSV cells (after the header) as a :class:`Table`."""
    table = Table(header, {}, source=src, lines=lines, first_row=first)
    for i, row in enumerate(body):
        if len(row) != len(header):
            raise DataFileError(
                f"{src}: {table.where(i)} has {len(row)} cells, the header has "
                f"{len(header)}"
            )
    cells = [[row[j].strip() for row in body] for j in range(len(header))]
    for j, col in enumerate(cells):
        if "" in col:
            raise DataFileError(
                f"{src}: {table.where(col.index(''))}, column {header[j]!r}: empty "
                "cell (missing values are not supported)"
            )
    for h, c in zip(header, cells, strict=True):
        table.columns[h] = _column_from_text(c)
        if table.columns[h].dtype.kind == "f":
            table.text[h] = np.array(c, dtype=str)
    return table


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


# ------------------------------------------------------------------ Parquet
def pyarrow_parquet(src: str):
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise DataFileError(
            f"{src}: reading Parquet needs pyarrow; pip install 'chainrule[data]'"
        ) from None
    return pq


def read_parquet(path: str | os.PathLike) -> Table:
    """A Parquet file (needs pyarrow: ``pip install chainrule[data]``).

    Numeric, decimal and boolean columns are numbers; other columns are text
    (categories). A null anywhere is an error naming its row and column."""
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


def load_table(path: str | os.PathLike) -> Table:
    """Read a data file; the format comes from its extension.

    Parameters
    ----------
    path : str or path
        ``.csv``, ``.parquet`` (or ``.pq``), ``.npy`` or ``.npz``.

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
    if fmt == "parquet":  # pyarrow is optional: imported only for Parquet
        return read_parquet(p)
    return read_csv(p) if fmt == "csv" else read_numpy(p)
