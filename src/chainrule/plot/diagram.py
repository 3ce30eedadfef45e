"""The network drawn with its numbers: weights on the edges, values on the units.

:func:`network` draws one panel of weights and biases and, given a
:class:`~chainrule.core.trace.Trace`, a second panel of their gradients, with
the trace's activations, pre-activations or deltas of one example written on
the units. Every text and line carries a ``gid`` naming what it shows
(``"W1[0,2]"``, ``"unit:1:0"``, ``"range:W2"``), so that tests and pages can
find it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from chainrule.errors import InvalidValueError, UnknownNameError
from chainrule.plot.figure import Array, PathLike, new_figure, save

if TYPE_CHECKING:
    from matplotlib.figure import Figure


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
    fig = new_figure(figsize or (width * panels, 4.5), dpi)
    axes = fig.subplots(1, panels, squeeze=False)[0]
    values = _node_values(trace, net.sizes, nodes, int(example))
    _draw_network(axes[0], net, net.params, values, nodes, "weights W, b")
    if trace is not None:
        grads = {k: trace[f"dJd{k}"] for k in net.params}
        _draw_network(axes[1], net, grads, values, nodes, "gradients dJ/dW, dJ/db")
    return save(fig, path)
