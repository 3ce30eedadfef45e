"""The inputs' matrix, allocated once and filled in place.

:func:`~chainrule.data.encoding.encode` describes each input column (a
:class:`NumberColumn` or a :class:`CategoryColumn`); :func:`fill_matrix`
allocates the (n, n_features) matrix once, in the dtype the fit takes, and
writes every column into it a block of :data:`BLOCK_ROWS` rows at a time, so
that a block stays in the cache while its columns are written (no column is
assembled on its own, and nothing is stacked); runs of columns are written
on threads of their own (:mod:`chainrule.data.parallel`). A category's
distinct cells are matched to its categories by binary search, its rows by
their index among them; its one-hot inputs are set by index.

Examples
--------
>>> import numpy as np
>>> cols = [NumberColumn(np.array([1.0, np.nan, 3.0]), fill=2.0),
...         CategoryColumn(np.array(["b", "", "z"]), ["b", "a"], fill="a")]
>>> fill_matrix(3, cols)
array([[1., 1., 0.],
       [2., 0., 1.],
       [3., 0., 0.]])
>>> cols[0].missing, cols[1].missing, cols[1].unseen, cols[1].example
(1, 1, 1, 'z')
"""

from __future__ import annotations

import numpy as np

from chainrule.data.parallel import groups, map_columns, workers

Array = np.ndarray

#: Rows written at a time (a block of 41 float64 inputs is 5 MiB).
BLOCK_ROWS = 1 << 14


class NumberColumn:
    """One input: a float column whose missing cells (NaN) take ``fill``.

    Attributes
    ----------
    missing : int
        Cells filled so far.
    """

    width = 1

    def __init__(self, values: Array, fill: float):
        self.values, self.fill = values, fill
        self.missing, self.unseen, self.example = 0, 0, ""

    def training(self, rows: Array) -> list[Array]:
        """The input's values on ``rows``, missing cells filled (float64)."""
        cells = self.values[rows]
        return [np.where(np.isnan(cells), self.fill, cells)]

    def write(self, block: Array, j: int, rows: slice | Array) -> None:
        """Write rows ``rows`` (a slice or indices) of the column into
        column ``j`` of ``block``."""
        cells = self.values[rows]
        block[:, j] = cells
        miss = np.isnan(cells)
        if miss.any():
            block[miss, j] = self.fill
            self.missing += int(miss.sum())


class CategoryColumn:
    """One 0/1 input per category of a text column (missing ``""``).

    A missing cell takes ``fill``; a cell of no category (nor ``fill``, when
    it is none) gets zeros and is counted in ``unseen``, the first in
    ``example``. With the column's ``factors`` (its distinct cells and each
    cell's index among them, :meth:`~chainrule.data.frame.Table.factors`),
    each distinct cell is matched to the categories once, and each row by
    its index.
    """

    def __init__(
        self,
        text: Array,
        categories: list[str],
        fill: str,
        factors: tuple[Array, Array] | None = None,
    ):
        cats = np.array(categories, dtype=str)
        self.order = np.argsort(cats, kind="stable")
        self.sorted = cats[self.order]
        self.width = len(cats)
        at = np.flatnonzero(self.sorted == fill)
        self.fill_code = int(self.order[at[0]]) if at.size else -1
        self.text, self.fill = text, fill
        self.missing, self.unseen, self.example = 0, 0, ""
        if factors is None:
            factors = (np.array([], dtype=str), None)
        self.values, self.value_codes = factors
        # each distinct cell's category (a missing cell: the fill's)
        self.blank = self.values == ""
        self.lookup = self.codes(self.values)
        self.lookup[self.blank] = self.fill_code

    def codes(self, cells: Array) -> Array:
        """Each cell's category (its place in ``categories``), -1 if none."""
        if not self.width:
            return np.full(len(cells), -1)
        pos = np.minimum(np.searchsorted(self.sorted, cells), self.width - 1)
        return np.where(self.sorted[pos] == cells, self.order[pos], -1)

    def _rows(self, rows: slice | Array) -> tuple[Array, Array]:
        """Each row's category (the fill's where missing) and whether missing."""
        if self.value_codes is not None:
            v = self.value_codes[rows]
            return self.lookup[v], self.blank[v]
        cells = self.text[rows]
        code, miss = self.codes(cells), cells == ""
        code[miss] = self.fill_code
        return code, miss

    def training(self, rows: Array):
        """Each one-hot input's values on ``rows`` (float64 0/1), one by one."""
        code, _ = self._rows(rows)
        return ((code == k).astype(np.float64) for k in range(self.width))

    def write(self, block: Array, j: int, rows: slice | Array) -> None:
        """Set the one-hot inputs ``j ...`` of ``block`` for rows ``rows``
        (a slice or indices)."""
        code, miss = self._rows(rows)
        self.missing += int(miss.sum())
        unseen = code < 0
        if unseen.any():
            if not self.unseen:
                i = int(np.flatnonzero(unseen)[0])
                self.example = self.fill if miss[i] else str(self.text[rows][i])
            self.unseen += int(unseen.sum())
        seen = np.flatnonzero(~unseen)
        block[seen, j + code[seen]] = 1


def fill_matrix(
    n: int, columns: list, dtype=np.float64, scaler=None, order: Array | None = None
) -> Array:
    """The (n, sum of widths) matrix of ``columns``, in ``dtype``.

    Parameters
    ----------
    n : int
        Rows.
    columns : list of NumberColumn or CategoryColumn
        Written side by side, in order; each counts what it filled.
    dtype : numpy dtype
        float64, or float32 for a network of float32.
    scaler : Scaler, optional
        Applied to each block once written (in place, while in the cache).
    order : (n,) int array, optional
        The columns' row written into each row of the matrix (a
        permutation): row ``i`` of the matrix is row ``order[i]`` of the
        columns. The columns' own order by default.

    Examples
    --------
    >>> fill_matrix(3, [NumberColumn(np.array([1.0, 2.0, 3.0]), 0.0)],
    ...             order=np.array([2, 0, 1])).ravel()
    array([3., 1., 2.])
    """
    X = np.zeros((n, sum(c.width for c in columns)), dtype=dtype)
    first = np.cumsum([0] + [c.width for c in columns])  # each column's input

    def fill(run: range) -> None:  # columns run.start ... on one thread
        j0, j1 = int(first[run.start]), int(first[run.stop])
        part = None if scaler is None else scaler.columns(j0, j1)
        for start in range(0, n, BLOCK_ROWS):
            stop = start + BLOCK_ROWS
            rows = slice(start, stop) if order is None else order[start:stop]
            block = X[start:stop]
            for k in run:
                columns[k].write(block, int(first[k]), rows)
            if part is not None:
                part.transform(block[:, j0:j1], out=block[:, j0:j1])

    map_columns(fill, groups([1.0] * len(columns), workers()), n)
    return X


__all__ = ["BLOCK_ROWS", "CategoryColumn", "NumberColumn", "fill_matrix"]
