"""A worksheet from its data file: questions and prose in TOML, numbers from
:func:`chainrule.explain`.

Every number of a worksheet comes from ``explain`` of a built-in example (the
values the seed gives, and those it leaves open chosen and stated in the
example); this module and :mod:`~chainrule.explainer.worksheets.parts` only
pick and label them. ``data/<name>.toml`` holds one worksheet:

- its metadata, before every table: ``name``, ``title``, ``summary`` (one
  line for ``chainrule worksheet --list``), ``order`` (its place in that
  list), ``source``, ``description``, ``choices`` (the values the seed leaves
  open, and what was chosen), ``errata`` (whose misprints it lists);
- ``[explanations]``: each name is an explanation, ``{example = "seed004",
  level = "element"}`` (any option of ``explain``), or ``{after = "up",
  learning_rate = 3.0}``: the network of explanation ``up`` after its update,
  on the same data;
- ``[shapes]``: named lists of ``[matrix, rows, cols]``, an expression's
  ``MatrixSymbol`` shapes;
- ``[[questions]]``: ``number`` (default: its position), ``text`` and
  ``[[questions.parts]]``; or one question per step, ``each_step = "ex"``
  with ``phases = [...]``, ``[questions.ask]`` (a step's question by its key;
  else its formula) and parts that read that step (``only = [keys]``: for
  those steps alone).

A part's ``kind`` is a key of :data:`PARTS`; ``of`` names the explanation it
reads and ``key`` the step. In a question's text, a concept and a choice,
``{ex.key}`` is the value of step ``key`` of explanation ``ex`` (or one of
:data:`QUANTITIES`), ``{ex.key:.6g}`` that value so formatted and
``{ex.key.note}`` the step's note; a number is written ``:g``, a matrix
``[1 2; 3 4]``.
"""

from __future__ import annotations

import dataclasses
import re
import tomllib
from collections.abc import Callable
from functools import cache
from importlib import resources

import numpy as np

from chainrule.errors import DataFileError
from chainrule.explainer.build.explanation import Explanation
from chainrule.explainer.problems.errata import errata
from chainrule.explainer.problems.files import load_example
from chainrule.explainer.worksheets.model import Part, Question, Worksheet
from chainrule.explainer.worksheets.parts import (
    concept,
    dimension,
    elements,
    explain_problem,
    expression,
    number,
    value,
)

__all__ = ["PARTS", "QUANTITIES", "catalogue", "from_data", "from_text"]


# ----------------------------------------------- values inside sentences
def _given(ex: Explanation, letters: str) -> int:
    return sum(np.size(s.value) for s in ex.phase("given") if s.symbol[0] in letters)


#: Values of an explanation that are not one step's, by name.
QUANTITIES: dict[str, Callable[[Explanation], float | int | None]] = {
    "learning_rate": lambda ex: ex.learning_rate,
    # one step each: every layer's weighted sum and activation, then the cost
    "n_functions": lambda ex: len(ex.phase("forward")),
    "n_weights": lambda ex: _given(ex, "W"),
    "n_parameters": lambda ex: _given(ex, "Wb"),
}
PLACEHOLDER = re.compile(r"\{(\w+)\.([\w']+)(\.note)?(?::([^{}]*))?\}")


def _written(v, spec: str) -> str:
    """A number ``:g`` (or ``spec``); a matrix ``[1 2; 3 4]``."""
    a = np.asarray(v)
    if a.size == 1:
        return format(a.item(), spec or "g")
    rows = np.atleast_2d(a)
    return "[" + "; ".join(" ".join(f"{x:g}" for x in row) for row in rows) + "]"


# ------------------------------------------------------------ the reader
@dataclasses.dataclass
class _Reader:
    """One data file being read: its explanations, and where errors point."""

    doc: dict
    found: dict  # explanation name -> (Problem, Explanation)
    where: str

    def fail(self, message: str) -> DataFileError:
        return DataFileError(f"{self.where}: {message}")

    def of(self, spec: dict) -> Explanation:
        name = spec.get("of")
        if name not in self.found:
            raise self.fail(f"of: expected one of {list(self.found)}, got {name!r}")
        return self.found[name][1]

    def quantity(self, ex: Explanation, key: str):
        if key in ex:
            return ex[key].value
        if key in QUANTITIES:
            return QUANTITIES[key](ex)
        raise self.fail(f"{key!r}: neither a step nor one of {list(QUANTITIES)}")

    def fill(self, text: str) -> str:
        """``text`` with each placeholder replaced (see the module's docstring)."""

        def one(m: re.Match) -> str:
            name, key, note, spec = m.groups()
            ex = self.of({"of": name})
            if note and key not in ex:
                raise self.fail(
                    f"{m.group()}: explanation {name!r} has no step {key!r}"
                )
            return (
                ex[key].note if note else _written(self.quantity(ex, key), spec or "")
            )

        return PLACEHOLDER.sub(one, text)

    def parts(self, spec: dict) -> list[Part]:
        kind = spec.get("kind")
        if kind not in PARTS:
            raise self.fail(
                f"unknown part kind {kind!r}; expected one of {list(PARTS)}"
            )
        try:
            return PARTS[kind](self, spec)
        except KeyError as exc:  # a key the part lacks, or a step not explained
            raise self.fail(
                f"{kind} part: no {exc} (a key of the part, or a step of "
                f"explanation {spec.get('of')!r})"
            ) from None


