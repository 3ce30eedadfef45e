"""SymPy's checks of each step of a symbolic derivation.

Three kinds of check, each recorded with the way it was made:

``matrix``
    The element-by-element formula, written as sums, equals the matrix
    formula computed by SymPy's matrix product (``(a⁽²⁾)ᵀδ⁽³⁾``): the
    difference expands to 0.
``chain``
    The element formula equals the chain rule with SymPy's own local
    derivatives: ``Σ δ⁽ˡ⁺¹⁾ₙₖ ∂z⁽ˡ⁺¹⁾ₙₖ/∂W⁽ˡ⁾ᵢⱼ`` with ``∂z/∂W`` from
    ``sympy.diff``; for ``δ``, ``f′`` is SymPy's derivative of ``f`` (checked
    once, exactly, by ``sympy.simplify``); for ``∂J/∂ŷ``, SymPy's derivative of
    the cost.
``end to end``
    ``sympy.diff(J, W⁽ˡ⁾ᵢⱼ)`` of the cost written in the base symbols equals
    the gradient written in the base symbols, compared at random rational
    points with 30 significant digits (exact simplification of these
    expressions can take minutes; at 30 digits a wrong formula differs by far
    more than the 1e-20 allowed), for the first and the last entry of each
    parameter (differentiating the whole cost takes seconds per entry; the
    ``matrix`` and ``chain`` checks cover every entry).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import sympy as sp

from chainrule.explainer.symbolic.build import Network, f_prime_sym, f_sym, softmax_row

DIGITS = 30
POINTS = 2
ENTRIES = 2  # the first and last entry: sympy.diff of the whole cost is slow


@dataclass(frozen=True)
class SymCheck:
    """One check of a step: what is claimed, how SymPy checked it, the result."""

    kind: str
    statement: str
    method: str
    ok: bool


def _zero(diffs) -> bool:
    return all(sp.expand(d) == 0 for d in diffs)


def matrix_check(net: Network, key: str, matrix: sp.Matrix, formula: str) -> SymCheck:
    ok = _zero(net.local[key] - matrix)
    name = net.names.text(key)
    return SymCheck(
        "matrix",
        f"the element formulas of {name} are the entries of {formula}",
        "SymPy matrix product; the difference of every entry expands to 0",
        ok,
    )


def chain_linear(net: Network, key: str, wrt: sp.Matrix, z_key: str, d_key: str):
    """``key[i, j] = Σ_{n,k} δ_nk ∂z_nk/∂wrt[i, j]`` with ``sympy.diff``."""
    z, D, out = net.local[z_key], net.q[d_key], net.local[key]
    # CS230's dZ is m δ: dW and db divide the sum by m, dA does not
    m = net.per_m if (net.per_m and not key.startswith("dJda")) else 1
    diffs = []
    for e, w in enumerate(wrt):
        s = sp.Add(*[D[k] * sp.diff(z[k], w) for k in range(len(z))])
        diffs.append(out[e] - s / m)
    dz = net.names.text(z_key)
    over_m = "(1/m) " if m != 1 else ""
    return SymCheck(
        "chain",
        f"each entry is {over_m}Σ {net.names.text(d_key)}ₙₖ ∂{dz}ₙₖ/∂(entry), "
        "the chain rule over every path",
        "sympy.diff for ∂z/∂(entry); the difference expands to 0",
        _zero(diffs),
    )


def fprime_check(act: str) -> SymCheck:
    """f′ is SymPy's derivative of f, for t < 0 and t > 0 (and any real t when
    f is smooth); ReLU has no derivative at 0, where f′(0) = 0 by convention."""
    signs = [{"real": True}, {"positive": True}, {"negative": True}]
    ok = True
    for assume in signs[1:] if act == "relu" else signs:
        t = sp.Symbol("t", **assume)
        ok = ok and sp.simplify(sp.diff(f_sym(act, t), t) - f_prime_sym(act, t)) == 0
    where = "for t < 0 and t > 0; f′(0) = 0 by convention" if act == "relu" else ""
    return SymCheck(
        "chain",
        f"f′ is the derivative of f = {act}",
        f"sympy.simplify(sympy.diff(f(t), t) − f′(t)) = 0 {where}".strip(),
        bool(ok),
    )


def delta_chain(net: Network, l: int, upstream: str) -> SymCheck:
    """``δ{l}ₙⱼ = Σ upstream · ∂a/∂zₙⱼ`` with a generic ``F`` for the activation."""
    act, z, G = net.activations[l - 2], net.q[f"z{l}"], net.q[upstream]
    d = net.local[f"delta{l}"]
    if act == "softmax":
        return _softmax_chain(net, z, G, d)
    F = sp.Function("F")
    fp = net.q[f"fprime{l}"]
    diffs = []
    for e in range(len(z)):
        s = sp.Add(*[G[k] * sp.diff(F(z[k]), z[e]) for k in range(len(z))])
        s = s.subs(sp.Derivative(F(z[e]), z[e]), fp[e])
        diffs.append(d[e] - s)
    return SymCheck(
        "chain",
        f"each {net.names.text(f'delta{l}')}ₙⱼ is "
        f"Σ {net.names.text(upstream)} · ∂a/∂zₙⱼ for any f",
        "sympy.diff of a generic F(z); the difference expands to 0",
        _zero(diffs),
    )


def _softmax_chain(net: Network, z: sp.Matrix, G: sp.Matrix, d: sp.Matrix):
    Yh = net.q["yHat"]
    ok = True
    for r in range(z.rows):
        row = softmax_row(list(z.row(r)))
        put = {Yh[r, j]: row[j] for j in range(z.cols)}
        for k in range(z.cols):
            s = sp.Add(*[G[r, j] * sp.diff(row[j], z[r, k]) for j in range(z.cols)])
            ok = ok and sp.simplify(d[r, k].xreplace(put) - s) == 0
    return SymCheck(
        "chain",
        "each δₙₖ is Σⱼ (∂J/∂ŷ)ₙⱼ ∂ŷₙⱼ/∂zₙₖ through the softmax of row n",
        "sympy.diff of the softmax; sympy.simplify of the difference gives 0",
        bool(ok),
    )


def cost_chain(net: Network) -> SymCheck:
    J, Yh, g = net.local["J"][0], net.q["yHat"], net.local["dJdyHat"]
    m = net.per_m or 1  # CS230's dA[L] is m ∂J/∂Ŷ
    ok = all(sp.simplify(g[e] - m * sp.diff(J, Yh[e])) == 0 for e in range(len(Yh)))
    name, what = net.names.text("dJdyHat"), net.names.text("yHat")
    claim = f"m · sympy.diff(J, {what}ₙₖ)" if m != 1 else f"sympy.diff(J, {what}ₙₖ)"
    if net.names.style == "welch":
        name = "(∂J/∂ŷ)"
    return SymCheck(
        "chain",
        f"each {name}ₙₖ is {claim}",
        "sympy.simplify of the difference gives 0",
        bool(ok),
    )


def end_to_end(net: Network, key: str, wrt: sp.Matrix, seed: int = 0) -> SymCheck:
    """``sympy.diff(J, w)`` against ``base[key]`` at random rational points."""
    import mpmath

    J, grad = net.base["J"][0], net.base[key]
    picked = sorted({0, len(wrt) - 1})[:ENTRIES]
    pairs = [(sp.diff(J, wrt[e]), grad[e]) for e in picked]
    symbols = [s for m in net.symbols.values() for s in m]
    rng = random.Random(seed)
    ok = True
    with mpmath.workdps(DIGITS):
        for _ in range(POINTS):
            memo = {s: _draw(rng, s.name) for s in symbols}
            for dj, g in pairs:
                a, b = numeric(dj, memo), numeric(g, memo)
                ok = ok and abs(a - b) <= 1e-20 * (1 + abs(a))
    name = net.names.text(key)
    at = [(e // wrt.cols + 1, e % wrt.cols + 1) for e in picked]
    if net.column:  # the entries of the column convention's matrix
        at = [(j, i) for i, j in at]
    where = " and ".join(f"({i}, {j})" for i, j in at)
    return SymCheck(
        "end to end",
        f"{name} in the base symbols is sympy.diff(J, ·) for entries {where}",
        f"compared at {POINTS} random rational points, {DIGITS} digits",
        bool(ok),
    )


def _draw(rng: random.Random, name: str):
    import mpmath

    # fine rationals: a pre-activation is exactly 0 (where ReLU has no
    # derivative) with negligible probability
    if name.startswith("y"):  # targets in (0, 1): valid for every cost
        return mpmath.mpf(rng.randint(1, 999)) / 1000
    return mpmath.mpf(rng.randint(-2 * 10**6, 2 * 10**6)) / 10**6


def numeric(expr: sp.Expr, memo: dict):
    """``expr``'s value with mpmath, each shared subexpression computed once.

    ``memo`` holds the symbols' values on entry and every subexpression's
    value on exit: SymPy's expressions here are trees with much sharing,
    which printing (``lambdify``) would write out in full.
    """
    import mpmath

    if expr in memo:
        return memo[expr]
    if expr.is_Number:
        v = mpmath.mpf(expr.p) / expr.q if expr.is_Rational else mpmath.mpf(expr)
    elif isinstance(expr, sp.Piecewise):
        v = next(numeric(e, memo) for e, c in expr.args if numeric(c, memo))
    else:
        args = [numeric(a, memo) for a in expr.args]
        v = _apply(expr, args)
    memo[expr] = v
    return v


def _dirac(x, *_):
    if x == 0:
        raise ArithmeticError("DiracDelta at 0: draw another point")
    return 0


def _apply(expr: sp.Expr, args: list):
    import mpmath

    if expr.is_Add:
        return mpmath.fsum(args)
    if expr.is_Mul:
        return mpmath.fprod(args)
    if expr.is_Pow:
        return args[0] ** args[1]
    if expr in (sp.true, sp.false):
        return bool(expr)
    table = {
        sp.exp: mpmath.exp,
        sp.log: mpmath.log,
        sp.tanh: mpmath.tanh,
        sp.Heaviside: lambda x, h0=0: h0 if x == 0 else (1 if x > 0 else 0),
        sp.DiracDelta: _dirac,
        sp.StrictGreaterThan: lambda a, b: a > b,
        sp.GreaterThan: lambda a, b: a >= b,
        sp.StrictLessThan: lambda a, b: a < b,
        sp.LessThan: lambda a, b: a <= b,
        sp.And: lambda *a: all(a),
        sp.Or: lambda *a: any(a),
        sp.Not: lambda a: not a,
        sp.ITE: lambda c, a, b: a if c else b,
    }
    # a user's SymPy form may use any elementary function: mpmath's of that name
    fn = table.get(expr.func) or getattr(mpmath, expr.func.__name__.lower(), None)
    if fn is None:
        raise ValueError(f"no numeric value for SymPy's {expr.func.__name__}")
    return fn(*args)
