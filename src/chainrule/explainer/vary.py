"""``chainrule.explainer.vary``: the path the documentation shows for
:func:`~chainrule.explainer.paths.vary.vary` (defined in
:mod:`chainrule.explainer.paths.vary`).

Layer: the top of the explainer, beside its ``__init__``.
"""

from chainrule.explainer.paths.vary import Variation, parse_vary, vary

__all__ = ["Variation", "parse_vary", "vary"]
