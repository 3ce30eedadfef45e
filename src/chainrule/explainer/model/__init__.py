"""The explainer's records: what a derivation is made of, as plain data.

:class:`Step` is one line of a hand-written derivation (a name, a formula, the
substitution, the value), :class:`Detail` a line under it (shapes, a transpose,
one element written term by term); :class:`ChainRow`, :class:`ChainLink` and
:class:`ScalarChain` are the elementary table and the chain-rule products of a
scalar chain. The builders (:mod:`chainrule.explainer.build`) make them, the
renderers (:mod:`chainrule.explainer.render`) format them.

Layer: the bottom of the explainer. May import NumPy and
:mod:`chainrule.errors`; nothing else of chainrule.
"""

from chainrule.explainer.model.chain import ChainLink, ChainRow, ScalarChain
from chainrule.explainer.model.step import PHASES, PLACEHOLDER, Detail, Step

__all__ = [
    "PHASES",
    "PLACEHOLDER",
    "ChainLink",
    "ChainRow",
    "Detail",
    "ScalarChain",
    "Step",
]
