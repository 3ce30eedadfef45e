r"""Optimizers as ``(init, update)`` pairs over the params dict.

An optimizer is a pair of pure functions: ``init(params) -> state`` and
``update(grads, state, params) -> (updates, state)``; the caller applies
``params + updates`` with :func:`apply_updates`. The quasi-Newton methods
(BFGS, L-BFGS) work on the flat parameter vector through
``scipy.optimize.minimize``, as the tutorial's part 6 does; see
:mod:`chainrule.training`.

Examples
--------
>>> import numpy as np
>>> from chainrule.optimizers import gd, apply_updates
>>> opt = gd(learning_rate=0.1)
>>> params = {"W1": np.array([[0.5]])}
>>> state = opt.init(params)
>>> updates, state = opt.update({"W1": np.array([[-1.92]])}, state, params)
>>> apply_updates(params, updates)["W1"]
array([[0.692]])
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

import numpy as np

from chainrule.errors import UnknownNameError
from chainrule.validation import check_non_negative, check_positive

Array = np.ndarray
Params = dict[str, Array]

#: The optimizers ``Network.fit`` knows, by name.
NAMES = ("gd", "sgd", "adam", "bfgs", "lbfgs")
#: Those run by ``scipy.optimize.minimize`` on the flat vector.
SCIPY_METHODS = {"bfgs": "BFGS", "lbfgs": "L-BFGS-B"}
#: The learning rate each first-order optimizer uses when none is given.
DEFAULT_LEARNING_RATE = {"gd": 0.5, "sgd": 0.05, "adam": 0.01}


class Optimizer(NamedTuple):
    """A pair of pure functions (see the module docstring)."""

    init: Callable[[Mapping[str, Array]], Any]
    update: Callable[
        [Mapping[str, Array], Any, Mapping[str, Array]], tuple[Params, Any]
    ]


class EmptyState(NamedTuple):
    """State of a stateless optimizer: the step count only."""

    count: int


class MomentumState(NamedTuple):
    """``v``: the velocity of each parameter."""

    count: int
    velocity: Params


class AdamState(NamedTuple):
    """``m`` and ``v``: first and second moment estimates of each parameter."""

    count: int
    m: Params
    v: Params


def apply_updates(params: Mapping[str, Array], updates: Mapping[str, Array]) -> Params:
    """``params + updates``, key by key (new arrays)."""
    return {k: p + updates[k] for k, p in params.items()}


def gd(learning_rate: float = 0.5) -> Optimizer:
    r"""Gradient descent.

    .. math:: \theta \leftarrow \theta - \alpha \nabla_\theta J
    """
    lr = check_positive("learning_rate", learning_rate)

    def init(params):
        return EmptyState(0)

    def update(grads, state, params=None):
        return {k: -lr * g for k, g in grads.items()}, EmptyState(state.count + 1)

    return Optimizer(init, update)


def sgd(
    learning_rate: float = 0.05, momentum: float = 0.0, nesterov: bool = False
) -> Optimizer:
    r"""Stochastic gradient descent with optional (Nesterov) momentum.

    .. math::
        v \leftarrow \mu v - \alpha g, \qquad
        \theta \leftarrow \theta + v \quad\text{(classical)}

        \theta \leftarrow \theta + \mu v - \alpha g \quad\text{(Nesterov)}

    The Nesterov form is the one of Sutskever et al. (2013), written for the
    current parameters, as scikit-learn and PyTorch use it.
    """
    lr = check_positive("learning_rate", learning_rate)
    mu = check_non_negative("momentum", momentum)

    def init(params):
        return MomentumState(0, {k: np.zeros_like(p) for k, p in params.items()})

    def update(grads, state, params=None):
        v = {k: mu * state.velocity[k] - lr * g for k, g in grads.items()}
        # Nesterov looks ahead along the new velocity: μ v − α g.
        updates = {k: mu * v[k] - lr * g for k, g in grads.items()} if nesterov else v
        return updates, MomentumState(state.count + 1, v)

    return Optimizer(init, update)


def adam(
    learning_rate: float = 0.01, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8
) -> Optimizer:
    r"""Adam (Kingma & Ba, 2015).

    .. math::
        m \leftarrow \beta_1 m + (1-\beta_1) g, \quad
        v \leftarrow \beta_2 v + (1-\beta_2) g^2, \quad
        \hat m = \frac{m}{1-\beta_1^t}, \quad \hat v = \frac{v}{1-\beta_2^t},
        \quad \theta \leftarrow \theta - \alpha \frac{\hat m}{\sqrt{\hat v}+\epsilon}
    """
    lr = check_positive("learning_rate", learning_rate)

    def init(params):
        zeros = {k: np.zeros_like(p) for k, p in params.items()}
        return AdamState(0, zeros, {k: z.copy() for k, z in zeros.items()})

    def update(grads, state, params=None):
        t = state.count + 1
        m = {k: b1 * state.m[k] + (1 - b1) * g for k, g in grads.items()}
        v = {k: b2 * state.v[k] + (1 - b2) * g * g for k, g in grads.items()}
        updates = {}
        for k in grads:
            m_hat = m[k] / (1 - b1**t)
            v_hat = v[k] / (1 - b2**t)
            updates[k] = -lr * m_hat / (np.sqrt(v_hat) + eps)
        return updates, AdamState(t, m, v)

    return Optimizer(init, update)


FACTORIES: dict[str, Callable[..., Optimizer]] = {"gd": gd, "sgd": sgd, "adam": adam}


def check_name(name: str) -> str:
    """Return ``name`` lower-cased if it is a known optimizer, else raise."""
    if not isinstance(name, str) or name.lower() not in NAMES:
        raise UnknownNameError(
            f"optimizer: unknown name {name!r}; expected one of {list(NAMES)}"
        )
    return name.lower()


def make(name: str, learning_rate: float | None = None, **options: Any) -> Optimizer:
    """Build a first-order optimizer by name with its default learning rate."""
    name = check_name(name)
    if name not in FACTORIES:
        raise UnknownNameError(
            f"optimizer: {name!r} runs through scipy.optimize, not (init, update)"
        )
    lr = DEFAULT_LEARNING_RATE[name] if learning_rate is None else learning_rate
    return FACTORIES[name](learning_rate=lr, **options)
