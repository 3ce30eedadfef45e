"""``Step`` records: one line of a hand-written derivation each.

Every value comes from a :class:`chainrule.core.trace.Trace`, the record of the
forward and backward pass that training uses; this module only attaches the
names and formulas a student writes next to those values.

A step's ``substitution`` is its right-hand side with the operands' values in
place of their names: a template in which ``⟦key⟧`` stands for the value of the
step ``key``. Renderers fill it in; they never compute.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from chainrule.core.activations import get_activation
from chainrule.explainer.formulas import activation_formula, cost_formula
from chainrule.explainer.names import Names

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
        Extra lines under the step (:mod:`chainrule.explainer.elements`): the
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


class Recorder:
    """Collect steps; ``<key>`` in a pattern becomes the key's name."""

    def __init__(self, names: Names, values: Mapping[str, object], suffix: str = ""):
        self.names = names
        self.values = values
        self.suffix = suffix
        self.steps: list[Step] = []
        self.unchanged = {"X", "y"}  # values read without the suffix

    def fill(self, pattern: str, latex: bool) -> str:
        def name(m: re.Match) -> str:
            key = m.group(1)
            return self.names.latex(key) if latex else self.names.text(key)

        def value(m: re.Match) -> str:
            key = m.group(1)
            return f"⟦{key}{'' if key in self.unchanged else self.suffix}⟧"

        return PLACEHOLDER.sub(value, re.sub(r"<(\w+)>", name, pattern))

    def add(
        self,
        key: str,
        phase: str,
        rhs: tuple[str, str],
        sub: tuple[str, str] = ("", ""),
        note: str = "",
        *,
        assign: str = "=",
        symbol: str | None = None,
        value: object = None,
    ) -> None:
        """Record the step ``name = rhs = sub`` whose value is ``values[key]``."""
        name, name_tex = self.names.text(key), self.names.latex(key)
        value = self.values[key] if value is None else value
        value = float(value) if np.ndim(value) == 0 else np.array(value)
        sub_text, sub_tex = self.fill(sub[0], False), self.fill(sub[1], True)
        formula, formula_tex = name, name_tex
        if rhs[0]:
            tex_assign = r"\mathrel{:=}" if assign == ":=" else "="
            formula = f"{name} {assign} {self.fill(rhs[0], False)}"
            formula_tex = f"{name_tex} {tex_assign} {self.fill(rhs[1], True)}"
        self.steps.append(
            Step(
                symbol=symbol or key + self.suffix,
                formula=formula,
                shape=tuple(np.shape(value)),
                value=value,
                name=name,
                name_latex=name_tex,
                formula_latex=formula_tex,
                substitution=sub_text,
                substitution_latex=sub_tex,
                uses=tuple(dict.fromkeys(PLACEHOLDER.findall(sub_text))),
                phase=phase,
                note=note,
            )
        )


class Transposed(Mapping):
    """A trace's values with every matrix transposed (the column convention)."""

    def __init__(self, values: Mapping[str, object]) -> None:
        self._values = values

    def __getitem__(self, key: str):
        v = self._values[key]
        return v.T if np.ndim(v) == 2 else v

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


def short_number(x: float) -> str:
    return f"{x:g}"


def given_steps(rec: Recorder, param_keys: list[str]) -> None:
    """The data and the parameters, as given."""
    for key in ["X", "y", *param_keys]:
        rec.add(key, "given", ("", ""))


