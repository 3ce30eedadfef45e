"""How each text writes the backward formulas: the tutorial, seed 001, CS230.

The three styles name the same quantities (see
:mod:`chainrule.explainer.notation.names`)
but write their products differently:

- ``welch`` (the tutorial, row vectors): ``∂J/∂W⁽²⁾ = (a⁽²⁾)ᵀ δ⁽³⁾``,
  ``δ⁽²⁾ = ∂J/∂a⁽²⁾ ∘ f′(z⁽²⁾)``.
- ``bracket`` (seed 001, row vectors): the local derivative first and every
  operand with its shape, ``g[2W] = (a[1])ᵀ₃ₓ₁ · g[2z]₁ₓ₂``,
  ``g[2z] = g′ₕ(z[2])₁ₓ₂ ∘ g[2a]₁ₓ₂``; no ``Σₙ`` for one example.
- ``column`` (CS230, examples in columns): ``dW[2] = dZ[2] (A[1])ᵀ``,
  ``dA[1] = (W[2])ᵀ dZ[2]``, ``dZ[1] = dA[1] ∘ g′(Z[1])``.

Each function returns ``(text, latex, substitution)`` patterns for
:meth:`chainrule.explainer.build.steps.Recorder.add`: ``<key>`` is a name and
``⟦key⟧`` a value. The substitution is plain text; the caller derives its LaTeX.

Examples
--------
>>> import numpy as np
>>> from chainrule.explainer.notation.names import Names
>>> values = {"a2": np.ones((1, 3)), "delta3": np.ones((1, 2))}
>>> text, tex, sub = weight_gradient(Names("bracket", 2), values, "a2", "delta3")
>>> text, sub
('(<a2>)ᵀ₃ₓ₁ · <delta3>₁ₓ₂', '⟦a2⟧ᵀ · ⟦delta3⟧')
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np

from chainrule.core.losses import get_loss
from chainrule.explainer.notation.formulas import cost_formula
from chainrule.explainer.notation.names import Names, shape_sub


def _t(values: Mapping, key: str) -> str:
    """``ᵀ`` after a value, except for a single number (a scalar is its own
    transpose)."""
    return "" if np.size(values[key]) == 1 else "ᵀ"


def _op(values: Mapping, *keys: str) -> str:
    """``·`` between single numbers, ``∘`` (element-wise) otherwise."""
    return " · " if all(np.size(values[k]) == 1 for k in keys) else " ∘ "


def _shaped(key: str, shape: tuple, transposed: bool = False) -> tuple[str, str]:
    """``<key>₁ₓ₂`` or ``(<key>)ᵀ₃ₓ₁`` (text, LaTeX), seed 001's operands."""
    sub, sub_tex = shape_sub(shape)
    if transposed:
        return f"(<{key}>)ᵀ{sub}", rf"(<{key}>)^{{\top}}{sub_tex}"
    return f"<{key}>{sub}", f"<{key}>{sub_tex}"


def weight_gradient(
    names: Names, values: Mapping, prev: str, delta: str, per_m: int | None = None
):
    """``∂J/∂W{l}`` from the layer's input ``prev`` and its ``delta``.

    ``per_m``: CS230's ``dW = (1/m) dZ (A)ᵀ`` with ``m = per_m`` (a mean cost
    in the column convention, whose ``dZ`` has no ``1/m``).
    """
    style = names.style
    if style == "column" and per_m:
        return (
            f"(1/m) <{delta}> (<{prev}>)ᵀ",
            rf"\frac{{1}}{{m}} <{delta}> (<{prev}>)^{{\top}}",
            f"(1/{per_m}) · ⟦{delta}⟧ · ⟦{prev}⟧{_t(values, prev)}",
        )
    if style == "column":
        return (
            f"<{delta}> (<{prev}>)ᵀ",
            rf"<{delta}> (<{prev}>)^{{\top}}",
            f"⟦{delta}⟧ · ⟦{prev}⟧{_t(values, prev)}",
        )
    sub = f"⟦{prev}⟧{_t(values, prev)} · ⟦{delta}⟧"
    if style == "bracket":
        a = _shaped(prev, np.shape(values[prev])[::-1], transposed=True)
        d = _shaped(delta, np.shape(values[delta]))
        return f"{a[0]} · {d[0]}", rf"{a[1]} \cdot {d[1]}", sub
    t_prev = "<X>ᵀ" if prev == "X" else f"(<{prev}>)ᵀ"
    return f"{t_prev} <{delta}>", rf"{t_prev[:-1]}^{{\top}} <{delta}>", sub


