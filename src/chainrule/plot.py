"""Plots: cost curves, activations, the network, decision boundaries, surfaces.

Matplotlib (``pip install chainrule[plot]``) is imported only when a function
of this module runs, and only its object-oriented API is used: figures are
drawn with the Agg renderer, never through ``pyplot``, so plotting changes
no global state and works without a display. Every function returns the
:class:`matplotlib.figure.Figure` and, given ``path``, writes a PNG of
``figsize * dpi`` pixels.

Examples
--------
>>> import chainrule as cr
>>> from chainrule import plot
>>> X, y = cr.datasets.test_scores()
>>> net = cr.Network([2, 3, 1], seed=0)
>>> hist = net.fit(X, y, optimizer="bfgs", epochs=50)
>>> fig = plot.cost_curve(hist)
>>> fig.axes[0].get_ylabel()
'cost J'
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from chainrule.errors import ConfigError, DataFileError, InvalidValueError, ShapeError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

Array = np.ndarray
PathLike = str | os.PathLike | None


def _figure(figsize: tuple[float, float], dpi: float) -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ConfigError(
            "plotting needs matplotlib; pip install 'chainrule[plot]'"
        ) from None
    return Figure(figsize=figsize, dpi=dpi, layout="constrained")


def save(fig: Figure, path: PathLike) -> Figure:
    """Write ``fig`` as a PNG of exactly ``figsize * dpi`` pixels; return it."""
    if path is None:
        return fig
    folder = Path(path).parent
    if str(folder) and not folder.is_dir():
        raise DataFileError(f"path: the folder {str(folder)!r} does not exist")
    fig.savefig(path, format="png", dpi=fig.dpi)
    return fig


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
    fig = _figure(figsize, dpi)
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
    from chainrule.explainer.formulas import activation_formula

    act = get_activation(name)
    if not act.elementwise:
        raise ConfigError(
            f"name: {act.name!r} has no element-wise derivative to plot; "
            "expected sigmoid, tanh, relu, leaky_relu or identity"
        )
    z = np.arange(-5, 5, 0.01) if z is None else np.asarray(z, dtype=np.float64)
    fig = _figure(figsize, dpi)
    ax = fig.add_subplot()
    formula = activation_formula(name).formula
    ax.plot(z, act.f(z), linewidth=2, label=f"{act.name}(z) = {formula}")
    ax.plot(z, act.f_prime(z), linewidth=2, label=f"{act.name}'(z)")
    ax.set_xlabel("z")
    ax.grid(True)
    ax.legend()
    return save(fig, path)


def _draw_network(ax, sizes: list[int], mats: dict[str, Array], title: str) -> None:
    from matplotlib import colormaps

    cmap = colormaps["coolwarm"]
    biggest = max(float(np.max(np.abs(m))) for m in mats.values()) or 1.0
    xs = np.arange(len(sizes), dtype=float)

    def ys(n: int) -> Array:
        return np.linspace(0, 1, n + 2)[1:-1]

    for l in range(1, len(sizes)):
        M = mats[f"W{l}"]
        for i, y0 in enumerate(ys(sizes[l - 1])):
            for j, y1 in enumerate(ys(sizes[l])):
                v = float(M[i, j]) / biggest
                ax.plot(
                    [xs[l - 1], xs[l]],
                    [y0, y1],
                    color=cmap(0.5 + 0.5 * v),
                    linewidth=0.5 + 4.5 * abs(v),
                    zorder=1,
                )
    for l, n in enumerate(sizes):
        ax.scatter([xs[l]] * n, ys(n), s=300, c="white", edgecolors="black", zorder=2)
        label = "X" if l == 0 else ("yHat" if l == len(sizes) - 1 else f"a{l + 1}")
        ax.text(xs[l], -0.02, label, ha="center", va="top")
    ax.set_title(f"{title} (largest |value| {biggest:.3g}; red > 0, blue < 0)")
    ax.set_xlim(-0.5, len(sizes) - 0.5)
    ax.set_ylim(-0.1, 1.0)
    ax.axis("off")


def network(
    net,
    trace=None,
    *,
    path: PathLike = None,
    figsize: tuple[float, float] | None = None,
    dpi: float = 100,
) -> Figure:
    """The network drawn with its weights as line widths and colours.

    Parameters
    ----------
    net : Network
    trace : Trace, optional
        From :meth:`Network.trace`: a second panel draws the gradients
        ``dJdW{l}`` the same way.
    """
    panels = 1 if trace is None else 2
    fig = _figure(figsize or (6.4 * panels, 4.0), dpi)
    axes = fig.subplots(1, panels, squeeze=False)[0]
    weights = {f"W{l}": net.params[f"W{l}"] for l in range(1, net.n_layers + 1)}
    _draw_network(axes[0], net.sizes, weights, "weights W")
    if trace is not None:
        grads = {f"W{l}": trace[f"dJdW{l}"] for l in range(1, net.n_layers + 1)}
        _draw_network(axes[1], net.sizes, grads, "gradients dJ/dW")
    return save(fig, path)


def _grid(X: Array, resolution: int) -> tuple[Array, Array]:
    lo, hi = X.min(axis=0), X.max(axis=0)
    pad = 0.1 * np.where(hi > lo, hi - lo, 1.0)
    g0 = np.linspace(lo[0] - pad[0], hi[0] + pad[0], resolution)
    g1 = np.linspace(lo[1] - pad[1], hi[1] + pad[1], resolution)
    return np.meshgrid(g0, g1)


def decision_boundary(
    net,
    X: Array,
    y: Array,
    *,
    resolution: int = 200,
    path: PathLike = None,
    figsize: tuple[float, float] = (5.0, 5.0),
    dpi: float = 100,
) -> Figure:
    """The class regions of a 2-input classifier, with the data on top.

    Parameters
    ----------
    net : Network
        2 inputs; a softmax output (classes by argmax) or one sigmoid output
        (class 1 where ``yHat > 0.5``).
    X : (n, 2) array
    y : (n,) integer labels or (n, n_outputs) one-hot array
        Label ``i`` is output ``i`` (class 1 is ``yHat > 0.5`` for one
        sigmoid output); each class has the same colour as its region.
    """
    X = net.check_X(X)
    if net.n_inputs != 2:
        raise ShapeError(
            f"net: a decision boundary needs a network with 2 inputs, got "
            f"{net.n_inputs}"
        )
    y = np.asarray(y)
    labels = y.argmax(axis=1) if y.ndim == 2 and y.shape[1] > 1 else y.ravel()
    if labels.shape[0] != X.shape[0]:
        raise ShapeError(f"y: expected {X.shape[0]} labels, got {labels.shape[0]}")
    k = max(net.n_outputs, 2)
    if labels.dtype.kind not in "biuf" or np.any(
        (labels != np.round(labels)) | (labels < 0) | (labels >= k)
    ):
        raise InvalidValueError(
            f"y: expected integer labels 0 to {k - 1} (one per output), got "
            f"{np.unique(labels)[:10].tolist()}"
        )
    G0, G1 = _grid(X, resolution)
    out = net.forward(np.column_stack([G0.ravel(), G1.ravel()]))
    region = out.argmax(axis=1) if out.shape[1] > 1 else (out[:, 0] > 0.5)
    from matplotlib import colormaps

    palette = colormaps["tab10"].colors
    colors = [palette[i % 10] for i in range(k)]
    fig = _figure(figsize, dpi)
    ax = fig.add_subplot()
    ax.contourf(
        G0,
        G1,
        region.reshape(G0.shape).astype(float),
        levels=np.arange(k + 1) - 0.5,
        colors=colors,
        alpha=0.3,
    )
    point_colors = [palette[int(c) % 10] for c in labels]
    ax.scatter(X[:, 0], X[:, 1], c=point_colors, edgecolors="black")
    ax.set_xlabel("x1")
    ax.set_ylabel("x2")
    ax.set_title("decision boundary")
    return save(fig, path)


def prediction_surface(
    net,
    *,
    input_scale: tuple[float, float] = (10.0, 5.0),
    target_scale: float = 100.0,
    sleep: tuple[float, float] = (0.0, 10.0),
    study: tuple[float, float] = (0.0, 5.0),
    data: tuple[Array, Array] | None = None,
    resolution: int = 100,
    path: PathLike = None,
    figsize: tuple[float, float] = (11.0, 4.5),
    dpi: float = 100,
) -> Figure:
    """The tutorial's test score over hours of sleep and of study (part 6).

    A contour map and a 3-D surface of ``target_scale * yHat`` for inputs
    ``(sleep, study) / input_scale``.

    Parameters
    ----------
    net : Network
        2 inputs, 1 output, trained on scaled data such as
        :func:`chainrule.data.datasets.test_scores`.
    input_scale : (2,) floats
        What the hours were divided by (the data's column maxima).
    target_scale : float
        What the scores were divided by.
    data : tuple (X_hours, y_scores), optional
        Points to draw in the original units.
    """
    if net.n_inputs != 2 or net.n_outputs != 1:
        raise ShapeError(
            f"net: the prediction surface needs 2 inputs and 1 output, got "
            f"sizes {net.sizes}"
        )
    S, T = np.meshgrid(np.linspace(*sleep, resolution), np.linspace(*study, resolution))
    grid = np.column_stack([S.ravel(), T.ravel()]) / np.asarray(input_scale)
    Z = target_scale * net.forward(grid)[:, 0].reshape(S.shape)
    fig = _figure(figsize, dpi)
    ax = fig.add_subplot(1, 2, 1)
    cs = ax.contourf(S, T, Z, levels=20, cmap="viridis")
    ax.contour(S, T, Z, levels=10, colors="black", linewidths=0.5)
    fig.colorbar(cs, ax=ax, label="predicted score")
    ax.set_xlabel("hours of sleep")
    ax.set_ylabel("hours of study")
    ax3 = fig.add_subplot(1, 2, 2, projection="3d")
    ax3.plot_surface(S, T, Z, cmap="viridis", linewidth=0, alpha=0.8)
    ax3.set_xlabel("sleep")
    ax3.set_ylabel("study")
    ax3.set_zlabel("score")
    if data is not None:
        Xh, ys = np.asarray(data[0]), np.asarray(data[1]).ravel()
        ax.scatter(Xh[:, 0], Xh[:, 1], c="red", edgecolors="white", zorder=3)
        ax3.scatter(Xh[:, 0], Xh[:, 1], ys, c="red", depthshade=False)
    return save(fig, path)
