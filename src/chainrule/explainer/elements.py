"""Shapes, transposes and element-level expansions of a derivation's products.

Every matrix product of :func:`chainrule.explain` gets a ``"shapes"`` line,
``(3×3)ᵀ(3×1) → (3×1)``, and every transpose a one-line reason. With
``level="element"`` each product is also written out element by element, as
seed 000 asks in its questions 8, 9 and 13::

    z⁽³⁾₁₁ = a⁽²⁾₁₁W⁽²⁾₁₁ + a⁽²⁾₁₂W⁽²⁾₂₁ + a⁽²⁾₁₃W⁽²⁾₃₁

and every ``∂J/∂W`` element as the sum of one contribution per example,
the sum that the matrix product ``(a⁽²⁾)ᵀδ⁽³⁾`` performs.

The records are :class:`~chainrule.explainer.steps.Detail` lines attached to
the steps; their numbers are the steps' own values (this module multiplies
the operands again only to show each term; the sum of the terms equals the
step's value to rounding).

Examples
--------
>>> import chainrule as cr
>>> net = cr.Network([2, 3, 1], bias=False)
>>> net.set_params({"W1": [[1, 1, 1], [1, 1, 1]], "W2": [[1], [1], [1]]})
>>> ex = cr.explain(net, [[3, 5]], [[0.75]], level="element")
>>> [d.text for d in ex["dJdW2"].details][:2]
['(a⁽²⁾)ᵀ δ⁽³⁾: (1×3)ᵀ(1×1) → (3×1)', 'a⁽²⁾ is examples × units (1×3) and \
δ⁽³⁾ is examples × outputs (1×1); ∂J/∂W⁽²⁾ must be shaped like W⁽²⁾, units × outputs \
(3×1), so a⁽²⁾ is transposed and the product sums over the examples']
>>> ex["z3"].details[1].text
'z⁽³⁾₁₁ = a⁽²⁾₁₁W⁽²⁾₁₁ + a⁽²⁾₁₂W⁽²⁾₂₁ + a⁽²⁾₁₃W⁽²⁾₃₁'
"""

from __future__ import annotations

import dataclasses
import re

import numpy as np

from chainrule.errors import InvalidValueError, UnknownNameError
from chainrule.explainer.names import Names
from chainrule.explainer.steps import Detail, Step

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


def shape_str(shape: tuple) -> str:
    """``"3×1"``."""
    return "×".join(str(s) for s in shape)


def _index(names: Names, i: int, j: int) -> str:
    sep = "," if names.notation == "bracket" or max(i, j) > 9 else ""
    return f"{i + 1}{sep}{j + 1}"


def element(names: Names, key: str, i: int, j: int) -> tuple[str, str]:
    """The plain and LaTeX name of element ``(i, j)`` (from 0) of ``key``."""
    idx = _index(names, i, j)
    base = key.rstrip("'")
    prime = "'" * (len(key) - len(base))
    if base.startswith("dJd"):
        cost = names.text("J")
        cost_tex = names.latex("J")
        t, x = element(names, base[3:], i, j)
        return (
            f"∂{cost}/∂{t}{prime}",
            rf"\frac{{\partial {cost_tex}}}{{\partial {x}}}",
        )
    text = names.text(base) + prime + idx.translate(_SUB)
    return text, f"{{{names.latex(base)}{prime}}}_{{{idx}}}"


def _shape_line(form: str, form_tex: str, shapes: str, shapes_tex: str) -> Detail:
    return Detail("shapes", f"{form}: {shapes}", rf"{form_tex}: {shapes_tex}")


def _dims(shape: tuple) -> tuple[str, str]:
    return f"({shape_str(shape)})", rf"({shape[0]}\times {shape[1]})"