def _value(r: _Reader, s: dict) -> list[Part]:
    ex = r.of(s)
    if "quantity" in s:
        x = float(r.quantity(ex, s["quantity"]))
        return [value(s["label"], s["label_latex"], x)]
    v = ex[s["key"]].value
    v = v.T.copy() if s.get("transpose") else v
    return [value(s["label"], s["label_latex"], v, key=s["key"])]


def _elements(r: _Reader, s: dict) -> list[Part]:
    """The lines of a step; nothing at all when it has none and no lead."""
    part = elements(r.of(s), s["key"], s.get("lead", ""), tuple(s.get("kinds", ())))
    return [part] if part.details or part.text else []


def _expression(r: _Reader, s: dict) -> list[Part]:
    shapes = tuple(tuple(x) for x in r.doc.get("shapes", {}).get(s.get("shapes"), ()))
    return [
        expression(s["text"], s["latex"], s.get("expr", ""), shapes, s.get("key", ""))
    ]


def _formula(r: _Reader, s: dict) -> list[Part]:
    step = r.of(s)[s["key"]]
    return [expression(step.formula, step.formula_latex, key=step.symbol)]


def _per_example(r: _Reader, s: dict) -> list[Part]:
    """Each example's own gradient, from a pass over that example alone, and
    their sum."""
    r.of(s)  # checks the name
    p = r.found[s["of"]][0]
    parts, total = [], 0.0
    for n in range(p.X.shape[0]):
        g = p.network.trace(p.X[n : n + 1], p.y[n : n + 1]).gradients[s["gradient"]]
        total = total + g
        label, tex = (s[k].replace("{n}", str(n + 1)) for k in ("label", "label_latex"))
        parts.append(value(label, tex, g, key=s["key"]))
    parts.append(value(s["sum_label"], s["sum_label_latex"], total))
    return parts


def _chain(r: _Reader, s: dict):
    chain = r.of(s).scalar_chain
    if chain is None:
        raise r.fail(f"{s['kind']}: explanation {s['of']!r} is not a scalar chain")
    return chain


def _chain_table(r: _Reader, s: dict) -> list[Part]:
    """The rows of a scalar chain's table: function; derivative = value."""
    return [
        value(
            f"{row.function};  {row.derivative}",
            row.derivative_latex,
            row.value,
            row.symbol,
        )
        for row in _chain(r, s).rows
    ]


def _chain_products(r: _Reader, s: dict) -> list[Part]:
    """For each weight, ``lead`` (``{target}`` its name), then its links."""
    out = []
    for target, links in _chain(r, s).products:
        out.append(concept(s["lead"].replace("{target}", target)))
        for k in links:
            label = f"{k.name} = {k.product}" if k.product else k.name
            tex = f"{k.name_latex} = {k.product_latex}" if k.product else k.name_latex
            out.append(value(label, tex, k.value, k.symbol))
    return out


#: A part's ``kind``: what it reads (``of`` an explanation, ``key`` a step).
PARTS: dict[str, Callable[[_Reader, dict], list[Part]]] = {
    "dimension": lambda r, s: [dimension(r.of(s), s["key"], s["words"])],
    "number": lambda r, s: [
        number(r.of(s), s["key"], s.get("label", ""), s.get("label_latex", ""))
    ],
    "numbers": lambda r, s: [
        number(r.of(s), x.symbol) for x in r.of(s).phase(s["phase"])
    ],
    "value": _value,  # a step's value (``transpose``) or a quantity, labelled
    "elements": _elements,
    "expression": _expression,
    "formula": _formula,  # a step's formula, as an expression
    "concept": lambda r, s: [concept(r.fill(s["text"]))],
    "per_example": _per_example,
    "chain_table": _chain_table,
    "chain_products": _chain_products,
}


