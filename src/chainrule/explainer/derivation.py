"""``explain``: the whole derivation of one forward and backward pass.

The values are those of :meth:`chainrule.Network.trace`, the pass that
training runs; with a learning rate, the update ``W := W − α ∂J/∂W`` uses the
trace's gradients and "forward again" is a fresh trace of the updated network,
as seed 004 does for its second epoch.
"""

from __future__ import annotations

import re

from chainrule.core.activations import get_activation
from chainrule.errors import InvalidValueError
from chainrule.explainer.chain import scalar_chain
from chainrule.explainer.explanation import Explanation
from chainrule.explainer.formulas import activation_formula
from chainrule.explainer.names import Names, check_notation
from chainrule.explainer.steps import (
    Recorder,
    cost_step,
    forward_steps,
    given_steps,
    gradient_templates,
    short_number,
)
from chainrule.network import Network
from chainrule.validation import check_positive


def _tex(plain: str) -> str:
    """The LaTeX of a plain-text substitution (operators only)."""
    plain = re.sub(r"⟦([^⟧]+)⟧ᵀ", r"{⟦\1⟧}ᵀ", plain)
    table = {"−": "-", "·": r"\cdot ", "∘": r"\circ ", "ᵀ": r"^{\top}", "Σₙ": r"\sum_n"}
    for k, v in table.items():
        plain = plain.replace(k, v)
    return plain


def output_steps(rec: Recorder, loss: str, activation: str, n: int) -> None:
    """``∂J/∂ŷ``, ``f′(z{L+1})`` and ``δ{L+1}``."""
    L = rec.names.n_layers
    top, delta, fp = f"z{L + 1}", f"delta{L + 1}", f"fprime{L + 1}"
    text, tex, sub = (s.replace("{n}", str(n)) for s in gradient_templates(loss))
    rec.add("dJdyHat", "backward", (text, tex), (sub, _tex(sub)))
    act = get_activation(activation)
    if act.elementwise:
        fprime_step(rec, fp, top, activation)
    if (loss, activation) == ("bce", "sigmoid"):
        # ∂J/∂ŷ ∘ f′(z) = (ŷ − y)/(N ŷ(1 − ŷ)) ∘ ŷ(1 − ŷ) = (ŷ − y)/N
        f, dj = rec.names.f, rec.names.text("dJdyHat")
        note = f"{dj} ∘ {f}′ with {f}′ = ŷ(1 − ŷ), simplified: no division by ŷ"
        rhs = ("(<yHat> − <y>) / N", r"\frac{<yHat> - <y>}{N}")
        sub = f"(⟦yHat⟧ − ⟦y⟧) / {n}"
    elif (loss, activation) == ("cce", "softmax"):
        # Σ_j ∂J/∂ŷ_j ∂ŷ_j/∂z_k = (ŷ_k Σ_j y_j − y_k)/N, (ŷ − y)/N for one-hot y
        note = f"{rec.names.text('dJdyHat')} through the softmax Jacobian, simplified"
        rhs = ("(<yHat> Σⱼ<y>ⱼ − <y>) / N", r"\frac{<yHat> \sum_j <y>_j - <y>}{N}")
        sub = f"(⟦yHat⟧ Σⱼ⟦y⟧ⱼ − ⟦y⟧) / {n}"
    elif act.elementwise:
        note = ""
        rhs = (f"<dJdyHat> ∘ <{fp}>", rf"<dJdyHat> \circ <{fp}>")
        sub = f"⟦dJdyHat⟧ ∘ ⟦{fp}⟧"
    else:
        # softmax Jacobian per row: diag(ŷ) − ŷᵀŷ, so δ = ŷ ∘ (g − (g·ŷ) 1)
        note = "through the softmax Jacobian diag(ŷ) − ŷᵀŷ of each row"
        rhs = (
            "<yHat> ∘ (<dJdyHat> − (<dJdyHat> · <yHat>) 1)",
            r"<yHat> \circ (<dJdyHat> - (<dJdyHat> \cdot <yHat>) \mathbf{1})",
        )
        sub = "⟦yHat⟧ ∘ (⟦dJdyHat⟧ − (⟦dJdyHat⟧ · ⟦yHat⟧) 1)"
    rec.add(delta, "backward", rhs, (sub, _tex(sub)), note)


