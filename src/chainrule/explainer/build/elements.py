"""Every product of a derivation written out element by element.

With ``level="element"``, :func:`chainrule.explain` writes each product term
by term, as seed 000 asks in its questions 8, 9 and 13::

    z⁽³⁾₁₁ = a⁽²⁾₁₁W⁽²⁾₁₁ + a⁽²⁾₁₂W⁽²⁾₂₁ + a⁽²⁾₁₃W⁽²⁾₃₁

and every ``∂J/∂W`` element as the sum of one contribution per example, the
sum that the matrix product ``(a⁽²⁾)ᵀδ⁽³⁾`` performs. At both levels every
product also shows its shapes and every transpose its reason
(:mod:`chainrule.explainer.build.shapes`).

The records are :class:`~chainrule.explainer.model.Detail` lines attached to
the steps. Each line's ``value`` is the step's own value at ``index``; its
``factors`` are the operands' elements, whose products add up to that value
to rounding.

Examples
--------
>>> import chainrule as cr
>>> net = cr.Network([2, 3, 1], bias=False)
>>> net.set_params({"W1": [[1, 1, 1], [1, 1, 1]], "W2": [[1], [1], [1]]})
>>> ex = cr.explain(net, [[3, 5]], [[0.75]], level="element")
>>> ex["z3"].details[1].text
'z⁽³⁾₁₁ = a⁽²⁾₁₁W⁽²⁾₁₁ + a⁽²⁾₁₂W⁽²⁾₂₁ + a⁽²⁾₁₃W⁽²⁾₃₁'
>>> ex["dJdW2"].details[2].kind, ex["dJdW2"].details[2].factors[0][0]
('examples', 0.9996646498695336)
"""

from __future__ import annotations

import dataclasses
import re

from chainrule.errors import InvalidValueError, UnknownNameError
from chainrule.explainer.notation.names import Names
from chainrule.explainer.build.shapes import SHAPES, Operands
from chainrule.explainer.model.step import Detail, Step

LEVELS = ("matrix", "element")
#: At most this many element lines in one explanation: past it, a derivation
#: written element by element is no longer something to read.
MAX_ELEMENTS = 400
_SUB = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_KEY = re.compile(r"(z|dJdW|dJdb|dJda|delta)(\d+)('?)")


def check_level(level: object) -> str:
    """``level`` if it is ``"matrix"`` or ``"element"``."""
    if level not in LEVELS:
        raise UnknownNameError(
            f"level: unknown name {level!r}; expected one of {LEVELS}"
        )
    return str(level)


def count_elements(sizes: list[int], n: int, bias: list[bool]) -> int:
    """How many element lines ``level="element"`` writes for one pass."""
    total = 0
    for l in range(1, len(sizes)):
        fan_in, fan_out = sizes[l - 1], sizes[l]
        total += n * fan_out + fan_in * fan_out + (fan_out if bias[l - 1] else 0)
        if l > 1:
            total += 2 * n * fan_in  # ∂J/∂a and δ below the top
    return total


def check_size(sizes: list[int], n: int, bias: list[bool]) -> None:
    """Refuse an element-level derivation too long to read."""
    count = count_elements(sizes, n, bias)
    if count > MAX_ELEMENTS:
        raise InvalidValueError(
            f"level: 'element' writes every element of every product: this network "
            f"and {n} example(s) would need {count} lines, at most {MAX_ELEMENTS}; "
            "use level='matrix' or fewer examples"
        )


def element(names: Names, key: str, i: int, j: int) -> tuple[str, str]:
    """The plain and LaTeX name of element ``(i, j)`` (from 0) of ``key``.

    Indices are written from 1, as the seeds do: ``a⁽²⁾₁₂``; seed 001's
    bracket notation separates them with a comma: ``W[2]₁,₂``.
    """
    sep = "," if names.notation == "bracket" or max(i, j) > 8 else ""
    idx = f"{i + 1}{sep}{j + 1}"
    base = key.rstrip("'")
    prime = "'" * (len(key) - len(base))
    if base.startswith("dJd"):
        t, x = element(names, base[3:] + prime, i, j)
        cost, cost_tex = names.text("J"), names.latex("J")
        return f"∂{cost}/∂{t}", rf"\frac{{\partial {cost_tex}}}{{\partial {x}}}"
    text = names.text(base) + prime + idx.translate(_SUB)
    return text, f"{{{names.latex(base)}{prime}}}_{{{idx}}}"


