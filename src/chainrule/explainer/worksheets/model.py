"""The data of a worksheet: questions in the seed's own numbering, answered.

A :class:`Worksheet` holds the :class:`Question` records of one seed, each
with its :class:`Part` answers (a dimension, an expression, the products
written out element by element, numbers, a sentence), the values that the
seed leaves open and this worksheet chooses, and the seed's misprints
(:class:`Erratum`). The renderings are in
the ``worksheet_to_*`` functions of :mod:`chainrule.explainer.render`.

An expression part's ``expr`` is the same equation in SymPy's syntax, for a
computer-algebra check (``Part.sympy()``): element symbols are written
``a2_11`` (``a⁽²⁾₁₁``), ``W2_21``, ``delta3_11``, ``X_12``; whole matrices are
``MatrixSymbol`` names ``a2``, ``W2``, ``delta3``, ``X``, ``fprime2``
(``f′(z⁽²⁾)``), with ``.T`` for a transpose and ``HadamardProduct`` for ``∘``;
``sympy_shapes`` gives each matrix name's shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from chainrule.errors import ConfigError
from chainrule.explainer.problems.errata import Erratum

__all__ = ["Erratum", "Part", "Question", "Worksheet"]

KINDS = ("dimension", "expression", "elements", "number", "concept")


@dataclass(frozen=True)
class Part:
    """One part of an answer.

    Attributes
    ----------
    kind : {"dimension", "expression", "elements", "number", "concept"}
    text : str
        The answer in plain text; for ``"number"`` the label of the value,
        for ``"elements"`` a lead-in to the detail lines.
    latex : str
        The same in LaTeX math, for the kinds that are equations.
    value : float, array or tuple, optional
        ``"number"``: the value (float or ``(rows, cols)`` array);
        ``"dimension"``: the shape, a tuple.
    details : tuple of Detail
        ``"elements"``: the lines of :mod:`chainrule.explainer.build.elements`.
    expr : str
        ``"expression"``: the equation's right-hand side in SymPy syntax.
    sympy_shapes : tuple of (str, int, int)
        The shape of each ``MatrixSymbol`` that ``expr`` names.
    key : str
        The Welch key of the quantity answered (``"dJdW2"``), if any.
    """

    kind: str
    text: str
    latex: str = ""
    value: Any = None
    details: tuple = ()
    expr: str = ""
    sympy_shapes: tuple = ()
    key: str = ""

    def sympy(self):
        """``expr`` parsed by SymPy (needs the ``sympy`` package).

        Examples
        --------
        >>> p = Part("expression", "", expr="a2.T*delta3",
        ...          sympy_shapes=(("a2", 3, 3), ("delta3", 3, 1)))
        >>> p.sympy().shape
        (3, 1)
        """
        try:
            import sympy
            from sympy.parsing.sympy_parser import parse_expr
        except ImportError:  # pragma: no cover - depends on the environment
            raise ConfigError("Part.sympy needs SymPy: pip install sympy") from None
        names = {n: sympy.MatrixSymbol(n, r, c) for n, r, c in self.sympy_shapes}
        names["HadamardProduct"] = sympy.HadamardProduct
        return parse_expr(self.expr, local_dict=names)


@dataclass(frozen=True)
class Question:
    """A question (or problem, or derivation step) of the seed, with its answer.

    Attributes
    ----------
    number : str
        The seed's own number (``"11a"``, ``"11b"`` where the seed repeats
        one; ``"5.1"`` for a section's problem).
    text : str
        The question in chainrule's own words.
    parts : tuple of Part
    """

    number: str
    text: str
    parts: tuple = ()

    def part(self, kind: str) -> Part:
        """The first part of the given kind."""
        for p in self.parts:
            if p.kind == kind:
                return p
        raise KeyError(f"question {self.number} has no {kind!r} part")


@dataclass
class Worksheet:
    """Every question of one seed, answered (see :func:`worksheet`).

    Attributes
    ----------
    name : str
        ``"seed000"``, ``"seed001"``, ``"seed002"``, ``"seed004"``, ``"part4"``.
    title, source, description : str
    choices : tuple of str
        The values the seed leaves open, and what this worksheet chose.
    questions : tuple of Question
    errata : tuple of Erratum
    """

    name: str
    title: str
    source: str
    description: str
    choices: tuple = ()
    questions: tuple = ()
    errata: tuple = field(default=())

    def __getitem__(self, number: str) -> Question:
        """The question with the seed's number ``number``."""
        for q in self.questions:
            if q.number == str(number):
                return q
        raise KeyError(
            f"{self.name} has no question {number!r}; "
            f"it has {[q.number for q in self.questions]}"
        )

    def __repr__(self) -> str:
        return f"Worksheet({self.name!r}, {len(self.questions)} questions)"

    def to_text(self, precision: int = 6, width: int = 100) -> str:
        """Plain text (Unicode), the prose folded at ``width`` columns."""
        from chainrule.explainer.render.text import worksheet_to_text as to_text

        return to_text(self, precision, width)

    def to_markdown(self, precision: int = 6) -> str:
        """Markdown with ``$...$`` math."""
        from chainrule.explainer.render.markdown import (
            worksheet_to_markdown as to_markdown,
        )

        return to_markdown(self, precision)

    def to_latex(self, precision: int = 6) -> str:
        """A complete LaTeX document."""
        from chainrule.explainer.render.latex import worksheet_to_latex as to_latex

        return to_latex(self, precision)

    def to_html(self, precision: int = 6) -> str:
        """A self-contained page to hand out (MathML; needs ``latex2mathml``)."""
        from chainrule.explainer.render.html import worksheet_to_html as to_html

        return to_html(self, precision)

    def to_json(self) -> str:
        """Every question, part and erratum, values as nested lists."""
        from chainrule.explainer.render.json import worksheet_to_json as to_json

        return to_json(self)