def fprime_step(rec: Recorder, key: str, z: str, activation: str) -> None:
    """``f′(z)`` evaluated at the trace's ``z`` by the activation registry."""
    act, form = get_activation(activation), activation_formula(activation)
    zt, zl = rec.names.text(z), rec.names.latex(z)
    rhs = form.prime_formula.split(" = ")[0]
    text = re.sub(r"\bz\b", zt, rhs)
    tex = re.sub(r"\bz\b", lambda _: zl, form.prime_latex)
    f = rec.names.f
    sub = (f"{f}′(⟦{z}⟧)", f"{f}'(⟦{z}⟧)")
    value = act.f_prime(rec.values[z])
    rec.add(key, "backward", (text, tex), sub, f"{f} = {act.name}", value=value)


def layer_steps(
    rec: Recorder, l: int, activations: list[str], bias: bool, l2: float
) -> None:
    """``∂J/∂W{l}``, ``∂J/∂b{l}`` and, below the top, ``∂J/∂a{l}``, ``δ{l}``."""
    prev, delta = ("X" if l == 1 else f"a{l}"), f"delta{l + 1}"
    bare = prev == "X" and rec.names.notation == "welch"
    t_prev = "<X>ᵀ" if bare else f"(<{prev}>)ᵀ"
    text, tex = f"{t_prev} <{delta}>", rf"{t_prev[:-1]}^{{\top}} <{delta}>"
    sub = f"⟦{prev}⟧ᵀ · ⟦{delta}⟧"
    note = ""
    if l2:
        text, tex = f"{text} + λ <W{l}>", rf"{tex} + \lambda <W{l}>"
        sub += f" + {short_number(l2)} · ⟦W{l}⟧"
        note = f"λ = {short_number(l2)}"
    rec.add(f"dJdW{l}", "backward", (text, tex), (sub, _tex(sub)), note)
    if bias:
        sub = f"Σₙ ⟦{delta}⟧"
        rhs = (f"Σₙ <{delta}>", rf"\sum_n <{delta}>")
        rec.add(f"dJdb{l}", "backward", rhs, (sub, _tex(sub)), "sum over examples")
    if l == 1:
        return
    sub = f"⟦{delta}⟧ · ⟦W{l}⟧ᵀ"
    rhs = (f"<{delta}> (<W{l}>)ᵀ", rf"<{delta}> (<W{l}>)^{{\top}}")
    rec.add(f"dJda{l}", "backward", rhs, (sub, _tex(sub)))
    fprime_step(rec, f"fprime{l}", f"z{l}", activations[l - 2])
    sub = f"⟦dJda{l}⟧ ∘ ⟦fprime{l}⟧"
    rhs = (f"<dJda{l}> ∘ <fprime{l}>", rf"<dJda{l}> \circ <fprime{l}>")
    rec.add(f"delta{l}", "backward", rhs, (sub, _tex(sub)))


def update_steps(rec: Recorder, grads: dict, learning_rate: float) -> dict:
    """``W := W − α ∂J/∂W`` for every parameter; returns the new parameters."""
    lr = short_number(learning_rate)
    new = {}
    for key, g in grads.items():
        new[key] = rec.values[key] - learning_rate * g
        d = f"dJd{key}"
        rhs = (f"<{key}> − α <{d}>", rf"<{key}> - \alpha <{d}>")
        sub = f"⟦{key}⟧ − {lr} · ⟦{d}⟧"
        rec.add(
            key,
            "update",
            rhs,
            (sub, _tex(sub)),
            f"α = {lr}",
            assign=":=",
            symbol=f"{key}'",
            value=new[key],
        )
    return new