class _Expander(Operands):
    """The element lines of each kind of product."""

    def el(self, key: str, i: int, j: int) -> tuple[str, str]:
        return element(self.names, key, i, j)

    def expand(self, kind: str, key: str, prime: str, terms) -> list[Detail]:
        """One line per element of ``key``; ``terms(r, c)`` gives its products."""
        out = []
        value = self.val(key, prime)
        for r in range(value.shape[0]):
            for c in range(value.shape[1]):
                pairs = terms(r, c)
                text = " + ".join(f"{x[0]}{y[0]}" for (x, y), _ in pairs)
                tex = " + ".join(f"{x[1]} {y[1]}".strip() for (x, y), _ in pairs)
                lhs = self.el(key + prime, r, c)
                factors = tuple(tuple(float(v) for v in f) for _, f in pairs)
                line = (f"{lhs[0]} = {text}", f"{lhs[1]} = {tex}")
                out.append(Detail(kind, *line, (r, c), factors, float(value[r, c])))
        return out

    def z(self, l: int, prime: str) -> list[Detail]:
        a, W = self.val(self.prev(l), prime), self.val(f"W{l}", prime)
        act = "X" if l == 1 else f"a{l}{prime}"
        has_b = f"b{l}{prime}" in self.by
        b = self.val(f"b{l}", prime) if has_b else None

        def terms(n, j):
            out = [
                (
                    (self.el(act, n, i), self.el(f"W{l}{prime}", i, j)),
                    (a[n, i], W[i, j]),
                )
                for i in range(W.shape[0])
            ]
            if has_b:
                out.append(((self.el(f"b{l}{prime}", 0, j), ("", "")), (b[0, j],)))
            return out

        return self.expand("element", f"z{l + 1}", prime, terms)

    def dJdW(self, l: int, prime: str) -> list[Detail]:
        p, d = self.prev(l), f"delta{l + 1}"
        a, g, W = self.val(p, prime), self.val(d, prime), self.val(f"W{l}", prime)
        note = self.by[f"dJdW{l}{prime}"].note
        l2 = float(note.split("= ")[1]) if note.startswith("λ = ") else 0.0

        def terms(i, j):
            out = [
                ((self.el(p, n, i), self.el(d + prime, n, j)), (a[n, i], g[n, j]))
                for n in range(a.shape[0])
            ]
            if l2:
                lam = (("λ", r"\lambda"), self.el(f"W{l}{prime}", i, j))
                out.append((lam, (l2, W[i, j])))
            return out

        return self.expand("examples", f"dJdW{l}", prime, terms)

    def dJdb(self, l: int, prime: str) -> list[Detail]:
        d = f"delta{l + 1}"
        g = self.val(d, prime)

        def terms(_, j):
            none = ("", "")
            return [
                ((self.el(d + prime, n, j), none), (g[n, j],))
                for n in range(g.shape[0])
            ]

        return self.expand("examples", f"dJdb{l}", prime, terms)

    def dJda(self, l: int, prime: str) -> list[Detail]:
        d = f"delta{l + 1}"
        g, W = self.val(d, prime), self.val(f"W{l}", prime)

        def terms(n, k):
            return [
                (
                    (self.el(d + prime, n, j), self.el(f"W{l}{prime}", k, j)),
                    (g[n, j], W[k, j]),
                )
                for j in range(W.shape[1])
            ]

        return self.expand("element", f"dJda{l}", prime, terms)

    def delta(self, l: int, prime: str) -> list[Detail]:
        g, fp = self.val(f"dJda{l}", prime), self.val(f"fprime{l}", prime)
        f = self.names.f

        def terms(n, j):
            z, zt = self.el(f"z{l}{prime}", n, j)
            prime_f = (f" {f}′({z})", rf" \cdot {f}'({zt})")
            return [((self.el(f"dJda{l}{prime}", n, j), prime_f), (g[n, j], fp[n, j]))]

        return self.expand("element", f"delta{l}", prime, terms)

    def details(self, s: Step, level: str) -> tuple:
        m = _KEY.fullmatch(s.symbol)
        if m is None or s.phase not in ("forward", "backward", "forward_again"):
            return ()
        kind, l, prime = m.group(1), int(m.group(2)), m.group(3)
        if kind == "delta" and l == self.names.n_layers + 1:
            return ()  # the output δ: its formula depends on the cost
        if kind == "z":
            l -= 1  # z{l+1} is the product of layer l
        out = SHAPES[kind](self, l, prime)
        if level == "element":
            out += getattr(self, kind)(l, prime)
        return tuple(out)


def annotate(steps: list[Step], names: Names, level: str = "matrix") -> list[Step]:
    """The steps with their :class:`Detail` lines (shapes, transposes, elements).

    Parameters
    ----------
    steps : list of Step
        A derivation's steps, as :func:`chainrule.explain` records them.
    names : Names
        The notation the steps are written in.
    level : {"matrix", "element"}
        ``"element"`` adds every element of every product, term by term.

    Returns
    -------
    list of Step
        New steps; those without a product are returned unchanged.
    """
    level = check_level(level)
    ex = _Expander({s.symbol: s for s in steps}, names)
    return [
        dataclasses.replace(s, details=s.details + ex.details(s, level)) for s in steps
    ]