def bias_gradient(
    names: Names, values: Mapping, delta: str, n: int, per_m: int | None = None
):
    """``∂J/∂b{l}``: the delta itself for one example, else its sum over them.

    ``per_m``: CS230's ``db = (1/m) Σ dZ`` (see :func:`weight_gradient`).
    """
    if per_m:
        return (
            f"(1/m) Σₙ <{delta}>",
            rf"\frac{{1}}{{m}} \sum_n <{delta}>",
            f"(1/{per_m}) · Σₙ ⟦{delta}⟧",
            f"m = {per_m}; sum over examples (the columns)",
        )
    if n == 1:
        if names.style == "bracket":
            d = _shaped(delta, np.shape(values[delta]))
            return d[0], d[1], f"⟦{delta}⟧", ""
        return f"<{delta}>", f"<{delta}>", f"⟦{delta}⟧", "one example: no sum"
    over = "columns" if names.style == "column" else "rows"
    return (
        f"Σₙ <{delta}>",
        rf"\sum_n <{delta}>",
        f"Σₙ ⟦{delta}⟧",
        f"sum over examples (the {over})",
    )


def activation_gradient(names: Names, values: Mapping, delta: str, w: str):
    """``∂J/∂a{l}`` from the next layer's ``delta`` and weights ``w``."""
    style = names.style
    wt = _t(values, w)
    if style == "column":
        return (
            f"(<{w}>)ᵀ <{delta}>",
            rf"(<{w}>)^{{\top}} <{delta}>",
            f"⟦{w}⟧{wt} · ⟦{delta}⟧",
        )
    sub = f"⟦{delta}⟧ · ⟦{w}⟧{wt}"
    if style == "bracket":
        d = _shaped(delta, np.shape(values[delta]))
        t = _shaped(w, np.shape(values[w])[::-1], transposed=True)
        return f"{d[0]} · {t[0]}", rf"{d[1]} \cdot {t[1]}", sub
    return f"<{delta}> (<{w}>)ᵀ", rf"<{delta}> (<{w}>)^{{\top}}", sub


def hidden_delta(names: Names, values: Mapping, da: str, fp: str):
    """``δ{l} = ∂J/∂a{l} ∘ f′(z{l})``; seed 001 writes ``g′ₕ(z) ∘ g[la]``."""
    op = _op(values, da).strip()
    if names.style == "bracket":
        g = _shaped(fp, np.shape(values[da]))
        d = _shaped(da, np.shape(values[da]))
        tex_op = r"\cdot" if op == "·" else r"\circ"
        return f"{g[0]} {op} {d[0]}", rf"{g[1]} {tex_op} {d[1]}", f"⟦{fp}⟧ {op} ⟦{da}⟧"
    return f"<{da}> ∘ <{fp}>", rf"<{da}> \circ <{fp}>", f"⟦{da}⟧ ∘ ⟦{fp}⟧"


def sigmoid_prime(names: Names, values: Mapping, a: str, step: str):
    """Seed 001's ``g′(z) = a(1 − a)`` for the sigmoid (text, LaTeX, substitution).

    ``a`` names the activation (``a4`` is ``a[3]``); ``step`` is the step
    that holds its value (``yHat`` for the output layer).
    """
    op = _op(values, a).strip()
    return f"<{a}>(1 − <{a}>)", f"<{a}>(1 - <{a}>)", f"⟦{step}⟧ {op} (1 − ⟦{step}⟧)"


# ------------------------------------------------------------ the output layer
def bracket_grad(rhs: tuple, L: int, n: int) -> tuple:
    """Seed 001 writes ``∂L/∂ŷ`` in ``a[L]`` and, for one example, without ``N``."""
    out = []
    for r in rhs:
        r = r.replace("<yHat>", f"<a{L + 1}>")
        out.append(r.replace("N <", "<") if n == 1 else r)
    return tuple(out)


