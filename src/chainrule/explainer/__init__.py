"""Explain backpropagation step by step: ``Step`` records, then renderings.

:func:`explain` records every step of one forward and backward pass of a
:class:`chainrule.Network` (names, formulas, shapes, values taken from
:meth:`~chainrule.Network.trace`); :class:`Explanation` renders them as text,
Markdown, LaTeX, JSON or HTML. Problem files (TOML) and the seeds' exercises
are in :mod:`chainrule.explainer.problems`.

Layer: may import :mod:`chainrule.network`, :mod:`chainrule.gradient_check`,
:mod:`chainrule.reference` and everything below them (core, train, persist,
data, errors, validation); not the command line.
"""

from chainrule.explainer.chain import ChainLink, ChainRow, ScalarChain
from chainrule.explainer.derivation import explain
from chainrule.explainer.explanation import Explanation
from chainrule.explainer.steps import Step

__all__ = ["ChainLink", "ChainRow", "Explanation", "ScalarChain", "Step", "explain"]
