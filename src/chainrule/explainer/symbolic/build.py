"""The network in symbols: SymPy forms of the activations and costs, and every
quantity of a forward and backward pass, one layer at a time.

Each quantity has two forms:

- ``local[name]``: its formula one step back, element by element, written in
  the *quantity symbols* of the earlier steps (``a⁽²⁾₁₁``, ``δ⁽³⁾₁₁``) and
  the base symbols (``x₁₁``, ``W⁽¹⁾₁₁``); this is what a student writes;
- ``base[name]``: the same with every earlier quantity replaced by its own
  base form, so that it is written in the base symbols only.

The formulas are the SymPy forms of the registry entries of
:mod:`chainrule.core` (``Activation.sym``, ``Loss.sym``: the same costs, with
``mse = Σ(y − ŷ)²/(2N)``; ReLU ``t·H(t)`` with ``f′(0) = H(0) = 0``). This
module imports SymPy; ``import chainrule`` does not import it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from chainrule.core.activations import get_activation
from chainrule.core.losses import get_loss
from chainrule.explainer.notation.names import Names


def f_sym(name: str, t: sp.Expr) -> sp.Expr:
    """``f(t)`` of an element-wise activation: its registry entry's SymPy form."""
    return get_activation(name).sym(t)


def f_prime_sym(name: str, t: sp.Expr) -> sp.Expr:
    """``f′(t)`` as the numeric code writes it (the entry's ``sym_prime``), else
    SymPy's derivative of ``f``."""
    act = get_activation(name)
    if act.sym_prime is not None:
        return act.sym_prime(t)
    s = sp.Dummy("s", real=True)
    return sp.diff(act.sym(s), s).subs(s, t)


def softmax_row(z: list[sp.Expr]) -> list[sp.Expr]:
    """``exp(z_k) / Σ_j exp(z_j)`` for one row."""
    return get_activation("softmax").sym(z)


def cost_sym(loss: str, Y: sp.Matrix, Yh: sp.Matrix) -> sp.Expr:
    """``J = Σ ℓ`` (``/ N`` for a mean), summed over every entry, with the
    registry entry's SymPy term ``ℓ``."""
    entry = get_loss(loss)
    total = sp.Add(*[entry.sym(y, h) for y, h in zip(Y, Yh, strict=True)])
    return total / Y.rows if entry.mean else total


def cost_grad_sym(loss: str, y: sp.Expr, h: sp.Expr, n: int) -> sp.Expr:
    """One entry of ``∂J/∂ŷ``: the entry's ``sym_gradient`` (else SymPy's
    derivative of ``ℓ``), divided by ``N`` for a mean."""
    entry = get_loss(loss)
    if entry.sym_gradient is not None:
        g = entry.sym_gradient(y, h)
    else:
        s = sp.Dummy("h", real=True)
        g = sp.diff(entry.sym(y, s), s).subs(s, h)
    return g / n if entry.mean else g


