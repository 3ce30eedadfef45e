"""BFGS and L-BFGS through ``scipy.optimize.minimize`` (the tutorial's part 6).

SciPy works on a float64 copy of the flat parameter vector; each evaluation
copies it into the network's parameters (in the network's dtype) and runs
the same forward and backward passes as every other optimizer, in one reused
:class:`~chainrule.core.workspace.Workspace`.

Examples
--------
>>> import chainrule as cr
>>> X, y = cr.datasets.test_scores()
>>> net = cr.Network([2, 3, 1], seed=0)
>>> hist = net.fit(X, y, optimizer="lbfgs", epochs=100)
>>> hist.optimizer, hist.cost[-1] < 1e-6
('lbfgs', True)
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
from scipy.optimize import OptimizeResult, minimize

from chainrule.core.backward import backward
from chainrule.core.forward import forward, total_cost
from chainrule.core.params import flat_views
from chainrule.core.workspace import Workspace
from chainrule.train.first_order import frozen_params
from chainrule.train.options import History, Settings, diverged
from chainrule.train.protocol import TrainableNetwork, Validation

Array = np.ndarray
#: ``objective(v) -> (J, dJ/dθ)`` for a float64 vector ``v``.
Objective = Callable[[Array], tuple[float, Array]]


class _DivergedError(Exception):
    pass


def fit_scipy(
    net: TrainableNetwork,
    X: Array,
    y: Array,
    val: Validation | None,
    s: Settings,
    rng: np.random.Generator | None = None,
) -> History:
    """Train with ``bfgs`` or ``lbfgs``; see :func:`chainrule.train.fit.fit`."""
    theta = net.get_flat()
    params = flat_views(theta, net.shapes)
    net.adopt_params(params)
    frozen = frozen_params(net, s)
    acts, ws = net.activations, Workspace(net.shapes, X.shape[0], net.dtype)
    vws = None if val is None else Workspace(net.shapes, val[0].shape[0], net.dtype)

    def cost(
        wsc: Workspace | None,
        Xc: Array,
        yc: Array,
        wc: Array | None = None,
        *,
        grad: bool = False,
    ) -> float:
        _, cache = forward(params, Xc, acts, out=wsc)
        J = total_cost(params, cache, yc, acts, net.loss, net.l2, wc)
        if grad:
            backward(params, cache, yc, acts, net.loss, net.l2, out=wsc, weights=wc)
        return J

    def objective(v: Array) -> tuple[float, Array]:
        theta[...] = v
        J = cost(ws, X, y, s.sample_weight, grad=True)
        for k in frozen:
            ws.grads[k].fill(0)
        return J, ws.grad.astype(np.float64)

    val_cost = None if val is None else (lambda: cost(vws, *val))
    return minimize_flat(net, theta, objective, s, val_cost)


def minimize_flat(
    net: TrainableNetwork,
    theta: Array,
    objective: Objective,
    s: Settings,
    val_cost: Callable[[], float] | None = None,
) -> History:
    """Run ``scipy.optimize.minimize`` on ``theta``, the network's flat parameters.

    Parameters
    ----------
    net : Network
        Its parameters are views of ``theta``.
    theta : (n_params,) array
        Set to each iterate, and at the end to the result (or, when the cost
        stops being finite, to the last finite iterate).
    objective : callable
        ``objective(v) -> (J, dJ/dtheta)`` for a float64 vector ``v``.
    s : Settings
    val_cost : callable, optional
        The validation cost after each iteration.

    Returns
    -------
    History

    Raises
    ------
    DivergenceError
        The cost or the parameters stopped being finite.
    """
    hist = History(optimizer=s.optimizer)
    last_good = theta.astype(np.float64)
    start = time.perf_counter()

    def callback(intermediate_result: OptimizeResult) -> None:
        J, x = float(intermediate_result.fun), intermediate_result.x
        if not (np.isfinite(J) and np.all(np.isfinite(x))):
            raise _DivergedError
        last_good[...] = x
        theta[...] = x
        hist.cost.append(J)
        if val_cost is not None:
            hist.val_cost.append(val_cost())
        hist.time.append(time.perf_counter() - start)
        if s.callbacks and any([cb(len(hist.cost), hist, net) for cb in s.callbacks]):
            hist.message = f"stopped by a callback at iteration {len(hist.cost)}"
            raise StopIteration

    try:
        with np.errstate(over="ignore", invalid="ignore"):
            res = minimize(
                objective,
                last_good.copy(),
                jac=True,
                method=s.opt.method,
                callback=callback,
                options={**s.opt.options, "maxiter": s.epochs},
            )
    except _DivergedError:
        theta[...] = last_good
        raise diverged(hist, len(hist.cost) + 1, None) from None
    except KeyboardInterrupt:
        theta[...] = last_good
        hist.interrupted = True
        hist.message = f"interrupted at iteration {len(hist.cost) + 1}"
        return hist
    if not (np.isfinite(res.fun) and np.all(np.isfinite(res.x))):
        theta[...] = last_good
        raise diverged(hist, len(hist.cost) + 1, None)
    theta[...] = res.x
    hist.message = hist.message or str(res.message)
    return hist
