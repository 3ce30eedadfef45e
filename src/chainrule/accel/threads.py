"""How many BLAS threads one fit uses: chosen from its products, or the user's.

OpenBLAS splits every product over all the cores it may use, and small
products lose more to the splitting than they gain: on a 16-core machine the
M network (784-256-128-10, batch 128) trained slower with 16 threads than
with one thread on a 2-core machine. A fit therefore runs with
``min(available, step_flops / FLOPS_PER_THREAD)`` threads, never more than
the BLAS pool already allows (``OPENBLAS_NUM_THREADS`` and the like are
respected), unless the user says how many with ``fit(..., threads=n)``
(``-1``: every core).

The limit is set with threadpoolctl for every BLAS library loaded (NumPy's
and SciPy's) while the fit runs, and restored after it.

Examples
--------
>>> from chainrule.accel.threads import step_flops, auto_threads
>>> step_flops([2, 3, 1], 3)
126.0
>>> auto_threads([2, 3, 1], 3, available=16)
1
>>> auto_threads([1024, 2048, 2048, 10], 512, available=16)
16
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING

from chainrule.errors import ConfigError

if TYPE_CHECKING:
    from threadpoolctl import ThreadpoolController

#: Matrix-product flops of one step per BLAS thread. A rule of thumb (about a
#: millisecond of one core's work per thread and step), not yet measured on
#: many cores; the M network gets 3 threads, L every core.
FLOPS_PER_THREAD = 64e6


def step_flops(sizes: Sequence[int], batch: int) -> float:
    """Flops of one step's products: forward, dJdW, and dJ/da but the first's."""
    prods = [a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
    return 2.0 * batch * (2 * sum(prods) + sum(prods[1:]))


def auto_threads(sizes: Sequence[int], batch: int, available: int) -> int:
    """The number of threads the rule gives, between 1 and ``available``."""
    wanted = int(step_flops(sizes, batch) // FLOPS_PER_THREAD)
    return max(1, min(available, wanted))


def check_threads(threads: object) -> int | None:
    """``None``, a positive number of threads, or ``-1`` for every core."""
    if threads is None:
        return None
    if (
        isinstance(threads, int)
        and not isinstance(threads, bool)
        and (threads >= 1 or threads == -1)
    ):
        return threads
    raise ConfigError(
        "threads: expected None (chosen per fit), a positive integer or -1 "
        f"(every core), got {threads!r}"
    )


@functools.cache
def _pool() -> ThreadpoolController:
    """threadpoolctl's view of the loaded BLAS libraries (made once: it scans
    the process's shared libraries)."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def current() -> int:
    """The number of threads the BLAS pool may use now (the fit's, inside it)."""
    blas = [lib for lib in _pool().lib_controllers if lib.user_api == "blas"]
    return max((lib.num_threads for lib in blas), default=1)


@contextmanager
def blas_threads(
    threads: int | None, sizes: Sequence[int], batch: int
) -> Iterator[None]:
    """Run the block with the fit's number of BLAS threads (see the module)."""
    if threads is None:
        n = None  # a small step's products are too small for BLAS to split
        if step_flops(sizes, batch) >= 2 * FLOPS_PER_THREAD:
            n = auto_threads(sizes, batch, current())
            if n >= current():
                n = None  # the pool's own setting is what the rule asks for
    else:
        n = (os.cpu_count() or 1) if threads == -1 else threads
    limit = nullcontext() if n is None else _pool().limit(limits=n, user_api="blas")
    with limit:
        yield