@dataclass
class Network:
    """Symbols and formulas of one small network.

    Attributes
    ----------
    sizes, activations, loss, bias, n
        The configuration (``n`` examples).
    notation, convention : str
        How the quantities are spelled (``names``) and, for ``"column"``, the
        orientation of every matrix once :meth:`to_column` has run.
    per_m : int or None
        CS230's ``m`` (the column convention of a mean cost): ``dA[L]`` and so
        every ``dZ``, ``dA`` are ``m`` times ``∂J/∂ŷ``, ``δ``, ``∂J/∂a``, and
        ``dW``, ``db`` carry ``1/m``; ``None`` otherwise.
    names : Names
        Spelling of the Welch keys in ``notation`` and ``convention``.
    symbols : dict of str to sympy.Matrix
        Base symbols: ``"X"``, ``"y"``, ``"W1"``, ``"b1"``, ...
    q : dict of str to sympy.Matrix
        Quantity symbols, one matrix per quantity (``"z2"``, ``"delta3"``).
    local, base : dict of str to sympy.Matrix
        See the module's docstring; ``J`` is a 1×1 matrix in both.
    order : list of str
        The quantities in the order of the derivation.
    pretty : dict of sympy.Symbol to (str, str)
        Each symbol's plain-text and LaTeX spelling.
    """

    sizes: list[int]
    activations: list[str]
    loss: str
    bias: list[bool]
    n: int
    notation: str = "welch"
    convention: str = "row"
    per_m: int | None = None
    names: Names = field(init=False)
    symbols: dict = field(default_factory=dict)
    q: dict = field(default_factory=dict)
    local: dict = field(default_factory=dict)
    base: dict = field(default_factory=dict)
    order: list = field(default_factory=list)
    pretty: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.names = Names(self.notation, len(self.activations), self.convention)

    @property
    def column(self) -> bool:
        return self.convention == "column"

    @property
    def L(self) -> int:
        return len(self.activations)

    def matrix(self, key: str, rows: int, cols: int, stem: str = "") -> sp.Matrix:
        """Symbols ``{stem}_{i}{j}``, spelled after the Welch key ``key``."""
        stem = stem or key
        text, tex = self._spell(key)

        welch = self.names.style == "welch"

        def one(i: int, j: int) -> sp.Symbol:
            # the column convention's element (j, i), in the name too; bracket
            # and CS230 put a comma between the indices, as explanations do
            r, c = (j, i) if self.column else (i, j)
            s = sp.Symbol(f"{stem}_{r + 1}{c + 1}", real=True)
            sub = f"{r + 1}{c + 1}" if welch else f"{r + 1},{c + 1}"
            self.pretty[s] = (text(sub), f"{tex}_{{{sub}}}")
            return s

        return sp.Matrix(rows, cols, one)

    def _spell(self, key: str):
        low = {"X": ("x", "x"), "y": ("y", "y")}
        if key in low and self.names.style == "welch":
            t, tex = low[key]
        elif key.startswith("fprime"):
            i = int(key[6:])
            f = self.names.text(key).split("(")[0]  # f′, g′ₕ, g′
            f_tex = self.names.latex(key).split("(")[0]
            z, ztex = self.names.text(f"z{i}"), self.names.latex(f"z{i}")
            return (lambda s: f"{f}({z}{_subscript(s)})"), f"{f_tex}({ztex})"
        else:
            t, tex = self.names.text(key), self.names.latex(key)
            if "/" in t:  # ∂J/∂W⁽²⁾: its entries are (∂J/∂W⁽²⁾)₁₁
                t, tex = f"({t})", rf"\left({tex}\right)"
            elif tex.startswith(r"\mathrm"):  # dW^{[2]}: its entries {dW^{[2]}}_{1,1}
                tex = f"{{{tex}}}"
        return (lambda s: f"{t}{_subscript(s)}"), tex

    def add(self, key: str, local: sp.Matrix, symbols: bool = True) -> None:
        """Record ``key``'s local formula, its base form and its symbols."""
        self.local[key] = local
        subs = {s: self.base[k][i] for k, m in self.q.items() for i, s in enumerate(m)}
        self.base[key] = local.xreplace(subs)
        if symbols:
            self.q[key] = self.matrix(key, local.rows, local.cols)
        self.order.append(key)

    def to_column(self) -> None:
        """Every matrix transposed: the column convention's orientation
        (``W[l]`` outputs × inputs, ``A[l]`` units × examples)."""
        for table in (self.symbols, self.q, self.local, self.base):
            for k, m in table.items():
                table[k] = m.T


def _subscript(s: str) -> str:
    return s.translate(str.maketrans("0123456789,", "₀₁₂₃₄₅₆₇₈₉,"))


def build(
    sizes: list[int],
    activations: list[str],
    loss: str,
    bias: list[bool],
    n: int,
    *,
    notation: str = "welch",
    convention: str = "row",
    per_m: int | None = None,
) -> Network:
    """Every quantity of one forward and backward pass, in symbols (in the row
    convention's orientation; :meth:`Network.to_column` turns them)."""
    net = Network(
        list(sizes), list(activations), loss, list(bias), n, notation, convention, per_m
    )
    net.symbols["X"] = net.matrix("X", n, sizes[0], "x")
    net.symbols["y"] = net.matrix("y", n, sizes[-1], "y")
    for l in range(1, net.L + 1):
        # lower-case stems: SymPy orders a product's factors by name, so
        # a⁽²⁾₁₁·W⁽²⁾₁₁ and δ⁽³⁾₁₁·W⁽²⁾₁₁ print in the tutorial's order
        net.symbols[f"W{l}"] = net.matrix(f"W{l}", sizes[l - 1], sizes[l], f"w{l}")
        if bias[l - 1]:
            net.symbols[f"b{l}"] = net.matrix(f"b{l}", 1, sizes[l])
    forward(net)
    backward(net)
    return net


def _linear(prev: sp.Matrix, W: sp.Matrix, b: sp.Matrix | None) -> sp.Matrix:
    """``z_rj = Σ_i prev_ri W_ij (+ b_j)``, written as sums."""

    def entry(r: int, j: int) -> sp.Expr:
        s = sp.Add(*[prev[r, i] * W[i, j] for i in range(W.rows)])
        return s + (b[0, j] if b is not None else 0)

    return sp.Matrix(prev.rows, W.cols, entry)


