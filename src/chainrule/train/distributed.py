"""Data-parallel training on Dask: ``Network.fit`` with Dask arrays.

``fit`` sends Dask collections here. The rows stay in their chunks on the
workers; each step sends the flat parameters with the tasks (up to
:data:`INLINE_BYTES`; larger ones to every worker once,
``client.scatter(..., broadcast=True)``), runs one task per chunk
(:func:`~chainrule.train.dask_engine.chunk_sums`) and adds the results in a
fixed binary tree by chunk index. The parameters are therefore the same,
bit for bit, on any number of workers.

- Full batch (``gd``, ``bfgs``, ``lbfgs``): one round of tasks per cost and
  gradient evaluation; the result equals the in-memory fit up to the order
  of the additions (about 1e-15 relative per evaluation).
- Minibatches (``sgd``, ``adam``, ``gd`` with ``batch_size``): each epoch a
  seeded shuffle of the chunk order, then of the rows within each chunk in
  that order; consecutive ``batch_size`` rows of that sequence make a batch,
  whose gradient is summed over the chunks holding its rows, in the order
  they appear. One round of tasks per batch: a batch waits for the one
  before it, so the cluster works on at most as many chunks as a batch spans.

The data are kept in the workers' memory (``persist``) when they take at
most half of the memory the workers have left under their limits; otherwise
every round reads them again from their source (out of core).

Examples
--------
On the current ``distributed.Client``, else on a local cluster that ``fit``
starts and closes (not run here: it starts worker processes):

>>> import numpy as np, chainrule as cr
>>> import dask.array as da  # doctest: +SKIP
>>> X = da.from_array(np.random.default_rng(0).normal(size=(1000, 3)), chunks=250)
... # doctest: +SKIP
>>> net = cr.Network([3, 4, 1], seed=0)
>>> hist = net.fit(X, X[:, :1] * 2, optimizer="lbfgs")  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

import numpy as np

from chainrule.core import activations as _acts
from chainrule.core import losses as _losses
from chainrule.core.forward import l2_penalty
from chainrule.core.params import flat_views
from chainrule.errors import ChainruleError, ConfigError, ShapeError
from chainrule.train import dask_engine as _eng
from chainrule.train.optimizers import QUASI_NEWTON
from chainrule.train.options import History, Settings
from chainrule.train.protocol import TrainableNetwork, Validation

if TYPE_CHECKING:
    import dask.array as da
    from distributed import Client, Future

Array = np.ndarray

#: How many times a round of tasks that lost a worker is run.
RETRIES = 5
#: Parameters up to this size go with each task; larger ones are sent to
#: every worker once a round (``scatter``), which costs one more round trip
#: (about 10 ms on a local cluster, benchmarks/RESULTS-dask.md).
INLINE_BYTES = 64 * 2**10


def _as_dask(name: str, obj: object, rows: tuple[float, ...] | None = None) -> da.Array:
    import dask.array as da

    if hasattr(obj, "to_dask_array"):  # a Dask DataFrame or Series
        obj = obj.to_dask_array()
    if isinstance(obj, da.Array):
        arr = obj
    else:
        if rows is None or any(math.isnan(c) for c in rows):
            raise ConfigError(
                f"{name}: expected a Dask array like X, got {type(obj).__name__}"
            )
        arr = da.from_array(np.asarray(obj), chunks=(rows, -1))
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2:
        raise ShapeError(f"{name}: expected a 2-D Dask array, got {arr.ndim}-D")
    return arr.rechunk({1: -1}) if arr.numblocks[1] != 1 else arr


class DaskData:
    """The training rows, checked, as chunks on the cluster.

    One pass over the chunks checks them (columns, finite values, targets
    that fit the loss) and counts their rows before any training.
    """

    def __init__(
        self, client: Client, X: object, y: object, net: TrainableNetwork
    ) -> None:
        from dask import delayed

        Xd = _as_dask("X", X)
        yd = _as_dask("y", y, Xd.chunks[0])
        known = not any(math.isnan(c) for c in Xd.chunks[0] + yd.chunks[0])
        if known and yd.chunks[0] != Xd.chunks[0]:
            yd = yd.rechunk((Xd.chunks[0], -1))
        self.client, self.net = client, net
        self.persisted = known and self._fits_in_memory(Xd.nbytes + yd.nbytes)
        self.xs: list[Any]  # a future (persisted) or a delayed chunk of rows
        self.ys: list[Any]
        if self.persisted:
            self.xs, self.ys = _chunk_futures(client, Xd, yd)
        else:
            self.xs = Xd.to_delayed().ravel().tolist()
            self.ys = yd.to_delayed().ravel().tolist()
        if len(self.xs) != len(self.ys):
            raise ShapeError(
                f"y: expected its rows in {len(self.xs)} chunks like X, "
                f"got {len(self.ys)}"
            )
        check = delayed(_eng.check_chunk, pure=True)
        args = (net.n_inputs, net.n_outputs, net.loss)
        tasks = [check(x, t, *args) for x, t in zip(self.xs, self.ys, strict=True)]
        self.sizes = self._run(client.compute(tasks))
        self.n = int(sum(self.sizes))
        if self.n == 0:
            raise ShapeError("X: expected at least one row, got 0")
        spec = _eng.Spec(
            dict(net.shapes), tuple(net.activations), net.loss, str(net.dtype)
        )
        self.spec = spec  # a few names and shapes: sent with each task
        self.l2 = _penalty_mask(net) * net.l2

    def _fits_in_memory(self, nbytes: float) -> bool:
        """``nbytes`` is at most half the memory the workers have left.

        Left: a worker's memory limit (none: no bound) less the memory its
        process already takes (Python, NumPy, pandas: 100-250 MB, which a
        small limit must not be counted without).
        """
        free = 0.0
        for w in self.client.scheduler_info()["workers"].values():
            used = w.get("metrics", {}).get("memory", 0)
            free += (w.get("memory_limit") or math.inf) - used
        return nbytes <= 0.5 * free

    def _run(self, futures: Any) -> list[Any]:
        from distributed import CancelledError

        try:
            return self.client.gather(futures)
        except ChainruleError:
            raise
        except (CancelledError, OSError, TimeoutError) as exc:
            raise _eng.DaskError(
                f"dask: the cluster lost the computation ({type(exc).__name__}: "
                f"{str(exc).splitlines()[0] if str(exc) else ''})"
            ) from None

    def sums(
        self, theta: Array, pieces: Sequence[_eng.Piece]
    ) -> tuple[float, Array, int]:
        """Cost and gradient sums over ``pieces``: ``(chunk, rows or None)``.

        A round that loses a worker (its parameters, a task, a chunk) is run
        again, up to :data:`RETRIES` times; Dask recomputes the lost chunks
        from their source, and the sums are the same.
        """
        for attempt in range(RETRIES):
            try:
                return self._round(theta, pieces)
            except _eng.DaskError:
                if attempt == RETRIES - 1:
                    raise
                time.sleep(0.5 * (attempt + 1))  # the scheduler sees the loss
        raise AssertionError("unreachable")

    def _round(
        self, theta: Array, pieces: Sequence[_eng.Piece]
    ) -> tuple[float, Array, int]:
        from dask import delayed

        # small: sent with each task, one message less a round
        theta_f: Array | Future = theta
        if theta.nbytes > INLINE_BYTES:
            try:
                theta_f = self.client.scatter(theta, broadcast=True, hash=False)
            except OSError as exc:  # a worker died under the broadcast
                raise _eng.DaskError(f"dask: scatter failed ({exc})") from None
        args = [(theta_f, self.xs[c], self.ys[c], self.spec, r) for c, r in pieces]
        if self.persisted:
            submit = self.client.submit
            out = self._run([submit(_eng.chunk_sums, *a, pure=False) for a in args])
        else:
            task = delayed(_eng.chunk_sums, pure=False)
            out = self._run(self.client.compute([task(*a) for a in args]))
        J = _eng.tree_sum([o[0] for o in out])
        return J, _eng.tree_sum([o[1] for o in out]), sum(o[2] for o in out)

    def objective(
        self,
        theta: Array,
        pieces: Sequence[_eng.Piece] | None = None,
        frozen: Sequence[str] = (),
    ) -> tuple[float, Array]:
        """``J`` and ``∇J`` (with the L2 term) of the rows of ``pieces`` (all)."""
        pieces = [(c, None) for c in range(len(self.xs))] if pieces is None else pieces
        J, g, n = self.sums(theta, pieces)
        if self.net.loss in _eng.MEAN_LOSSES:
            J, g = J / n, g / n
        net = self.net
        J += l2_penalty(flat_views(theta, net.shapes), net.l2)
        if net.l2:
            g += self.l2 * theta
        views = flat_views(g, net.shapes)
        for k in frozen:
            views[k].fill(0)
        return float(J), g


def _chunk_futures(
    client: Client, X: da.Array, y: da.Array
) -> tuple[list[Future], list[Future]]:
    """``X`` and ``y`` persisted on the cluster: a future per row chunk, in order."""
    from distributed import futures_of

    X, y = client.persist([X, y])
    by_key = {f.key: f for f in futures_of([X, y])}
    # a 2-D array's keys: a list per row of chunks (one chunk wide: X, y)
    keys = [cast("list[list[Any]]", A.__dask_keys__()) for A in (X, y)]
    xs, ys = ([by_key[row[0]] for row in rows] for rows in keys)
    return xs, ys


def _penalty_mask(net: TrainableNetwork) -> Array:
    """1 on the weights' entries of the flat vector, 0 on the biases'."""
    mask = np.zeros(net.n_params, dtype=net.dtype)
    for k, v in flat_views(mask, net.shapes).items():
        v.fill(k[0] == "W")
    return mask


def _refuse_user_entries(net: TrainableNetwork) -> None:
    """A user's registered activation or cost lives in this process only: the
    workers, other processes, know the built-in ones alone."""
    mine = [("activation", a) for a in net.activations if a not in _acts.BUILTIN]
    if net.loss not in _losses.BUILTIN:
        mine.append(("loss", net.loss))
    if mine:
        kind, name = mine[0]
        raise ConfigError(
            f"{kind}: {name!r} is registered in this process only, and Dask's "
            f"workers know the built-in {kind}s alone; train on in-memory arrays "
            "(NumPy) instead of Dask arrays"
        )


def fit_dask(
    net: TrainableNetwork, X: object, y: object, s: Settings, options: dict[str, Any]
) -> History:
    """Train ``net`` on Dask collections; see :func:`chainrule.train.fit.fit`."""
    _eng.require_dask("X")
    _refuse_user_entries(net)
    if options.get("validation_split") is not None:
        raise ConfigError(
            "validation_split: not available with Dask data; give "
            "validation_data=(X_val, y_val) as in-memory arrays"
        )
    if s.dropout:
        raise ConfigError(
            "dropout: not available with Dask data; train on in-memory arrays"
        )
    val = options.get("validation_data")
    val = None if val is None else net.check_data(*val)
    with _eng.connect() as client:
        try:
            return _run(net, DaskData(client, X, y, net), val, s, options)
        finally:
            _release(client)


def _run(
    net: TrainableNetwork,
    data: DaskData,
    val: Validation | None,
    s: Settings,
    options: dict[str, Any],
) -> History:
    if s.optimizer in QUASI_NEWTON:
        from chainrule.train.dask_loops import fit_scipy as run
    else:
        from chainrule.train.dask_loops import fit_first_order as run
    if not options.get("progress"):
        return run(net, data, val, s)
    from chainrule.train.progress import ProgressBar

    with ProgressBar(total=s.epochs, description=f"fit ({s.optimizer})") as bar:
        s.callbacks.append(bar)
        return run(net, data, val, s)


def _release(client: Client) -> None:
    """The workers drop the fit's reused buffers (a long-lived cluster)."""
    # a cluster that lost a worker or closed: its buffers went with it, and
    # the fit's own result or error is what the caller must see
    with contextlib.suppress(Exception):
        client.run(_eng.release_buffers)