def forward_steps(
    rec: Recorder, activations: list[str], bias: list[bool], phase: str
) -> None:
    """``z{l+1} = a{l} W{l} + b{l}`` and ``a{l+1} = f(z{l+1})`` for every layer.

    In the column convention the product is ``W A`` (CS230's ``Z = WA + b``).
    """
    L = len(activations)
    column = rec.names.convention == "column"
    for l in range(1, L + 1):
        prev, z = ("X" if l == 1 else f"a{l}"), f"z{l + 1}"
        ops = [f"W{l}", prev] if column else [prev, f"W{l}"]
        text = tex = f"<{ops[0]}> <{ops[1]}>"
        sub, sub_tex = f"⟦{ops[0]}⟧ · ⟦{ops[1]}⟧", rf"⟦{ops[0]}⟧ \cdot ⟦{ops[1]}⟧"
        if bias[l - 1]:
            text, tex = f"{text} + <b{l}>", f"{tex} + <b{l}>"
            sub, sub_tex = f"{sub} + ⟦b{l}⟧", f"{sub_tex} + ⟦b{l}⟧"
        rec.add(z, phase, (text, tex), (sub, sub_tex))
        act = get_activation(activations[l - 1])
        g, g_tex = rec.names.act(output=l == L)
        a = "yHat" if l == L else f"a{l + 1}"
        note = f"{g} = {act.name}: {g}(z) = {activation_formula(act.name).formula}"
        rhs = (f"{g}(<{z}>)", f"{g_tex}(<{z}>)")
        if l == L and rec.names.style != "welch":
            # seed 001: a[3] = g_o(z[3]), ŷ = a[3]; CS230: Ŷ = A[L]
            rhs = tuple(f"<a{L + 1}> = {r}" for r in rhs)
        rec.add(a, phase, rhs, (f"{g}(⟦{z}⟧)", f"{g_tex}(⟦{z}⟧)"), note)


SEED001_COST = (
    "−[(1 − <y>) log(1 − <yHat>) + <y> log(<yHat>)]",
    r"-[(1 - <y>) \log(1 - <yHat>) + <y> \log(<yHat>)]",
    "−[(1 − ⟦y⟧) log(1 − ⟦yHat⟧) + ⟦y⟧ log(⟦yHat⟧)]",
    r"-[(1 - ⟦y⟧) \log(1 - ⟦yHat⟧) + ⟦y⟧ \log(⟦yHat⟧)]",
)


def cost_templates(loss: str) -> tuple[str, str, str, str]:
    """The cost's formula and its substitution, plain and LaTeX (formulas)."""
    c = cost_formula(loss)
    return c.formula, c.latex, c.substituted, c.substituted_latex


def gradient_templates(loss: str) -> tuple[str, str, str]:
    """``dJ/dŷ``'s formula (plain, LaTeX) and its plain substitution."""
    c = cost_formula(loss)
    return c.grad_formula, c.grad_latex, c.grad_substituted


def cost_step(rec: Recorder, loss: str, l2: float, L: int, n: int, phase: str):
    """``J``, with the cost's formula and, when λ > 0, the L2 penalty."""
    text, tex, sub, sub_tex = (s.replace("{n}", str(n)) for s in cost_templates(loss))
    if (loss, n, rec.names.style) == ("bce", 1, "bracket"):
        text, tex, sub, sub_tex = SEED001_COST  # seed 001's one-example form
    if l2:
        lam = short_number(l2)
        norms = [(f"‖<W{l}>‖²", rf"\lVert <W{l}> \rVert^2") for l in range(1, L + 1)]
        vals = [(f"‖⟦W{l}⟧‖²", rf"\lVert ⟦W{l}⟧ \rVert^2") for l in range(1, L + 1)]
        text += " + (λ/2)(" + " + ".join(t for t, _ in norms) + ")"
        tex += r" + \frac{\lambda}{2}(" + " + ".join(t for _, t in norms) + ")"
        sub += f" + ({lam}/2)(" + " + ".join(t for t, _ in vals) + ")"
        sub_tex += rf" + \frac{{{lam}}}{{2}}(" + " + ".join(t for _, t in vals) + ")"
    note = f"N = {n} example{'s' if n != 1 else ''}"
    note += f"; λ = {short_number(l2)}" if l2 else ""
    rec.add("J", phase, (text, tex), (sub, sub_tex), note)
