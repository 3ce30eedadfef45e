"""Seed 001's "flows": one hidden unit's gradient as the sum over the paths out of it.

Seed 001 (bracket notation, one example) writes, before the matrix form
``g[1a] = g[2z] · (W[2])ᵀ``, the gradient of one unit: "there are two flows back
to a₁[1] since a₁[1] contributes to both z₁[2] and z₂[2]"::

    ∂L/∂a₁[1] = ∂z₁[2]/∂a₁[1] · ∂L/∂z₁[2] + ∂z₂[2]/∂a₁[1] · ∂L/∂z₂[2]
              = W₁,₁[2] · ∂L/∂z₁[2] + W₁,₂[2] · ∂L/∂z₂[2]

:func:`flow_steps` records that line, with values, for each unit of a hidden
layer whose next layer has two units or more (one example only; the first
``MAX_UNITS`` units). Indices are 1-based, as in the seed. Each step's value is
the element of the trace's ``∂J/∂a``; the substitution writes the numbers with
6 significant digits.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from chainrule.explainer.model.step import Step
from chainrule.explainer.notation.names import Names, subscript

MAX_UNITS = 4


def _el(kind: str, k: int, *idx: int) -> tuple[str, str]:
    """``a[1]₁`` / ``a_1^{[1]}``, ``W[2]₁,₂`` / ``W_{1,2}^{[2]}`` (1-based)."""
    i = ",".join(str(j + 1) for j in idx)
    return f"{kind}[{k}]{subscript(i)}", f"{kind}_{{{i}}}^{{[{k}]}}"


def _d(top: tuple, bottom: tuple) -> tuple[str, str]:
    return (
        f"∂{top[0]}/∂{bottom[0]}",
        rf"\frac{{\partial {top[1]}}}{{\partial {bottom[1]}}}",
    )


def _num(x: float) -> str:
    s = f"{float(x):.6g}"
    return f"({s})" if s.startswith("-") else s


def flow_steps(names: Names, values: Mapping, l: int) -> list[Step]:
    """The flows into each unit of ``a{l}`` (Welch ``l``; bracket ``a[l-1]``)."""
    W, g = np.asarray(values[f"W{l}"]), np.asarray(values[f"delta{l + 1}"])
    if g.shape[0] != 1 or W.shape[1] < 2:
        return []
    k, cost = l - 1, ("L", r"\mathcal{L}")
    out = []
    for i in range(min(W.shape[0], MAX_UNITS)):
        a = _el("a", k, i)
        zs = [_el("z", k + 1, j) for j in range(W.shape[1])]
        ws = [_el("W", k + 1, i, j) for j in range(W.shape[1])]
        name = _d(cost, a)
        paths = [(_d(z, a), _d(cost, z)) for z in zs]
        local = [(w, _d(cost, z)) for w, z in zip(ws, zs, strict=True)]
        text = " + ".join(f"{p[0]} · {q[0]}" for p, q in paths)
        text += " = " + " + ".join(f"{w[0]} · {q[0]}" for w, q in local)
        tex = " + ".join(rf"{p[1]} \cdot {q[1]}" for p, q in paths)
        tex += " = " + " + ".join(rf"{w[1]} \cdot {q[1]}" for w, q in local)
        terms = [f"{_num(W[i, j])} · {_num(g[0, j])}" for j in range(W.shape[1])]
        value = float(np.asarray(values[f"dJda{l}"])[0, i])
        sources = " and ".join(z[0] for z in zs)
        out.append(
            Step(
                symbol=f"dJda{l}[0,{i}]",
                formula=f"{name[0]} = {text}",
                shape=(),
                value=value,
                name=name[0],
                name_latex=name[1],
                formula_latex=f"{name[1]} = {tex}",
                substitution=" + ".join(terms),
                substitution_latex=" + ".join(terms).replace("·", r"\cdot"),
                uses=(f"W{l}", f"delta{l + 1}"),
                phase="backward",
                note=f"{len(zs)} flows back to {a[0]}: it feeds {sources}",
            )
        )
    return out
