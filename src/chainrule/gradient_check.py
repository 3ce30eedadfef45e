"""Numerical gradient checking: is backpropagation right?

The check of the tutorial's part 5: perturb every parameter by ``±ε``, take
the central difference ``(J(θ + ε) − J(θ − ε)) / 2ε``, and compare with the
analytic gradient by the relative error ``‖g − n‖ / ‖g + n‖``.

Examples
--------
>>> import chainrule as cr
>>> X, y = cr.datasets.test_scores()
>>> chk = cr.gradcheck(cr.Network([2, 3, 1], seed=1), X, y)
>>> chk.ok, chk.relative_error < 1e-8
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from chainrule.core.dropout import Masks
from chainrule.core.forward import forward, total_cost
from chainrule.core.params import flatten, unflatten
from chainrule.core.trace import run_trace
from chainrule.errors import ConfigError, InvalidTypeError, UnknownNameError
from chainrule.validation import check_positive

Array = np.ndarray

#: Default tolerance on the relative error, by dtype of the network.
#: float64: central differences with ε = 1e-4 have a truncation error of
#: order ε² ≈ 1e-8 and a rounding error of order 1e-16 / ε ≈ 1e-12, so a
#: correct gradient stays well below 1e-7. float32: the analytic gradient is
#: computed in float32 (unit round-off 6e-8, grown by the sums of a pass) and
#: compared with float64 central differences; 1e-3 leaves room for that
#: rounding while a wrong derivative gives errors of order 1e-1 to 1.
TOLERANCE = {"float64": 1e-7, "float32": 1e-3}


@dataclass
class GradCheck:
    """The result of :func:`gradcheck`.

    Attributes
    ----------
    relative_error : float
        ``‖g − n‖ / ‖g + n‖`` over all parameters (0 when both are zero).
    ok : bool
        ``relative_error < tolerance``.
    tolerance : float
    eps : float
    analytic, numerical : dict of str to array
        The two gradients, keyed like the parameters.
    per_param : dict of str to dict
        For each parameter: ``max_abs_error`` and ``relative_error``.
    """

    relative_error: float
    ok: bool
    tolerance: float
    eps: float
    analytic: dict[str, Array] = field(repr=False)
    numerical: dict[str, Array] = field(repr=False)
    per_param: dict[str, dict[str, float]] = field(repr=False)

    @property
    def max_abs_error(self) -> float:
        """The largest ``|g − n|`` over every scalar parameter."""
        return max(p["max_abs_error"] for p in self.per_param.values())

    @property
    def worst(self) -> str:
        """The name of the parameter with the largest relative error."""
        return max(self.per_param, key=lambda k: self.per_param[k]["relative_error"])


def relative_error(g: Array, n: Array) -> float:
    """``‖g − n‖ / ‖g + n‖``; 0 when both are zero."""
    den = np.linalg.norm(g + n)
    num = np.linalg.norm(g - n)
    if den == 0:
        return 0.0 if num == 0 else float("inf")
    return float(num / den)


METHODS = ("central", "richardson")


def _check_method(method: str) -> None:
    if method not in METHODS:
        raise UnknownNameError(
            f"method: unknown name {method!r}; expected one of {list(METHODS)}"
        )


def numerical_gradient(
    net,
    X,
    y,
    eps: float = 1e-4,
    method: str = "central",
    sample_weight: object = None,
    masks: Masks | None = None,
) -> dict[str, Array]:
    """Finite-difference gradient of ``net.cost`` in float64, keyed like params.

    ``method="central"`` is the tutorial's ``computeNumericalGradient``: one
    parameter at a time, ``D(ε) = (J(θ + ε e_i) − J(θ − ε e_i)) / 2ε``, with a
    truncation error of order ε². ``method="richardson"`` combines two step
    sizes, ``(4 D(ε/2) − D(ε)) / 3``, which cancels the ε² term and leaves an
    error of order ε⁴ (Richardson extrapolation), at twice the cost. Costs are
    evaluated in float64 whatever the network's dtype; ``sample_weight``
    weights the cost as in :meth:`Network.cost`; ``masks`` (checked
    :class:`~chainrule.core.dropout.Masks`) fixes dropout's masks, so that
    the cost is the masked network's.
    """
    _check_method(method)
    Xa, ya = net.check_data(X, y)
    w = net.check_sample_weight(sample_weight, Xa.shape[0])
    Xa, ya = Xa.astype(np.float64), ya.astype(np.float64)
    w = None if w is None else w.astype(np.float64)
    shapes = net.shapes
    theta = flatten(net.params, shapes).astype(np.float64)
    num = np.zeros_like(theta)

    def J(v: Array) -> float:
        p = unflatten(v, shapes, np.float64)
        _, cache = forward(p, Xa, net.activations, masks=masks)
        return total_cost(p, cache, ya, net.activations, net.loss, net.l2, w)

    def central(i: int, h: float) -> float:
        old = theta[i]
        theta[i] = old + h
        j_plus = J(theta)
        theta[i] = old - h
        j_minus = J(theta)
        theta[i] = old
        return (j_plus - j_minus) / (2 * h)

    for i in range(theta.size):
        if method == "central":
            num[i] = central(i, eps)
        else:
            # D(h) = J' + c h² + O(h⁴), so (4 D(h/2) − D(h)) / 3 = J' + O(h⁴)
            num[i] = (4 * central(i, eps / 2) - central(i, eps)) / 3
    return unflatten(num, shapes, np.float64)


#: The most parameters :func:`gradcheck` checks unless told otherwise.
MAX_PARAMS = 20_000


def check_work(n_params: int, max_params: int | None, method: str = "central"):
    """Refuse a check of more than ``max_params`` parameters, saying its work.

    Raises
    ------
    ConfigError
        Naming ``max_params``, the network's parameters and the passes.
    """
    if max_params is None:
        return
    limit = check_positive("max_params", max_params, integer=True)
    if n_params > limit:
        passes = n_params * (4 if method == "richardson" else 2)
        raise ConfigError(
            f"max_params: the network has {n_params:,} parameters; the check "
            f"would make {passes:,} passes over the data, expected at most "
            f"{limit:,} parameters: check a smaller network, or raise max_params "
            "(--max-params) knowing it takes that long"
        )


def gradcheck(
    net,
    X,
    y,
    eps: float = 1e-4,
    tolerance: float | None = None,
    method: str = "central",
    sample_weight: object = None,
    max_params: int | None = MAX_PARAMS,
    *,
    masks: object = None,
) -> GradCheck:
    """Compare backpropagation's gradient with central differences.

    Parameters
    ----------
    net : Network
    X : (n, n_inputs) array_like
    y : (n, n_outputs) array_like
    eps : float
        The perturbation ε.
    tolerance : float, optional
        Defaults to :data:`TOLERANCE` for the network's dtype.
    method : {"central", "richardson"}
        ``central`` is the tutorial's check. ``richardson`` is far more
        accurate where the gradient is small compared with the curvature of
        the cost (near a minimum), at twice the cost; see
        :func:`numerical_gradient`.
    sample_weight : (n,) array_like, optional
        Check the gradient of the weighted cost (see :meth:`Network.cost`).
    max_params : int or None
        Refuse a network with more parameters (the check makes two passes
        over ``X`` per parameter, ``method="richardson"`` four): by default
        :data:`MAX_PARAMS`; ``None`` for no limit.
    masks : Masks or (p, dict), optional
        Fixed dropout masks (as :meth:`Network.trace` takes them): both
        gradients are then the masked cost's.

    Returns
    -------
    GradCheck

    Raises
    ------
    InvalidTypeError
        ``net`` is not a Network, or ``eps``/``tolerance`` is not a number.
    InvalidValueError, ShapeError
        ``eps`` or ``tolerance`` is not > 0, or ``X``/``y`` do not fit ``net``.
    ConfigError
        The network has more than ``max_params`` parameters.

    Notes
    -----
    The analytic gradient comes from :meth:`Network.trace`, the same code that
    trains and explains. Where an activation has a kink (ReLU at 0) within ε of
    a pre-activation, the central difference is not a derivative and the check
    may fail although backpropagation is right.
    """
    from chainrule.network import Network

    if not isinstance(net, Network):
        raise InvalidTypeError(f"net: expected a Network, got {type(net).__name__}")
    eps = check_positive("eps", eps)
    if tolerance is not None:
        tolerance = check_positive("tolerance", tolerance)
    _check_method(method)
    check_work(net.n_params, max_params, method)
    Xa, ya = net.check_data(X, y)
    w = net.check_sample_weight(sample_weight, Xa.shape[0])
    mk = None if masks is None else Masks.checked(masks, net.sizes, Xa.shape[0])
    t = run_trace(net.params, Xa, ya, net.activations, net.loss, net.l2, w, mk)
    analytic = {k: np.asarray(v, dtype=np.float64) for k, v in t.gradients.items()}
    numerical = numerical_gradient(net, Xa, ya, eps, method, w, mk)
    per = {
        k: {
            "max_abs_error": float(np.max(np.abs(analytic[k] - numerical[k]))),
            "relative_error": relative_error(analytic[k], numerical[k]),
        }
        for k in analytic
    }
    g = np.concatenate([analytic[k].ravel() for k in analytic])
    n = np.concatenate([numerical[k].ravel() for k in analytic])
    rel = relative_error(g, n)
    tol = TOLERANCE[net.dtype.name] if tolerance is None else float(tolerance)
    return GradCheck(rel, rel < tol, tol, eps, analytic, numerical, per)
