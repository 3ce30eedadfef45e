"""The steps of a symbolic derivation: matrix formulas, element formulas, checks.

:func:`derivation_steps` builds the network in symbols
(:mod:`~chainrule.explainer.symbolic.build`) and records, for every quantity,
its matrix-level equation in the tutorial's names and SymPy's checks
(:mod:`~chainrule.explainer.symbolic.checks`).
"""

from __future__ import annotations

import re

import numpy as np
import sympy as sp

from chainrule.explainer.notation import forms
from chainrule.explainer.notation.formulas import activation_formula, cost_formula
from chainrule.explainer.symbolic import checks as chk
from chainrule.explainer.symbolic.build import Network, build
from chainrule.explainer.symbolic.step import SymStep


def _fill(net: Network, template: str, latex: bool) -> str:
    spell = net.names.latex if latex else net.names.text
    return re.sub(r"<(\w+)>", lambda m: spell(m.group(1)), template)


def _formulas(net: Network, key: str) -> tuple[str, str, str]:
    """The matrix-level equation of ``key`` (text, LaTeX) and a note."""
    text, tex, note = _templates(net, key)
    lhs = (net.names.text(key), net.names.latex(key))
    return (
        f"{lhs[0]} = {_fill(net, text, False)}",
        f"{lhs[1]} = {_fill(net, tex, True)}",
        note,
    )


def _templates(net: Network, key: str) -> tuple[str, str, str]:
    kind, l = re.fullmatch(r"([a-zA-Z]+?)(\d*)", key).groups()
    l = int(l) if l else net.L + 1
    prev = "X" if l == 2 else f"a{l - 1}"
    f, f_tex = net.names.act(l == net.L + 1)  # f, gₕ and gₒ, g
    if kind == "z":
        b = f" + <b{l - 1}>" if net.bias[l - 2] else ""
        if net.column:
            return f"<W{l - 1}> <{prev}>{b}", f"<W{l - 1}> <{prev}>{b}", ""
        return f"<{prev}> <W{l - 1}>{b}", f"<{prev}> <W{l - 1}>{b}", ""
    if kind in ("a", "yHat"):
        act = net.activations[l - 2]
        if act == "softmax":
            by = "column" if net.column else "row"
            return (
                f"softmax(<z{l}>) {by} by {by}",
                rf"\mathrm{{softmax}}(<z{l}>)",
                "",
            )
        return (
            f"{f}(<z{l}>)",
            f"{f_tex}(<z{l}>)",
            f"{f} = {act}: {f}(z) = {activation_formula(act).formula}",
        )
    if kind == "J":
        c = cost_formula(net.loss)
        return c.formula, c.latex, f"N = {net.n}"
    if kind == "dJdyHat":
        return _cost_gradient(net)
    if kind == "fprime":
        act = activation_formula(net.activations[l - 2])
        fp = net.names.text(key).split("(")[0]  # f′, g′ₕ, g′ₒ, g′
        fp_tex = net.names.latex(key).split("(")[0]
        prime = act.prime_formula.replace("f(z)", f"{f}(z)")
        return (
            f"{fp} of each entry of <z{l}>",
            f"{fp_tex}(<z{l}>)",
            f"{fp}(z) = {prime}",
        )
    if net.names.style != "welch":
        return _styled_templates(net, kind, l)
    return _backward_templates(net, kind, l)


def _cost_gradient(net: Network) -> tuple[str, str, str]:
    """``∂J/∂ŷ``; CS230's ``dA[L]`` without ``1/m``; seed 001's in ``a[L]``."""
    c = cost_formula(net.loss)
    text, tex = c.grad_formula, c.grad_latex
    note = "the cost's derivative, entry by entry"
    if net.per_m:
        text, tex, _ = forms.per_example(text, tex, c.grad_substituted)
        note = f"m = {net.per_m} times the cost's derivative (CS230's dA)"
    if net.names.style == "bracket":
        text, tex = forms.bracket_grad((text, tex), net.L, net.n)
    return text, tex, note


def _styled_templates(net: Network, kind: str, l: int) -> tuple[str, str, str]:
    """Seed 001's and CS230's products, as :mod:`~chainrule.explainer.notation.forms`
    writes them for the explanations."""
    shapes = {k: m.shape for k, m in {**net.symbols, **net.q}.items()}
    if net.column:
        shapes = {k: v[::-1] for k, v in shapes.items()}
    values = {k: np.zeros(v) for k, v in shapes.items()}
    prev = "X" if l == 1 else f"a{l}"
    if kind == "delta":
        up = "dJdyHat" if l == net.L + 1 else f"dJda{l}"
        if net.activations[l - 2] == "softmax":
            return _backward_templates(net, kind, l)
        text, tex, _ = forms.hidden_delta(net.names, values, up, f"fprime{l}")
        return text, tex, ""
    if kind == "dJdW":
        d = f"delta{l + 1}"
        text, tex, _ = forms.weight_gradient(net.names, values, prev, d, net.per_m)
        return text, tex, "the transpose puts the sum over examples inside the product"
    if kind == "dJdb":
        d = f"delta{l + 1}"
        text, tex, _, note = forms.bias_gradient(net.names, values, d, net.n, net.per_m)
        return text, tex, note
    text, tex, _ = forms.activation_gradient(
        net.names, values, f"delta{l + 1}", f"W{l}"
    )
    return text, tex, "each unit of the layer below collects the deltas it feeds"


