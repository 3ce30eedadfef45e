"""Symbolic derivations with SymPy: ``derive`` and its checks.

- :mod:`~chainrule.explainer.symbolic.derivation`: :func:`derive`,
  :func:`derive_problem` (a problem file's network) and :class:`Derivation`.
- :mod:`~chainrule.explainer.symbolic.build`: the network's expressions in
  SymPy; :mod:`~chainrule.explainer.symbolic.steps`: the derivation's steps
  (:mod:`~chainrule.explainer.symbolic.step`: ``SymStep``).
- :mod:`~chainrule.explainer.symbolic.checks`: each step checked (SymPy,
  arbitrary precision); :mod:`~chainrule.explainer.symbolic.grade`: grading
  an answer written as an expression.

Layer: above :mod:`chainrule.explainer.assess`. May import the assessment,
the renderers, the notation and what is below them; SymPy is imported here
only.
"""

from chainrule.explainer.symbolic.derivation import Derivation, derive, derive_problem

__all__ = ["Derivation", "derive", "derive_problem"]