def _each_step(r: _Reader, q: dict, start: int) -> list[Question]:
    """One question per step of ``q["phases"]``, numbered on from ``start``."""
    of = q["each_step"]
    steps = [s for s in r.of({"of": of}) if s.phase in q["phases"]]
    ask = q.get("ask", {})
    only = {k for spec in q["parts"] for k in spec.get("only", ())}
    unknown = sorted((set(ask) | only) - {s.symbol for s in steps})
    if unknown:
        raise r.fail(f"each_step: no step {unknown[0]!r} in {q['phases']}")
    out = []
    for k, step in enumerate(steps, start=start + 1):
        r.where = f"worksheet {r.doc['name']}, question {k}"
        parts = [
            part
            for spec in q["parts"]
            if step.symbol in spec.get("only", (step.symbol,))
            for part in r.parts({"of": of, "key": step.symbol, **spec})
        ]
        text = r.fill(ask[step.symbol]) if step.symbol in ask else step.formula
        out.append(Question(str(k), text, tuple(parts)))
    return out


def _questions(r: _Reader) -> tuple[Question, ...]:
    out: list[Question] = []
    for q in r.doc.get("questions", ()):
        if "each_step" in q:
            out += _each_step(r, q, len(out))
            continue
        n = str(q.get("number", len(out) + 1))
        r.where = f"worksheet {r.doc['name']}, question {n}"
        parts = [part for spec in q["parts"] for part in r.parts(spec)]
        out.append(Question(n, r.fill(q["text"]), tuple(parts)))
    return tuple(out)


def _explanations(specs: dict, where: str) -> dict:
    """Each named explanation, in order (``after`` names an earlier one)."""
    found = {}
    for name, spec in specs.items():
        options = dict(spec)
        try:
            if "after" in options:  # the network after that explanation's update
                p, ex = found[options.pop("after")]
                net = p.network.copy()
                net.set_params({k: ex[f"{k}'"].value for k in net.params})
                p = dataclasses.replace(p, network=net)
            else:
                p = load_example(options.pop("example"))
            found[name] = (p, explain_problem(p, **options))
        except (KeyError, TypeError) as exc:
            raise DataFileError(
                f"{where}: explanations.{name}: {exc} (expected example = NAME or "
                "after = an earlier explanation with an update, and options of "
                "explain)"
            ) from None
    return found


def _folder():
    return resources.files("chainrule.explainer.worksheets") / "data"


def from_text(text: str, name: str) -> Worksheet:
    """The worksheet that the TOML ``text`` describes, answered.

    ``name`` is the name it must give itself (see the module's docstring for
    the format). Every mistake is a ``DataFileError`` that names the worksheet
    and the question.

    Examples
    --------
    >>> ws = from_text('''
    ... name = "mine"
    ... title = "One scalar chain"
    ... source = "My notes"
    ... description = "Two questions."
    ... [explanations]
    ... ex = { example = "seed004" }
    ... [[questions]]
    ... text = "With α = {ex.learning_rate}, what is ŷ?"
    ... [[questions.parts]]
    ... kind = "number"
    ... of = "ex"
    ... key = "yHat"
    ... [[questions]]
    ... text = "Did J fall?"
    ... [[questions.parts]]
    ... kind = "concept"
    ... text = "Yes, from {ex.J:.2f} to {ex.J':.4f}."
    ... ''', "mine")
    >>> ws["1"].text, ws["1"].part("number").value
    ('With α = 0.1, what is ŷ?', array([[1.2]]))
    >>> ws["2"].part("concept").text
    'Yes, from 0.32 to 0.0041.'
    """
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"worksheet {name}: not valid TOML: {exc}") from None
    if doc.get("name") != name:
        raise DataFileError(f"worksheet {name}: name: expected {name!r}")
    where = f"worksheet {name}"
    r = _Reader(doc, _explanations(doc.get("explanations", {}), where), where)
    questions = _questions(r)
    r.where = f"worksheet {name}, choices"
    return Worksheet(
        name=name,
        title=doc["title"],
        source=doc["source"],
        description=doc["description"],
        choices=tuple(r.fill(c) for c in doc.get("choices", ())),
        questions=questions,
        errata=errata(doc["errata"]) if "errata" in doc else (),
    )


def from_data(name: str) -> Worksheet:
    """The worksheet of ``worksheets/data/<name>.toml``, answered."""
    return from_text((_folder() / f"{name}.toml").read_text(encoding="utf-8"), name)


@cache
def catalogue() -> dict[str, tuple[str, str]]:
    """Every worksheet of ``data/``: name to (file, summary), in ``order``.

    Only each file's metadata are read: the keys before its first table.
    """
    found = []
    for f in _folder().iterdir():
        if f.name.endswith(".toml"):
            head = re.split(
                r"^\[", f.read_text(encoding="utf-8"), maxsplit=1, flags=re.M
            )
            meta = tomllib.loads(head[0])
            found.append((meta.get("order", 0), f.name[:-5], f.name, meta["summary"]))
    return {name: (file, summary) for _, name, file, summary in sorted(found)}
