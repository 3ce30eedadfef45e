"""Explain backpropagation step by step: ``Step`` records, then renderings.

:func:`explain` records every step of one forward and backward pass of a
:class:`chainrule.Network` (names, formulas, shapes, values taken from
:meth:`~chainrule.Network.trace`); :class:`Explanation` renders them as text,
Markdown, LaTeX, JSON or HTML; :meth:`Explanation.chain` writes the chain rule
for one weight, path by path, and :func:`chainrule.explainer.vary.vary` tries
one weight at several values. Problem files (TOML) and the seeds' exercises are in
:mod:`chainrule.explainer.problems.files`.

The explainer is in rooms, each a subpackage, bottom first (a module imports
its own room and the rooms before it; ``tests/test_architecture.py`` checks):

- ``model``: the records (``Step``, ``Detail``, the scalar chain's rows);
- ``notation``: names, formulas, the texts' forms, numbers;
- ``render``: every format (text, Markdown, LaTeX, HTML, JSON) of every
  document (explanations, worksheets, symbolic derivations);
- ``paths``: the chain rule along paths (one weight, a scalar chain, flows,
  vary);
- ``build``: :func:`explain` and :class:`Explanation`;
- ``problems``: problem files, the built-in examples, the seeds' misprints;
- ``assess``: grading answers, quiz sheets and keys;
- ``symbolic``: :func:`chainrule.derive` with SymPy;
- ``worksheets``: the seeds' questions, answered (content in data files).

Layer: may import :mod:`chainrule.network`, :mod:`chainrule.gradient_check`,
:mod:`chainrule.reference` and everything below them (core, train, persist,
data, errors, validation); not the command line.
"""

from chainrule.explainer.build.derivation import explain
from chainrule.explainer.build.explanation import Explanation
from chainrule.explainer.model.chain import ChainLink, ChainRow, ScalarChain
from chainrule.explainer.model.step import Step
from chainrule.explainer.paths.vary import Variation
from chainrule.explainer.paths.weight_chain import WeightChain

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
