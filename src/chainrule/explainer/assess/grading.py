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
   whose sign alone is wrong);
5. if every entry is a correct rounding to the digits the student gave, but
   coarser than the tolerance: "rounded" (with the digits needed);
6. if the answer is N times, or 1/N of, the right one (N examples; m in the
   column convention): "off by a factor";
7. else "wrong value", naming the first entry that differs.

A quantity that ``required`` names and the answers lack is "missing" (and
counted wrong); an answer naming no quantity of the key is listed in the
report's ``unknown``, with a suggestion, and the others are still graded.

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
[('dJdW1', 'right'), ('dJdW2', 'wrong sign'), ('J', 'rounded')]
>>> rep["J"].reason
'rounded: right to the digits given, but too coarse: give 2 significant digits'
>>> rep.score
0.3333333333333333
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

import numpy as np

from chainrule.core.trace import welch_to_bracket
from chainrule.errors import InvalidTypeError, InvalidValueError, UnknownNameError
from chainrule.explainer.assess.check_report import ATOL, RTOL, CheckItem, CheckReport
from chainrule.explainer.assess.diagnosis import digits_needed, factor_off, half_units
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
    """Other names of the Welch keys present: seed 001's bracket names
    (``"g[1W]"``) and CS230's column-convention names, with or without
    brackets (``"dZ2"``, ``"dZ[2]"``, ``"dW1"``, ``"db1"``, ``"dA1"``,
    ``"Z1"``, ``"A1"``; ``"A2"``/``"dA2"`` for ``ŷ`` and ``∂J/∂ŷ`` of a
    two-layer network), layers numbered from the input layer 0.

    Examples
    --------
    >>> a = aliases_of(["W1", "W2", "delta3", "dJdW1", "dJda2", "yHat", "z2"])
    >>> a["dZ2"], a["dZ[2]"], a["dW1"], a["dA1"], a["A2"], a["Z1"], a["g[2z]"]
    ('delta3', 'delta3', 'dJdW1', 'dJda2', 'yHat', 'z2', 'delta3')
    """
    layers = [int(k[1:]) for k in names if k[:1] == "W" and k[1:].isdigit()]
    L = max(layers, default=0)
    out = {}
    for k in names:
        bare, prime = k.rstrip("'"), k[len(k.rstrip("'")) :]
        b = welch_to_bracket(bare, L) if L else None
        if b is not None and b != k:
            out[b + prime] = k
        for c in _column_names(bare, L):
            out.setdefault(c + prime, k)
    return out


_COLUMN = {"delta": ("dZ", -1), "dJda": ("dA", -1), "dJdW": ("dW", 0)}
_COLUMN |= {"dJdb": ("db", 0), "z": ("Z", -1), "a": ("A", -1)}


def _column_names(key: str, L: int) -> list[str]:
    """CS230's names of the Welch key ``key`` (``L`` layers; 0: unknown)."""
    if L and key in ("yHat", "dJdyHat"):
        key = {"yHat": f"a{L + 1}", "dJdyHat": f"dJda{L + 1}"}[key]
    m = re.fullmatch(r"(delta|dJda|dJdW|dJdb|z|a)(\d+)", key)
    if m is None:
        return []
    prefix, shift = _COLUMN[m.group(1)]
    i = int(m.group(2)) + shift
    return [f"{prefix}{i}", f"{prefix}[{i}]"]


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
    if len(idx) == 1:
        return f"entry {idx[0] + 1}"
    return f"row {idx[0] + 1}, column {idx[1] + 1}"


