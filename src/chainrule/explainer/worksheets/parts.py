"""The answer parts of a worksheet, each made from an explanation's steps.

Every number of a worksheet comes from :func:`chainrule.explain` of a built-in
example; these helpers only pick and label them. The data files name them by
their ``kind`` (:data:`chainrule.explainer.worksheets.build.PARTS`).
"""

from __future__ import annotations

from chainrule.explainer.build.derivation import explain
from chainrule.explainer.build.explanation import Explanation
from chainrule.explainer.problems.files import Problem
from chainrule.explainer.worksheets.model import Part

__all__ = ["concept", "dimension", "elements", "explain_problem", "expression"]
__all__ += ["number", "value"]


def explain_problem(p: Problem, **options) -> Explanation:
    """``p`` explained with its learning rate and notation, or ``options``."""
    kw = {"learning_rate": p.learning_rate, "notation": p.notation}
    kw.update(options)
    return explain(p.network, p.X, p.y, **kw)


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