def _weight_grad(prev: sp.Matrix, D: sp.Matrix) -> sp.Matrix:
    """``∂J/∂W_ij = Σ_r prev_ri δ_rj``: the sum over examples ``prevᵀ δ`` performs."""

    def entry(i: int, j: int) -> sp.Expr:
        return sp.Add(*[prev[r, i] * D[r, j] for r in range(D.rows)])

    return sp.Matrix(prev.cols, D.cols, entry)


def _bias_grad(D: sp.Matrix) -> sp.Matrix:
    """``∂J/∂b_j = Σ_r δ_rj``."""
    return sp.Matrix(1, D.cols, lambda _, j: sp.Add(*[D[r, j] for r in range(D.rows)]))


def _input_grad(D: sp.Matrix, W: sp.Matrix) -> sp.Matrix:
    """``∂J/∂a_ri = Σ_k δ_rk W_ik``: ``δ Wᵀ``."""

    def entry(r: int, i: int) -> sp.Expr:
        return sp.Add(*[D[r, k] * W[i, k] for k in range(W.cols)])

    return sp.Matrix(D.rows, W.rows, entry)


def forward(net: Network) -> None:
    """``z{l+1} = a{l} W{l} + b{l}``, ``a{l+1} = f(z{l+1})``, then ``J``."""
    prev = net.symbols["X"]
    for l in range(1, net.L + 1):
        b = net.symbols[f"b{l}"] if net.bias[l - 1] else None
        net.add(f"z{l + 1}", _linear(prev, net.symbols[f"W{l}"], b))
        zq, act = net.q[f"z{l + 1}"], net.activations[l - 1]
        if not get_activation(act).elementwise:  # softmax: row by row
            f = get_activation(act).sym
            a = sp.Matrix([f(list(zq.row(r))) for r in range(zq.rows)])
        else:
            a = zq.applyfunc(lambda t, act=act: f_sym(act, t))
        key = "yHat" if l == net.L else f"a{l + 1}"
        net.add(key, a)
        prev = net.q[key]
    J = cost_sym(net.loss, net.symbols["y"], net.q["yHat"])
    net.add("J", sp.Matrix([[J]]), symbols=False)


def backward(net: Network) -> None:
    """``∂J/∂ŷ``, ``δ``, ``∂J/∂W``, ``∂J/∂b``, ``∂J/∂a``, layer by layer down."""
    Y, Yh, n = net.symbols["y"], net.q["yHat"], net.n

    m = net.per_m or 1  # CS230: dA[L] without 1/m, which dW and db carry

    def grad(r: int, c: int) -> sp.Expr:
        return m * cost_grad_sym(net.loss, Y[r, c], Yh[r, c], n)

    net.add("dJdyHat", sp.Matrix(Y.rows, Y.cols, grad))
    _delta(net, net.L + 1, "dJdyHat")
    for l in range(net.L, 0, -1):
        prev = net.symbols["X"] if l == 1 else net.q[f"a{l}"]
        D = net.q[f"delta{l + 1}"]
        net.add(f"dJdW{l}", _weight_grad(prev, D) / m)
        if net.bias[l - 1]:
            net.add(f"dJdb{l}", _bias_grad(D) / m)
        if l > 1:
            net.add(f"dJda{l}", _input_grad(D, net.symbols[f"W{l}"]))
            _delta(net, l, f"dJda{l}")


def _delta(net: Network, l: int, upstream: str) -> None:
    """``f′(z{l})`` and ``δ{l} = upstream ∘ f′(z{l})`` (softmax: its Jacobian)."""
    act, z, G = net.activations[l - 2], net.q[f"z{l}"], net.q[upstream]
    if not get_activation(act).elementwise:
        # δ_k = Σ_j G_j ∂ŷ_j/∂z_k = ŷ_k (G_k − Σ_j G_j ŷ_j): diag(ŷ) − ŷᵀŷ per row
        Yh = net.q["yHat"]
        dot = [
            sp.Add(*[G[r, j] * Yh[r, j] for j in range(G.cols)]) for r in range(G.rows)
        ]
        d = sp.Matrix(G.rows, G.cols, lambda r, k: Yh[r, k] * (G[r, k] - dot[r]))
        net.add(f"delta{l}", d)
        return
    net.add(f"fprime{l}", z.applyfunc(lambda t: f_prime_sym(act, t)))
    net.add(f"delta{l}", G.multiply_elementwise(net.q[f"fprime{l}"]))
