"""The chain rule for one weight: a product of local derivatives per path.

``∂J/∂W{l}[i, j]`` is a sum over every path from the weight up to the cost
(and over the examples): the weight feeds ``z{l+1}`` unit ``j``; that unit's
activation feeds every unit of the next layer, and so on up to each output.
Along one path the derivative is the product of the local derivatives, read
from the top as the classic worked examples write it::

    ∂J/∂ŷ_o · ∂ŷ_o/∂z_o · ∂z_o/∂a_k · ∂a_k/∂z_k · … · ∂z_j/∂W[i, j]
      = ∂J/∂ŷ[o] · f′(z)[o] · W[k, o] · f′(z)[k] · … · a[i]

Every factor is the value of a step of the explanation (the trace's numbers);
the total equals the explanation's ``∂J/∂W`` at that element (plus ``λ W[i, j]``
with an L2 penalty). Indices in the target are 0-based, as in NumPy
(``"W2[0,0]"``); the names in the formulas are 1-based, as in the seeds. In
the column convention the target indexes the column convention's matrix
(outputs × inputs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product

import numpy as np

from chainrule.core.activations import get_activation
from chainrule.errors import InvalidValueError
from chainrule.explainer.notation.forms import cs230_m
from chainrule.explainer.notation.names import Names, subscript

MAX_PATHS = 512
_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_TARGET = re.compile(r"(W|b)(\d+)\[(\d+)(?:,\s*(\d+))?\]")


@dataclass(frozen=True)
class Factor:
    """One local derivative of a path: ``∂ŷ₁/∂z₁⁽³⁾ = 0.186816``."""

    name: str
    name_latex: str
    value: float


@dataclass(frozen=True)
class Path:
    """One path from the weight to the cost: its factors and their product."""

    example: int
    units: tuple  # the unit of each layer along the path, bottom up (0-based)
    factors: tuple
    value: float


@dataclass(frozen=True)
class WeightChain:
    """``∂J/∂W{l}[i, j]`` as the sum over paths of products of local derivatives.

    Attributes
    ----------
    target : str
        As asked: ``"W2[0,0]"``.
    name, name_latex : str
        ``∂J/∂W⁽²⁾₁,₁`` in the explanation's notation.
    paths : tuple of Path
    penalty : float
        ``λ W[i, j]`` from an L2 penalty (0 without one).
    total : float
        The sum of the paths' products and the penalty.
    gradient : float
        The explanation's ``∂J/∂W`` at that element (the trace's number).
    gradient_name : str
        That element's name in the explanation's notation: ``∂J/∂W⁽²⁾₁₁``,
        ``g[1W]₁,₁``, ``dW[1]₁,₁``.
    """

    target: str
    name: str
    name_latex: str
    paths: tuple
    penalty: float
    total: float
    gradient: float
    gradient_name: str = "∂J/∂W"

    def to_text(self, precision: int = 6) -> str:
        """One line per path: the factors' names, then their values."""
        fmt = _fmt(precision)
        lines = [f"{self.name}  ({self.target}): {len(self.paths)} path(s)"]
        for p in self.paths:
            names = " · ".join(f.name for f in p.factors)
            values = " · ".join(fmt(f.value) for f in p.factors)
            head = f"  example {p.example + 1}: " if _many(self.paths) else "  "
            lines.append(f"{head}{names}")
            lines.append(f"{' ' * len(head)}= {values} = {fmt(p.value)}")
        if self.penalty:
            lines.append(f"  + λ W = {fmt(self.penalty)}")
        lines.append(
            f"  total = {fmt(self.total)}  ({self.gradient_name} in the explanation: "
        )
        lines[-1] += f"{fmt(self.gradient)})"
        return "\n".join(lines) + "\n"

    def __str__(self) -> str:
        return self.to_text()


def _fmt(precision: int):
    def fmt(x: float) -> str:
        s = f"{float(x):.{precision}g}"
        return f"({s})" if s.startswith("-") else s

    return fmt


def _many(paths: tuple) -> bool:
    return len({p.example for p in paths}) > 1


