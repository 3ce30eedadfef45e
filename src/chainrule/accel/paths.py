"""``plan``: which path runs a call, decided in one place from one table.

Every path computes the same mathematics (:mod:`chainrule.core`); they differ
in how much work they do around it:

``numpy``
    :func:`chainrule.core.forward.forward` and
    :func:`chainrule.core.backward.backward` on a reused workspace. Runs
    everything, and is the reference the others are tested against.
``compiled``
    :mod:`chainrule.accel.kernels` (numba, with its Python side in
    :mod:`chainrule.accel.compiled`): a small network's whole step, or
    many full-batch epochs, in one call. Needs the optional extra
    ``chainrule[fast]`` and a one-off cost to load or compile the kernels.
``fused``
    :class:`chainrule.accel.fused.FusedSGD`: minibatch SGD of large ReLU
    networks with a softmax output, the bias and the update folded into the
    BLAS products (numba's element-wise passes for wide layers when the
    kernels are ready).

:data:`PATHS` says what each path supports; :func:`plan` takes the first
that supports the call. A path that needs the kernels is taken only when
they are ready or when the call is long enough to repay making them ready
(:func:`repays`): one-off calls (``trace``, ``explain``, a few ``step``
calls, the playground) never wait for a compiler.

Examples
--------
>>> import chainrule as cr
>>> from chainrule.accel import Call, plan
>>> net = cr.Network([2, 3, 1], bias=False)
>>> plan(net, Call("trace", m=3)).path
'numpy'
>>> p = plan(net, Call("fit", m=3, n=3, steps=200, optimizer="adam"))
>>> p.path, p.reason
('numpy', 'numpy: supports every call')
>>> wide = cr.Network([784, 1024, 10], activation=["relu", "softmax"], loss="cce")
>>> plan(wide, Call("fit", m=128, n=60000, steps=469)).path
'fused'
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import ModuleType

import numpy as np

from chainrule.accel import loader
from chainrule.accel.codes import ACT_CODES, LOSS_CODES
from chainrule.accel.protocol import NetworkLike

#: Largest ``m · n_params`` (examples × parameters) of the compiled path:
#: above it both paths spend their time in the same BLAS products
#: (docs/performance.md).
SMALL_WORK = 1_000_000
#: Smallest ``batch · n_params`` of the fused path: below it the NumPy loop
#: is as fast.
FUSED_MIN_WORK = 2_000_000
#: Fewest elements (batch × widest hidden layer) for the fused path's
#: compiled element-wise passes; below it NumPy's passes are as fast.
COMPILED_MIN = 1 << 18

#: Seconds a NumPy step spends outside its arithmetic, per weight layer and
#: per call (measured on the tutorial's 2-3-1 network, about 26 µs a step);
#: what the compiled step saves on a small network.
NUMPY_LAYER_SECONDS = 10e-6
NUMPY_CALL_SECONDS = 6e-6
#: Seconds the compiled element-wise passes save per hidden element and step
#: (0.6 ms → 0.1 ms for two passes over 512 × 2048 values).
ELEMENT_SECONDS = 0.5e-9
#: A cost is repaid when the estimated saving is this many times the cost.
REPAY_FACTOR = 2.0


@dataclass(frozen=True)
class Call:
    """What a call will do, as far as choosing its path goes.

    Parameters
    ----------
    kind : {"fit", "step", "trace"}
    m : int
        Examples per step (the batch).
    n : int
        Examples in all (``m`` for a step).
    steps : int
        Steps the call will make (epochs × batches per epoch for a fit; for
        ``step``, the steps made so far by this network's runner).
    optimizer : str
    momentum, weighted, frozen, sparse, hooks, dropout : bool
        Momentum, sample weights, frozen biases, a sparse ``X``; ``hooks``:
        something runs between epochs (callbacks, validation data, early
        stopping, checkpoints, resume); ``dropout``: masks drawn per step
        (:mod:`chainrule.core.dropout`).
    """

    kind: str
    m: int
    n: int = 0
    steps: int = 1
    optimizer: str = "gd"
    momentum: bool = False
    weighted: bool = False
    frozen: bool = False
    sparse: bool = False
    hooks: bool = False
    dropout: bool = False


@dataclass(frozen=True)
class Path:
    """One row of :data:`PATHS`: what a path supports.

    ``hidden`` and ``output`` are the activations it covers (``None``: any),
    ``losses`` the costs, ``batches`` ``"full"``, ``"mini"`` or ``"any"``;
    ``min_work``/``max_work`` bound ``m · n_params``; ``kernels``: it needs
    the compiled kernels.
    """

    name: str
    kinds: frozenset[str]
    hidden: frozenset[str] | None
    output: frozenset[str] | None
    losses: frozenset[str] | None
    dtypes: tuple[type[np.floating], ...]
    optimizers: frozenset[str]
    batches: str = "any"
    momentum: bool = True
    weighted: bool = True
    frozen: bool = True
    sparse: bool = True
    hooks: bool = True
    dropout: bool = True
    min_work: int = 0
    max_work: float = math.inf
    kernels: bool = False


_SMALL_ACTS = frozenset(ACT_CODES)
_FIRST_ORDER = frozenset({"gd", "sgd", "adam"})

#: What each path supports, in the order :func:`plan` tries them.
PATHS = (
    Path(
        "fused",
        kinds=frozenset({"fit"}),
        hidden=frozenset({"relu"}),
        output=frozenset({"softmax"}),
        losses=frozenset({"cce"}),
        dtypes=(np.float32, np.float64),
        optimizers=frozenset({"gd", "sgd"}),
        batches="mini",
        momentum=False,
        weighted=False,
        frozen=False,
        sparse=False,
        dropout=False,
        min_work=FUSED_MIN_WORK,
    ),
    Path(
        "compiled",
        kinds=frozenset({"fit", "step"}),
        hidden=_SMALL_ACTS,
        output=_SMALL_ACTS,
        losses=frozenset(LOSS_CODES),
        dtypes=(np.float64,),
        optimizers=frozenset({"gd", "sgd"}),
        batches="full",
        momentum=False,
        weighted=False,
        frozen=False,
        sparse=False,
        hooks=False,
        dropout=False,
        max_work=SMALL_WORK,
        kernels=True,
    ),
    Path(
        "numpy",
        kinds=frozenset({"fit", "step", "trace"}),
        hidden=None,
        output=None,
        losses=None,
        dtypes=(np.float32, np.float64),
        optimizers=_FIRST_ORDER,
    ),
)


@dataclass(frozen=True)
class Plan:
    """The path of one call, and why.

    ``kernels`` is :mod:`chainrule.accel.compiled` when the path uses them
    (``compiled``, and ``fused`` with its compiled element-wise passes).
    """

    path: str
    reason: str
    kernels: ModuleType | None = None


def supports(path: Path, net: NetworkLike, call: Call) -> str | None:
    """``None`` when ``path`` supports the call, else what it lacks (a phrase)."""
    acts = list(net.activations)
    work = call.m * net.n_params
    checks = (
        (call.kind in path.kinds, f"no {call.kind}"),
        (path.hidden is None or set(acts[:-1]) <= path.hidden, "hidden activations"),
        (path.output is None or acts[-1] in path.output, f"output {acts[-1]}"),
        (path.losses is None or net.loss in path.losses, f"loss {net.loss}"),
        (any(net.dtype == d for d in path.dtypes), f"dtype {net.dtype}"),
        (call.kind != "fit" or call.optimizer in path.optimizers, call.optimizer),
        (path.batches != "full" or call.m >= call.n, "minibatches"),
        (path.batches != "mini" or call.m < call.n, "the full batch"),
        (path.momentum or not call.momentum, "momentum"),
        (path.weighted or not call.weighted, "sample weights"),
        (path.frozen or not call.frozen, "frozen biases"),
        (path.sparse or not call.sparse, "a sparse X"),
        (path.hooks or not call.hooks, "work between epochs"),
        (path.dropout or not call.dropout, "dropout"),
        (work >= path.min_work, f"m·n_params {work:,} < {path.min_work:,}"),
        (work <= path.max_work, f"m·n_params {work:,} > {path.max_work:,}"),
    )
    for ok, what in checks:
        if not ok:
            return what
    return None


def step_saving(net: NetworkLike, call: Call) -> float:
    """Seconds the compiled kernels save over NumPy per step of this call."""
    if call.kind == "step" or call.kind == "fit" and call.m >= call.n:
        return NUMPY_CALL_SECONDS + NUMPY_LAYER_SECONDS * net.n_layers
    return ELEMENT_SECONDS * 2 * call.m * sum(net.sizes[1:-1])


def repays(net: NetworkLike, call: Call, steps: int) -> tuple[bool, str]:
    """Whether making the kernels ready repays itself over ``steps`` steps."""
    cost = loader.cost_estimate()
    if cost == 0.0:
        return True, "the compiled kernels are ready"
    if math.isinf(cost):
        return False, "the compiled kernels are not available (numba, or disabled)"
    saving = steps * step_saving(net, call)
    if saving >= REPAY_FACTOR * cost:
        return True, (
            f"{steps:,} steps save about {saving:.1f} s, more than the "
            f"{cost:.0f} s to make the kernels ready"
        )
    return False, (
        f"the compiled kernels are not ready, and {steps:,} steps would not "
        f"repay the {cost:.0f} s to make them ready"
    )


def plan(net: NetworkLike, call: Call) -> Plan:
    """The path that runs ``call`` on ``net``: the first row of :data:`PATHS`
    that supports it and, if it needs the compiled kernels, whose kernels are
    ready or repaid (see the module).

    For a ``fit`` that repays them, the kernels are made ready here (loaded,
    or compiled with a :class:`~chainrule.accel.loader.CompileNotice`); for
    ``step``, whose length is unknown, they are made ready in the background
    once the steps already made on NumPy would have paid for them, and the
    calls switch to them when ready.
    """
    for path in PATHS:
        lacks = supports(path, net, call)
        if lacks is not None:
            continue
        if path.name == "fused":
            return _fused(net, call)
        if not path.kernels:
            return Plan(path.name, f"{path.name}: supports every call")
        kernels = loader.ready()
        if kernels is not None:
            return Plan(path.name, f"{path.name}: the kernels are ready", kernels)
        if call.kind == "step":
            # ski rental: once the steps made so far would have paid for the
            # kernels, make them ready without making this loop wait
            if repays(net, call, call.steps)[0]:
                loader.prepare_in_background()
            continue
        ok, why = repays(net, call, call.steps)
        if ok and loader.prepare() is not None:
            return Plan(path.name, f"{path.name}: {why}", loader.ready())
        return Plan("numpy", f"numpy: {why}")
    raise AssertionError("the numpy row supports every call")  # pragma: no cover


def _fused(net: NetworkLike, call: Call) -> Plan:
    """The fused path, with the compiled element-wise passes when the hidden
    layers are wide and the kernels ready or repaid."""
    wide = call.m * max(net.sizes[1:-1], default=1)
    if wide < COMPILED_MIN:
        return Plan("fused", "fused: a large minibatch ReLU network (NumPy passes)")
    kernels = loader.ready()
    if kernels is None and repays(net, call, call.steps)[0]:
        kernels = loader.prepare()
    how = "compiled" if kernels is not None else "NumPy"
    return Plan("fused", f"fused: wide layers ({how} element-wise passes)", kernels)


PATHS_BY_NAME = {p.name: p for p in PATHS}
