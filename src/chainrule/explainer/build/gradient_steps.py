"""The backward pass and the update, as steps: ``∂J/∂ŷ``, ``δ``, ``f′``, ``∂J/∂W``.

Each function adds its steps to a :class:`~chainrule.explainer.build.steps.Recorder`
with the formula (text and LaTeX), the substitution of the trace's values and
a note: the output steps (``∂J/∂ŷ``, ``f′(z{L+1})``, ``δ{L+1}``, fused with
the cost where that is simpler), each layer's gradients from the top down
(``∂J/∂W{l}``, ``∂J/∂b{l}``, ``∂J/∂a{l}``, ``δ{l}``) and the gradient-descent
update ``W := W − α ∂J/∂W``. :func:`chainrule.explainer.derivation.explain`
calls them in that order.
"""

from __future__ import annotations

import re

from chainrule.core.activations import get_activation
from chainrule.explainer.notation import forms
from chainrule.explainer.paths.flows import flow_steps
from chainrule.explainer.notation.formulas import activation_formula
from chainrule.explainer.build.steps import Recorder, short_number
from chainrule.explainer.notation.forms import gradient_templates


def _tex(plain: str) -> str:
    """The LaTeX of a plain-text substitution (operators only)."""
    plain = re.sub(r"⟦([^⟧]+)⟧ᵀ", r"{⟦\1⟧}ᵀ", plain)
    table = {"−": "-", "·": r"\cdot ", "∘": r"\circ ", "ᵀ": r"^{\top}", "Σₙ": r"\sum_n"}
    table["⊘"] = r"\oslash "
    for k, v in table.items():
        plain = plain.replace(k, v)
    return plain


def output_steps(rec: Recorder, loss: str, activation: str, n: int) -> None:
    """``∂J/∂ŷ``, ``f′(z{L+1})`` and ``δ{L+1}``."""
    L, style = rec.names.n_layers, rec.names.style
    top, fp = f"z{L + 1}", f"fprime{L + 1}"
    templates = gradient_templates(loss)
    if rec.per_m:  # CS230's dA[L]: no 1/m
        templates = forms.per_example(*templates) or templates
    text, tex, sub = (s.replace("{n}", str(n)) for s in templates)
    single = rec.values["yHat"].size == 1
    sub, gnote = forms.grad_sub(sub, single)
    if style == "bracket":
        text, tex = forms.bracket_grad((text, tex), L, n)
        sub = sub.replace("(1 · ", "(")
    rec.add("dJdyHat", "backward", (text, tex), (sub, _tex(sub)), gnote)
    if get_activation(activation).elementwise:
        fprime_step(rec, fp, top, activation)
    output_delta(rec, loss, activation, n)


