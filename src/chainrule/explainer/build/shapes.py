"""The shapes of every product of a derivation, and why each transpose is there.

Each matrix product of :func:`chainrule.explain` gets a ``"shapes"`` line,
``(a⁽²⁾)ᵀ δ⁽³⁾: (3×3)ᵀ(3×1) → (3×1)``, and each transposed operand a
``"transpose"`` line saying why: the result must have the shape of what it is
the derivative of, and only the transpose makes the shapes agree (the
tutorial's part 4: "we need to be careful with our dimensionality here").

Examples
--------
>>> import chainrule as cr
>>> net = cr.Network([2, 3, 1], bias=False, seed=0)
>>> ex = cr.explain(net, [[3, 5], [5, 1]], [[0.75], [0.82]])
>>> ex["dJda2"].details[0].text
'δ⁽³⁾ (W⁽²⁾)ᵀ: (2×1)(3×1)ᵀ → (2×3)'
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from chainrule.explainer.notation.names import Names
from chainrule.explainer.model.step import Detail, Step


def dims(shape: tuple) -> tuple[str, str]:
    """``"(3×1)"`` and its LaTeX."""
    return f"({shape[0]}×{shape[1]})", rf"({shape[0]}\times {shape[1]})"


def shape_line(form: tuple[str, str], shapes: tuple[str, str]) -> Detail:
    """A ``"shapes"`` detail: ``form: shapes``, plain and LaTeX."""
    return Detail("shapes", f"{form[0]}: {shapes[0]}", rf"{form[1]}: {shapes[1]}")


class Operands:
    """The values and names of a derivation's steps, looked up by Welch key.

    ``prime`` is ``"'"`` for the forward pass again (``z2'`` reads ``W1'``);
    ``X`` and ``y`` never carry it.
    """

    def __init__(self, steps: Mapping[str, Step], names: Names) -> None:
        self.by = steps
        self.names = names

    def val(self, key: str, prime: str) -> np.ndarray:
        k = key if key in ("X", "y") else key + prime
        return np.atleast_2d(self.by[k].value)

    def txt(self, key: str) -> str:
        return self.names.text(key)

    def tex(self, key: str) -> str:
        return self.names.latex(key)

    def prev(self, l: int) -> str:
        """The activity that layer ``l``'s weights read: ``X``, ``a{l}``, or
        with dropout ``am{l}`` (``ã{l}``)."""
        if l == 1:
            return "X"
        return f"am{l}" if f"am{l}" in self.by else f"a{l}"

    def units(self, k: int) -> str:
        """What the columns of Welch layer ``k``'s activity are, the layer
        numbered as the notation numbers it (bracket: the input is layer 0)."""
        L = self.names.n_layers
        if k == 1:
            return "inputs"
        if k == L + 1:
            return "outputs"
        return "units" if L == 2 else f"layer-{self.names.layer(k)} units"


def z_shapes(o: Operands, l: int, prime: str) -> list[Detail]:
    """``z{l+1} = a{l} W{l} (+ b{l})``."""
    p = o.prev(l)
    a, W = o.val(p, prime), o.val(f"W{l}", prime)
    (da, dat), (dw, dwt) = dims(a.shape), dims(W.shape)
    out = dims((a.shape[0], W.shape[1]))
    form = [f"{o.txt(p)} {o.txt(f'W{l}')}", f"{o.tex(p)} {o.tex(f'W{l}')}"]
    shapes = [f"{da}{dw} → {out[0]}", rf"{dat}{dwt} \to {out[1]}"]
    if f"b{l}{prime}" in o.by:
        db = dims(o.val(f"b{l}", prime).shape)
        form = [form[0] + f" + {o.txt(f'b{l}')}", form[1] + f" + {o.tex(f'b{l}')}"]
        shapes[0] += f", plus {db[0]} added to every row"
        shapes[1] += rf",\ \text{{plus}}\ {db[1]}\ \text{{added to every row}}"
    return [shape_line(tuple(form), tuple(shapes))]


def dJdW_shapes(o: Operands, l: int, prime: str) -> list[Detail]:
    """``∂J/∂W{l} = (a{l})ᵀ δ{l+1}``: shapes, and why ``a{l}`` is transposed."""
    p, d = o.prev(l), f"delta{l + 1}"
    a, g = o.val(p, prime), o.val(d, prime)
    (da, dat), (dd, ddt) = dims(a.shape), dims(g.shape)
    out = dims((a.shape[1], g.shape[1]))
    bare = p == "X" and o.names.notation == "welch"
    lhs = (f"{o.txt(p)}ᵀ", rf"{o.tex(p)}^{{\top}}")
    if not bare:
        lhs = (f"({o.txt(p)})ᵀ", rf"({o.tex(p)})^{{\top}}")
    reason = (
        f"{o.txt(p)} is examples × {o.units(l)} {da} and {o.txt(d)} is examples × "
        f"{o.units(l + 1)} {dd}; {o.txt(f'dJdW{l}')} must be shaped like "
        f"{o.txt(f'W{l}')}, {o.units(l)} × {o.units(l + 1)} {out[0]}, so "
        f"{o.txt(p)} is transposed and the product sums over the examples"
    )
    form = (f"{lhs[0]} {o.txt(d)}", f"{lhs[1]} {o.tex(d)}")
    shapes = (f"{da}ᵀ{dd} → {out[0]}", rf"{dat}^{{\top}}{ddt} \to {out[1]}")
    return [shape_line(form, shapes), Detail("transpose", reason, reason)]


def dJdb_shapes(o: Operands, l: int, prime: str) -> list[Detail]:
    """``∂J/∂b{l} = Σₙ δ{l+1}``: the rows added."""
    d = f"delta{l + 1}"
    g = o.val(d, prime)
    rows = f"{g.shape[0]} row{'s' * (g.shape[0] != 1)}"
    (dd, ddt), out = dims(g.shape), dims((1, g.shape[1]))
    form = (f"Σₙ {o.txt(d)}", rf"\sum_n {o.tex(d)}")
    shapes = (
        f"{rows} of {dd} added → {out[0]}",
        rf"\text{{{rows} of}}\ {ddt}\ \text{{added}} \to {out[1]}",
    )
    return [shape_line(form, shapes)]


def dJda_shapes(o: Operands, l: int, prime: str) -> list[Detail]:
    """``∂J/∂a{l} = δ{l+1} (W{l})ᵀ``: shapes, and why ``W{l}`` is transposed."""
    d, w = f"delta{l + 1}", f"W{l}"
    g, W = o.val(d, prime), o.val(w, prime)
    (dd, ddt), (dw, dwt) = dims(g.shape), dims(W.shape)
    out = dims((g.shape[0], W.shape[0]))
    reason = (
        f"{o.txt(d)} is examples × {o.units(l + 1)} {dd} and {o.txt(w)} is "
        f"{o.units(l)} × {o.units(l + 1)} {dw}; {o.txt(f'dJda{l}')} must be shaped "
        f"like {o.txt(f'a{l}')}, examples × {o.units(l)} {out[0]}, so {o.txt(w)} "
        f"is transposed and the product sums over the {o.units(l + 1)} each unit "
        "feeds"
    )
    form = (f"{o.txt(d)} ({o.txt(w)})ᵀ", rf"{o.tex(d)} ({o.tex(w)})^{{\top}}")
    shapes = (f"{dd}{dw}ᵀ → {out[0]}", rf"{ddt}{dwt}^{{\top}} \to {out[1]}")
    return [shape_line(form, shapes), Detail("transpose", reason, reason)]


def delta_shapes(o: Operands, l: int, prime: str) -> list[Detail]:
    """``δ{l} = ∂J/∂a{l} ∘ f′(z{l})``: element by element."""
    g, f = f"dJda{l}", f"fprime{l}"
    dg = dims(o.val(g, prime).shape)
    form = (f"{o.txt(g)} ∘ {o.txt(f)}", rf"{o.tex(g)} \circ {o.tex(f)}")
    shapes = (
        f"{dg[0]} ∘ {dg[0]} → {dg[0]}, element by element",
        rf"{dg[1]} \circ {dg[1]} \to {dg[1]}",
    )
    return [shape_line(form, shapes)]


SHAPES = {
    "z": z_shapes,
    "dJdW": dJdW_shapes,
    "dJdb": dJdb_shapes,
    "dJda": dJda_shapes,
    "delta": delta_shapes,
}
