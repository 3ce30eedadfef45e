"""The forward pass and the cost, step by step: the ``Recorder`` of ``Step`` records.

A :class:`Recorder` fills a pattern's ``<key>`` with the key's name (plain and
LaTeX) and ``⟦key⟧`` with a placeholder for its value, and records one
:class:`~chainrule.explainer.model.Step` per call; the backward pass and the
update are in :mod:`chainrule.explainer.build.gradient_steps`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

from chainrule.core.activations import get_activation
from chainrule.explainer.model.step import PLACEHOLDER, Step
from chainrule.explainer.notation.formulas import activation_formula
from chainrule.explainer.notation.forms import (
    ONE_EXAMPLE_BRACKET_BCE,
    cost_templates,
)
from chainrule.explainer.notation.names import Names

class Recorder:
    """Collect steps; ``<key>`` in a pattern becomes the key's name."""

    def __init__(
        self,
        names: Names,
        values: Mapping[str, object],
        suffix: str = "",
        per_m: int | None = None,
    ):
        self.names = names
        self.values = values
        self.suffix = suffix
        self.steps: list[Step] = []
        self.unchanged = {"X", "y"}  # values read without the suffix
        # CS230's column convention of a mean cost: the m examples' 1/m is in
        # dW and db, not in dZ and dA (per_m = m), else None
        self.per_m = per_m

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


class PerExample(Mapping):
    """Values with ``∂J/∂ŷ``, every ``δ`` and every ``∂J/∂a`` times ``m``.

    CS230 writes a mean cost's backward pass with the ``1/m`` in ``dW`` and
    ``db`` only: ``dZ[L] = A[L] − Y`` (sigmoid + BCE, softmax + CCE), so
    ``dA``, ``dZ`` are ``m`` times the trace's ``∂J/∂a``, ``δ``, while
    ``dW = (1/m) dZ A[l−1]ᵀ`` and ``db = (1/m) Σ dZ`` keep their values.

    Examples
    --------
    >>> import numpy as np
    >>> v = PerExample({"delta3": np.array([[0.5]]), "dJdW2": np.ones((1, 1))}, 2)
    >>> float(v["delta3"][0, 0]), float(v["dJdW2"][0, 0])
    (1.0, 1.0)
    """

    def __init__(self, values: Mapping[str, object], m: int) -> None:
        self._values, self._m = values, m

    def __getitem__(self, key: str):
        v = self._values[key]
        scaled = key == "dJdyHat" or re.fullmatch(r"(delta|dJda)\d+", key)
        return v * self._m if scaled else v

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
    rec: Recorder,
    activations: list[str],
    bias: list[bool],
    phase: str,
    dropout: Dropout | None = None,
) -> None:
    """``z{l+1} = a{l} W{l} + b{l}`` and ``a{l+1} = f(z{l+1})`` for every layer.

    In the column convention the product is ``W A`` (CS230's ``Z = WA + b``).
    With ``dropout``, each hidden ``a{l}`` is followed by its mask ``m{l}``
    and ``ã{l} = a{l} ∘ m{l} / (1 − p)``, which the next product reads.
    """
    L = len(activations)
    column = rec.names.convention == "column"
    for l in range(1, L + 1):
        prev, z = ("X" if l == 1 else f"a{l}"), f"z{l + 1}"
        if dropout is not None and l > 1:
            prev = f"am{l}"
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
        # prose: its maths as LaTeX (chainrule.explainer.render.prose)
        f_tex = activation_formula(act.name).latex
        note = f"${g_tex}$ = {act.name}: ${g_tex}(z) = {f_tex}$"
        rhs = (f"{g}(<{z}>)", f"{g_tex}(<{z}>)")
        if l == L and rec.names.style != "welch":
            # seed 001: a[3] = g_o(z[3]), ŷ = a[3]; CS230: Ŷ = A[L]
            rhs = tuple(f"<a{L + 1}> = {r}" for r in rhs)
        rec.add(a, phase, rhs, (f"{g}(⟦{z}⟧)", f"{g_tex}(⟦{z}⟧)"), note)
        if dropout is not None and l < L:
            mask_steps(rec, l + 1, dropout, phase)


class Dropout(NamedTuple):
    """The dropout of an explanation: ``p`` and the seed of its masks."""

    p: float
    seed: int | None


def mask_steps(rec: Recorder, l: int, dropout: Dropout, phase: str) -> None:
    """The mask ``m{l}`` (drawn once, the same in every pass of the
    explanation) and ``ã{l} = a{l} ∘ m{l} / (1 − p)``."""
    p, keep = short_number(dropout.p), short_number(1 - dropout.p)
    m, a, am = f"m{l}", f"a{l}", f"am{l}"
    if m not in rec.unchanged:
        seed = "" if dropout.seed is None else f", seed {dropout.seed}"
        note = (
            f"dropout p = {p}: one draw per example and unit{seed}; 1 keeps "
            "the unit, 0 drops it"
        )
        rhs = ("Bernoulli(1 − p)", r"\mathrm{Bernoulli}(1 - p)")
        rec.add(m, phase, rhs, (f"Bernoulli({keep})", rf"\mathrm{{Bernoulli}}({keep})"), note)
        rec.unchanged.add(m)  # the next passes read the same mask
    note = f"inverted dropout: the kept units scaled by 1/(1 − p) = 1/{keep}"
    rhs = (f"<{a}> ∘ <{m}> / (1 − p)", rf"<{a}> \circ <{m}> / (1 - p)")
    sub = (f"⟦{a}⟧ ∘ ⟦{m}⟧ / {keep}", rf"⟦{a}⟧ \circ ⟦{m}⟧ / {keep}")
    rec.add(am, phase, rhs, sub, note)




def cost_step(rec: Recorder, loss: str, l2: float, L: int, n: int, phase: str):
    """``J``, with the cost's formula and, when λ > 0, the L2 penalty."""
    text, tex, sub, sub_tex = (s.replace("{n}", str(n)) for s in cost_templates(loss))
    if (loss, n, rec.names.style) == ("bce", 1, "bracket"):
        text, tex, sub, sub_tex = ONE_EXAMPLE_BRACKET_BCE
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
