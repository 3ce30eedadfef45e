"""``check``: grade a student's answers against an explanation (an answer key).

A key maps the names of a derivation's quantities (Welch keys: ``"z2"``,
``"delta3"``, ``"dJdW1"``, ``"W1'"`` after an update) to their values. Each
answer is judged in a fixed order, so that the first thing wrong is the one
reported:

1. numbers at all (a string or a ragged list is "not numbers");
2. the shape (a matrix whose shape is the key's transposed, and whose
   transpose is right, is "transposed"; any other shape is "wrong shape");
3. the values within the tolerance: "right";
4. otherwise, if the negated answer is right: "wrong sign" (or the entries
   whose sign alone is wrong); else "wrong value", naming the first entry.

The tolerance
-------------
Students copy numbers rounded to 3 or 4 significant figures. Rounding ``x``
to 3 significant figures changes it by at most half a unit of the third
digit, ``0.5 · 10^(e−2)`` for ``x = d.dd… · 10^e`` with ``d ≥ 1``, so the
relative error is at most ``0.5 · 10^(e−2) / 10^e = 5e-3``. The default
``rtol = 5e-3`` therefore accepts every correct rounding to 3 or more
significant figures and nothing coarser in general (2 figures can be 5 %
off). ``atol = 1e-12`` only absorbs floating-point noise: a quantity whose
exact value is 0 (ŷ − y for a perfect prediction) is computed in float64 as
some 1e-17, and a student who writes 0 is right. It is deliberately not
larger: seed 000 question 15's ∂J/∂W⁽¹⁾ entries are 3e-5 to 8e-5, and a
larger ``atol`` would accept 0 or even the wrong sign there.

Examples
--------
>>> import chainrule as cr
>>> net = cr.Network([1, 1, 1], activation="relu", loss="mse", bias=False)
>>> net.set_params({"W1": [[0.5]], "W2": [[0.8]]})
>>> ex = cr.explain(net, [[3.0]], [[2.0]])
>>> rep = cr.check(ex, {"dJdW1": [[-1.92]], "dJdW2": [[1.2]], "J": 0.3})
>>> [(i.symbol, i.verdict) for i in rep.items]
[('dJdW1', 'right'), ('dJdW2', 'wrong sign'), ('J', 'wrong value')]
>>> rep.score
0.3333333333333333
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping

import numpy as np

from chainrule.core.trace import welch_to_bracket
from chainrule.errors import InvalidTypeError, InvalidValueError, UnknownNameError
from chainrule.explainer.assess.check_report import ATOL, RTOL, CheckItem, CheckReport
from chainrule.explainer.build.explanation import Explanation
from chainrule.validation import check_non_negative


# ------------------------------------------------------------------ the key
def key_values(key: object) -> tuple[dict[str, object], dict[str, str]]:
    """The key's values and display names, by Welch key.

    ``key`` is an :class:`Explanation`, or a mapping of names to values (a
    :class:`~chainrule.Trace`, the table of an answer-key file), or any
    object with a ``key_values()`` method returning such a mapping.
    """
    if isinstance(key, Explanation):
        values = {s.symbol: s.value for s in key.steps}
        return values, {s.symbol: s.name or s.symbol for s in key.steps}
    if hasattr(key, "key_values") and not isinstance(key, Mapping):
        key = key.key_values()
    if not isinstance(key, Mapping):
        raise InvalidTypeError(
            "key: expected an Explanation or a mapping of names to values, got "
            f"{type(key).__name__}"
        )
    values = {}
    for name, value in key.items():
        a = _numbers(value)
        if a is None:
            raise InvalidValueError(
                f"key[{name!r}]: expected a number or a matrix of finite numbers, "
                f"got {value!r:.60}"
            )
        values[str(name)] = float(a) if a.ndim == 0 else a
    return values, {k: k for k in values}


def aliases_of(names: list[str]) -> dict[str, str]:
    """Bracket-notation names (``"g[1W]"``) of the Welch keys present."""
    layers = [int(k[1:]) for k in names if k[:1] == "W" and k[1:].isdigit()]
    L = max(layers, default=0)
    out = {}
    for k in names:
        b = welch_to_bracket(k.rstrip("'"), L) if L else None
        if b is not None and b != k:
            out[b + k[len(k.rstrip("'")) :]] = k
    return out


def resolve_quantity(name: object, values: dict, aliases: dict) -> str:
    """The Welch key an answer names, or an error that suggests one."""
    if not isinstance(name, str):
        raise InvalidTypeError(
            f"answers: expected quantity names as strings, got {name!r}"
        )
    if name in values:
        return name
    if name in aliases:
        return aliases[name]
    folded = {k.lower(): k for k in values}
    close = difflib.get_close_matches(name, list(values) + list(aliases), n=1)
    hint = folded.get(name.lower()) or (close[0] if close else None)
    did = f" (did you mean {hint!r}?)" if hint else ""
    raise UnknownNameError(
        f"answers: unknown quantity {name!r}{did}; the key has {sorted(values)}"
    )


# ------------------------------------------------------------------ grading
def _numbers(value: object) -> np.ndarray | None:
    """``value`` as a float64 array of finite numbers, or ``None``."""
    if isinstance(value, (str, bytes, bool, np.bool_)):
        return None
    try:
        a = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None
    if a.ndim > 2 or not np.all(np.isfinite(a)):
        return None
    if any(isinstance(v, (bool, str)) for v in np.asarray(value, dtype=object).flat):
        return None
    return a


#: Lists inside lists beyond this are no answer (a matrix is 2 deep); deeper
#: ones would exhaust Python's recursion in repr and NumPy.
MAX_ANSWER_NESTING = 16


def _check_nesting(name: object, answer: object) -> None:
    """Refuse an answer of lists nested beyond :data:`MAX_ANSWER_NESTING`."""
    level, items = 0, [answer]
    while items:
        items = [v for x in items if isinstance(x, (list, tuple)) for v in x]
        level += 1 if items else 0
        if level > MAX_ANSWER_NESTING:
            raise InvalidValueError(
                f"answers[{str(name)[:40]!r}]: lists nested more than "
                f"{MAX_ANSWER_NESTING} deep; an answer is a number, a list or "
                "a list of lists"
            )


def _shape_text(shape: tuple) -> str:
    if shape == ():
        return "a number"
    if len(shape) == 1:
        return f"a flat list of {shape[0]}"
    return f"{shape[0]}×{shape[1]}"


def _entry(idx: tuple) -> str:
    return f"row {idx[0] + 1}, column {idx[1] + 1}" if len(idx) == 2 else "the value"


def grade_one(
    symbol: str, name: str, expected: object, answer: object, rtol: float, atol: float
) -> CheckItem:
    """The verdict on one answer (see the module's notes for the order)."""
    e = np.asarray(expected, dtype=np.float64)

    def item(ok, verdict, reason, given_shape, given):
        return CheckItem(
            symbol, name, ok, verdict, reason, e.shape, given_shape, expected, given
        )

    g = _numbers(answer)
    if g is None:
        return item(False, "not numbers", f"not numbers: {answer!r:.60}", None, answer)
    given = float(g) if g.ndim == 0 else g
    if g.size == 1 and e.size == 1:
        g = g.reshape(e.shape)
    if g.shape != e.shape:
        verdict, why = _shape_verdict(e, g, rtol, atol)
        return item(False, verdict, why, g.shape, given)
    close = np.isclose(g, e, rtol=rtol, atol=atol)
    if close.all():
        return item(True, "right", "right", g.shape, given)
    verdict, why = _value_verdict(e, g, close, rtol, atol)
    return item(False, verdict, why, g.shape, given)


def _shape_verdict(e: np.ndarray, g: np.ndarray, rtol: float, atol: float):
    want = f"expected {_shape_text(e.shape)}, got {_shape_text(g.shape)}"
    flip = e.ndim == 2 and g.shape == e.shape[::-1]
    if flip and np.allclose(g.T, e, rtol=rtol, atol=atol):
        return "transposed", f"transposed: {want}; the transpose is right"
    return "wrong shape", f"wrong shape: {want}"


def _value_verdict(e, g, close, rtol: float, atol: float) -> tuple[str, str]:
    square = e.ndim == 2 and e.shape[0] == e.shape[1] > 1
    if square and np.allclose(g.T, e, rtol=rtol, atol=atol):
        return "transposed", "transposed: the transpose of this matrix is right"
    flipped = np.isclose(-g, e, rtol=rtol, atol=atol)
    wrong = ~close
    if flipped[wrong].all():
        if wrong.all() or e.size == 1:
            return "wrong sign", "wrong sign: the negated answer is right"
        where = ", ".join(_entry(tuple(i)) for i in np.argwhere(wrong)[:3])
        return "wrong sign", f"wrong sign at {where}; the other entries are right"
    idx = tuple(int(i) for i in np.argwhere(wrong)[0])
    n = f"{int(wrong.sum())} of {e.size} entries differ; " if e.size > 1 else ""
    return "wrong value", (
        f"wrong value: {n}{_entry(idx)}: expected {e[idx]:.6g}, got {g[idx]:.6g}"
    )


def check(
    key: object, answers: Mapping, *, rtol: float = RTOL, atol: float = ATOL
) -> CheckReport:
    """Grade a student's answers against an answer key.

    Parameters
    ----------
    key : Explanation, Derivation or mapping of str to array_like
        The derivation whose values are right: :func:`chainrule.explain`'s
        result, a :class:`~chainrule.Trace`, or a mapping such as the
        ``[answers]`` table of a key file. With a :func:`chainrule.derive`
        result, the answers are expressions, judged by equivalence
        (:mod:`chainrule.explainer.symbolic.grade`); the tolerances do not
        apply.
    answers : mapping of str to array_like
        The student's values by quantity name, as the trace names them
        (``"z2"``, ``"a2"``, ``"yHat"``, ``"J"``, ``"delta3"``, ``"dJdW2"``,
        ``"W1'"`` after an update); seed 001's bracket names (``"g[1W]"``)
        are accepted too. A matrix is a list of rows; a 1×1 matrix may be
        given as a number.
    rtol : float, default 5e-3
        Relative tolerance: every correct rounding to 3 significant figures
        passes (see the module's notes for the reasoning).
    atol : float, default 1e-12
        Absolute tolerance, for quantities whose exact value is 0.

    Returns
    -------
    CheckReport
        One :class:`CheckItem` per answer, in the answers' order, and
        ``score``, the fraction right.

    Raises
    ------
    UnknownNameError
        An answer names a quantity the key does not have (with a suggestion).
    InvalidTypeError, InvalidValueError
        ``key`` or ``answers`` is not a mapping, ``answers`` is empty, or a
        tolerance is negative or not finite. A student's answer that is not
        numbers is not an error: it is graded "not numbers".

    Examples
    --------
    Seed 000, question 15 (the key is the built-in example):

    >>> from chainrule.explainer.problems.files import load_example
    >>> ex = load_example("seed000-q15").explain()
    >>> rep = check(ex, {"dJdW2": [[0.0162], [0.0162], [0.0162]],
    ...                  "delta3": [[0.00916, 0.00601, 0.00102]]})
    >>> print(rep.to_text(), end="")
    ✓ ∂J/∂W⁽²⁾  right
    ✗ δ⁽³⁾      transposed: expected 3×1, got 1×3; the transpose is right
    score: 1/2 = 50% (rtol 0.005, atol 1e-12)
    """
    rtol = check_non_negative("rtol", rtol)
    atol = check_non_negative("atol", atol)
    if not isinstance(answers, Mapping):
        raise InvalidTypeError(
            "answers: expected a mapping of quantity names to values, got "
            f"{type(answers).__name__}"
        )
    if not answers:
        raise InvalidValueError("answers: expected at least one answer, got none")
    if hasattr(key, "grade_answers"):
        # a Derivation grades expressions itself (SymPy, imported only there)
        return key.grade_answers(answers)
    for name, answer in answers.items():
        _check_nesting(name, answer)
    values, names = key_values(key)
    aliases = aliases_of(list(values))
    symbols = [resolve_quantity(k, values, aliases) for k in answers]
    items = [
        grade_one(s, names[s], values[s], a, rtol, atol)
        for s, a in zip(symbols, answers.values(), strict=True)
    ]
    return CheckReport(items, rtol, atol)
