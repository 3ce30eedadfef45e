"""How quantities are written: names, formulas, the texts' forms, numbers.

- :mod:`~chainrule.explainer.notation.names`: a key (``"delta3"``) as each
  notation writes it (Welch ``δ⁽³⁾``, bracket ``g[2z]``, column ``dZ2``).
- :mod:`~chainrule.explainer.notation.formulas`: the printed formula of every
  activation and cost.
- :mod:`~chainrule.explainer.notation.forms`: how each text writes the
  backward formulas, and the cost's templates.
- :mod:`~chainrule.explainer.notation.numbers`: numbers and matrices as text
  and LaTeX, and the ``⟦key⟧`` substitution.

Layer: above :mod:`chainrule.explainer.model`. May import the model,
:mod:`chainrule.core` and :mod:`chainrule.errors`.
"""
