"""Quizzes: an explanation with chosen values hidden, its answer key, and a
student's own numbers for a problem.

- :func:`blank` copies an explanation with the chosen steps' values hidden
  (NaN, which every renderer prints as ``?``), so that the renderers need no
  special case;
- :func:`key_toml` writes the hidden values as an answer key (TOML), read
  back by :func:`read_answers`; :func:`chainrule.check` grades against it;
- :func:`draw_problem` gives a problem new weights and data from a seed, so
  each student gets a different sheet with its own key.

Examples
--------
>>> from chainrule.explainer.problems.files import load_example
>>> ex = load_example("seed004").explain()
>>> quiz = blank(ex, ["dJdW1"])
>>> "?" in quiz.to_text() and "-1.92" not in quiz.to_text()
True
>>> print(key_toml(ex, ["dJdW1"]), end="")
# answer key: chainrule check KEY ANSWERS grades against it
[answers]
dJdW1 = [[-1.92]]
<BLANKLINE>
[sheet]
examples = 1
convention = "row"
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from chainrule.errors import DataFileError, InvalidValueError
from chainrule.explainer.assess.grading import aliases_of, resolve_quantity
from chainrule.explainer.build.explanation import Explanation
from chainrule.explainer.model.step import PLACEHOLDER, Step
from chainrule.explainer.problems.files import Problem
from chainrule.persist.text_files import load_toml, read_text_file
from chainrule.validation import check_seed


def _symbols(ex: Explanation, names: Iterable[str], argument: str) -> list[str]:
    values = {s.symbol: s.value for s in ex.steps}
    aliases = aliases_of(list(values))
    names = list(names)
    if not names:
        raise InvalidValueError(f"{argument}: expected at least one quantity name")
    try:
        return [resolve_quantity(n, values, aliases) for n in names]
    except InvalidValueError as exc:  # pragma: no cover - names are strings
        raise InvalidValueError(f"{argument}: {exc}") from None


def leaks(ex: Explanation, names: Iterable[str]) -> tuple[str, ...]:
    """The shown steps that would give away a blank of ``names``.

    A step gives a blank away when its printed formula reads the blank
    (:attr:`~chainrule.explainer.model.Step.uses`) and its value is shown:
    with the formula's other operands on the sheet, one operation recovers
    the blank. That is a step after it (``W := W − α · ?``, ``∂J/∂a = δ Wᵀ``,
    ``∂J/∂ŷ`` revealing ``ŷ``, a product whose other factor is shown) or a
    line printed before it that reads it (a path's sum, the cost table).

    Parameters
    ----------
    ex : Explanation
    names : iterable of str
        The quantities to blank, as :func:`blank` takes them.

    Returns
    -------
    tuple of str
        The symbols of those steps, in the explanation's order; the blanks
        themselves are not among them.

    Examples
    --------
    >>> from chainrule.explainer.problems.files import load_example
    >>> leaks(load_example("seed004").explain(), ["dJdW1"])
    ("W1'",)
    """
    chosen = set(_symbols(ex, names, "blank"))
    return tuple(
        s.symbol for s in ex.steps if s.symbol not in chosen and chosen & set(s.uses)
    )


def blank(ex: Explanation, names: Iterable[str]) -> Explanation:
    """A copy of ``ex`` with the values of the steps ``names`` hidden.

    Every step that would give a blank away (:func:`leaks`) is hidden too, so
    that no value on the sheet lets a blank be recovered by one printed
    formula.

    Parameters
    ----------
    ex : Explanation
    names : iterable of str
        Welch keys (``"dJdW1"``, ``"delta2"``) or seed 001's bracket names.

    Returns
    -------
    Explanation
        The same steps; the chosen ones and their leaks hold NaN (printed
        ``?``) with no element-by-element lines; a step that reads a hidden
        value shows ``?`` for it, and its own element lines (which would
        print the hidden numbers) are left out. The scalar chain's table,
        whose products would give the blanks away, is left out.

    Raises
    ------
    UnknownNameError
        A name that is not a step of ``ex`` (with a suggestion).
    """
    hidden = set(_symbols(ex, names, "blank")) | set(leaks(ex, names))
    return Explanation(
        [_hide(s, hidden) for s in ex.steps],
        notation=ex.notation,
        learning_rate=ex.learning_rate,
        network=ex.network,
        title=ex.title,
        description=ex.description,
        chain=None,
        convention=ex.convention,
        update_biases=ex.update_biases,
    )


_NUMBER_DETAILS = ("element", "examples", "cost")


def _hide(s: Step, hidden: set[str]) -> Step:
    """``s`` with its value hidden if it is in ``hidden``, and no line under
    it that prints a hidden number."""
    reads_hidden = bool(hidden & set(s.uses))
    if s.symbol not in hidden and not reads_hidden:
        return s
    changes: dict[str, object] = {
        "details": tuple(d for d in s.details if d.kind not in _NUMBER_DETAILS)
    }
    if not PLACEHOLDER.search(s.substitution):
        # numbers written into the text (a path's sum): nothing to fill with ?
        changes.update(substitution="", substitution_latex="")
    if s.symbol in hidden:
        nan = np.full(np.shape(s.value), np.nan)
        changes["value"] = float("nan") if s.shape == () else nan
        if s.phase == "descent":
            changes["note"] = ""  # the sentence quotes the costs
    return dataclasses.replace(s, **changes)


def key_toml(ex: Explanation, names: Iterable[str] | None = None) -> str:
    """The answer key of ``names`` (default: every step but the given values).

    Floats are written with Python's shortest round-trip ``repr``, so the key
    holds the explanation's numbers bit for bit. A ``[sheet]`` table gives
    the number of examples and the convention, which name the factor of the
    verdict "off by a factor" (N, or m in the column convention).
    """
    if names is None:
        chosen = [s.symbol for s in ex.steps if s.phase != "given"]
    else:
        chosen = _symbols(ex, names, "answers")
    lines = ["# answer key: chainrule check KEY ANSWERS grades against it", "[answers]"]
    for symbol in dict.fromkeys(chosen):
        value = ex[symbol].value
        text = repr(float(value)) if np.ndim(value) == 0 else _rows(value)
        lines.append(f"{_key(symbol)} = {text}")
    if "X" in ex:  # the sheet: N (or m) for the verdict "off by a factor"
        n = ex["X"].shape[ex.convention == "column"]
        lines += ["", "[sheet]", f"examples = {n}", f'convention = "{ex.convention}"']
    return "\n".join(lines) + "\n"


def _key(symbol: str) -> str:
    bare = symbol.replace("_", "").isalnum()
    return symbol if bare else json.dumps(symbol)


def _rows(value: np.ndarray) -> str:
    rows = ", ".join("[" + ", ".join(repr(float(x)) for x in r) + "]" for r in value)
    return f"[{rows}]"


def read_answers(path: str | Path) -> dict[str, object]:
    """A TOML file of answers: an ``[answers]`` table, or top-level keys."""
    p = Path(path)
    doc = load_toml(read_text_file(p, "answers"), str(p), "answers")
    table = doc.get("answers", doc)
    if not isinstance(table, dict) or not table:
        raise DataFileError(
            f"{p}: answers: expected a table of quantities such as dJdW1 = [[0.1]]"
        )
    return table


def draw_problem(problem: Problem, seed: object) -> Problem:
    """``problem`` with its own weights and data drawn from ``seed``.

    Weights, biases and inputs are drawn with one decimal (easy to work by
    hand) from [−1, 1] and [−2, 2]; targets fit the cost: two decimals in
    [0, 1] for sse and mse, 0 or 1 for bce, one-hot rows for cce. The same
    seed gives the same sheet.
    """
    seed = check_seed(seed)
    if seed is None:
        raise InvalidValueError("seed: expected an integer >= 0, got None")
    rng = np.random.default_rng(seed)
    net = problem.network.copy()
    net.set_params(
        {k: np.round(rng.uniform(-1, 1, v.shape), 1) for k, v in net.params.items()}
    )
    n, k = problem.X.shape[0], net.n_outputs
    X = np.round(rng.uniform(-2, 2, problem.X.shape), 1)
    if net.loss == "cce":
        y = np.eye(k)[rng.integers(0, k, n)]
    elif net.loss == "bce":
        y = rng.integers(0, 2, (n, k)).astype(float)
    else:
        y = np.round(rng.uniform(0, 1, (n, k)), 2)
    title = f"{problem.title or 'Problem'} (sheet {seed})"
    note = (
        f"Sheet {seed}: the network of this problem with weights and data of "
        "your own (drawn from the seed); the numbers in the problem's own "
        "statement do not apply."
    )
    return dataclasses.replace(
        problem, network=net, X=X, y=y, title=title, description=note
    )
