"""The data-parallel engine: one task per chunk, sums added in a fixed order.

Each task runs next to its chunk of rows and returns ``(cost sum, gradient
sums, row count)`` made by the core's own passes
(:func:`~chainrule.core.forward.forward`, :func:`~chainrule.core.backward.backward`:
one forward and one backward pass per chunk). The driver adds the chunks'
results by chunk index in a fixed binary tree (:func:`tree_sum`), so the sum
is the same whatever the number of workers and whatever task ends first.

Sums from the core's mean costs
-------------------------------
``mse`` is ``Σ r² / (2N)`` and ``sse`` is ``½ Σ r²`` (:mod:`chainrule.core.losses`),
so a chunk's sums under ``mse`` are exactly its ``sse`` cost and gradient:
the task runs ``sse``. ``bce`` and ``cce`` have no summed form in the core:
their chunk cost and fused delta ``(ŷ − y)/n_c`` are means over the chunk's
``n_c`` rows, so the task multiplies the cost and the gradient by ``n_c``
(``dJ_c/dθ = (1/n_c) Σ_rows ...`` ⇒ ``Σ_rows ... = n_c · dJ_c/dθ``), one
rounding per element. The driver divides the total by ``N`` and adds the L2
term once: ``J = Σ_c S_c / N + (λ/2) Σ‖W‖²``, ``∇J = Σ_c G_c / N + λW``.

Examples
--------
>>> import numpy as np
>>> tree_sum([0.1, 0.2, 0.3]) == (0.1 + 0.2) + 0.3  # ((a + b) + c), always
True
>>> spec = Spec({"W1": (1, 1)}, ("identity",), "mse", "float64")
>>> J, g, n = chunk_sums(np.array([0.5]), np.array([[2.0]]), np.array([[2.0]]), spec)
>>> J, g.tolist(), n
(0.5, [-2.0], 1)
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import numpy as np

from chainrule.core.backward import backward
from chainrule.core.forward import forward, total_cost
from chainrule.core.params import flat_views
from chainrule.core.workspace import Workspace
from chainrule.errors import ChainruleError, ConfigError

if TYPE_CHECKING:
    from distributed import Client

Array = np.ndarray
#: A chunk's share of a batch: ``(chunk index, rows or None for all)``.
Piece = tuple[int, Array | None]
#: What :func:`tree_sum` adds: costs or gradients.
Summable = TypeVar("Summable", float, Array)

#: The loss a chunk runs, and whether its results are means over the chunk.
SUM_FORM = {"sse": ("sse", False), "mse": ("sse", False), "bce": ("bce", True)}
SUM_FORM["cce"] = ("cce", True)
#: Losses whose cost is divided by the number of rows.
MEAN_LOSSES = ("mse", "bce", "cce")


class DaskError(ChainruleError, RuntimeError):
    """The Dask cluster could not be reached or lost the computation."""


@dataclass(frozen=True)
class Spec:
    """What a chunk task needs besides the parameters and the rows.

    A dataclass, not a tuple: Dask passes it to a task as it is.
    """

    shapes: dict[str, tuple[int, ...]]
    activations: tuple[str, ...]
    loss: str
    dtype: str


def require_dask(what: str = "Dask data") -> None:
    """Raise a :class:`ConfigError` naming the extra when Dask is missing."""
    try:
        import dask.array  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as exc:
        raise ConfigError(
            f"{what}: needs dask and distributed ({exc.name} is missing); "
            "pip install 'chainrule[dask]'"
        ) from None


def is_dask(obj: object) -> bool:
    """``obj`` is a Dask collection (without importing Dask)."""
    module = type(obj).__module__ or ""
    return module.split(".")[0] in ("dask", "dask_expr") and hasattr(
        obj, "__dask_graph__"
    )


class Buffers:
    """One thread's reused arrays for :func:`chunk_sums`: a workspace, rows.

    A task that allocated its pass's arrays afresh would have them mapped
    from the system and zeroed page by page every time (Dask's worker sets
    ``MALLOC_TRIM_THRESHOLD_``, so freed memory goes straight back): for a
    chunk of 31,250 rows of a 32-64-32-1 network, 116 MB whose page faults
    cost from half to four times the passes themselves
    (benchmarks/RESULTS-dask.md). The in-memory loop reuses one workspace;
    so does each worker thread here.
    """

    def __init__(self, spec: Spec, n: int) -> None:
        self.spec, self.n = spec, n
        dtype = np.dtype(spec.dtype)
        self.ws = Workspace(spec.shapes, n, dtype)
        n_in, n_out = spec.shapes["W1"][0], spec.shapes[f"W{len(spec.activations)}"][1]
        self.X, self.y = np.empty((n, n_in), dtype), np.empty((n, n_out), dtype)

    def fits(self, spec: Spec, n: int) -> bool:
        return self.n >= n and self.spec == spec


_BUFFERS: dict[int, Buffers] = {}
_LOCK = threading.Lock()


def buffers(spec: Spec, n: int) -> Buffers:
    """This thread's :class:`Buffers` for ``spec`` and at least ``n`` rows."""
    tid = threading.get_ident()
    with _LOCK:
        buf = _BUFFERS.get(tid)
    if buf is None or not buf.fits(spec, n):
        buf = Buffers(spec, n)  # the previous network's, or too few rows
        with _LOCK:
            _BUFFERS[tid] = buf
    return buf


