"""Helpers that turn an explanation's steps into a worksheet's answer parts.

Every number of a worksheet comes from :func:`chainrule.explain` of a built-in
example (the values the seed gives, and those it leaves open chosen and
stated in the example); these helpers only pick and label them.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources

import numpy as np

from chainrule.errors import DataFileError
from chainrule.explainer.build.derivation import explain
from chainrule.explainer.build.explanation import Explanation
from chainrule.explainer.problems.errata import errata
from chainrule.explainer.problems.files import Problem, load_example
from chainrule.explainer.worksheets.model import Part, Question, Worksheet

__all__ = ["concept", "dimension", "elements", "errata", "explained", "expression"]
__all__ += ["from_data", "number", "value"]


def explained(example: str, **options) -> tuple[Problem, Explanation]:
    """A built-in example and its explanation (``options`` go to ``explain``)."""
    p = load_example(example)
    kw = {"learning_rate": p.learning_rate, "notation": p.notation}
    kw.update(options)
    return p, explain(p.network, p.X, p.y, **kw)


def dimension(ex: Explanation, key: str, words: str) -> Part:
    """``key``'s shape, ``rows × cols``, and what its rows and columns are."""
    s = ex[key]
    r, c = s.shape
    return Part(
        "dimension",
        f"{s.name} is {r} × {c}: {words}",
        rf"{s.name_latex} \in \mathbb{{R}}^{{{r} \times {c}}}",
        value=(r, c),
        key=key,
    )


def number(ex: Explanation, key: str, label: str = "", label_latex: str = "") -> Part:
    """The value of step ``key``, labelled by its name (or ``label``)."""
    s = ex[key]
    return Part(
        "number",
        label or s.name,
        label_latex or s.name_latex,
        value=s.value,
        key=key,
    )


def value(label: str, label_latex: str, x, key: str = "") -> Part:
    """A number that is not one step's value (a count, a per-example gradient)."""
    return Part("number", label, label_latex, value=x, key=key)


def expression(
    text: str, latex: str, expr: str = "", shapes: tuple = (), key: str = ""
) -> Part:
    """An equation, with its SymPy form when it has one."""
    return Part("expression", text, latex, expr=expr, sympy_shapes=shapes, key=key)


def elements(ex: Explanation, key: str, lead: str, kinds: tuple = ()) -> Part:
    """The detail lines of step ``key`` (only ``kinds``, when given)."""
    details = tuple(d for d in ex[key].details if not kinds or d.kind in kinds)
    return Part("elements", lead, details=details, key=key)


def concept(text: str) -> Part:
    """An answer in words."""
    return Part("concept", text)


# ------------------------------------------------------------- data files
def _fill(text: str, problems: dict) -> str:
    """``{name.y}`` in ``text``: the targets of the example ``name``."""

    def one(m: re.Match) -> str:
        y = problems[m.group(1)].y
        if y.size == 1:
            return f"{y.item():g}"
        return np.array2string(y.ravel(), separator="; ")

    return re.sub(r"\{(\w+)\.y\}", one, text)


def _per_example(spec: dict, p: Problem) -> list[Part]:
    """Each example's own gradient, from a pass over that example alone, and
    their sum."""
    parts, total = [], 0.0
    for n in range(p.X.shape[0]):
        g = p.network.trace(p.X[n : n + 1], p.y[n : n + 1]).gradients[spec["gradient"]]
        total = total + g
        label, tex = (
            spec[k].replace("{n}", str(n + 1)) for k in ("label", "label_latex")
        )
        parts.append(value(label, tex, g, key=spec["key"]))
    parts.append(value(spec["sum_label"], spec["sum_label_latex"], total))
    return parts


def _parts(spec: dict, doc: dict, found: dict) -> list[Part]:
    """The answer parts that one ``[[questions.parts]]`` table describes."""
    kind = spec["kind"]
    p, ex = found.get(spec.get("of", ""), (None, None))
    if kind == "dimension":
        return [dimension(ex, spec["key"], spec["words"])]
    if kind == "number":
        label = (spec.get("label", ""), spec.get("label_latex", ""))
        return [number(ex, spec["key"], *label)]
    if kind == "elements":
        return [elements(ex, spec["key"], spec["lead"], tuple(spec.get("kinds", ())))]
    if kind == "expression":
        shapes = tuple(tuple(s) for s in doc["shapes"].get(spec.get("shapes"), ()))
        expr = spec.get("expr", "")
        return [
            expression(spec["text"], spec["latex"], expr, shapes, spec.get("key", ""))
        ]
    if kind == "concept":
        return [concept(spec["text"])]
    if kind == "value":
        v = ex[spec["key"]].value
        v = v.T.copy() if spec.get("transpose") else v
        return [value(spec["label"], spec["label_latex"], v, key=spec["key"])]
    if kind == "per_example":
        return _per_example(spec, p)
    raise DataFileError(f"worksheet {doc['name']}: unknown part kind {kind!r}")


def from_data(name: str) -> Worksheet:
    """The worksheet of ``worksheets/data/<name>.toml``, answered."""
    path = resources.files("chainrule.explainer.worksheets") / "data" / f"{name}.toml"
    doc = tomllib.loads(path.read_text(encoding="utf-8"))
    found = {k: explained(**spec) for k, spec in doc["explanations"].items()}
    problems = {k: p for k, (p, _) in found.items()}
    questions = tuple(
        Question(
            q["number"],
            q["text"],
            tuple(part for s in q["parts"] for part in _parts(s, doc, found)),
        )
        for q in doc["questions"]
    )
    return Worksheet(
        name=doc["name"],
        title=doc["title"],
        source=doc["source"],
        description=doc["description"],
        choices=tuple(_fill(c, problems) for c in doc.get("choices", ())),
        questions=questions,
        errata=errata(doc["errata"]) if "errata" in doc else (),
    )
