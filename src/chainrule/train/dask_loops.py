"""The training loops on Dask data: the in-memory loops, evaluated by chunks.

The first-order loop keeps :mod:`chainrule.train.first_order`'s state,
history, callbacks, early stopping and checkpoints
(:mod:`chainrule.train.checkpoint`); only the cost and gradient come from
:class:`~chainrule.train.distributed.DaskData`. The quasi-Newton loop hands
SciPy the same objective as :mod:`chainrule.train.quasi_newton`, evaluated on
the cluster.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Protocol

import numpy as np

from chainrule.core.params import flat_views
from chainrule.core.workspace import Workspace
from chainrule.train import checkpoint as _ckpt
from chainrule.train import dask_engine as _eng
from chainrule.train.first_order import (
    Epochs,
    frozen_params,
    new_state,
    own_params,
    train_epochs,
)
from chainrule.train.options import History, Settings, State
from chainrule.train.protocol import TrainableNetwork, Validation
from chainrule.train.quasi_newton import minimize_flat

Array = np.ndarray


class ChunkedData(Protocol):
    """What the loops use of :class:`~chainrule.train.distributed.DaskData`."""

    @property
    def n(self) -> int:
        """Rows in all."""
        ...

    @property
    def sizes(self) -> Sequence[int]:
        """Rows of each chunk, in order."""
        ...

    def objective(
        self,
        theta: Array,
        pieces: Sequence[_eng.Piece] | None = None,
        frozen: Sequence[str] = (),
    ) -> tuple[float, Array]:
        """``J`` and ``∇J`` of the rows of ``pieces`` (all when ``None``)."""
        ...


def _vws(net: TrainableNetwork, val: Validation | None) -> Workspace | None:
    return None if val is None else Workspace(net.shapes, val[0].shape[0], net.dtype)


def run_epoch(
    net: TrainableNetwork,
    st: State,
    data: ChunkedData,
    s: Settings,
    lr: float,
    frozen: Sequence[str],
) -> float:
    """One epoch; returns its cost as :func:`chainrule.train.first_order.run_epoch`."""
    own_params(net, st)
    G: dict[str, Array | None] = {"theta": None}
    P = {"theta": st.theta}
    if s.batch_size is None or s.batch_size >= data.n:
        # full batch: the evaluation after a step gives the epoch's cost and
        # the next step's gradient, as in memory
        if st.cache is None:
            st.cache = data.objective(st.theta, frozen=frozen)
        J, G["theta"] = st.cache
        if not math.isfinite(J):
            return math.nan
        st.opt_state = s.opt.step(G, st.opt_state, P, lr)
        st.cache = data.objective(st.theta, frozen=frozen)
        return st.cache[0]
    total = 0.0
    for batch in data_batches(data, s, st.rng):
        J, G["theta"] = data.objective(st.theta, batch, frozen)
        if not math.isfinite(J):
            return J
        total += J * sum(r.shape[0] for _, r in batch)
        st.opt_state = s.opt.step(G, st.opt_state, P, lr)
    return total / data.n


def data_batches(
    data: ChunkedData, s: Settings, rng: np.random.Generator
) -> Iterator[list[tuple[int, Array]]]:
    return _eng.epoch_batches(data.sizes, s.batch_size, s.shuffle, rng)


def fit_first_order(
    net: TrainableNetwork, data: ChunkedData, val: Validation | None, s: Settings
) -> History:
    """``gd``, ``sgd``, ``adam`` on a :class:`DaskData`: the in-memory loop
    (:func:`~chainrule.train.first_order.train_epochs`), its epochs evaluated
    on the cluster."""
    rng = np.random.default_rng(s.seed)
    st = _ckpt.resume_state(net, s.opt, rng, s) if s.resume else None
    st = st or new_state(net, s.opt, rng, s.optimizer)
    own_params(net, st)
    frozen = frozen_params(net, s)
    epochs = Epochs(lambda st, lr: run_epoch(net, st, data, s, lr, frozen))
    return train_epochs(net, st, s, epochs, val, _vws(net, val))


def fit_scipy(
    net: TrainableNetwork, data: ChunkedData, val: Validation | None, s: Settings
) -> History:
    """``bfgs``, ``lbfgs`` on a :class:`DaskData` (as :mod:`quasi_newton`)."""
    theta = net.get_flat()
    net.adopt_params(flat_views(theta, net.shapes))
    frozen = frozen_params(net, s)

    def objective(v: Array) -> tuple[float, Array]:
        theta[...] = v
        J, g = data.objective(theta, frozen=frozen)
        return J, g.astype(np.float64)

    val_cost = None if val is None else (lambda: net.cost(*val))
    return minimize_flat(net, theta, objective, s, val_cost)