def release_buffers() -> int:
    """Drop every thread's :class:`Buffers`; returns how many there were."""
    with _LOCK:
        count = len(_BUFFERS)
        _BUFFERS.clear()
    return count


def chunk_sums(
    theta: Array, X: Array, y: Array, spec: Spec, rows: Array | None = None
) -> tuple[float, Array, int]:
    """``(cost sum, gradient sums, rows)`` of one chunk, with no L2 term.

    The passes write into this thread's :class:`Buffers` (no array of the
    chunk's size is allocated); the results are new.

    Parameters
    ----------
    theta : (P,) array
        The flat parameters.
    X : (n_c, n_inputs) array
    y : (n_c,) or (n_c, n_outputs) array
    spec : Spec
    rows : (m,) int array, optional
        The rows of the chunk to use (a minibatch's share), in this order.

    Returns
    -------
    J : float
    grad : (P,) array
    n : int
    """
    dtype = np.dtype(spec.dtype)
    X = np.asarray(X, dtype=dtype)
    y = np.asarray(y, dtype=dtype).reshape(X.shape[0], -1)
    n = X.shape[0] if rows is None else len(rows)
    buf = buffers(spec, n)
    if rows is not None:  # gathered into reused rows
        X = np.take(X, rows, axis=0, out=buf.X[:n])
        y = np.take(y, rows, axis=0, out=buf.y[:n])
    elif not X.flags.c_contiguous:  # columns of a wider block: BLAS would copy
        np.copyto(buf.X[:n], X)
        X = buf.X[:n]
    loss, is_mean = SUM_FORM[spec.loss]
    params = flat_views(np.array(theta, dtype=dtype), spec.shapes)
    ws = buf.ws
    _, cache = forward(params, X, spec.activations, out=ws)
    J = total_cost(params, cache, y, spec.activations, loss, 0.0)
    backward(params, cache, y, spec.activations, loss, 0.0, out=ws)
    g = ws.grad.copy()  # the gradients by name are views of it, in spec order
    if is_mean:  # the chunk's mean times its rows: its sum (module notes)
        J, g = J * n, g * n
    return J, g, n


def tree_sum(parts: Sequence[Summable]) -> Summable:
    """Sum ``parts`` pairwise, in a binary tree fixed by their order."""
    parts = list(parts)
    while len(parts) > 1:
        pairs = range(0, len(parts) - 1, 2)
        odd = [parts[-1]] if len(parts) % 2 else []
        parts = [parts[i] + parts[i + 1] for i in pairs] + odd
    return parts[0]


def epoch_batches(
    sizes: Sequence[int], batch_size: int, shuffle: bool, rng: np.random.Generator
) -> Iterator[list[tuple[int, Array]]]:
    """The batches of one epoch: lists of ``(chunk, rows)``, in order.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> [[(c, r.tolist()) for c, r in b] for b in epoch_batches([2, 3], 2, False, rng)]
    [[(0, [0, 1])], [(1, [0, 1])], [(1, [2])]]
    """
    order = rng.permutation(len(sizes)) if shuffle else range(len(sizes))
    batch: list[tuple[int, Array]] = []
    filled = 0
    for c in order:
        size = int(sizes[c])
        rows = rng.permutation(size) if shuffle else np.arange(size)
        lo = 0
        while lo < size:
            take = min(batch_size - filled, size - lo)
            batch.append((int(c), rows[lo : lo + take]))
            lo, filled = lo + take, filled + take
            if filled == batch_size:
                yield batch
                batch, filled = [], 0
    if batch:
        yield batch


def check_chunk(X: Array, y: Array, n_inputs: int, n_outputs: int, loss: str) -> int:
    """Check one chunk's shapes and values on its worker; return its rows."""
    from chainrule.validation import check_targets_for_loss

    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    y = y.reshape(y.shape[0], -1)
    if X.shape[1] != n_inputs or y.shape[1] != n_outputs:
        raise ConfigError(
            f"X, y: expected {n_inputs} input and {n_outputs} output columns, "
            f"got {X.shape[1]} and {y.shape[1]}"
        )
    if not (np.all(np.isfinite(X)) and np.all(np.isfinite(y))):
        raise ConfigError("X, y: expected finite numbers, got NaN or infinity")
    check_targets_for_loss(y, loss)
    return X.shape[0]


@contextlib.contextmanager
def connect(
    address: str | None = None, n_workers: int | None = None
) -> Iterator[Client]:
    """The Dask client to train on, closed on exit if made here.

    ``address`` given: a client of that scheduler. Otherwise the current
    client, or a ``LocalCluster`` of worker processes (one thread each,
    127.0.0.1 only, no dashboard) started here and closed on exit.
    """
    require_dask()
    from distributed import Client, LocalCluster, default_client

    if address is not None:
        try:
            client = Client(address)  # timeout: distributed.comm.timeouts.connect
        except (OSError, TimeoutError) as exc:
            raise DaskError(
                f"--dask: cannot reach the Dask scheduler at {address!r} "
                f"({type(exc).__name__}: {str(exc).splitlines()[0]})"
            ) from None
        with client:
            yield client
        return
    try:
        current = default_client()
    except ValueError:  # no current client
        current = None
    if current is not None:
        yield current
        return
    with (
        LocalCluster(
            n_workers=n_workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client
