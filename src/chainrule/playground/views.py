"""What the page receives: the explanation, its math as MathML, the settings.

Formatting only: every number is a value of :func:`chainrule.explain`'s
steps; each equation is ``formula = numbers = value`` in the step's LaTeX,
matrices abbreviated beyond 6 rows or columns as the explainer abbreviates
them (:mod:`chainrule.explainer.render.grid`), turned into MathML by
``latex2mathml``, which the browser lays out natively.

Examples
--------
>>> from chainrule.playground.sources import from_example
>>> doc = state_payload(from_example("seed004"))
>>> doc["explanation"]["schema"], doc["settings"]["sizes"]
('chainrule.explain/1', [1, 1, 1])
>>> [line.startswith("<math") for line in doc["math"]["J"]["lines"]]
[True, True, True]
>>> print(short_bmatrix([[0.0], [1], [2], [3], [4], [5], [6], [7]], 6))
\\begin{bmatrix}0 \\\\ 1 \\\\ 2 \\\\ 3 \\\\ \\vdots \\\\ 7\\end{bmatrix}_{8 \\times 1}
>>> parse_answer("[[1, 2], [3, 4]]"), parse_answer("0.5"), parse_answer("1 2; 3 4")
([[1.0, 2.0], [3.0, 4.0]], 0.5, [[1.0, 2.0], [3.0, 4.0]])
"""

from __future__ import annotations

import functools
import json
import math
import re

from chainrule.core.activations import valid_names as activation_names
from chainrule.core.losses import valid_names as loss_names
from chainrule.errors import ConfigError, InvalidValueError
from chainrule.explainer.build.explanation import Explanation
from chainrule.explainer.notation.numbers import substitute
from chainrule.explainer.problems import list_examples
from chainrule.explainer.render.grid import INLINE, bmatrix
from chainrule.explainer.render.prose import plain
from chainrule.persist.model import model_bytes
from chainrule.playground import state as limits
from chainrule.playground.state import Playground

PRECISION = 6
# The page's notation control: one choice per way of writing the derivation
# (explainer.names.Names.style), each a notation and a convention for explain.
NOTATION_CHOICES = (
    ("welch", "welch", "row", "Welch: z⁽²⁾ = X W⁽¹⁾, δ⁽³⁾, ∂J/∂W⁽¹⁾"),
    ("bracket", "bracket", "row", "bracket: z[1] = a[0] W[1], g[2z]"),
    ("column", "welch", "column", "column convention: Z[1] = W[1] X, dZ[2], dW[1]"),
)
# "expected 1.92, got 5" at the end of a wrong value's reason: the page keeps
# the verdict and where, never the expected number (the quiz hides it).
_EXPECTED = re.compile(r": expected \S+, got \S+$")
MATH_LIMITS = (INLINE, INLINE)  # rows and columns beyond: abbreviated, as inline
EXPORTS = {
    "markdown": ("derivation.md", "text/markdown; charset=utf-8"),
    "latex": ("derivation.tex", "application/x-tex; charset=utf-8"),
    "html": ("derivation.html", "text/html; charset=utf-8"),
    "safetensors": ("model.safetensors", "application/octet-stream"),
}


def _converter():
    try:
        from latex2mathml.converter import convert
    except ImportError:  # pragma: no cover - the playground extra brings it
        raise ConfigError(
            "the playground needs latex2mathml: pip install 'chainrule[playground]'"
        ) from None
    return _cached(convert)


@functools.cache
def _cached(convert):
    # names and formulas repeat from one state to the next; numbers rarely do
    return functools.lru_cache(maxsize=4096)(convert)


def short_bmatrix(value: object, precision: int, paren_negative: bool = False) -> str:
    """The explainer's ``bmatrix``, abbreviated beyond ``MATH_LIMITS``."""
    return bmatrix(value, precision, paren_negative, limits=MATH_LIMITS)


def equation_lines(ex: Explanation, s, precision: int = PRECISION) -> list[str]:
    """``formula``, ``= numbers``, ``= value``: the equation's lines in LaTeX,
    every matrix abbreviated as the explainer abbreviates matrices inside a
    substitution (:mod:`chainrule.explainer.render.grid`). One line each, so
    that a card holds them one under the other."""

    def value(key: str) -> str:
        return short_bmatrix(ex[key].value, precision, paren_negative=True)

    lines = [s.formula_latex]
    if s.substitution_latex:
        lines.append("= " + substitute(s.substitution_latex, value))
    lines.append("= " + short_bmatrix(s.value, precision))
    return lines


def equation_latex(ex: Explanation, s, precision: int = PRECISION) -> str:
    """``formula = numbers = value`` on one line of LaTeX (:func:`equation_lines`)."""
    return " ".join(equation_lines(ex, s, precision))