def output_delta(rec: Recorder, loss: str, activation: str, n: int) -> None:
    """``δ{L+1} = ∂J/∂z{L+1}``: fused with the cost where that is simpler."""
    L, style = rec.names.n_layers, rec.names.style
    fp, act = f"fprime{L + 1}", get_activation(activation)
    if (loss, activation) == ("bce", "sigmoid"):
        # ∂J/∂ŷ ∘ f′(z) = (ŷ − y)/(N ŷ(1 − ŷ)) ∘ ŷ(1 − ŷ) = (ŷ − y)/N
        f, dj = rec.names.f, rec.names.text("dJdyHat")
        note = f"{dj} ∘ {f}′ with {f}′ = ŷ(1 − ŷ), simplified: no division by ŷ"
        rhs = ("(<yHat> − <y>) / N", r"\frac{<yHat> - <y>}{N}")
        sub = f"(⟦yHat⟧ − ⟦y⟧) / {n}"
        if style == "bracket":
            rhs, sub, note = forms.bracket_fused(rec.names, L, n)
        if rec.per_m:  # CS230: dZ[L] = A[L] − Y, the 1/m goes into dW and db
            rhs, sub = ("<yHat> − <y>", "<yHat> - <y>"), "⟦yHat⟧ − ⟦y⟧"
    elif (loss, activation) == ("cce", "softmax"):
        # Σ_j ∂J/∂ŷ_j ∂ŷ_j/∂z_k = (ŷ_k Σ_j y_j − y_k)/N, (ŷ − y)/N for one-hot y
        note = f"{rec.names.text('dJdyHat')} through the softmax Jacobian, simplified"
        rhs = ("(<yHat> Σⱼ<y>ⱼ − <y>) / N", r"\frac{<yHat> \sum_j <y>_j - <y>}{N}")
        sub = f"(⟦yHat⟧ Σⱼ⟦y⟧ⱼ − ⟦y⟧) / {n}"
        if rec.per_m:  # CS230: dZ[L] = A[L] − Y for one-hot Y, no 1/m
            rhs = ("<yHat> Σⱼ<y>ⱼ − <y>", r"<yHat> \sum_j <y>_j - <y>")
            sub = "⟦yHat⟧ Σⱼ⟦y⟧ⱼ − ⟦y⟧"
            note += f"; {rec.names.text('yHat')} − {rec.names.text('y')} for one-hot Y"
    elif act.elementwise:
        note = ""
        rhs = (f"<dJdyHat> ∘ <{fp}>", rf"<dJdyHat> \circ <{fp}>")
        sub = f"⟦dJdyHat⟧ ∘ ⟦{fp}⟧"
        if style == "bracket":
            # seed 001: g[3z] = g′o(z[3]) · g[3a], the local derivative first
            rhs = (f"<{fp}> ∘ <dJdyHat>", rf"<{fp}> \circ <dJdyHat>")
            sub = f"⟦{fp}⟧ ∘ ⟦dJdyHat⟧"
    else:
        # softmax Jacobian per row: diag(ŷ) − ŷᵀŷ, so δ = ŷ ∘ (g − (g·ŷ) 1)
        note = "through the softmax Jacobian diag(ŷ) − ŷᵀŷ of each example"
        rhs = (
            "<yHat> ∘ (<dJdyHat> − (<dJdyHat> · <yHat>) 1)",
            r"<yHat> \circ (<dJdyHat> - (<dJdyHat> \cdot <yHat>) \mathbf{1})",
        )
        sub = "⟦yHat⟧ ∘ (⟦dJdyHat⟧ − (⟦dJdyHat⟧ · ⟦yHat⟧) 1)"
    if rec.values["yHat"].size == 1 and style != "welch":
        rhs = (rhs[0].replace(" ∘ ", " · "), rhs[1].replace(r"\circ", r"\cdot"))
        sub = sub.replace(" ∘ ", " · ")
    rec.add(f"delta{L + 1}", "backward", rhs, (sub, _tex(sub)), note)


def fprime_step(rec: Recorder, key: str, z: str, activation: str) -> None:
    """``f′(z)`` evaluated at the trace's ``z`` by the activation registry."""
    act, form = get_activation(activation), activation_formula(activation)
    zt, zl = rec.names.text(z), rec.names.latex(z)
    rhs = form.prime_formula.split(" = ")[0]
    text = re.sub(r"\bz\b", zt, rhs)
    tex = re.sub(r"\bz\b", lambda _: zl, form.prime_latex)
    f = rec.names.f
    sub = (f"{f}′(⟦{z}⟧)", f"{f}'(⟦{z}⟧)")
    note = f"{f} = {act.name}"
    if rec.names.style == "bracket" and act.name == "sigmoid":
        # seed 001: g′(z) = a(1 − a), the same number as the registry's f′(z)
        a = f"a{z[1:]}"
        step = "yHat" if int(z[1:]) == rec.names.n_layers + 1 else a
        text, tex, s = forms.sigmoid_prime(rec.names, rec.values, a, step)
        g = rec.names.act(output=int(z[1:]) == rec.names.n_layers + 1)[0]
        sub, note = (s, _tex(s)), f"{g} = sigmoid, whose derivative is a(1 − a)"
    value = act.f_prime(rec.values[z])
    rec.add(key, "backward", (text, tex), sub, note, value=value)


