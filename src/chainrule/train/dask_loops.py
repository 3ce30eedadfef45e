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
import time

import numpy as np

from chainrule.core.params import flat_views
from chainrule.core.workspace import Workspace
from chainrule.train import checkpoint as _ckpt
from chainrule.train import dask_engine as _eng
from chainrule.train import schedules as _sched
from chainrule.train.first_order import (
    frozen_params,
    new_state,
    own_params,
    record_epoch,
    should_stop,
)
from chainrule.train.options import History, Settings, State, diverged
from chainrule.train.quasi_newton import minimize_flat

Array = np.ndarray


def _vws(net, val):
    return None if val is None else Workspace(net.shapes, val[0].shape[0], net.dtype)


def run_epoch(net, st: State, data, s: Settings, lr: float, frozen) -> float:
    """One epoch; returns its cost as :func:`chainrule.train.first_order.run_epoch`."""
    own_params(net, st)
    G, P = {"theta": None}, {"theta": st.theta}
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


def data_batches(data, s: Settings, rng):
    return _eng.epoch_batches(data.sizes, s.batch_size, s.shuffle, rng)


def fit_first_order(net, data, val, s: Settings) -> History:
    """``gd``, ``sgd``, ``adam`` on a :class:`DaskData`."""
    rng = np.random.default_rng(s.seed)
    schedule = _sched.make(s.schedule, s.opt.learning_rate, s.epochs)
    st = _ckpt.resume_state(net, s.opt, rng, s) if s.resume else None
    st = st or new_state(net, s.opt, rng, s.optimizer)
    own_params(net, st)
    vws, frozen = _vws(net, val), frozen_params(net, s)
    start = time.perf_counter() - st.elapsed
    last_good, saved, stop_early = st.theta.copy(), None, False
    with np.errstate(over="ignore", invalid="ignore"):
        while st.epoch < s.epochs:
            lr = float(schedule(st.epoch))
            J = run_epoch(net, st, data, s, lr, frozen)
            st.epoch += 1
            st.elapsed = time.perf_counter() - start
            if not (math.isfinite(J) and np.all(np.isfinite(st.theta))):
                st.theta[...] = last_good
                raise diverged(st.hist, st.epoch, lr)
            record_epoch(net, st, s, J, lr, val, vws)
            np.copyto(last_good, st.theta)
            if s.checkpoint and st.epoch % s.checkpoint_every == 0:
                _ckpt.save_state(s.checkpoint, net, s.opt, s, st)
                saved = st.epoch
            if should_stop(net, st, s):
                stop_early = st.hist.stopped_early
                break
        else:
            st.hist.message = f"completed {st.epoch} epochs"
    if s.checkpoint and (saved != st.epoch or stop_early):
        _ckpt.save_state(s.checkpoint, net, s.opt, s, st)
    return st.hist


def fit_scipy(net, data, val, s: Settings) -> History:
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
