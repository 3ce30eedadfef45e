"""Plots: cost curves, activations, the network, decision boundaries, surfaces.

Matplotlib (``pip install chainrule[plot]``) is imported only when a function
of this package runs, and only its object-oriented API is used: figures are
drawn with the Agg renderer, never through ``pyplot``, so plotting changes
no global state and works without a display. Every function returns the
:class:`matplotlib.figure.Figure` and, given ``path``, writes a PNG of
``figsize * dpi`` pixels.

One module per kind of figure, each function importable from here:
:mod:`~chainrule.plot.curves` (:func:`cost_curve`, :func:`activation`),
:mod:`~chainrule.plot.diagram` (:func:`network`) and
:mod:`~chainrule.plot.surfaces` (:func:`decision_boundary`,
:func:`prediction_surface`); :mod:`~chainrule.plot.figure` makes and writes
the figures (:func:`save`).

Layer: may import :mod:`chainrule.explainer`, :mod:`chainrule.network` and
everything below them; not the command line.

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

from chainrule.plot.curves import activation, cost_curve
from chainrule.plot.diagram import LABELLED_EDGES, NODE_VALUES, network
from chainrule.plot.figure import Array, PathLike, save
from chainrule.plot.surfaces import decision_boundary, prediction_surface

__all__ = [
    "LABELLED_EDGES",
    "NODE_VALUES",
    "Array",
    "PathLike",
    "activation",
    "cost_curve",
    "decision_boundary",
    "network",
    "prediction_surface",
    "save",
]
