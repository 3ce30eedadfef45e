"""A table of named columns: what every reader of :mod:`chainrule.data` makes.

Examples
--------
>>> import numpy as np
>>> t = Table(["x", "c"], {"x": np.array([1.0, np.nan]), "c": np.array(["a", ""])})
>>> t.n_rows, t.is_numeric("x"), t.where(1)
(2, True, 'row 2')
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from chainrule.data.numbers import parse_number
from chainrule.errors import DataFileError

Array = np.ndarray


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
    rows : (n,) int array, optional
        The 0-based number of each row among the rows read, where some were
        taken out after reading (rows without a target); messages name rows
        by it.

    Missing cells are NaN in float64 columns and ``""`` in text columns.
    A column's array is not changed in place: a table with other cells
    has arrays of its own (:meth:`factors` relies on it).
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
    rows: Array | None = None
    _factors: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def factors(self, name: str) -> tuple[Array, Array]:
        """A text column's distinct cells, sorted, and each cell's index among them.

        Found once per column array (the reader records those it finds
        itself, :meth:`set_factors`): what is judged per distinct cell is
        judged once, and a cell's category is an integer look-up.

        Returns
        -------
        values : (k,) str array
            Sorted; ``""`` among them when a cell is missing.
        codes : (n,) int array
            ``values[codes]`` is the column.

        Examples
        --------
        >>> t = Table(["c"], {"c": np.array(["b", "", "b", "a"])})
        >>> t.factors("c")
        (array(['', 'a', 'b'], dtype='<U1'), array([2, 0, 2, 1]))
        """
        col = self.columns[name]
        known = self._factors.get(name)
        if known is not None and known[0] is col:
            return known[1], known[2]
        values = np.unique(col)
        codes = np.searchsorted(values, col)
        self._factors[name] = (col, values, codes)
        return values, codes

    def set_factors(self, name: str, values: Array, codes: Array) -> None:
        """Record column ``name``'s :meth:`factors`, found while reading."""
        self._factors[name] = (self.columns[name], values, codes)

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
        n = self.first_row + (row if self.rows is None else int(self.rows[row]))
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
                    f"number, got {str(text)!r:.80}"
                )
        return DataFileError(f"{self.source}: column {name!r} is not numeric")


def check_names(src: str, names: list[str]) -> None:
    """Refuse a header with an empty or repeated column name."""
    seen: set[str] = set()
    for j, name in enumerate(names):
        if name == "":
            raise DataFileError(f"{src}: column {j + 1} has no name in the header")
        if name in seen:
            raise DataFileError(f"{src}: column name {name!r} appears twice")
        seen.add(name)


__all__ = ["Table", "check_names"]