def grade_one(
    symbol: str,
    name: str,
    expected: object,
    answer: object,
    rtol: float,
    atol: float,
    examples: tuple[int, str] = (1, "N"),
) -> CheckItem:
    """The verdict on one answer (see the module's notes for the order).

    ``examples`` is the number of examples and its letter in the
    convention (``"N"`` in the seeds' rows, ``"m"`` in CS230's columns).
    """
    e = np.asarray(expected, dtype=np.float64)

    def item(ok, verdict, reason, given_shape, given):
        return CheckItem(
            symbol, name, ok, verdict, reason, e.shape, given_shape, expected, given
        )

    g = _numbers(answer)
    if g is None:
        return item(False, "not numbers", f"not numbers: {answer!r:.60}", None, answer)
    given = float(g) if g.ndim == 0 else g
    units = half_units(answer)
    if g.size == 1 and e.size == 1:
        g, units = g.reshape(e.shape), units.reshape(e.shape)
    if g.shape != e.shape:
        verdict, why = _shape_verdict(e, g, rtol, atol)
        return item(False, verdict, why, g.shape, given)
    close = np.isclose(g, e, rtol=rtol, atol=atol)
    if close.all():
        return item(True, "right", "right", g.shape, given)
    verdict, why = _value_verdict(e, g, close, rtol, atol)
    if verdict == "wrong value":
        verdict, why = _diagnose(e, g, units, rtol, atol, examples) or (verdict, why)
    return item(False, verdict, why, g.shape, given)


def _diagnose(e, g, units, rtol, atol, examples) -> tuple[str, str] | None:
    """ "rounded" or "off by a factor", when the answer is one of those."""
    wrong = ~np.isclose(g, e, rtol=rtol, atol=atol)
    near = np.abs(g - e) <= units * (1 + 1e-9) + atol
    # at least one significant digit given: 0 for 8e-5 is not a rounding
    if np.all(near[wrong] & (2 * units[wrong] <= np.abs(e[wrong]))):
        d = digits_needed(e, rtol, atol)
        return "rounded", (
            "rounded: right to the digits given, but too coarse: give "
            f"{d} significant digit{'s' * (d != 1)}"
        )
    n, letter = examples
    side = factor_off(e, g, n, rtol, atol)
    if side is None:
        return None
    how = f"{n} times the right one" if side == "larger" else f"1/{n} of the right one"
    return "off by a factor", f"off by a factor of {letter} = {n}: the answer is {how}"


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
    at = f"{_entry(idx)}: " if idx else ""
    return "wrong value", (
        f"wrong value: {n}{at}expected {e[idx]:.6g}, got {g[idx]:.6g}"
    )


def _examples(key: object, examples: int | None, convention: str | None):
    """The number of examples and its letter (N in rows, m in columns)."""
    if isinstance(key, Explanation):
        convention = convention or key.convention
        if examples is None and "X" in key:
            examples = key["X"].shape[convention == "column"]
    letter = "m" if convention == "column" else "N"
    return (int(examples or 1), letter)


def check(
    key: object,
    answers: Mapping,
    *,
    rtol: float = RTOL,
    atol: float = ATOL,
    required: Iterable[str] | None = None,
    examples: int | None = None,
    convention: str | None = None,
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
    required : iterable of str, optional
        The quantities the sheet asks for: each one the answers lack is
        graded "missing" (wrong). Default: only the answers given are graded.
    examples : int, optional
        The number of examples, for the verdict "off by a factor" (N, or m
        in the column convention); default: from an Explanation's X, else 1.
    convention : {"row", "column"}, optional
        Which letter names that factor; default: the Explanation's, else row.

    Returns
    -------
    CheckReport
        One :class:`CheckItem` per answer, in the answers' order, then one
        per missing quantity; ``unknown``, the names the key does not have
        (each with a suggestion), which are not graded; ``score``, the
        fraction right.

    Raises
    ------
    UnknownNameError
        ``required`` names a quantity the key does not have.
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
    sheet = _examples(key, examples, convention)
    items, unknown, answered = [], {}, set()
    for k, a in answers.items():
        try:
            s = resolve_quantity(k, values, aliases)
        except UnknownNameError as exc:
            unknown[str(k)] = (
                str(exc).split("; the key has")[0].removeprefix("answers: ")
            )
            continue
        answered.add(s)
        items.append(grade_one(s, names[s], values[s], a, rtol, atol, sheet))
    for s in dict.fromkeys(required or ()):
        s = resolve_quantity(s, values, aliases)
        if s not in answered:
            items.append(_missing(s, names[s], values[s]))
    return CheckReport(items, rtol, atol, unknown)


def _missing(symbol: str, name: str, expected: object) -> CheckItem:
    shape = np.shape(expected)
    reason = "missing: no answer given"
    return CheckItem(
        symbol, name, False, "missing", reason, shape, None, expected, None
    )
