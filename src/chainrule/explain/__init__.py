"""Explain backpropagation step by step: ``Step`` records, then renderings.

:func:`explain` records every step of one forward and backward pass of a
:class:`chainrule.Network` (names, formulas, shapes, values taken from
:meth:`~chainrule.Network.trace`); :class:`Explanation` renders them as text,
Markdown, LaTeX, JSON or HTML. Problem files (TOML) and the seeds' exercises
are in :mod:`chainrule.explain.problems`.
"""

from chainrule.explain.chain import ChainLink, ChainRow, ScalarChain
from chainrule.explain.derivation import explain
from chainrule.explain.explanation import Explanation
from chainrule.explain.steps import Step

__all__ = ["ChainLink", "ChainRow", "Explanation", "ScalarChain", "Step", "explain"]
