"""The first-order training loop (gd, sgd, adam): the hot path of ``fit``.

The loop does no avoidable work per step: the data are validated once by
:func:`chainrule.train.fit.fit`; the parameters live in one flat vector whose
views the passes read; :func:`~chainrule.core.forward.forward` and
:func:`~chainrule.core.backward.backward` write into one reused
:class:`~chainrule.core.workspace.Workspace`; a minibatch is gathered into a reused
buffer; the optimizer updates the flat vector in place.

Minibatches are :class:`chainrule.train.batches.Batches`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from chainrule.accel import Call, plan
from chainrule.accel.fused import FusedSGD
from chainrule.core.backward import backward
from chainrule.core.dropout import Masks
from chainrule.core.forward import forward, total_cost
from chainrule.core.params import flat_views
from chainrule.core.workspace import Workspace
from chainrule.train import schedules as _sched
from chainrule.train.batches import Batches
from chainrule.train.optimizers import Optimizer
from chainrule.train.options import History, Settings, State, diverged
from chainrule.train.protocol import TrainableNetwork, Validation

Array = np.ndarray
#: One epoch of a path: ``epoch(state, learning_rate) -> J``.
EpochFn = Callable[[State, float], float]
#: Many epochs of a compiled path: ``run(theta, lrs, costs) -> finite epochs``.
RunFn = Callable[[Array, Array, Array], int]


def _cost(
    net: TrainableNetwork,
    params: Mapping[str, Array],
    ws: Workspace | None,
    X: Array,
    y: Array,
    w: Array | None = None,
) -> float:
    _, cache = forward(params, X, net.activations, out=ws)
    return total_cost(params, cache, y, net.activations, net.loss, net.l2, w)


def frozen_params(net: TrainableNetwork, s: Settings) -> list[str]:
    """The parameters a fit keeps: the biases, with ``update_biases=False``."""
    return [] if s.update_biases else [k for k in net.shapes if k[0] == "b"]


def overflowed(cache: Mapping[str, Array], n_layers: int) -> bool:
    """Whether some layer's ``z`` is not finite.

    An overflowed ``z`` can still give a finite cost (ReLU maps −inf to 0),
    and which infinities a product yields near overflow depends on the order
    of its sums: counting it as divergence keeps every path's verdict equal
    (the compiled path checks the same).
    """
    return not all(np.isfinite(cache[f"z{l}"]).all() for l in range(2, n_layers + 2))


def own_params(net: TrainableNetwork, st: State) -> dict[str, Array]:
    """The views of ``st.theta`` that ``net`` trains with.

    The network adopts them (:meth:`~chainrule.Network.adopt_params`). A
    callback may have replaced the network's parameters (``set_params``):
    ``params_version`` has then moved on, so those are copied into
    ``st.theta``, adopted again, and the cached pass is dropped.
    """
    if net.params_version != st.version or st.views is None:
        if st.views is not None:
            st.theta[...] = net.get_flat()
        st.views = flat_views(st.theta, net.shapes)
        net.adopt_params(st.views)
        st.version = net.params_version
        st.cache = None
    return st.views


def run_epoch(
    net: TrainableNetwork,
    st: State,
    batches: Batches,
    ws: Workspace,
    opt: Optimizer,
    lr: float,
    frozen: Sequence[str] = (),
    dropout: float = 0.0,
) -> float:
    """One pass over the data; returns the epoch's cost (see ``History.cost``).

    The gradients named in ``frozen`` (the biases, with ``update_biases=False``)
    are set to zero before each update, so those parameters keep their values.
    With ``dropout`` p > 0, each batch's pass draws new masks from ``st.rng``
    (:class:`~chainrule.core.dropout.Masks`), and the epoch's cost is that of
    the masked passes, before each update (as for minibatches).
    """
    params, acts, loss, l2 = own_params(net, st), net.activations, net.loss, net.l2
    G, P = {"theta": ws.grad}, {"theta": st.theta}
    if batches.size == batches.n and not dropout:
        # Full batch: the forward pass that gives the cost after this step is
        # the one the next step differentiates, so it is made once and kept.
        X, y, w = batches.X, batches.y, batches.w
        if st.cache is None:
            _, st.cache = forward(params, X, acts, out=ws)
            if not math.isfinite(total_cost(params, st.cache, y, acts, loss, l2, w)):
                return math.nan
        backward(params, st.cache, y, acts, loss, l2, out=ws, weights=w)
        for k in frozen:
            ws.grads[k].fill(0)
        st.opt_state = opt.step(G, st.opt_state, P, lr)
        _, st.cache = forward(params, X, acts, out=ws)
        if overflowed(st.cache, len(acts)):
            return math.inf
        return total_cost(params, st.cache, y, acts, loss, l2, w)
    total = 0.0
    for Xb, yb, *wb in batches(st.rng):
        w = wb[0] if wb else None
        masks = (
            Masks.draw(st.rng, net.sizes, Xb.shape[0], dropout, ws.dtype)
            if dropout
            else None
        )
        _, cache = forward(params, Xb, acts, out=ws, masks=masks)
        J = total_cost(params, cache, yb, acts, loss, l2, w)
        if not math.isfinite(J):
            return J
        # each batch counts by its size, or by its total weight
        total += J * (Xb.shape[0] if w is None else float(np.sum(w)))
        backward(params, cache, yb, acts, loss, l2, out=ws, weights=w, masks=masks)
        for k in frozen:
            ws.grads[k].fill(0)
        st.opt_state = opt.step(G, st.opt_state, P, lr)
    return total / (batches.n if batches.w is None else float(np.sum(batches.w)))


def new_state(
    net: TrainableNetwork, opt: Optimizer, rng: np.random.Generator, optimizer: str
) -> State:
    """The state before the first epoch (parameters copied into a flat vector)."""
    theta = net.get_flat()
    return State(
        0, theta, opt.init({"theta": theta}), rng, History(optimizer=optimizer)
    )


def record_epoch(
    net: TrainableNetwork,
    st: State,
    s: Settings,
    J: float,
    lr: float,
    val: Validation | None,
    vws: Workspace | None,
    elapsed: float,
) -> None:
    """Append epoch ``st.epoch`` to the history; track the best parameters."""
    hist = st.hist
    hist.cost.append(float(J))
    hist.learning_rate.append(lr)
    if val is not None:
        assert st.views is not None  # own_params ran before the first epoch
        hist.val_cost.append(_cost(net, st.views, vws, *val))
    hist.time.append(float(elapsed))
    if s.early_stopping:
        monitored = hist.val_cost[-1] if val is not None else hist.cost[-1]
        if monitored < st.best_cost - s.tol:
            st.best_cost, st.waited, hist.best_epoch = monitored, 0, st.epoch
            st.best = st.theta.copy()
        else:
            st.waited += 1


def should_stop(net: TrainableNetwork, st: State, s: Settings) -> bool:
    """Run the callbacks and early stopping; ``True`` ends training."""
    hist = st.hist
    if s.callbacks and any([cb(st.epoch, hist, net) for cb in s.callbacks]):
        hist.message = f"stopped by a callback at epoch {st.epoch}"
        return True
    if s.early_stopping and st.waited >= s.patience:
        hist.stopped_early = True
        st.theta[...] = st.best
        hist.message = (
            f"early stopping at epoch {st.epoch}; kept epoch "
            f"{hist.best_epoch} (cost {st.best_cost:.6g})"
        )
        return True
    return False


def keep_best(st: State, s: Settings) -> str:
    """At the last epoch, early stopping keeps the best epoch's parameters too
    (as scikit-learn's ``early_stopping`` and Keras' ``restore_best_weights``):
    restores them when an earlier epoch was better and says which it kept."""
    hist = st.hist
    if not s.early_stopping or st.best is None or hist.best_epoch == st.epoch:
        return ""
    st.theta[...] = st.best
    return f"; kept epoch {hist.best_epoch} (cost {st.best_cost:.6g})"


def fit_call(
    net: TrainableNetwork,
    X: Array,
    s: Settings,
    val: Validation | None,
    batches: Batches,
) -> Call:
    """What this fit does, for :func:`chainrule.accel.paths`."""
    steps_per_epoch = -(-batches.n // batches.size)
    return Call(
        "fit",
        m=batches.size,
        n=batches.n,
        steps=(s.epochs * steps_per_epoch),
        optimizer=s.optimizer,
        momentum=bool(s.opt.hyper.get("momentum")),
        weighted=s.sample_weight is not None,
        frozen=not s.update_biases,
        sparse=not isinstance(X, np.ndarray),
        dropout=s.dropout > 0,
        hooks=bool(
            val is not None
            or s.callbacks
            or s.early_stopping
            or s.checkpoint
            or s.resume
        ),
    )


class Epochs:
    """The fit loop's view of a path: :meth:`run` trains ``chunk`` epochs.

    ``epoch(st, lr) -> J`` runs one epoch (NumPy: :func:`run_epoch`; fused:
    :meth:`chainrule.accel.fused.FusedSGD.run_epoch`); a compiled path gives
    ``run`` itself, many epochs a call, and restores the parameters of the
    last finite epoch itself (``restores``). ``path`` is the plan's path
    (``History.path``).
    """

    def __init__(
        self,
        epoch: EpochFn | None = None,
        run: RunFn | None = None,
        chunk: int = 1,
        close: Callable[[], None] | None = None,
        path: str = "numpy",
    ) -> None:
        self.epoch, self.chunk, self.whole = epoch, chunk, run
        self.close = close or (lambda: None)
        self.path = path

    @property
    def restores(self) -> bool:
        """Whether a run keeps the last finite epoch's parameters itself (a
        compiled path's does); otherwise the loop restores them."""
        return self.whole is not None

    def run(self, st: State, lrs: Array, costs: Array) -> int:
        """Epochs with the learning rates ``lrs``, their costs into ``costs``;
        returns how many were finite (cost and parameters)."""
        if self.whole is not None:
            return self.whole(st.theta, lrs, costs)
        assert self.epoch is not None  # one of epoch and run is given
        for i, lr in enumerate(lrs.tolist()):
            J = self.epoch(st, lr)
            if not (math.isfinite(J) and math.isfinite(np.add.reduce(st.theta))):
                return i
            costs[i] = J
        return lrs.size