def parse_target(target: object, shapes: dict, column: bool) -> tuple:
    """``"W2[0,0]"`` as ``(kind, l, i, j)`` in the row convention's indices."""
    m = _TARGET.fullmatch(target.replace(" ", "")) if isinstance(target, str) else None
    one_index = m is not None and m.group(4) is None and m.group(1) == "W"
    if m is None or one_index or f"{m.group(1)}{m.group(2)}" not in shapes:
        raise InvalidValueError(
            f"target: expected a parameter element such as 'W2[0,0]' or 'b1[0,2]' "
            f"of {list(shapes)}, got {target!r}"
        )
    kind, l = m.group(1), int(m.group(2))
    r, c = int(m.group(3)), m.group(4)
    shape = shapes[f"{kind}{l}"][::-1] if column else shapes[f"{kind}{l}"]
    if c is None:  # a bias given by one index: its unit
        r, c = (r, 0) if column else (0, r)
    idx = (r, int(c))
    if not all(0 <= x < s for x, s in zip(idx, shape, strict=True)):
        raise InvalidValueError(
            f"target: index {list(idx)} is outside {kind}{l}, whose shape is {shape}"
        )
    i, j = idx[::-1] if column else idx
    return kind, l, i, j


class Spell:
    """Element names ``a₂⁽²⁾``, ``a[1]₂``, ``A[1]₂`` in the explanation's style."""

    def __init__(self, style: str, L: int):
        self.style, self.L = style, L

    def node(self, kind: str, l: int, u: int) -> tuple[str, str]:
        """``kind`` in {a, z} of Welch layer ``l``, unit ``u`` (0-based)."""
        s, k = subscript(str(u + 1)), u + 1
        if kind == "a" and l == self.L + 1 and self.style == "welch":
            return f"ŷ{s}", rf"\hat{{y}}_{{{k}}}"
        if kind == "a" and l == 1 and self.style == "welch":
            return f"x{s}", f"x_{{{k}}}"
        if self.style == "welch":
            return f"{kind}{s}⁽{str(l).translate(_SUP)}⁾", f"{kind}_{{{k}}}^{{({l})}}"
        big = kind.upper() if self.style == "column" else kind
        return f"{big}[{l - 1}]{s}", f"{big}_{{{k}}}^{{[{l - 1}]}}"

    def param(self, kind: str, l: int, i: int, j: int, column: bool) -> tuple:
        """``W₁,₂⁽²⁾`` / ``W[2]₁,₂``; a bias by its unit alone, ``b₂⁽²⁾``."""
        a, b = (j, i) if column else (i, j)
        k = f"{j + 1}" if kind == "b" else f"{a + 1},{b + 1}"
        s = subscript(k)
        if self.style == "welch":
            return f"{kind}{s}⁽{str(l).translate(_SUP)}⁾", f"{kind}_{{{k}}}^{{({l})}}"
        return f"{kind}[{l}]{s}", f"{kind}_{{{k}}}^{{[{l}]}}"

    def cost(self) -> tuple[str, str]:
        return ("L", r"\mathcal{L}") if self.style == "bracket" else ("J", "J")


def _d(top: tuple, bottom: tuple, value: float) -> Factor:
    return Factor(
        f"∂{top[0]}/∂{bottom[0]}",
        rf"\frac{{\partial {top[1]}}}{{\partial {bottom[1]}}}",
        float(value),
    )


def row_values(ex):
    """A reader of ``ex``'s values as the trace holds them, in any convention.

    ``row_values(ex)(key)`` is the value of the step ``key`` one example per
    row (the column convention's matrices transposed back) and as a true
    derivative of ``J`` (CS230's ``dA``, ``dZ``, which are ``m`` times
    ``∂J/∂A``, ``∂J/∂Z``, divided by ``m``): the numbers of
    :meth:`chainrule.Network.trace`, read from the explanation's records.

    Examples
    --------
    >>> import chainrule as cr
    >>> net = cr.Network([2, 1], output_activation="sigmoid", loss="bce", bias=False)
    >>> X, y = [[3.0, 1.0], [0.0, 1.0]], [[1.0], [0.0]]
    >>> ex = cr.explain(net, X, y, convention="column")
    >>> ex["X"].value.tolist(), row_values(ex)("X").tolist()
    ([[3.0, 0.0], [1.0, 1.0]], [[3.0, 1.0], [0.0, 1.0]])
    >>> bool(abs(row_values(ex)("delta2") * 2 - ex["delta2"].value.T).max() < 1e-15)
    True
    """
    column = ex.convention == "column"
    n_all = np.shape(ex["X"].value)[1 if column else 0]
    per_m = cs230_m(ex.convention, ex.network["loss"], n_all) or 1

    seen: dict[str, np.ndarray] = {}  # a chain reads each value once per path

    def val(key: str) -> np.ndarray:
        if key not in seen:
            v = np.asarray(ex[key].value)
            if key == "dJdyHat" or key.startswith("delta"):
                v = v / per_m  # CS230's dA[L], dZ[L] are m · ∂J/∂A, m · ∂J/∂Z
            seen[key] = v.T if column and v.ndim == 2 else v
        return seen[key]

    return val


