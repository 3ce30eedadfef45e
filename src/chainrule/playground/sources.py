"""Where a playground's network and data come from: a problem, an example, a CSV.

An uploaded CSV is read from memory (nothing is written to disk), made into
a :class:`chainrule.data.tables.Table` and prepared as ``chainrule train``
prepares a table (:func:`chainrule.data.prepare.prepare_training`), with the
inputs and a numeric target divided by their largest magnitude as in the
tutorial's part 1.

Examples
--------
>>> pg = from_csv_text("sleep,study,score\\n3,5,75\\n5,1,82\\n10,2,93\\n", "score")
>>> pg.net.sizes, pg.X.max(axis=0), pg.y.ravel()
([2, 3, 1], array([1., 1.]), array([0.80645161, 0.88172043, 1.        ]))
>>> from_csv_text("a,b\\n1,2\\n", "c")
Traceback (most recent call last):
...
chainrule.errors.DataFileError: upload: no column 'c'; columns are ['a', 'b']
"""

from __future__ import annotations

import csv
import io

import numpy as np

from chainrule.data.prepare import prepare_training
from chainrule.data.tables import Table
from chainrule.errors import DataFileError, InvalidValueError
from chainrule.explainer.problems import Problem, load_example, load_problem
from chainrule.network import Network
from chainrule.playground.state import MAX_ROWS, MAX_UNITS, Playground

MAX_UPLOAD_BYTES = 64 * 1024
HIDDEN_UNITS = 3  # the tutorial's hidden layer


def from_example(name: str) -> Playground:
    """A built-in example (``chainrule explain --list-examples``)."""
    return Playground.from_problem(load_example(name))


def from_problem_file(path: str) -> Playground:
    """A problem file (TOML, see :mod:`chainrule.explainer.problems`)."""
    return Playground.from_problem(load_problem(path))


def _rows(text: str, src: str) -> list[list[str]]:
    try:
        rows = [r for r in csv.reader(io.StringIO(text)) if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise DataFileError(f"{src}: not a valid CSV file ({exc})") from None
    if len(rows) < 2:
        raise DataFileError(f"{src}: expected a header row and rows of data")
    if len(rows) - 1 > MAX_ROWS:
        raise InvalidValueError(
            f"{src}: expected at most {MAX_ROWS} rows in the playground, "
            f"got {len(rows) - 1}"
        )
    width = len(rows[0])
    for i, r in enumerate(rows[1:], start=1):
        if len(r) != width or any(c.strip() == "" for c in r):
            raise DataFileError(
                f"{src}: row {i} expected {width} non-empty cells, got {r!r:.80}"
            )
    return rows


def _column(cells: list[str]) -> np.ndarray:
    try:
        return np.array([float(c) for c in cells], dtype=np.float64)
    except ValueError:
        return np.array(cells, dtype=str)


def table_from_csv_text(text: str, src: str = "upload") -> Table:
    """A CSV document (header row first) as a :class:`Table`."""
    rows = _rows(text, src)
    header = [h.strip() for h in rows[0]]
    if len(set(header)) != len(header) or "" in header:
        raise DataFileError(
            f"{src}: expected distinct, non-empty column names, got {header}"
        )
    cols = {h: _column([r[j].strip() for r in rows[1:]]) for j, h in enumerate(header)}
    return Table(header, cols, source=src)


def from_csv_text(text: str, target: str, src: str = "upload") -> Playground:
    """A 2-3-1-like network on a small CSV table, ``target`` its output column(s).

    A category target makes a softmax classifier (``cce``); a numeric one a
    sigmoid regression (``sse``), as in the tutorial.
    """
    if not isinstance(text, str) or len(text.encode("utf-8")) > MAX_UPLOAD_BYTES:
        raise InvalidValueError(
            f"csv: expected CSV text of at most {MAX_UPLOAD_BYTES} bytes"
        )
    if not isinstance(target, str) or not target.strip():
        raise InvalidValueError(f"target: expected a column name, got {target!r}")
    table = table_from_csv_text(text, src)
    d = prepare_training(table, [target.strip()], "max", "max")
    n_in, n_out = d.X.shape[1], d.y.shape[1]
    if max(n_in, n_out) > MAX_UNITS:
        raise InvalidValueError(
            f"{src}: expected at most {MAX_UNITS} input columns and outputs in the "
            f"playground, got {n_in} inputs and {n_out} outputs"
        )
    if d.classes:
        net = Network([n_in, HIDDEN_UNITS, n_out], "sigmoid", "softmax", loss="cce")
    else:
        net = Network([n_in, HIDDEN_UNITS, n_out], "sigmoid", loss="sse")
    title = f"{src}: {', '.join(d.inputs)} → {', '.join(d.targets)}"
    if d.classes:
        title += f" (classes {', '.join(d.classes)})"
    return Playground.from_problem(Problem(net, d.X, d.y, title, learning_rate=0.5))
