"""A text input column's categories, fitted on the training rows.

Each distinct value is judged once (:func:`distinct`), not each cell: its
count, whether it is a number, whether it is written with a decimal comma.

Examples
--------
>>> import numpy as np
>>> from chainrule.data.frame import Table
>>> t = Table(["city"], {"city": np.array(["Oslo", "Bergen", "Oslo", ""])})
>>> values, codes = t.factors("city")
>>> counts = np.bincount(codes[:3], minlength=len(values))  # training rows 0-2
>>> fit_category(t, "city", values, counts, forced=False)
{'name': 'city', 'kind': 'category', 'fill': 'Oslo', 'categories': ['Bergen', 'Oslo']}
"""

from __future__ import annotations

import re
import shlex

import numpy as np

from chainrule.data.frame import Table
from chainrule.data.numbers import parse_number
from chainrule.errors import DataFileError

Array = np.ndarray

#: The most categories a one-hot input column may have.
MAX_CATEGORIES = 1000
_COMMA = re.compile(r"^[+-]?[0-9]*,[0-9]+$")


def distinct(text: Array) -> tuple[Array, Array]:
    """The distinct values of a text column (sorted) and each cell's index
    among them: what is judged per value is judged once per distinct value.

    Examples
    --------
    >>> distinct(np.array(["b", "a", "b"]))
    (array(['a', 'b'], dtype='<U1'), array([1, 0, 1]))
    """
    cats = np.unique(text)
    return cats, np.searchsorted(cats, text)


def _numbers_as_text(
    table: Table, name: str, n_cells: int, cats: Array, counts: Array
) -> None:
    """A text column that is mostly numbers: a bad cell or decimal commas.

    ``cats`` are the distinct values of the column's ``n_cells`` present
    training cells and ``counts`` how often each occurs: each distinct value
    is parsed once.
    """
    numbers = np.array([parse_number(v) is not None for v in cats], dtype=bool)
    commas = np.array([_COMMA.match(v) is not None for v in cats], dtype=bool)
    if 2 * counts[commas].sum() > n_cells:
        col = table.columns[name]
        first = col[np.isin(col, cats[commas])][0]
        raise DataFileError(
            f"{table.source}: column {name!r} holds numbers written with a "
            f"decimal comma (e.g. {str(first)!r}); pass --decimal , "
            "to read them as numbers (thousands separators '.' allowed), or leave "
            f"the column out with --drop {shlex.quote(name)}"
        )
    if 2 * counts[numbers].sum() >= n_cells:
        i = table.first_non_number(name)
        raise DataFileError(
            f"{table.source}: {table.where(i)}, column {name!r}: expected a number, "
            f"got {str(table.columns[name][i])!r:.80}; the column's other cells "
            f"are numbers. Fix the cell (a missing value may be left empty or NA), "
            f"or leave the column out with --drop {shlex.quote(name)}"
        )


def fit_category(
    table: Table, name: str, values: Array, counts: Array, forced: bool
) -> dict:
    """A text column's encoding, fitted on its training cells: its
    categories, and the most frequent as the fill.

    Unless ``forced`` (``--categorical``), a column mostly of numbers is
    refused (a bad cell, or decimal commas), as is one of more than
    :data:`MAX_CATEGORIES` categories.

    Parameters
    ----------
    table : Table
    name : str
    values : (k,) str array
        The column's distinct cells, sorted (``""``, missing, among them).
    counts : (k,) int array
        How often each occurs in the training rows.
    forced : bool
    """
    seen = (values != "") & (counts > 0)
    cats, counts = values[seen], counts[seen]
    if not forced:
        _numbers_as_text(table, name, int(counts.sum()), cats, counts)
    if len(cats) > MAX_CATEGORIES:
        raise DataFileError(
            f"{table.source}: column {name!r} has {len(cats)} categories, more "
            f"than {MAX_CATEGORIES} one-hot inputs; is it an identifier? Leave it "
            f"out with --drop {shlex.quote(name)}"
        )
    fill = str(cats[int(np.argmax(counts))])
    return {"name": name, "kind": "category", "fill": fill,
            "categories": [str(c) for c in cats]}  # fmt: skip


__all__ = ["MAX_CATEGORIES", "distinct", "fit_category"]
