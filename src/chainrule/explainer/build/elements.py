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
    bracket notation separates them with a comma: ``W[2]₁,₂``, and so does
    the column convention, in CS230's names: ``dZ[2]₁,₁``, ``dW[1]₂,₁``.
    """
    column = names.style == "column"
    sep = "," if names.notation == "bracket" or column or max(i, j) > 8 else ""
    idx = f"{i + 1}{sep}{j + 1}"
    base = key.rstrip("'")
    prime = "'" * (len(key) - len(base))
    if base.startswith("dJd") and not column:
        t, x = element(names, base[3:] + prime, i, j)
        cost, cost_tex = names.text("J"), names.latex("J")
        return f"∂{cost}/∂{t}", rf"\frac{{\partial {cost_tex}}}{{\partial {x}}}"
    text = names.text(base) + prime + idx.translate(_SUB)
    return text, f"{{{names.latex(base)}{prime}}}_{{{idx}}}"


class _Expander(Operands):
    """The element lines of each kind of product."""

    def el(self, key: str, i: int, j: int) -> tuple[str, str]:
        return element(self.names, key, i, j)

    def l2(self, l: int, prime: str) -> float:
        """The L2 strength λ of ``∂J/∂W{l}`` (its step's note says it), or 0."""
        note = self.by[f"dJdW{l}{prime}"].note
        return float(note.split("= ")[1]) if note.startswith("λ = ") else 0.0

    def expand(
        self, kind: str, key: str, prime: str, terms, per_m: int | None = None
    ) -> list[Detail]:
        """One line per element of ``key``; ``terms(r, c)`` gives its products.

        ``per_m``: CS230's ``(1/m)`` in front of the sum (each term's factors
        start with ``1/m``).
        """
        out = []
        value = self.val(key, prime)
        for r in range(value.shape[0]):
            for c in range(value.shape[1]):
                pairs = terms(r, c)
                text = " + ".join(f"{x[0]}{y[0]}" for (x, y), _ in pairs)
                tex = " + ".join(f"{x[1]} {y[1]}".strip() for (x, y), _ in pairs)
                lhs = self.el(key + prime, r, c)
                factors = tuple(tuple(float(v) for v in f) for _, f in pairs)
                if per_m:
                    text, tex = f"(1/m)({text})", rf"\frac{{1}}{{m}}({tex})"
                    factors = tuple((1 / per_m, *f) for f in factors)
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
        l2 = self.l2(l, prime)

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


class ColumnExpander(_Expander):
    """The element lines of CS230's column convention (``Z = WA + b``).

    The steps' values are the column convention's matrices: ``W[l]`` is
    outputs × inputs, ``A[l]``, ``Z[l]``, ``dZ[l]``, ``dA[l]`` units ×
    examples; ``per_m`` is CS230's ``m`` of a mean cost (``dW`` and ``db``
    carry ``1/m``), ``None`` where the convention has no such factor.
    """

    def __init__(self, steps, names: Names, per_m: int | None) -> None:
        super().__init__(steps, names)
        self.per_m = per_m

    def z(self, l: int, prime: str) -> list[Detail]:
        """``Z[l]ⱼ,ₙ = Σᵢ W[l]ⱼ,ᵢ A[l−1]ᵢ,ₙ + b[l]ⱼ``."""
        A, W = self.val(self.prev(l), prime), self.val(f"W{l}", prime)
        act = "X" if l == 1 else f"a{l}{prime}"
        has_b = f"b{l}{prime}" in self.by
        b = self.val(f"b{l}", prime) if has_b else None

        def terms(j, n):
            out = [
                (
                    (self.el(f"W{l}{prime}", j, i), self.el(act, i, n)),
                    (W[j, i], A[i, n]),
                )
                for i in range(W.shape[1])
            ]
            if has_b:
                out.append(((self.el(f"b{l}{prime}", j, 0), ("", "")), (b[j, 0],)))
            return out

        return self.expand("element", f"z{l + 1}", prime, terms)

    def dJdW(self, l: int, prime: str) -> list[Detail]:
        """``dW[l]ⱼ,ᵢ = (1/m) Σₙ dZ[l]ⱼ,ₙ A[l−1]ᵢ,ₙ`` (+ ``λ W[l]ⱼ,ᵢ``)."""
        p, d = self.prev(l), f"delta{l + 1}"
        A, G, W = self.val(p, prime), self.val(d, prime), self.val(f"W{l}", prime)
        l2 = self.l2(l, prime)
        per_m = self.per_m

        def terms(j, i):
            out = [
                ((self.el(d + prime, j, n), self.el(p, i, n)), (G[j, n], A[i, n]))
                for n in range(A.shape[1])
            ]
            if l2:  # inside (1/m)(...), λ W is written m λ W
                lam_name = ("mλ", r"m\lambda") if per_m else ("λ", r"\lambda")
                lam = (lam_name, self.el(f"W{l}{prime}", j, i))
                out.append((lam, (l2 * (per_m or 1), W[j, i])))
            return out

        return self.expand("examples", f"dJdW{l}", prime, terms, per_m)

    def dJdb(self, l: int, prime: str) -> list[Detail]:
        """``db[l]ⱼ = (1/m) Σₙ dZ[l]ⱼ,ₙ``."""
        d = f"delta{l + 1}"
        G = self.val(d, prime)

        def terms(j, _):
            none = ("", "")
            return [
                ((self.el(d + prime, j, n), none), (G[j, n],))
                for n in range(G.shape[1])
            ]

        return self.expand("examples", f"dJdb{l}", prime, terms, self.per_m)

    def dJda(self, l: int, prime: str) -> list[Detail]:
        """``dA[l−1]ᵢ,ₙ = Σⱼ W[l]ⱼ,ᵢ dZ[l]ⱼ,ₙ``: ``W[l]ᵀ dZ[l]``."""
        d = f"delta{l + 1}"
        G, W = self.val(d, prime), self.val(f"W{l}", prime)

        def terms(i, n):
            return [
                (
                    (self.el(f"W{l}{prime}", j, i), self.el(d + prime, j, n)),
                    (W[j, i], G[j, n]),
                )
                for j in range(W.shape[0])
            ]

        return self.expand("element", f"dJda{l}", prime, terms)

    def details(self, s: Step, level: str) -> tuple:
        m = _KEY.fullmatch(s.symbol)
        if m is None or s.phase not in ("forward", "backward", "forward_again"):
            return ()
        kind, l, prime = m.group(1), int(m.group(2)), m.group(3)
        if kind == "delta" and l == self.names.n_layers + 1:
            return ()  # the output dZ: its formula depends on the cost
        if kind == "z":
            l -= 1
        return tuple(getattr(self, kind)(l, prime))


def annotate(
    steps: list[Step], names: Names, level: str = "matrix", per_m: int | None = None
) -> list[Step]:
    """The steps with their :class:`Detail` lines (shapes, transposes, elements).

    Parameters
    ----------
    steps : list of Step
        A derivation's steps, as :func:`chainrule.explain` records them.
    names : Names
        The notation the steps are written in. In the column convention the
        element lines are CS230's (``Z[l] = W[l] A[l−1] + b[l]``, ``W[l]``
        outputs × inputs, ``A[l]`` units × examples), read from the same
        steps' values; the shapes' prose is the row convention's only.
    level : {"matrix", "element"}
        ``"element"`` adds every element of every product, term by term.
    per_m : int, optional
        The column convention of a mean cost: ``m``, the ``1/m`` that CS230
        writes in ``dW`` and ``db`` (its ``dZ`` and ``dA`` are ``m`` times the
        row convention's ``δ`` and ``∂J/∂a``).

    Returns
    -------
    list of Step
        New steps; those without a product are returned unchanged.
    """
    level = check_level(level)
    by = {s.symbol: s for s in steps}
    if names.style == "column":
        if level == "matrix":
            return list(steps)
        ex = ColumnExpander(by, names, per_m)
    else:
        ex = _Expander(by, names)
    return [
        dataclasses.replace(s, details=s.details + ex.details(s, level)) for s in steps
    ]
