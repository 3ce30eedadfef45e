"""Maps of a 2-input network over a grid: class regions and a predicted surface.

:func:`decision_boundary` colours the plane by the class a classifier
predicts, with the data on top; :func:`prediction_surface` draws the
tutorial's test score over hours of sleep and of study, as a contour map and
a 3-D surface.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from chainrule.errors import InvalidValueError, ShapeError
from chainrule.plot.figure import Array, PathLike, new_figure, save

if TYPE_CHECKING:
    from matplotlib.figure import Figure


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
    fig = new_figure(figsize, dpi)
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
    fig = new_figure(figsize, dpi)
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