def explain(
    net: Network,
    X: object,
    y: object,
    learning_rate: float | None = None,
    notation: str = "welch",
    *,
    title: str | None = None,
    description: str = "",
) -> Explanation:
    """Every step of one forward and backward pass, with values and shapes.

    Parameters
    ----------
    net : Network
    X : (n, n_inputs) array_like
    y : (n, n_outputs) array_like
    learning_rate : float, optional
        When given, add the gradient-descent update ``W := W − α ∂J/∂W`` and
        the forward pass again with the new parameters.
    notation : {"welch", "bracket"}
        The tutorial's names (``z⁽²⁾``, ``δ⁽³⁾``) or seed 001's (``z[1]``,
        ``g[2z]``).
    title, description : str, optional
        Shown at the top of every rendering.

    Returns
    -------
    Explanation

    Raises
    ------
    UnknownNameError
        ``notation`` is not one of the two.
    InvalidValueError, ShapeError
        Bad ``X``, ``y`` or ``learning_rate`` (checked before any work).

    Examples
    --------
    Seed 004: ``x = 3``, ``y = 2``, ``w1 = 0.5``, ``w2 = 0.8``, ReLU, mse.

    >>> import chainrule as cr
    >>> net = cr.Network([1, 1, 1], activation="relu", loss="mse", bias=False)
    >>> net.set_params({"W1": [[0.5]], "W2": [[0.8]]})
    >>> ex = cr.explain(net, [[3.0]], [[2.0]], learning_rate=0.1)
    >>> ex["dJdW1"].formula, ex["dJdW1"].value
    ('∂J/∂W⁽¹⁾ = Xᵀ δ⁽²⁾', array([[-1.92]]))
    >>> round(ex["J'"].value, 7)
    0.0040572
    """
    if not isinstance(net, Network):
        raise InvalidValueError(f"net: expected a chainrule.Network, got {net!r}")
    names = Names(check_notation(notation), net.n_layers)
    if learning_rate is not None:
        learning_rate = check_positive("learning_rate", learning_rate)
    t = net.trace(X, y)
    steps = _forward(net, names, t, again=False) + _backward(net, names, t)
    if learning_rate is not None:
        rec = Recorder(names, t)
        grads = {k: t.gradients[k] for k in net.params}
        after = net.copy()
        after.set_params(update_steps(rec, grads, learning_rate))
        steps += rec.steps
        steps += _forward(after, names, after.trace(t["X"], t["y"]), again=True)
    return Explanation(
        steps,
        notation=names.notation,
        learning_rate=learning_rate,
        network=net.config(),
        title=title or _title(net),
        description=description,
        chain=scalar_chain(net, names, steps),
    )


def _forward(net: Network, names: Names, t, again: bool) -> list:
    """The given values (first pass only), every ``z`` and ``a``, then ``J``."""
    rec = Recorder(names, t, "'" if again else "")
    if not again:
        given_steps(rec, list(net.params))
    phase = "forward_again" if again else "forward"
    forward_steps(rec, net.activations, net.bias, phase)
    cost_step(rec, net.loss, net.l2, net.n_layers, t["X"].shape[0], phase)
    return rec.steps


def _backward(net: Network, names: Names, t) -> list:
    """``∂J/∂ŷ``, the output delta, then each layer from the top down."""
    rec = Recorder(names, t)
    output_steps(rec, net.loss, net.activations[-1], t["X"].shape[0])
    for l in range(net.n_layers, 0, -1):
        layer_steps(rec, l, net.activations, net.bias[l - 1], net.l2)
    return rec.steps


def _title(net: Network) -> str:
    sizes = "-".join(str(s) for s in net.sizes)
    acts = ", ".join(dict.fromkeys(net.activations))
    return f"Backpropagation through a {sizes} network ({acts}; {net.loss})"