def epochs_for(
    net: TrainableNetwork,
    X: Array,
    y: Array,
    s: Settings,
    val: Validation | None,
    batches: Batches,
    ws: Workspace,
) -> Epochs:
    """The :class:`Epochs` of the path :func:`chainrule.accel.paths` chooses."""
    p = plan(net, fit_call(net, X, s, val, batches))
    if p.path == "compiled":
        assert p.kernels is not None  # the compiled path comes with its kernels
        gd = p.kernels.FullBatchGD(net, X, y)
        return Epochs(run=gd.run, chunk=gd.CHUNK, path=p.path)
    if p.path == "fused":
        fused = FusedSGD(net, X, y, batches.size, batches.shuffle, p.kernels)
        return Epochs(
            lambda st, lr: fused.run_epoch(own_params(net, st), st.rng, lr),
            close=fused.close,
            path=p.path,
        )
    frozen = frozen_params(net, s)
    return Epochs(
        lambda st, lr: run_epoch(net, st, batches, ws, s.opt, lr, frozen, s.dropout)
    )


def fit_first_order(
    net: TrainableNetwork,
    X: Array,
    y: Array,
    val: Validation | None,
    s: Settings,
    rng: np.random.Generator,
) -> History:
    """Train with ``gd``, ``sgd`` or ``adam``; see :func:`chainrule.train.fit.fit`."""
    from chainrule.train import checkpoint as _ckpt

    opt = s.opt
    st = _ckpt.resume_state(net, opt, rng, s) if s.resume else None
    st = st or new_state(net, opt, rng, s.optimizer)
    own_params(net, st)
    batches = Batches(X, y, s.batch_size, s.shuffle, s.sample_weight)
    ws = Workspace(net.shapes, batches.size, net.dtype)
    vws = None if val is None else Workspace(net.shapes, val[0].shape[0], net.dtype)
    epochs = epochs_for(net, X, y, s, val, batches, ws)
    st.hist.path = epochs.path
    try:
        return train_epochs(net, st, s, epochs, val, vws)
    finally:
        epochs.close()