class _Annotator:
    """Build the details of one explanation's steps from their values."""

    def __init__(self, steps: list[Step], names: Names, level: str) -> None:
        self.by = {s.symbol: s for s in steps}
        self.names = names
        self.element = level == "element"

    def val(self, key: str, prime: str) -> np.ndarray:
        k = key if key in ("X", "y") else key + prime
        return np.atleast_2d(self.by[k].value)

    def txt(self, key: str) -> str:
        return self.names.text(key)

    def tex(self, key: str) -> str:
        return self.names.latex(key)

    def details(self, s: Step) -> tuple:
        m = _KEY.fullmatch(s.symbol)
        if m is None or s.phase not in ("forward", "backward", "forward_again"):
            return ()
        kind, l, prime = m.group(1), int(m.group(2)), m.group(3)
        if kind == "delta" and l == self.names.n_layers + 1:
            return ()
        make = {
            "z": self.z,
            "dJdW": self.dJdW,
            "dJdb": self.dJdb,
            "dJda": self.dJda,
            "delta": self.delta,
        }[kind]
        return tuple(make(l, prime))

    def units(self, k: int) -> str:
        """What the columns of layer ``k``'s activity are (Welch numbering)."""
        L = self.names.n_layers
        if k == 1:
            return "inputs"
        if k == L + 1:
            return "outputs"
        return "units" if L == 2 else f"layer-{k} units"

    def act(self, l: int, prime: str) -> str:
        """``prev(l)`` with the prime of a forward pass again (``X`` has none)."""
        return "X" if l == 1 else f"a{l}{prime}"

    def prev(self, l: int) -> str:
        """The activity that layer ``l``'s weights read (``X`` or ``a{l}``)."""
        return "X" if l == 1 else f"a{l}"

    def z(self, k: int, prime: str) -> list[Detail]:
        l = k - 1
        a, W = self.val(self.prev(l), prime), self.val(f"W{l}", prime)
        has_b = f"b{l}" + prime in self.by
        pa, pw = self.txt(self.prev(l)), self.txt(f"W{l}")
        (da, dat), (dw, dwt) = _dims(a.shape), _dims(W.shape)
        out = _dims((a.shape[0], W.shape[1]))
        form, form_tex = (
            f"{pa} {pw}",
            f"{self.names.latex(self.prev(l))} {self.names.latex(f'W{l}')}",
        )
        shapes, shapes_tex = f"{da}{dw} → {out[0]}", rf"{dat}{dwt} \to {out[1]}"
        if has_b:
            db = _dims(self.val(f"b{l}", prime).shape)
            form += f" + {self.txt(f'b{l}')}"
            form_tex += f" + {self.names.latex(f'b{l}')}"
            shapes += f", plus {db[0]} added to every row"
            shapes_tex += rf",\ \text{{plus}}\ {db[1]}\ \text{{added to every row}}"
        lines = [_shape_line(form, form_tex, shapes, shapes_tex)]
        if not self.element:
            return lines
        b = self.val(f"b{l}", prime) if has_b else None
        for n in range(a.shape[0]):
            for j in range(W.shape[1]):
                terms = [
                    (
                        element(self.names, self.act(l, prime), n, i),
                        element(self.names, f"W{l}{prime}", i, j),
                    )
                    for i in range(W.shape[0])
                ]
                factors = [(a[n, i], W[i, j]) for i in range(W.shape[0])]
                if b is not None:
                    terms.append((element(self.names, f"b{l}{prime}", 0, j), ("", "")))
                    factors.append((b[0, j],))
                lhs = element(self.names, f"z{k}{prime}", n, j)
                lines.append(
                    self._sum("element", lhs, terms, factors, (n, j), f"z{k}", prime)
                )
        return lines

    def _sum(self, kind, lhs, terms, factors, idx, key, prime) -> Detail:
        text = " + ".join(f"{x[0]}{y[0]}" for x, y in terms)
        tex = " + ".join(f"{x[1]} {y[1]}".strip() for x, y in terms)
        value = float(self.val(key, prime)[idx])
        return Detail(
            kind,
            f"{lhs[0]} = {text}",
            f"{lhs[1]} = {tex}",
            idx,
            tuple(tuple(float(v) for v in f) for f in factors),
            value,
        )

    def dJdW(self, l: int, prime: str) -> list[Detail]:
        p = self.prev(l)
        a, d = self.val(p, prime), self.val(f"delta{l + 1}", prime)
        pa, pd, pw = self.txt(p), self.txt(f"delta{l + 1}"), self.txt(f"W{l}")
        lt, dt = self.names.latex(p), self.names.latex(f"delta{l + 1}")
        (da, dat), (dd, ddt) = _dims(a.shape), _dims(d.shape)
        out = _dims((a.shape[1], d.shape[1]))
        reason = (
            f"{pa} is examples × {self.units(l)} {da} and {pd} is examples × "
            f"{self.units(l + 1)} {dd}; {self.txt(f'dJdW{l}')} must be shaped like "
            f"{pw}, {self.units(l)} × {self.units(l + 1)} {out[0]}, so {pa} is "
            "transposed and the product sums over the examples"
        )
        bare = "X" if p == "X" and self.names.notation == "welch" else f"({pa})"
        bare_tex = "X" if bare == "X" else f"({lt})"
        lines = [
            _shape_line(
                f"{bare}ᵀ {pd}",
                rf"{bare_tex}^{{\top}} {dt}",
                f"{da}ᵀ{dd} → {out[0]}",
                rf"{dat}^{{\top}}{ddt} \to {out[1]}",
            ),
            Detail("transpose", reason, reason),
        ]
        if not self.element:
            return lines
        l2 = self._l2(l, prime)
        for i in range(a.shape[1]):
            for j in range(d.shape[1]):
                terms = [
                    (
                        element(self.names, p, n, i),
                        element(self.names, f"delta{l + 1}{prime}", n, j),
                    )
                    for n in range(a.shape[0])
                ]
                factors = [(a[n, i], d[n, j]) for n in range(a.shape[0])]
                if l2:
                    W = self.val(f"W{l}", prime)
                    terms.append(
                        (("λ", r"\lambda"), element(self.names, f"W{l}{prime}", i, j))
                    )
                    factors.append((l2, W[i, j]))
                lhs = element(self.names, f"dJdW{l}{prime}", i, j)
                lines.append(
                    self._sum(
                        "examples", lhs, terms, factors, (i, j), f"dJdW{l}", prime
                    )
                )
        return lines

    def _l2(self, l: int, prime: str) -> float:
        note = self.by[f"dJdW{l}{prime}"].note
        return float(note.split("= ")[1]) if note.startswith("λ = ") else 0.0

    def dJdb(self, l: int, prime: str) -> list[Detail]:
        d = self.val(f"delta{l + 1}", prime)
        pd = self.txt(f"delta{l + 1}")
        dd = _dims(d.shape)
        out = _dims((1, d.shape[1]))
        lines = [
            _shape_line(
                f"Σₙ {pd}",
                rf"\sum_n {self.names.latex(f'delta{l + 1}')}",
                f"{d.shape[0]} rows of {dd[0]} added → {out[0]}".replace(
                    "1 rows", "1 row"
                ),
                rf"{d.shape[0]}\ \text{{rows of}}\ {dd[1]}\ \text{{added}}"
                rf" \to {out[1]}",
            )
        ]
        if not self.element:
            return lines
        for j in range(d.shape[1]):
            terms = [
                (element(self.names, f"delta{l + 1}{prime}", n, j), ("", ""))
                for n in range(d.shape[0])
            ]
            factors = [(d[n, j],) for n in range(d.shape[0])]
            lhs = element(self.names, f"dJdb{l}{prime}", 0, j)
            lines.append(
                self._sum("examples", lhs, terms, factors, (0, j), f"dJdb{l}", prime)
            )
        return lines

    def dJda(self, l: int, prime: str) -> list[Detail]:
        d, W = self.val(f"delta{l + 1}", prime), self.val(f"W{l}", prime)
        pd, pw, pa = self.txt(f"delta{l + 1}"), self.txt(f"W{l}"), self.txt(f"a{l}")
        (dd, ddt), (dw, dwt) = _dims(d.shape), _dims(W.shape)
        out = _dims((d.shape[0], W.shape[0]))
        reason = (
            f"{pd} is examples × {self.units(l + 1)} {dd} and {pw} is "
            f"{self.units(l)} × {self.units(l + 1)} {dw}; {self.txt(f'dJda{l}')} "
            f"must be shaped like {pa}, examples × {self.units(l)} {out[0]}, so "
            f"{pw} is transposed and the product sums over the {self.units(l + 1)} "
            "each unit feeds"
        )
        lines = [
            _shape_line(
                f"{pd} ({pw})ᵀ",
                rf"{self.tex(f'delta{l + 1}')} ({self.tex(f'W{l}')})^{{\top}}",
                f"{dd}{dw}ᵀ → {out[0]}",
                rf"{ddt}{dwt}^{{\top}} \to {out[1]}",
            ),
            Detail("transpose", reason, reason),
        ]
        if not self.element:
            return lines
        for n in range(d.shape[0]):
            for k in range(W.shape[0]):
                terms = [
                    (
                        element(self.names, f"delta{l + 1}{prime}", n, j),
                        element(self.names, f"W{l}{prime}", k, j),
                    )
                    for j in range(W.shape[1])
                ]
                factors = [(d[n, j], W[k, j]) for j in range(W.shape[1])]
                lhs = element(self.names, f"dJda{l}{prime}", n, k)
                lines.append(
                    self._sum("element", lhs, terms, factors, (n, k), f"dJda{l}", prime)
                )
        return lines

    def delta(self, l: int, prime: str) -> list[Detail]:
        g, fp = self.val(f"dJda{l}", prime), self.val(f"fprime{l}", prime)
        pg, pf = self.txt(f"dJda{l}"), self.txt(f"fprime{l}")
        dg = _dims(g.shape)
        lines = [
            _shape_line(
                f"{pg} ∘ {pf}",
                rf"{self.tex(f'dJda{l}')} \circ {self.tex(f'fprime{l}')}",
                f"{dg[0]} ∘ {dg[0]} → {dg[0]}, element by element",
                rf"{dg[1]} \circ {dg[1]} \to {dg[1]}",
            )
        ]
        if not self.element:
            return lines
        for n in range(g.shape[0]):
            for j in range(g.shape[1]):
                terms = [
                    (
                        element(self.names, f"dJda{l}{prime}", n, j),
                        self._fprime(l, prime, n, j),
                    )
                ]
                lhs = element(self.names, f"delta{l}{prime}", n, j)
                lines.append(
                    self._sum(
                        "element",
                        lhs,
                        terms,
                        [(g[n, j], fp[n, j])],
                        (n, j),
                        f"delta{l}",
                        prime,
                    )
                )
        return lines

    def _fprime(self, l: int, prime: str, n: int, j: int) -> tuple[str, str]:
        z, zt = element(self.names, f"z{l}{prime}", n, j)
        f = self.names.f
        return f" {f}′({z})", rf" \cdot {f}'({zt})"


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
    ann = _Annotator(steps, names, check_level(level))
    return [dataclasses.replace(s, details=s.details + ann.details(s)) for s in steps]
