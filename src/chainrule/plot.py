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

from chainrule.errors import (
    ConfigError,
    DataFileError,
    InvalidValueError,
    ShapeError,
    UnknownNameError,
)

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


NODE_VALUES = {"a": "activations", "z": "pre-activations", "delta": "deltas"}
LABELLED_EDGES = 40  # edges between two layers beyond which values are not written


def _unit_y(n: int) -> Array:
    """Heights of ``n`` units, unit 1 at the top (as textbooks draw them)."""
    return 1.0 - np.arange(1, n + 1) / (n + 1)


def _node_values(trace, sizes: list[int], kind: str | None, example: int) -> list:
    """Per layer, the values written on its units (``None``: none)."""
    L = len(sizes) - 1
    if trace is None or kind is None:
        return [None] * (L + 1)
    out = [trace["X"][example] if kind == "a" else None]
    for l in range(2, L + 2):
        key = "yHat" if (kind == "a" and l == L + 1) else f"{kind}{l}"
        out.append(np.atleast_2d(trace[key])[example])
    return out


def _edge_label(ax, x: float, y: float, v: float, gid: str) -> None:
    ax.text(
        x,
        y,
        f"{v:.3g}",
        fontsize=7,
        ha="center",
        va="center",
        zorder=3,
        gid="edge:" + gid,
        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "lw": 0},
    )


def _draw_edges(ax, l: int, M: Array, b: Array | None, names: tuple, cmap) -> None:
    """Layer ``l``'s edges (and bias edges) coloured on the layer's own scale.

    ``names`` are the matrix's and the bias's names (``"W1"``, ``"b1"``).
    """
    n_in, n_out = M.shape
    values = M if b is None else np.vstack([M, np.reshape(b, (1, -1))])
    lo, hi = float(values.min()), float(values.max())
    scale = max(abs(lo), abs(hi)) or 1.0
    sources = [(f"{names[0]}[{i},", y) for i, y in enumerate(_unit_y(n_in))]
    if b is not None:
        sources.append((f"{names[1]}[", 1.0))
    label = values.size <= LABELLED_EDGES
    for (tag, y0), row in zip(sources, values, strict=True):
        for j, (y1, v) in enumerate(zip(_unit_y(n_out), row, strict=True)):
            ax.plot(
                [l - 1, l],
                [y0, y1],
                color=cmap(0.5 + 0.5 * v / scale),
                linewidth=0.8 + 3.2 * abs(v) / scale,
                linestyle="-" if tag.endswith(",") else "--",
                zorder=1,
                gid=f"{tag}{j}]",
            )
            if label:
                t = 0.3 + 0.4 * (j + 1) / (n_out + 1)
                _edge_label(ax, l - 1 + t, y0 + t * (y1 - y0), v, f"{tag}{j}]")
    ax.text(
        l - 0.5,
        -0.04,
        ", ".join(names[: 1 if b is None else 2]) + f": [{lo:.3g}, {hi:.3g}]",
        ha="center",
        va="top",
        fontsize=8,
        gid=f"range:{names[0]}",
    )


def _draw_units(ax, sizes: list[int], bias: list[bool], values: list, kind) -> None:
    L = len(sizes) - 1
    for l, n in enumerate(sizes):
        ys = _unit_y(n)
        ax.scatter([l] * n, ys, s=700, c="white", edgecolors="black", zorder=2)
        for i, y in enumerate(ys):
            text = "" if values[l] is None else f"{values[l][i]:.3g}"
            ax.text(
                l,
                y,
                text,
                ha="center",
                va="center",
                fontsize=7,
                zorder=4,
                gid=f"unit:{l}:{i}",
            )
        if l < L and bias[l]:
            ax.scatter([l], [1.0], s=500, c="0.9", edgecolors="black", zorder=2)
            ax.text(l, 1.0, "1", ha="center", va="center", zorder=4, gid=f"bias:{l}")
        name = "X" if l == 0 else ("yHat" if l == L else f"layer {l + 1}")
        ax.text(l, 1.08, name, ha="center", va="bottom", fontsize=9)


def _draw_network(ax, net, mats: dict, values: list, kind, title: str) -> None:
    from matplotlib import colormaps

    cmap = colormaps["coolwarm"]
    d = "dJd" if title.startswith("gradients") else ""
    for l in range(1, net.n_layers + 1):
        W, b = mats[f"W{l}"], mats.get(f"b{l}")
        _draw_edges(ax, l, W, b, (f"{d}W{l}", f"{d}b{l}"), cmap)
    _draw_units(ax, net.sizes, net.bias, values, kind)
    what = "" if values[-1] is None else f"; units: {NODE_VALUES[kind]}"
    ax.set_title(
        f"{title}{what} (colour scale per layer: red > 0, blue < 0)", fontsize=9
    )
    ax.set_xlim(-0.5, net.n_layers + 0.5)
    ax.set_ylim(-0.12, 1.15)
    ax.axis("off")


def network(
    net,
    trace=None,
    *,
    nodes: str | None = "a",
    example: int = 0,
    path: PathLike = None,
    figsize: tuple[float, float] | None = None,
    dpi: float = 100,
) -> Figure:
    """The network with its numbers: weights on the edges, values on the units.

    Unit 1 of every layer is at the top; a bias is a unit ``1`` above its
    layer with dashed edges. Each layer's edges have their own colour scale
    (red > 0, blue < 0, width ∝ |value|), whose range is written under it, so
    that small gradients of early layers stay visible.

    Parameters
    ----------
    net : Network
    trace : Trace, optional
        From :meth:`Network.trace`: the units show its values for one example
        and a second panel draws the gradients ``dJdW{l}`` and ``dJdb{l}``.
    nodes : {"a", "z", "delta"} or None
        What the units show (with a trace): activations (the input row, every
        ``a``, ``yHat``), pre-activations ``z`` or deltas ``δ``.
    example : int
        Which row of the trace's data the units show.

    Raises
    ------
    UnknownNameError
        ``nodes`` is not one of the three (or ``None``).
    InvalidValueError
        ``example`` is not a row of the trace's data.

    Examples
    --------
    >>> import chainrule as cr
    >>> from chainrule import plot
    >>> net = cr.Network([2, 3, 1], seed=0)
    >>> X, y = cr.datasets.test_scores()
    >>> fig = plot.network(net, net.trace(X, y), nodes="delta", example=2)
    >>> [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "range:W2"]
    ['W2, b2: [-0.498, 0.922]']
    """
    if nodes is not None and nodes not in NODE_VALUES:
        raise UnknownNameError(
            f"nodes: unknown name {nodes!r}; expected one of {tuple(NODE_VALUES)} "
            "or None"
        )
    if trace is not None:
        n = trace["X"].shape[0]
        if (
            isinstance(example, bool)
            or not isinstance(example, (int, np.integer))
            or not 0 <= example < n
        ):
            raise InvalidValueError(
                f"example: expected an integer from 0 to {n - 1} (a row of the "
                f"trace's data), got {example!r}"
            )
    panels = 1 if trace is None else 2
    width = 2.2 * (net.n_layers + 1)
    fig = _figure(figsize or (width * panels, 4.5), dpi)
    axes = fig.subplots(1, panels, squeeze=False)[0]
    values = _node_values(trace, net.sizes, nodes, int(example))
    _draw_network(axes[0], net, net.params, values, nodes, "weights W, b")
    if trace is not None:
        grads = {k: trace[f"dJd{k}"] for k in net.params}
        _draw_network(axes[1], net, grads, values, nodes, "gradients dJ/dW, dJ/db")
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
