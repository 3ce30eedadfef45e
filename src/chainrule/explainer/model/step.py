"""``Step`` and ``Detail``: one line of a derivation, and the lines under it.

Every value comes from a :class:`chainrule.core.trace.Trace`, the record of the
forward and backward pass that training uses; this module only attaches the
names and formulas a student writes next to those values.

A step's ``substitution`` is its right-hand side with the operands' values in
place of their names: a template in which ``⟦key⟧`` stands for the value of the
step ``key``. Renderers fill it in; they never compute.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

Array = np.ndarray
PHASES = ("given", "forward", "backward", "update", "forward_again", "descent")
PLACEHOLDER = re.compile(r"⟦([^⟧]+)⟧")


@dataclass(frozen=True, eq=False)
class Step:
    """One step of the derivation.

    Attributes
    ----------
    symbol : str
        Unique key, in Welch notation: ``"z2"``, ``"delta3"``, ``"dJdW1"``;
        after a gradient-descent update the new values carry a prime:
        ``"W1'"``, ``"z2'"``, ``"J'"``.
    formula : str
        The equation in plain text, in the chosen notation:
        ``"δ⁽³⁾ = ∂J/∂ŷ ∘ f′(z⁽³⁾)"``.
    shape : tuple of int
        ``value``'s shape; ``()`` for the cost.
    value : (rows, cols) array or float
    name : str
        The left-hand side in plain text (``"δ⁽³⁾"``, ``"g[2z]"``).
    name_latex, formula_latex : str
        The same in LaTeX (math mode).
    substitution, substitution_latex : str
        The right-hand side with ``⟦key⟧`` for each operand's value.
    uses : tuple of str
        The symbols of the earlier steps the formula reads.
    phase : {"given", "forward", "backward", "update", "forward_again", "descent"}
    note : str
        A remark in plain text (which activation, a simplification).
    details : tuple of Detail
        Extra lines under the step (:mod:`chainrule.explainer.build.elements`): the
        shapes of its product, why an operand is transposed, and at element
        level every element written out term by term.
    """

    symbol: str
    formula: str
    shape: tuple
    value: Array | float
    name: str = ""
    name_latex: str = ""
    formula_latex: str = ""
    substitution: str = ""
    substitution_latex: str = ""
    uses: tuple = ()
    phase: str = "forward"
    note: str = ""
    details: tuple = field(default=())


@dataclass(frozen=True)
class Detail:
    """One line under a step: ``text = factors = products = value``.

    Attributes
    ----------
    kind : {"shapes", "transpose", "element", "examples", "cost"}
        ``"shapes"``: the operands' shapes and the result's; ``"transpose"``:
        why an operand is transposed; ``"element"``: one element of the
        step's value written as a sum of products; ``"examples"``: one element
        of a gradient as the sum of one contribution per example; ``"cost"``:
        one row of a cost table.
    text, latex : str
        The line's words or its symbolic side, plain and LaTeX (math mode for
        ``"element"``, ``"examples"`` and ``"cost"``; prose otherwise).
    index : tuple of int
        The element's ``(row, column)``, from 0; ``()`` for a whole-step line.
    factors : tuple of tuple of float
        The terms that are added, each the tuple of the numbers multiplied:
        ``((a11, W11), (a12, W21), ...)``.
    value : float or None
        The sum: the step's value at ``index`` (or the cost of the row).
    """

    kind: str
    text: str
    latex: str = ""
    index: tuple = ()
    factors: tuple = ()
    value: float | None = None