def math_of(ex: Explanation, precision: int = PRECISION) -> dict[str, dict[str, str]]:
    """Each step's name, formula and equation's lines (:func:`equation_lines`)
    as MathML."""
    convert = _converter()
    out = {}
    for s in ex.steps:
        given = s.phase == "given"
        lines = [s.name_latex] if given else equation_lines(ex, s, precision)
        out[s.symbol] = {
            "name": convert(s.name_latex),
            "formula": convert(s.formula_latex, display="block"),
            "lines": [convert(t, display="block") for t in lines],
            "note": plain(s.note),  # prose: its maths in Unicode
        }
    return out


def state_payload(pg: Playground) -> dict:
    """Everything the page draws, as one JSON-serialisable dict."""
    ex = pg.explanation()
    return {
        "explanation": json.loads(ex.to_json()),
        "description": plain(ex.description),  # prose: its maths in Unicode
        "math": math_of(ex),
        "settings": pg.settings(),
        "costs": pg.costs,
        "examples": list_examples(),
        "choices": {
            "activation": [a for a in activation_names() if a != "softmax"],
            "output_activation": activation_names(),
            "loss": loss_names(),
            "notation": [
                {"value": v, "notation": n, "convention": c, "label": text}
                for v, n, c, text in NOTATION_CHOICES
            ],
        },
        "limits": {
            "units": limits.MAX_UNITS,
            "weight_layers": limits.MAX_WEIGHT_LAYERS,
            "rows": limits.MAX_ROWS,
            "train_steps": limits.MAX_TRAIN_STEPS,
        },
        "precision": PRECISION,
    }


def _finite(x: float, text: str) -> float:
    if not math.isfinite(x):
        raise InvalidValueError(f"answer: expected finite numbers, got {text!r}")
    return x


def parse_answer(text: object) -> float | list[list[float]]:
    """A student's typed answer: ``0.5``, ``[[1, 2]]`` (JSON) or ``1 2; 3 4``."""
    if not isinstance(text, str) or not text.strip() or len(text) > 10_000:
        raise InvalidValueError(f"answer: expected a number or rows, got {text!r:.40}")
    t = text.strip()
    try:
        if t.startswith("["):
            value = json.loads(t)
            if isinstance(value, list) and value and not isinstance(value[0], list):
                value = [value]
            return [[_finite(float(x), t) for x in row] for row in value]
        if ";" in t or " " in t or "," in t:
            rows = [r.replace(",", " ").split() for r in t.split(";")]
            return [[_finite(float(x), t) for x in row] for row in rows]
        return _finite(float(t), t)
    except (ValueError, TypeError, OverflowError, RecursionError):
        raise InvalidValueError(
            f"answer: expected a number, [[rows]] or '1 2; 3 4', got {t!r:.40}"
        ) from None


def grade(pg: Playground, answers: object) -> dict:
    """The quiz: the typed answers graded by :func:`chainrule.check`."""
    if not isinstance(answers, dict) or not answers:
        raise InvalidValueError(
            f"answers: expected an object of symbol to typed value, got {answers!r:.60}"
        )
    try:
        from chainrule.explainer.assess.grading import check
    except ImportError:  # pragma: no cover - while check is not in this version
        raise ConfigError("the quiz needs chainrule.check (chainrule >= 0.2)") from None
    parsed = {str(k): parse_answer(v) for k, v in answers.items()}
    report = check(pg.explanation(), parsed)
    items = [
        {
            "symbol": it.symbol,
            "ok": bool(it.ok),
            "verdict": it.verdict,
            "reason": hide_expected(it.verdict, it.reason),
        }
        for it in report.items
    ]
    return {"score": float(report.score), "items": items}


def hide_expected(verdict: str, reason: str) -> str:
    """A verdict's reason without the expected number, which the quiz hides;
    other reasons (a shape, a sign) as they are.

    >>> why = "wrong value: row 1, column 2: expected -1.92, got 5"
    >>> hide_expected("wrong value", why)
    'wrong value: row 1, column 2 is not right'
    >>> hide_expected("wrong shape", "wrong shape: expected 3×3, got 1×3")
    'wrong shape: expected 3×3, got 1×3'
    """
    if verdict != "wrong value":
        return reason
    short = _EXPECTED.sub("", reason)
    return short if short == reason else f"{short} is not right"


def export_bytes(pg: Playground, fmt: str) -> tuple[bytes, str, str]:
    """The derivation or the model as ``(bytes, file name, media type)``."""
    if fmt not in EXPORTS:
        raise InvalidValueError(
            f"format: expected one of {list(EXPORTS)}, got {fmt!r:.40}"
        )
    name, media = EXPORTS[fmt]
    if fmt == "safetensors":
        data = model_bytes(pg.net.config(), pg.net.params, {"title": pg.title})
        return data, name, media
    ex = pg.explanation()
    text = {
        "markdown": ex.to_markdown,
        "latex": ex.to_latex,
        "html": ex.to_html,
    }[fmt](PRECISION)
    return text.encode("utf-8"), name, media