def layer_steps(
    rec: Recorder,
    l: int,
    activations: list[str],
    bias: bool,
    l2: float,
    dropout: float | None = None,
) -> None:
    """``∂J/∂W{l}``, ``∂J/∂b{l}`` and, below the top, ``∂J/∂a{l}``, ``δ{l}``.

    With ``dropout`` p, a hidden layer's product read ``ã{l}``, which is in
    ``∂J/∂W{l}``, and ``∂J/∂a{l}`` goes through the same mask.
    """
    masked = dropout is not None and l > 1
    prev, delta = ("X" if l == 1 else f"am{l}" if masked else f"a{l}"), f"delta{l + 1}"
    names, values = rec.names, rec.values
    text, tex, sub = forms.weight_gradient(names, values, prev, delta, rec.per_m)
    note = ""
    if l2:
        text, tex = f"{text} + λ <W{l}>", rf"{tex} + \lambda <W{l}>"
        sub += f" + {short_number(l2)} · ⟦W{l}⟧"
        note = f"λ = {short_number(l2)}"
    rec.add(f"dJdW{l}", "backward", (text, tex), (sub, _tex(sub)), note)
    if bias:
        text, tex, sub, note = forms.bias_gradient(
            names,
            values,
            delta,
            values["X"].shape[names.convention == "column"],
            rec.per_m,
        )
        rec.add(f"dJdb{l}", "backward", (text, tex), (sub, _tex(sub)), note)
    if l == 1:
        return
    if names.style == "bracket":
        rec.steps.extend(flow_steps(names, values, l))
    text, tex, sub = forms.activation_gradient(names, values, delta, f"W{l}")
    note = ""
    if masked:
        # ã = a ∘ m/(1 − p) is a times a constant: ∂J/∂a = ∂J/∂ã ∘ m/(1 − p)
        keep = short_number(1 - dropout)
        text, tex = f"({text}) ∘ <m{l}> / (1 − p)", rf"({tex}) \circ <m{l}> / (1 - p)"
        sub = f"({sub}) ∘ ⟦m{l}⟧ / {keep}"
        note = f"dropout: through the mask, as {names.text(f'a{l}')} went forward"
    rec.add(f"dJda{l}", "backward", (text, tex), (sub, _tex(sub)), note)
    fprime_step(rec, f"fprime{l}", f"z{l}", activations[l - 2])
    text, tex, sub = forms.hidden_delta(names, values, f"dJda{l}", f"fprime{l}")
    rec.add(f"delta{l}", "backward", (text, tex), (sub, _tex(sub)))


def update_steps(
    rec: Recorder, grads: dict, learning_rate: float, frozen: bool = False
) -> dict:
    """``W := W − α ∂J/∂W`` for every parameter; returns the new parameters.

    With ``frozen``, ``grads`` holds the weights only and each note says that
    the biases keep their values.
    """
    lr = short_number(learning_rate)
    note = f"α = {lr}" + ("; biases frozen: they keep their values" if frozen else "")
    lr_sub = f"({lr})" if learning_rate < 0 else lr
    new = {}
    for key, g in grads.items():
        new[key] = rec.values[key] - learning_rate * g
        d = f"dJd{key}"
        rhs = (f"<{key}> − α <{d}>", rf"<{key}> - \alpha <{d}>")
        sub = f"⟦{key}⟧ − {lr_sub} · ⟦{d}⟧"
        rec.add(
            key,
            "update",
            rhs,
            (sub, _tex(sub)),
            note,
            assign=":=",
            symbol=f"{key}'",
            value=new[key],
        )
    return new