def grad_sub(sub: str, single: bool) -> tuple[str, str]:
    """The cost gradient's substitution, its products and quotients spelled right.

    One number: ``·`` (no element-wise product inside a scalar denominator);
    matrices: ``∘`` and ``⊘``, element by element.
    """
    if single:
        sub = sub.replace(" ∘ ", " · ")
        return sub, ""
    if " ∘ " in sub or ("/ (" in sub and "⟦yHat⟧)" in sub):
        return sub.replace(" / (", " ⊘ ("), "⊘ divides element by element"
    return sub, ""


def bracket_fused(names: Names, L: int, n: int) -> tuple:
    """Seed 001's ``g[3z] = g′o(z[3]) · g[3a]``, then simplified to ``a[3] − y``."""
    fp, a = f"fprime{L + 1}", f"a{L + 1}"
    if n == 1:
        simple = (f"<{a}> − <y>", f"<{a}> - <y>", "⟦yHat⟧ − ⟦y⟧")
    else:
        simple = (
            f"(<{a}> − <y>) / N",
            rf"\frac{{<{a}> - <y>}}{{N}}",
            f"(⟦yHat⟧ − ⟦y⟧) / {n}",
        )
    rhs = (
        f"<{fp}> ∘ <dJdyHat> = {simple[0]}",
        rf"<{fp}> \circ <dJdyHat> = {simple[1]}",
    )
    sub = f"⟦{fp}⟧ ∘ ⟦dJdyHat⟧ = {simple[2]}"
    f, ga = names.text(fp), names.text("dJdyHat")
    op = "·" if n == 1 else "∘"
    note = f"{f} {op} {ga}: a(1 − a) cancels against the denominator of {ga}"
    return rhs, sub, note


#: The cross-entropy of one example as the bracket notation writes it: the
#: per-example loss, without the mean's 1/N (text, LaTeX, substitutions).
ONE_EXAMPLE_BRACKET_BCE = (
    "−[(1 − <y>) log(1 − <yHat>) + <y> log(<yHat>)]",
    r"-[(1 - <y>) \log(1 - <yHat>) + <y> \log(<yHat>)]",
    "−[(1 − ⟦y⟧) log(1 − ⟦yHat⟧) + ⟦y⟧ log(⟦yHat⟧)]",
    r"-[(1 - ⟦y⟧) \log(1 - ⟦yHat⟧) + ⟦y⟧ \log(⟦yHat⟧)]",
)


def cost_templates(loss: str) -> tuple[str, str, str, str]:
    """The cost's formula and its substitution, plain and LaTeX (formulas)."""
    c = cost_formula(loss)
    return c.formula, c.latex, c.substituted, c.substituted_latex


def per_example(text: str, tex: str, sub: str) -> tuple[str, str, str] | None:
    """A mean cost's ``dJ/dŷ`` without its ``1/N`` (CS230's ``dA[L]``), or None.

    None when the templates' ``N`` is not where the built-in costs put it.

    Examples
    --------
    >>> per_example("−<y> / (N <yHat>)", "-<y> / <yHat>", "−⟦y⟧ / ({n} · ⟦yHat⟧)")
    ('−<y> / <yHat>', '-<y> / <yHat>', '−⟦y⟧ / (⟦yHat⟧)')
    """
    text = text.replace(" / N", "").replace("(N <yHat>)", "<yHat>")
    text = text.replace("(N <", "(<")
    tex = re.sub(r"\\frac\{([^{}]*)\}\{N\}", r"(\1)", tex).replace("{N <", "{<")
    sub = sub.replace(" / {n}", "").replace("{n} · ", "")
    if re.search(r"\bN\b", text + tex) or "{n}" in sub:
        return None
    return text, tex, sub


def cs230_m(convention: str, loss: str, n: int) -> int | None:
    """``m = n`` where CS230's form applies (the column convention of a mean
    cost: no ``1/m`` in ``dA``, ``dZ``; ``(1/m)`` in ``dW``, ``db``), else None.

    Examples
    --------
    >>> [cs230_m(c, loss, 3) for c, loss in [("column", "bce"), ("column", "sse")]]
    [3, None]
    """
    if convention != "column" or not get_loss(loss).mean:
        return None
    return n if per_example(*gradient_templates(loss)) is not None else None


def gradient_templates(loss: str) -> tuple[str, str, str]:
    """``dJ/dŷ``'s formula (plain, LaTeX) and its plain substitution."""
    c = cost_formula(loss)
    return c.grad_formula, c.grad_latex, c.grad_substituted
