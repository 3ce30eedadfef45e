r"""Optimizers as ``(init, update)`` pairs over the params dict.

``cr.optimizers.adam(learning_rate=1e-3, b1=0.9)`` is an :class:`Optimizer`
carrying its hyperparameters; ``fit(optimizer=...)`` takes it, or one of the
shortcuts ``"gd"``, ``"sgd"``, ``"adam"``, ``"bfgs"``, ``"lbfgs"``.

An optimizer is a pair of pure functions: ``init(params) -> state`` and
``update(grads, state, params) -> (updates, state)``; the caller applies
``params + updates`` with :func:`apply_updates`. A third function,
``step(grads, state, params, learning_rate) -> state``, does the same update
in place (``params``, the state's arrays and a scratch buffer are
overwritten); ``update`` runs ``step`` on copies, so the equations are
written once. The quasi-Newton methods (BFGS, L-BFGS) work on the flat
parameter vector through ``scipy.optimize.minimize``, as the tutorial's
part 6 does; see :mod:`chainrule.train.fit`.

Examples
--------
>>> import numpy as np
>>> from chainrule.train.optimizers import gd, apply_updates
>>> opt = gd(learning_rate=0.1)
>>> params = {"W1": np.array([[0.5]])}
>>> state = opt.init(params)
>>> updates, state = opt.update({"W1": np.array([[-1.92]])}, state, params)
>>> apply_updates(params, updates)["W1"]
array([[0.692]])
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, MutableMapping
from typing import Any, Literal, NamedTuple

import numpy as np

from chainrule.errors import ConfigError, UnknownNameError
from chainrule.validation import check_momentum, check_non_negative, check_positive

Array = np.ndarray
Params = dict[str, Array]


class Optimizer(NamedTuple):
    """``init``, ``update`` (pure) and ``step`` (in place); see the module.

    ``learning_rate`` and ``hyper`` are the hyperparameters it was made
    with; ``name`` is the ``fit`` shortcut that makes the same optimizer.
    """

    init: Callable[[Mapping[str, Array]], OptState]
    update: Callable[..., tuple[Params, OptState]]
    step: Callable[..., OptState]
    learning_rate: float
    hyper: dict[str, Any]
    name: str = ""


class QuasiNewton(NamedTuple):
    """BFGS or L-BFGS: run by ``scipy.optimize.minimize`` with ``options``."""

    name: str
    method: str
    options: dict[str, Any]


class SGDState(NamedTuple):
    """``count`` steps taken; ``velocity`` (empty without momentum)."""

    # a field named as tuple.count (optax's name for it), which a NamedTuple allows
    count: int  # type: ignore[assignment]
    velocity: Params
    scratch: Params


class AdamState(NamedTuple):
    """``m`` and ``v``: first and second moment estimates of each parameter."""

    count: int  # type: ignore[assignment]  # as SGDState.count
    m: Params
    v: Params
    scratch: Params


#: The state of a first-order optimizer.
OptState = SGDState | AdamState


def apply_updates(params: Mapping[str, Array], updates: Mapping[str, Array]) -> Params:
    """``params + updates``, key by key (new arrays)."""
    return {k: p + updates[k] for k, p in params.items()}


def _zeros(params: Mapping[str, Array]) -> Params:
    return {k: np.zeros_like(p) for k, p in params.items()}


def _pure_update(
    step: Callable[..., OptState], lr: float
) -> Callable[..., tuple[Params, OptState]]:
    """``update`` from ``step``: run it on copies, return ``new − old``...

    ...except that ``new − old`` would round; ``step`` leaves the exact
    update ``Δθ`` in ``state.scratch``, and that is what is returned.
    """

    def update(
        grads: Mapping[str, Array],
        state: OptState,
        params: Mapping[str, Array] | None = None,
    ) -> tuple[Params, OptState]:
        copied = type(state)(
            state.count,
            *({k: v.copy() for k, v in d.items()} for d in state[1:]),
        )
        theta = {k: np.zeros_like(g) for k, g in grads.items()}
        new_state = step(grads, copied, theta, lr)
        return {k: new_state.scratch[k].copy() for k in grads}, new_state

    return update


def gd(learning_rate: float = 0.5) -> Optimizer:
    r"""Gradient descent.

    .. math:: \Delta\theta = -\alpha \nabla_\theta J, \qquad
              \theta \leftarrow \theta + \Delta\theta
    """
    return sgd(learning_rate, momentum=0.0)._replace(name="gd")


def sgd(
    learning_rate: float = 0.05, momentum: float = 0.0, nesterov: bool = False
) -> Optimizer:
    r"""Stochastic gradient descent with optional (Nesterov) momentum.

    .. math::
        v \leftarrow \mu v - \alpha g, \qquad
        \Delta\theta = v \quad\text{(classical)}, \qquad
        \Delta\theta = \mu v - \alpha g \quad\text{(Nesterov)}

    The Nesterov form is the one of Sutskever et al. (2013), written for the
    current parameters, as scikit-learn and PyTorch use it. With ``μ = 0``
    both are gradient descent, :math:`\Delta\theta = -\alpha g`.
    """
    lr = check_positive("learning_rate", learning_rate)
    mu = check_momentum(momentum)

    def init(params: Mapping[str, Array]) -> SGDState:
        return SGDState(0, _zeros(params) if mu else {}, _zeros(params))

    def step(
        grads: Mapping[str, Array],
        state: SGDState,
        params: MutableMapping[str, Array],
        learning_rate: float = lr,
    ) -> SGDState:
        for k, g in grads.items():
            d = state.scratch[k]
            np.multiply(g, -learning_rate, out=d)  # d = −α g
            if mu:
                v = state.velocity[k]
                v *= mu
                v += d  # v = μ v − α g
                if nesterov:
                    d += mu * v  # Δθ = μ v − α g (μ v: a parameter-sized temporary)
                else:
                    d[...] = v
            params[k] += d
        return SGDState(state.count + 1, state.velocity, state.scratch)

    hyper = {"momentum": mu, "nesterov": bool(nesterov)}
    return Optimizer(init, _pure_update(step, lr), step, lr, hyper, "sgd")


def adam(
    learning_rate: float = 0.01, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8
) -> Optimizer:
    r"""Adam (Kingma & Ba, 2015, Algorithm 1).

    .. math::
        m \leftarrow \beta_1 m + (1-\beta_1) g, \quad
        v \leftarrow \beta_2 v + (1-\beta_2) g^2, \quad
        \hat m = \frac{m}{1-\beta_1^t}, \quad \hat v = \frac{v}{1-\beta_2^t},
        \quad \Delta\theta = -\alpha \frac{\hat m}{\sqrt{\hat v}+\epsilon}
    """
    lr = check_positive("learning_rate", learning_rate)
    for name, b in (("b1", b1), ("b2", b2)):
        check_non_negative(name, b)  # a real number first: types are named
        if not b < 1:
            raise ConfigError(f"{name}: expected a value in [0, 1), got {b!r}")
    eps = check_positive("eps", eps)

    def init(params: Mapping[str, Array]) -> AdamState:
        return AdamState(0, _zeros(params), _zeros(params), _zeros(params))

    def step(
        grads: Mapping[str, Array],
        state: AdamState,
        params: MutableMapping[str, Array],
        learning_rate: float = lr,
    ) -> AdamState:
        t = state.count + 1
        for k, g in grads.items():
            m, v, d = state.m[k], state.v[k], state.scratch[k]
            m *= b1
            m += np.multiply(g, 1 - b1, out=d)  # m = β1 m + (1 − β1) g
            v *= b2
            np.multiply(g, g, out=d)
            d *= 1 - b2
            v += d  # v = β2 v + (1 − β2) g²
            np.divide(v, 1 - b2**t, out=d)  # v̂
            np.sqrt(d, out=d)
            d += eps
            np.divide(m, d, out=d)  # m / (√v̂ + ε) ...
            d *= -learning_rate / (1 - b1**t)  # ... times −α/(1 − β1ᵗ): m̂ = m/(1 − β1ᵗ)
            params[k] += d
        return AdamState(t, state.m, state.v, state.scratch)

    hyper = {"b1": b1, "b2": b2, "eps": eps}
    return Optimizer(init, _pure_update(step, lr), step, lr, hyper, "adam")


def bfgs(**options: Any) -> QuasiNewton:
    """BFGS through ``scipy.optimize.minimize`` (the tutorial's part 6).

    ``options`` go to SciPy (``gtol``, ``norm``, ...); ``maxiter`` is
    ``fit``'s ``epochs``.
    """
    return QuasiNewton("bfgs", "BFGS", _scipy_options(options))


def lbfgs(**options: Any) -> QuasiNewton:
    """L-BFGS-B through ``scipy.optimize.minimize`` (``gtol``, ``maxcor``, ...)."""
    return QuasiNewton("lbfgs", "L-BFGS-B", _scipy_options(options))


#: Arguments of SciPy's solvers that ``fit`` gives itself: as options, they
#: would collide with them (a TypeError inside SciPy) or replace them.
_SCIPY_OWN = {
    "maxiter": "give fit(epochs=...) instead",
    "callback": "give fit(callbacks=[...]) instead",
    "fun": "the cost is fit's own",
    "x0": "the start is the network's parameters",
    "jac": "the gradient is fit's own (backpropagation)",
    "args": "fit gives no extra arguments",
    "bounds": "fit does not bound the parameters",
}


def _scipy_options(options: Mapping[str, Any]) -> dict[str, Any]:
    for name in options:
        if not isinstance(name, str):
            raise ConfigError(
                f"scipy_options: expected option names as strings, got {name!r}"
            )
        if name in _SCIPY_OWN:
            raise ConfigError(
                f"scipy_options: {name!r} is set by fit itself; {_SCIPY_OWN[name]}"
            )
    return dict(options)


def state_arrays(state: Any) -> dict[str, Params]:
    """The arrays of an optimizer state that a checkpoint keeps, by field.

    ``count`` and the scratch buffer are left out, and so is an empty field
    (sgd without momentum has no velocity).
    """
    return {
        f: getattr(state, f)
        for f in state._fields
        if f not in ("count", "scratch") and getattr(state, f)
    }


def restore_state(state: Any, count: int, arrays: Mapping[str, Params]) -> Any:
    """``state`` with its step ``count`` and the arrays of :func:`state_arrays`."""
    return state._replace(count=count, **arrays)


class Entry(NamedTuple):
    """One row of :data:`TABLE`: an optimizer ``fit`` knows by name.

    Attributes
    ----------
    factory : callable
        Makes the optimizer object (:func:`gd`, ..., :func:`lbfgs`).
    kind : {"first order", "quasi-Newton"}
        First order: an :class:`Optimizer` stepped by the training loop;
        quasi-Newton: a :class:`QuasiNewton` run by ``scipy.optimize``.
    hyper : tuple of str
        The options of ``fit`` that the object carries (its hyperparameters);
        they are options of ``fit`` for this optimizer only.
    learning_rate : float or None
        The learning rate when none is given: the factory's default.
    """

    factory: Callable[..., Any]
    kind: Literal["first order", "quasi-Newton"]
    hyper: tuple[str, ...]
    learning_rate: float | None


def _entry(factory: Callable[..., Any], *hyper: str) -> Entry:
    """A row of the table; the kind and default learning rate read off ``factory``."""
    rate = inspect.signature(factory).parameters.get("learning_rate")
    if rate is None:
        return Entry(factory, "quasi-Newton", hyper, None)
    return Entry(factory, "first order", ("learning_rate", *hyper), rate.default)


#: THE optimizer table: every optimizer of ``fit``, by name. The options of
#: ``fit`` (:data:`chainrule.train.options.OPTIONS`: which optimizers use a
#: hyperparameter), ``fit`` itself (:func:`resolve`, the loop it runs), the
#: command line and the scikit-learn estimators (:func:`make`) read it.
TABLE: dict[str, Entry] = {
    "gd": _entry(gd),
    "sgd": _entry(sgd, "momentum", "nesterov"),
    "adam": _entry(adam, "b1", "b2", "eps"),
    "bfgs": _entry(bfgs, "scipy_options"),
    "lbfgs": _entry(lbfgs, "scipy_options"),
}
#: The names of :data:`TABLE`; the first order ones; those run by SciPy.
NAMES = tuple(TABLE)
FIRST_ORDER = tuple(n for n, e in TABLE.items() if e.kind == "first order")
QUASI_NEWTON = tuple(n for n, e in TABLE.items() if e.kind == "quasi-Newton")


def carried_by(option: str) -> tuple[str, ...]:
    """The optimizers whose objects carry the ``fit`` option ``option``.

    Examples
    --------
    >>> carried_by("momentum"), carried_by("learning_rate")
    (('sgd',), ('gd', 'sgd', 'adam'))
    """
    return tuple(n for n, e in TABLE.items() if option in e.hyper)


def check_name(name: object) -> str:
    """Return ``name`` lower-cased if it is a known optimizer, else raise.

    An optimizer object gives its ``name``.
    """
    if isinstance(name, (Optimizer, QuasiNewton)) and name.name in NAMES:
        return name.name
    if not isinstance(name, str) or name.lower() not in NAMES:
        raise UnknownNameError(
            f"optimizer: unknown name {name!r:.80}; expected one of {list(NAMES)} "
            "or an optimizer object such as cr.optimizers.adam()"
        )
    return name.lower()


def make(name: str, learning_rate: float | None = None, **options: Any) -> Optimizer:
    """Build a first-order optimizer by name with its default learning rate.

    Raises
    ------
    UnknownNameError
        An unknown optimizer, or one that runs through SciPy.
    ConfigError
        An option the optimizer does not take.
    """
    name = check_name(name)
    entry = TABLE[name]
    if entry.kind != "first order":
        raise UnknownNameError(
            f"optimizer: {name!r} runs through scipy.optimize, not (init, update)"
        )
    known = entry.hyper[1:]  # learning_rate is an argument of its own
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise ConfigError(
            f"optimizer {name!r}: unknown option(s) {unknown}; expected some of "
            f"{list(known)}"
        )
    lr = entry.learning_rate if learning_rate is None else learning_rate
    return entry.factory(learning_rate=lr, **options)


def resolve(
    optimizer: object, learning_rate: float | None, **hyper: Any
) -> Optimizer | QuasiNewton:
    """The optimizer object for ``fit``: a shortcut made, or an object as is.

    Parameters
    ----------
    optimizer : str, Optimizer or QuasiNewton
    learning_rate : float or None
        For a first-order shortcut (``None``: its default).
    **hyper
        The shortcut's hyperparameters (``momentum``, ``b1``, ...,
        ``scipy_options``); those of other optimizers are ignored here
        (``fit`` refuses them first).

    Examples
    --------
    >>> resolve("adam", None, b1=0.8).hyper["b1"]
    0.8
    >>> resolve(adam(learning_rate=1e-3), None).learning_rate
    0.001
    """
    if isinstance(optimizer, (Optimizer, QuasiNewton)):
        return optimizer
    name = check_name(optimizer)
    entry = TABLE[name]
    if entry.kind == "quasi-Newton":
        return entry.factory(**(hyper.get("scipy_options") or {}))
    mine = {k: hyper[k] for k in entry.hyper[1:] if k in hyper}
    return make(name, learning_rate, **mine)
