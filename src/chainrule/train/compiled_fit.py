"""Full-batch gradient descent for small networks, epochs inside compiled calls.

When :mod:`chainrule.core.dispatch` sends a network to the compiled path and
the run needs nothing between epochs (no callbacks, validation data, early
stopping, checkpoints or resume; gradient descent without momentum, on the
full batch, every bias updated), the epochs run inside
:func:`chainrule.core.compiled.fit_gd`, in chunks of :data:`CHUNK`. The
parameters and costs are those of the NumPy loop of
:mod:`chainrule.train.first_order`, bit for bit; so is a divergence (the
parameters of the last finite epoch are kept, and the same error is raised).

``History.time`` is measured per chunk: the epochs of one chunk share its time
evenly. Ctrl-C is answered between chunks; the parameters are then those of
the last recorded epoch.
"""

from __future__ import annotations

import time

import numpy as np

from chainrule.core import dispatch
from chainrule.train import schedules as _sched
from chainrule.train.options import History, Settings, diverged

Array = np.ndarray

#: Epochs per compiled call.
CHUNK = 256


def kernels_for(net, X: Array, y: Array, s: Settings, val):
    """The kernels module when this fit can run compiled, else ``None``."""
    plain = (
        s.optimizer in ("gd", "sgd")
        and not s.opt.hyper.get("momentum")
        and s.update_biases  # frozen biases: the NumPy loop
        and s.sample_weight is None  # weighted costs: the NumPy loop
        and isinstance(X, np.ndarray)  # sparse inputs: the NumPy loop
        and (s.batch_size is None or s.batch_size >= X.shape[0])
        and val is None
        and not s.callbacks
        and not s.early_stopping
        and not s.checkpoint
        and not s.resume
        and X.flags.c_contiguous
        and y.flags.c_contiguous
    )
    if not plain:
        return None
    return dispatch.compiled_for(
        net.activations, net.loss, net.dtype, X.shape[0], net.n_params
    )


def fit_gd_compiled(net, X: Array, y: Array, s: Settings, st, kernels) -> History:
    """Run ``s.epochs`` epochs of full-batch descent on ``st.theta`` (in place).

    ``st`` is a fresh :class:`~chainrule.train.first_order.State` whose
    ``theta`` the network's parameters are views of.
    """
    opt = s.opt
    schedule = _sched.make(s.schedule, opt.learning_rate, s.epochs)
    if s.schedule == "constant":
        lrs = np.full(s.epochs, float(schedule(0)))
    else:
        lrs = np.array([float(schedule(e)) for e in range(s.epochs)])
    args = (
        kernels.plan(net.sizes, net.activations, net.bias),
        kernels.LOSS_CODES[net.loss],
        float(net.l2),
    )
    theta, hist = st.theta, st.hist
    work = np.empty(kernels.work_shape(net.sizes, X.shape[0]))
    grad, prev, kept = np.empty_like(theta), np.empty_like(theta), theta.copy()
    costs = np.empty(s.epochs)
    start = time.perf_counter()
    try:
        while st.epoch < s.epochs:
            lo, hi = st.epoch, min(st.epoch + CHUNK, s.epochs)
            t0 = time.perf_counter() - start
            done = kernels.fit_gd(
                theta, X, y, *args, lrs[lo:hi], costs[lo:hi], work, grad, prev
            )
            _record(hist, costs, lrs, lo, lo + max(done, 0), t0, start)
            st.epoch = lo + max(done, 0)
            np.copyto(kept, theta)
            if done < hi - lo:  # θ is already the last finite epoch's
                raise diverged(hist, st.epoch + 1, float(lrs[st.epoch]))
    except KeyboardInterrupt:
        np.copyto(theta, kept)
        hist.interrupted = True
        hist.message = f"interrupted after {len(hist.cost)} complete epochs"
        return hist
    hist.message = f"completed {st.epoch} epochs"
    return hist


def _record(hist: History, costs, lrs, lo: int, hi: int, t0: float, start) -> None:
    """Append epochs ``lo .. hi−1``; they share the chunk's time evenly."""
    t1 = time.perf_counter() - start
    hist.cost.extend(costs[lo:hi].tolist())
    hist.learning_rate.extend(lrs[lo:hi].tolist())
    hist.time.extend(np.linspace(t0, t1, hi - lo + 1)[1:].tolist())
