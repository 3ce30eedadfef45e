"""Judging a table's columns before they become inputs (``chainrule train``).

- identifiers (:func:`~chainrule.data.encoding.id_like`: pandas' index
  columns, a different text or a sequence number in every row) are left out
  of the inputs unless kept (``--keep``);
- a text column with more than :data:`FREE_TEXT_VALUES` different values that
  are also more than :data:`FREE_TEXT_SHARE` of its cells is free text
  (names, comments): refused, as its one-hot inputs would let the network
  memorise the rows, unless forced to categories (``--categorical``);
- a column of dates (ISO 8601 text, or Arrow's date and timestamp types:
  the kind ``"date"`` that :mod:`chainrule.data.cells` gives them) is
  neither an identifier nor free text: :func:`date_columns` finds them, and
  they are refused with :func:`date_error` unless expanded to their parts
  (``--dates expand``, :mod:`chainrule.data.derived`);
- every command a message suggests quotes the column's name for the shell
  (:func:`shell`).

Examples
--------
>>> import numpy as np
>>> from chainrule.data.frame import Table
>>> names = np.array([f"name {i % 80}" for i in range(100)])
>>> t = Table(["Unnamed: 0", "name", "x"], {
...     "Unnamed: 0": np.arange(100.0), "name": names, "x": np.ones(100)})
>>> leave_out_ids(t, ["Unnamed: 0", "name", "x"], keep=[])
(['name', 'x'], ['Unnamed: 0'])
>>> try:
...     check_free_text(t, ["name", "x"], categorical=[])
... except DataFileError as exc:
...     print(str(exc)[:65])
...     print(str(exc)[-75:])
table: column 'name' looks like free text (80 different values in
with --drop name, or take its values as categories with --categorical name
>>> shell("Unnamed: 0")
"'Unnamed: 0'"
"""

from __future__ import annotations

import shlex

import numpy as np

from chainrule.data.encoding import id_like
from chainrule.data.frame import Table
from chainrule.data.numbers import parse_number
from chainrule.errors import ConfigError, DataFileError

#: A text column with more different values than this, and ...
FREE_TEXT_VALUES = 50
#: ... more than this share of its present cells, is free text.
FREE_TEXT_SHARE = 0.5


def shell(name: str) -> str:
    """``name`` as one word of a shell command (``'Unnamed: 0'``)."""
    return shlex.quote(name)


def check_names(table: Table, flag: str, names: list[str] | tuple) -> None:
    """Each of ``names`` is a column of ``table``; else a ``ConfigError``."""
    for name in names:
        if name not in table.columns and name not in table.groups:
            raise ConfigError(f"{flag}: no column {name!r}; columns are {table.names}")


def leave_out_ids(
    table: Table, inputs: list[str], keep: list[str] | tuple
) -> tuple[list[str], list[str]]:
    """The inputs without the identifiers not in ``keep``, and those left out.

    When every input looks like an identifier (a table whose one input is a
    step number), none is left out: the caller warns instead.

    Raises
    ------
    ConfigError
        A ``keep`` name is not a column.
    """
    check_names(table, "--keep", keep)
    dates = date_columns(table, inputs)
    ids = [n for n in id_like(table, inputs) if n not in keep and n not in dates]
    kept = [n for n in inputs if n not in ids]
    return (kept, ids) if kept else (inputs, [])


def check_free_text(table: Table, inputs: list[str], categorical) -> None:
    """Refuse a free-text input column (see the module's docstring).

    Raises
    ------
    DataFileError
        Naming the column and both fixes (``--drop``, ``--categorical``).
    """
    for name in inputs:
        col = table.columns[name]
        if col.dtype.kind == "f" or name in categorical or is_date(table, name):
            continue
        values, codes = table.factors(name)
        counts = np.bincount(codes, minlength=len(values))
        present = values != ""
        values, n_cells = values[present], int(counts[present].sum())
        share = len(values) / max(1, n_cells)
        if len(values) <= FREE_TEXT_VALUES or share <= FREE_TEXT_SHARE:
            continue
        if 2 * sum(parse_number(v) is not None for v in values[:50]) >= 50:
            continue  # numbers written as text: the encoding says what to do
        q = shell(name)
        raise DataFileError(
            f"{table.source}: column {name!r} looks like free text "
            f"({len(values)} different values in {n_cells} cells); "
            "its one-hot inputs would let the network memorise rows: leave it "
            f"out with --drop {q}, or take its values as categories with "
            f"--categorical {q}"
        )


def is_date(table: Table, name: str) -> bool:
    """Whether column ``name`` holds dates (ISO 8601 text or Arrow's types)."""
    return table.kinds.get(name) == "date"


def date_columns(table: Table, inputs: list[str]) -> list[str]:
    """The inputs that hold dates, in order."""
    return [name for name in inputs if is_date(table, name)]


def date_error(table: Table, name: str) -> DataFileError:
    """The refusal of a date column as an input, with both fixes."""
    col = table.columns[name]
    example = next((str(v) for v in col if str(v)), "")
    q = shell(name)
    return DataFileError(
        f"{table.source}: column {name!r} holds dates (e.g. {example!r:.40}); a "
        "network needs numbers: pass --dates expand to use its year, month, day, "
        f"weekday (and hour) as inputs, or leave it out with --drop {q}"
    )


__all__ = [
    "FREE_TEXT_SHARE",
    "FREE_TEXT_VALUES",
    "check_free_text",
    "check_names",
    "date_columns",
    "date_error",
    "is_date",
    "leave_out_ids",
    "shell",
]
