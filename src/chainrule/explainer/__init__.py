"""Explain backpropagation step by step: ``Step`` records, then renderings.

:func:`explain` records every step of one forward and backward pass of a
:class:`chainrule.Network` (names, formulas, shapes, values taken from
:meth:`~chainrule.Network.trace`); :class:`Explanation` renders them as text,
Markdown, LaTeX, JSON or HTML; :meth:`Explanation.chain` writes the chain rule
for one weight, path by path, and :func:`chainrule.explainer.vary.vary` tries
one weight at several values. Problem files (TOML) and the seeds' exercises are in
:mod:`chainrule.explainer.problems`.

Layer: may import :mod:`chainrule.network`, :mod:`chainrule.gradient_check`,
:mod:`chainrule.reference` and everything below them (core, train, persist,
data, errors, validation); not the command line.
"""

from chainrule.explainer.chain import ChainLink, ChainRow, ScalarChain
from chainrule.explainer.derivation import explain
from chainrule.explainer.explanation import Explanation
from chainrule.explainer.steps import Step
from chainrule.explainer.vary import Variation
from chainrule.explainer.weight_chain import WeightChain

__all__ = [
    "ChainLink",
    "ChainRow",
    "Explanation",
    "ScalarChain",
    "Step",
    "Variation",
    "WeightChain",
    "explain",
]
