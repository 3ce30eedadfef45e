"""Grade symbolic answers against a :class:`~chainrule.explainer.symbolic.Derivation`.

An answer is an expression (a string SymPy parses, or a SymPy expression), or
a matrix of them, written in the derivation's symbols: base symbols
(``x_11``, ``w2_11``, ``b1_11``, ``y_11``) or the quantities' element symbols
(``a2_11``, ``delta3_11``), which are replaced by their base forms. Two
expressions are judged equal when they agree at random rational points to 30
digits (the end-to-end check of :mod:`~chainrule.explainer.symbolic.checks`):
exact simplification can take minutes, and a different expression differs far
beyond the 1e-20 allowed.
"""

from __future__ import annotations

import random

import mpmath
import sympy as sp

from chainrule.explainer.assess.grading import (
    CheckItem,
    CheckReport,
    aliases_of,
    resolve_quantity,
)
from chainrule.explainer.symbolic.checks import numeric

POINTS = 2


def _namespace(d) -> dict:
    names = {s.name: s for m in d.symbols.values() for s in m}
    names.update({s.name: s for m in d.built.q.values() for s in m})
    return names


def _parse(answer, ns: dict, to_base: dict):
    """The answer as a SymPy matrix in the base symbols, or ``None``."""

    def leaf(v):
        if not isinstance(v, (str, sp.Basic, int, float)) or isinstance(v, bool):
            raise TypeError(v)
        return sp.sympify(v, locals=ns)

    try:
        if isinstance(answer, (list, tuple)):
            nested = all(isinstance(r, (list, tuple)) for r in answer)
            rows = answer if nested else [answer]  # a flat list is one row
            m = sp.Matrix([[leaf(v) for v in r] for r in rows])
        else:
            m = sp.Matrix([[leaf(answer)]])
    except (sp.SympifyError, TypeError, ValueError, SyntaxError):
        return None
    if m.free_symbols - set(ns.values()):
        return None
    return m.xreplace(to_base)


def _same(a: sp.Matrix, b: sp.Matrix, points: list[dict]) -> bool:
    with mpmath.workdps(30):
        for point in points:
            memo = dict(point)
            for x, y in zip(a, b, strict=True):
                u, v = numeric(sp.sympify(x), memo), numeric(sp.sympify(y), memo)
                if abs(u - v) > 1e-20 * (1 + abs(u)):
                    return False
    return True


def _points(d) -> list[dict]:
    rng = random.Random(0)
    out = []
    with mpmath.workdps(30):
        for _ in range(POINTS):
            point = {}
            for name, m in d.symbols.items():
                lo = 1 if name == "y" else -2 * 10**6
                for s in m:
                    point[s] = mpmath.mpf(rng.randint(lo, 10**6)) / 10**6
            out.append(point)
    return out


def grade_symbolic(d, answers) -> CheckReport:
    """Each answer against ``d.expr`` (see the module's docstring)."""
    values = {k: v for k, v in d.expr.items() if k not in d.symbols}
    aliases = aliases_of(list(values))
    keys = [resolve_quantity(k, values, aliases) for k in answers]
    ns = _namespace(d)
    to_base = {
        s: d.built.base[k][i] for k, m in d.built.q.items() for i, s in enumerate(m)
    }
    points = _points(d)
    items = [
        _one(d, key, answer, ns, to_base, points)
        for key, answer in zip(keys, answers.values(), strict=True)
    ]
    return CheckReport(items, 0.0, 0.0)


def _one(d, key: str, answer, ns, to_base, points) -> CheckItem:
    expected = d.expr[key]
    e = expected if isinstance(expected, sp.MatrixBase) else sp.Matrix([[expected]])
    shape = () if key == "J" else e.shape
    name = d.built.names.text(key) if key not in ("J",) else "J"
    g = _parse(answer, ns, to_base)

    def item(ok, verdict, reason, gshape):
        return CheckItem(key, name, ok, verdict, reason, shape, gshape, str(e), answer)

    if g is None:
        return item(False, "not numbers", "not an expression in the symbols", None)
    if g.shape != e.shape:
        want = f"expected {e.rows}×{e.cols}, got {g.rows}×{g.cols}"
        if g.shape == e.shape[::-1] and _same(g.T, e, points):
            return item(False, "transposed", f"transposed: {want}", g.shape)
        return item(False, "wrong shape", f"wrong shape: {want}", g.shape)
    if _same(g, e, points):
        return item(True, "right", "right", g.shape)
    if _same(-g, e, points):
        return item(
            False, "wrong sign", "wrong sign: the negated answer is right", g.shape
        )
    return item(False, "wrong value", "wrong value: a different expression", g.shape)
