"""Curves: the cost per epoch, and an activation with its derivative.

Examples
--------
>>> from chainrule.plot.curves import activation
>>> fig = activation("tanh")
>>> [line.get_label() for line in fig.axes[0].get_lines()][1]
"tanh'(z)"
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from chainrule.errors import ConfigError, ShapeError
from chainrule.plot.figure import Array, PathLike, new_figure, save

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def cost_curve(
    history=None,
    *,
    cost: Sequence[float] | None = None,
    val_cost: Sequence[float] | None = None,
    log: bool = True,
    path: PathLike = None,
    figsize: tuple[float, float] = (6.4, 4.0),
    dpi: float = 100,
) -> Figure:
    """The training (and validation) cost per epoch or iteration.

    Parameters
    ----------
    history : History, optional
        From :meth:`Network.fit`; or give ``cost`` and ``val_cost``.
    cost, val_cost : sequence of float, optional
    log : bool
        A logarithmic cost axis (when every cost is positive).
    path : str or path, optional
        Where to write the PNG.
    """
    if history is not None:
        cost, val_cost = history.cost, history.val_cost
    if not cost:
        raise ShapeError("cost: expected at least one cost value, got none")
    fig = new_figure(figsize, dpi)
    ax = fig.add_subplot()
    steps = np.arange(1, len(cost) + 1)
    ax.plot(steps, cost, linewidth=2, label="training")
    if val_cost:
        ax.plot(steps[: len(val_cost)], val_cost, linewidth=2, label="validation")
    if log and min(cost) > 0 and (not val_cost or min(val_cost) > 0):
        ax.set_yscale("log")
    quasi_newton = getattr(history, "optimizer", "") in ("bfgs", "lbfgs")
    ax.set_xlabel("iteration" if quasi_newton else "epoch")
    ax.set_ylabel("cost J")
    ax.grid(True)
    ax.legend()
    return save(fig, path)


def activation(
    name: str = "sigmoid",
    *,
    z: Array | None = None,
    path: PathLike = None,
    figsize: tuple[float, float] = (6.4, 4.0),
    dpi: float = 100,
) -> Figure:
    """An activation ``f(z)`` and its derivative ``f'(z)`` on the same axes.

    The tutorial's plot of ``sigmoid`` and ``sigmoidPrime`` over
    ``np.arange(-5, 5, 0.01)`` (part 3) is ``activation("sigmoid")``.

    Raises
    ------
    ConfigError
        For ``softmax``, whose derivative is a Jacobian, not a curve.
    """
    from chainrule.core.activations import get_activation
    from chainrule.explainer.notation.formulas import activation_formula

    act = get_activation(name)
    if not act.elementwise:
        raise ConfigError(
            f"name: {act.name!r} has no element-wise derivative to plot; "
            "expected sigmoid, tanh, relu, leaky_relu or identity"
        )
    z = np.arange(-5, 5, 0.01) if z is None else np.asarray(z, dtype=np.float64)
    fig = new_figure(figsize, dpi)
    ax = fig.add_subplot()
    formula = activation_formula(name).formula
    ax.plot(z, act.f(z), linewidth=2, label=f"{act.name}(z) = {formula}")
    ax.plot(z, act.f_prime(z), linewidth=2, label=f"{act.name}'(z)")
    ax.set_xlabel("z")
    ax.grid(True)
    ax.legend()
    return save(fig, path)