def _backward_templates(net: Network, kind: str, l: int) -> tuple[str, str, str]:
    prev = "X" if l == 1 else f"a{l}"
    if kind == "delta":
        up = "dJdyHat" if l == net.L + 1 else f"dJda{l}"
        if net.activations[l - 2] == "softmax":
            return (
                "<yHat> ∘ (<dJdyHat> − (<dJdyHat> · <yHat>) 1)",
                r"<yHat> \circ (<dJdyHat> - (<dJdyHat> \cdot <yHat>) \mathbf{1})",
                "through the softmax Jacobian diag(ŷ) − ŷᵀŷ of each row",
            )
        return f"<{up}> ∘ <fprime{l}>", rf"<{up}> \circ <fprime{l}>", ""
    t_prev = "<X>ᵀ" if prev == "X" else f"(<{prev}>)ᵀ"
    tex_prev = "<X>^{\\top}" if prev == "X" else f"(<{prev}>)^{{\\top}}"
    if kind == "dJdW":
        why = "the transpose puts the sum over examples inside the product"
        return f"{t_prev} <delta{l + 1}>", f"{tex_prev} <delta{l + 1}>", why
    if kind == "dJdb":
        return f"Σₙ <delta{l + 1}>", rf"\sum_n <delta{l + 1}>", "sum over examples"
    return (  # dJda
        f"<delta{l + 1}> (<W{l}>)ᵀ",
        rf"<delta{l + 1}> (<W{l}>)^{{\top}}",
        "each unit of the layer below collects the deltas it feeds",
    )


def _matrix_form(net: Network, key: str) -> sp.Matrix | None:
    """The matrix formula of ``key`` computed by SymPy's matrix algebra."""
    kind, l = re.fullmatch(r"([a-zA-Z]+?)(\d*)", key).groups()
    if kind == "z":
        l = int(l) - 1
        prev = net.symbols["X"] if l == 1 else net.q[f"a{l}"]
        m = prev * net.symbols[f"W{l}"]
        if net.bias[l - 1]:
            m += sp.ones(net.n, 1) * net.symbols[f"b{l}"]
        return m
    if kind not in ("dJdW", "dJdb", "dJda"):
        return None
    l = int(l)
    D = net.q[f"delta{l + 1}"]
    m = net.per_m or 1  # CS230: dW = (1/m) dZ A[l−1]ᵀ, db = (1/m) Σ dZ
    if kind == "dJdW":
        prev = net.symbols["X"] if l == 1 else net.q[f"a{l}"]
        return prev.T * D / m
    if kind == "dJdb":
        return sp.ones(1, net.n) * D / m
    return D * net.symbols[f"W{l}"].T


def _checks(net: Network, key: str) -> list:
    out = []
    m = _matrix_form(net, key)
    if m is not None:
        formula = _fill(net, _templates(net, key)[0], False)
        out.append(chk.matrix_check(net, key, m, formula))
    kind, l = re.fullmatch(r"([a-zA-Z]+?)(\d*)", key).groups()
    l = int(l) if l else 0
    if kind == "dJdyHat":
        out.append(chk.cost_chain(net))
    elif kind == "fprime":
        out.append(chk.fprime_check(net.activations[l - 2]))
    elif kind == "delta":
        up = "dJdyHat" if l == net.L + 1 else f"dJda{l}"
        out.append(chk.delta_chain(net, l, up))
    elif kind in ("dJdW", "dJdb"):
        wrt = net.symbols[f"{kind[-1]}{l}"]
        out.append(chk.chain_linear(net, key, wrt, f"z{l + 1}", f"delta{l + 1}"))
        out.append(chk.end_to_end(net, key, wrt))
    elif kind == "dJda":
        wrt = net.q[f"a{l}"]
        out.append(chk.chain_linear(net, key, wrt, f"z{l + 1}", f"delta{l + 1}"))
    return out


def derivation_steps(
    sizes: list[int],
    activations: list[str],
    loss: str,
    bias: list[bool],
    n: int,
    *,
    notation: str = "welch",
    convention: str = "row",
    per_m: int | None = None,
) -> tuple[Network, list[SymStep]]:
    """The network in symbols and the derivation's steps, each checked.

    SymPy checks every step in the row convention's orientation; in the
    column convention every matrix is then transposed (the same entries).
    """
    net = build(
        sizes,
        activations,
        loss,
        bias,
        n,
        notation=notation,
        convention=convention,
        per_m=per_m,
    )
    steps = []
    for key in net.order:
        formula, formula_tex, note = _formulas(net, key)
        phase = "backward" if key.startswith(("d", "fprime")) else "forward"
        local, base = net.local[key], net.base[key]
        if net.column:
            local, base = local.T, base.T
        steps.append(
            SymStep(
                symbol=key,
                phase=phase,
                formula=formula,
                formula_latex=formula_tex,
                shape=() if key == "J" else local.shape,
                local=local,
                base=base,
                checks=tuple(_checks(net, key)),
                note=note,
            )
        )
    if net.column:
        net.to_column()
    return net, steps
