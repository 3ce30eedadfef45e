"""A table's columns prepared on several cores, one column (or group) a thread.

NumPy's loops over a column (gathers, medians, comparisons) release the
GIL, so the input columns of a wide table can be fitted and written into the
matrix at once by threads. :func:`map_columns` gives each
column to a thread and returns the results in column order; an error is the
one a loop would raise first (the earliest column's). Each column's work is
the same as a loop's, so the arrays are equal, bit for bit, whatever the
number of threads.

The number of threads is :func:`workers`: the cores this process may use, or
``CHAINRULE_DATA_THREADS`` when set (``1``: one column after another).

Examples
--------
>>> map_columns(lambda x: x * x, [1, 2, 3])
[1, 4, 9]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from chainrule.errors import ConfigError

T = TypeVar("T")
R = TypeVar("R")

#: The environment variable that sets the number of threads.
ENV = "CHAINRULE_DATA_THREADS"
#: Columns are given to threads only from this many rows on (below, a
#: thread's start costs more than the column's work).
MIN_ROWS = 50_000


def workers() -> int:
    """Threads for a table's columns: ``CHAINRULE_DATA_THREADS``, else the
    cores this process may use.

    Raises
    ------
    ConfigError
        ``CHAINRULE_DATA_THREADS`` is not a positive integer.
    """
    value = os.environ.get(ENV)
    if value is not None:
        try:
            n = int(value)
        except ValueError:
            n = 0
        if n < 1:
            raise ConfigError(f"{ENV}: expected a positive integer, got {value!r}")
        return n
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_columns(
    fn: Callable[[T], R], items: Iterable[T], n_rows: int = MIN_ROWS
) -> list[R]:
    """``[fn(item) for item in items]``, the items on :func:`workers` threads.

    ``n_rows`` is the table's: a table under :data:`MIN_ROWS` rows is done
    in this thread.
    """
    items = list(items)
    n = min(workers(), len(items)) if n_rows >= MIN_ROWS else 1
    if n <= 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(n, thread_name_prefix="chainrule-columns") as pool:
        return list(pool.map(fn, items))


def groups(costs: Sequence[float], n: int) -> list[range]:
    """``range(len(costs))`` cut into at most ``n`` runs of about equal cost.

    Examples
    --------
    >>> groups([1, 1, 1, 1, 4], 2)
    [range(0, 4), range(4, 5)]
    >>> groups([1, 1], 4)
    [range(0, 1), range(1, 2)]
    """
    total, out, start, acc = float(sum(costs)), [], 0, 0.0
    for i, c in enumerate(costs):
        acc += c
        left = len(out) + 1  # this run's number
        if left < n and acc >= total * left / n and i + 1 < len(costs):
            out.append(range(start, i + 1))
            start = i + 1
    out.append(range(start, len(costs)))
    return [r for r in out if len(r)]


__all__ = ["ENV", "MIN_ROWS", "groups", "map_columns", "workers"]