def _rates(s: Settings, schedule: Callable[[int], float], lo: int, hi: int) -> Array:
    """The learning rates of epochs ``lo .. hi−1``."""
    return np.array([float(schedule(e)) for e in range(lo, hi)])


def train_epochs(
    net: TrainableNetwork,
    st: State,
    s: Settings,
    epochs: Epochs,
    val: Validation | None,
    vws: Workspace | None,
) -> History:
    """The epochs of a first-order fit, from ``st.epoch`` to ``s.epochs``.

    After each run of epochs: the history, the validation cost and the best
    parameters (:func:`record_epoch`), a divergence (the parameters of the
    last finite epoch kept, :class:`~chainrule.errors.DivergenceError`), the
    checkpoint, the callbacks and early stopping (:func:`should_stop`). Ctrl-C
    ends the loop with ``History.interrupted`` set. The in-memory and the Dask
    fits both run this loop.
    """
    from chainrule.train import checkpoint as _ckpt

    opt = s.opt
    start = time.perf_counter() - st.elapsed
    schedule = _sched.make(s.schedule, opt.learning_rate, s.epochs)
    hist, costs = st.hist, np.empty(epochs.chunk)
    last_good, saved, stop_early = st.theta.copy(), None, False
    # a constant rate: one array for every run of epochs
    constant = (
        np.full(epochs.chunk, float(schedule(0))) if s.schedule == "constant" else None
    )
    # overflow is caught as a non-finite cost, with a clear error
    with np.errstate(over="ignore", invalid="ignore"):
        try:
            while st.epoch < s.epochs:
                lo = st.epoch
                hi = min(lo + epochs.chunk, s.epochs)
                lrs = (
                    constant[: hi - lo]
                    if constant is not None
                    else _rates(s, schedule, lo, hi)
                )
                t0 = st.elapsed
                done = epochs.run(st, lrs, costs)
                st.elapsed = time.perf_counter() - start
                # the epochs of one run share its time evenly
                share = (st.elapsed - t0) / max(done, 1)
                times = [t0 + share * (e + 1) for e in range(done)]
                for e in range(done):
                    st.epoch += 1
                    record_epoch(
                        net, st, s, costs[e], float(lrs[e]), val, vws, times[e]
                    )
                if done < lrs.size:
                    if not epochs.restores:
                        st.theta[...] = last_good
                    raise diverged(hist, st.epoch + 1, float(lrs[done]))
                np.copyto(last_good, st.theta)
                if s.checkpoint and st.epoch % s.checkpoint_every == 0:
                    _ckpt.save_state(s.checkpoint, net, opt, s, st)
                    saved = st.epoch
                if should_stop(net, st, s):
                    stop_early = hist.stopped_early
                    break
            else:
                hist.message = f"completed {st.epoch} epochs" + keep_best(st, s)
        except KeyboardInterrupt:
            hist.interrupted = True
            if epochs.restores or not np.isfinite(np.add.reduce(st.theta)):
                st.theta[...] = last_good
            own_params(net, st)
            hist.message = f"interrupted after {len(hist.cost)} complete epochs"
    if s.checkpoint and not hist.interrupted and (saved != st.epoch or stop_early):
        _ckpt.save_state(s.checkpoint, net, opt, s, st)
    return hist