def weight_chain(ex, target: str) -> WeightChain:
    """The chain of ``target`` (``"W2[0,0]"``) from the explanation ``ex``."""
    net = ex.network
    column = ex.convention == "column"
    val = row_values(ex)
    L = len(net["sizes"]) - 1
    keys = [s.symbol for s in ex.phase("given") if s.symbol not in ("X", "y")]
    shapes = {k: np.shape(val(k)) for k in keys}
    kind, l, i, j = parse_target(target, shapes, column)
    X = val("X")
    n, widths = X.shape[0], net["sizes"][l + 1 :]
    count = n * int(np.prod(widths))
    if count > MAX_PATHS:
        raise InvalidValueError(
            f"target: {target} has {count} paths (examples × units above it), more "
            f"than {MAX_PATHS}; explain one example (example_index) or a smaller "
            "network"
        )
    style = "column" if column else ex.notation
    sp = Spell(style, L)
    elementwise = get_activation(net["activation"][-1]).elementwise
    paths = []
    for e in range(n):
        for above in product(*(range(w) for w in widths)):
            paths.append(
                _path(val, sp, kind, l, i, j, e, above, L, elementwise, column)
            )
    penalty = (
        float(net.get("l2") or 0) * float(val(f"W{l}")[i, j]) if kind == "W" else 0.0
    )
    grad = val(f"dJd{kind}{l}")
    name = sp.cost()
    p = sp.param(kind, l, i, j, column)
    a, b = (j, i) if column else (i, j)
    sep = "" if style == "welch" and max(a, b) < 9 else ","  # as elements are
    at = subscript(f"{j + 1}" if kind == "b" else f"{a + 1}{sep}{b + 1}")
    spelled = Names(ex.notation, L, ex.convention).text(f"dJd{kind}{l}")
    return WeightChain(
        target=target,
        name=f"∂{name[0]}/∂{p[0]}",
        name_latex=rf"\frac{{\partial {name[1]}}}{{\partial {p[1]}}}",
        paths=tuple(paths),
        penalty=penalty,
        total=float(sum(p.value for p in paths) + penalty),
        gradient=float(grad[i, j]),
        gradient_name=f"{spelled}{at}",
    )


def _path(val, sp, kind, l, i, j, e, above, L, elementwise, column) -> Path:
    """The factors of one path, from the cost down to the weight."""
    units = (j, *above)  # units of z{l+1}, z{l+2}, ..., z{L+1}
    cost, top = sp.cost(), L + 1
    out_unit = units[-1]
    zt, at = sp.node("z", top, out_unit), sp.node("a", top, out_unit)
    if elementwise:
        factors = [
            _d(cost, at, val("dJdyHat")[e, out_unit]),
            _d(at, zt, val(f"fprime{top}")[e, out_unit]),
        ]
    else:
        factors = [_d(cost, zt, val(f"delta{top}")[e, out_unit])]
    for m in range(L, l, -1):  # z{m+1} ← a{m} ← z{m}
        lo, hi = units[m - l - 1], units[m - l]
        z_hi, a_lo, z_lo = (
            sp.node("z", m + 1, hi),
            sp.node("a", m, lo),
            sp.node("z", m, lo),
        )
        factors.append(_d(z_hi, a_lo, val(f"W{m}")[lo, hi]))
        factors.append(_d(a_lo, z_lo, val(f"fprime{m}")[e, lo]))
    z = sp.node("z", l + 1, j)
    w = sp.param(kind, l, i, j, column)
    prev = val("X" if l == 1 else f"a{l}")[e, i] if kind == "W" else 1.0
    factors.append(_d(z, w, prev))
    value = float(np.prod([f.value for f in factors]))
    return Path(e, units, tuple(factors), value)
