"""The operation graph: one example's pass unrolled into scalar operations.

As CS231n's circuits and micrograd's graphs draw it: leaves (the inputs
``x``, every weight ``w`` and bias ``b``, the targets ``y``), then per layer a
multiply node ``a · w`` per weight, an add node ``Σ a·w + b`` per unit (its
value is the traced ``z``), an activation node per unit (the traced ``a``),
and the cost's nodes (``ŷ − y``, its square, their sum and the scale ``½``
or ``1/(2N)``; for another cost one node ``ℓ(ŷ, y)`` per output, the
registry's term).

Every forward value is a number of the explanation's records (the trace of
:meth:`chainrule.Network.trace`) or a product or difference of two of them.
The gradients are computed here, node by node from ``∂J/∂J = 1``, by each
gate's local rule (add distributes, multiply swaps, an activation multiplies
by ``f′(z)``); ``tests/test_playground_graph.py`` checks that they are the
trace's: an add node's gradient is ``δ``, an output node's ``∂J/∂ŷ``, and a
weight's, summed over the examples, ``∂J/∂W``.

With several examples the graph is the chosen example's: ``J`` is that
example's share ``J_e`` plus the other examples' shares (one leaf), and a
weight's gradient in it is the example's part of ``∂J/∂w``.

Examples
--------
>>> from chainrule.playground.sources import from_example
>>> g = operation_graph(from_example("seed004").explanation(), 0)
>>> g.operations, [n.name for n in g.nodes if n.op == "add"]
(9, ['z₁⁽²⁾', 'z₁⁽³⁾'])
>>> w = g.node("W1_0_0")
>>> w.value, round(w.grad, 12)
(0.5, -1.92)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from chainrule.core.activations import get_activation
from chainrule.core.losses import get_loss
from chainrule.errors import InvalidValueError
from chainrule.explainer.notation.names import subscript
from chainrule.explainer.paths.weight_chain import Spell, row_values

#: The most operations (nodes that compute) the view draws for one example.
MAX_OPERATIONS = 60
#: Costs whose term is ``½ (ŷ − y)²``: drawn as difference, square, sum, scale.
SQUARED = ("sse", "mse")


@dataclass
class Node:
    """One node of the graph.

    Attributes
    ----------
    id : str
        ``"W1_0_2"`` (the weight ``W1[0, 2]``, 0-based), ``"m1_0_2"`` (its
        product), ``"z2_2"``, ``"a2_2"``, ``"x_0"``, ``"y_0"``, ``"d_0"``,
        ``"s_0"``, ``"l_0"``, ``"sum"``, ``"scale"``, ``"rest"``, ``"J"``.
    op : str
        A leaf: ``"input"``, ``"weight"``, ``"bias"``, ``"target"``,
        ``"rest"``; an operation: ``"mul"``, ``"add"``, an activation's name
        (``"sigmoid"``, ``"relu"``, ...), ``"sub"``, ``"square"``, ``"loss"``,
        ``"sum"``, ``"scale"``.
    name : str
        As the page's notation writes it, 1-based: ``W₁,₂⁽¹⁾``, ``z₂⁽²⁾``.
    inputs : tuple of str
        The ids of the nodes it reads, in order (a product: ``(a, w)``).
    value : float
        The forward value.
    local : tuple of float or None
        ``∂node/∂input`` per input at these values; ``None`` where no
        gradient flows (a target, the other examples' leaf).
    col : int
        Its column, left to right.
    value_of, grad_of : str
        The explanation's step whose value holds this node's value, and the
        backward step by which its gradient is known (the page reveals them
        as the walk reaches those steps).
    param : str or None
        A parameter leaf's element as ``Explanation.chain`` takes it
        (``"W1[0,2]"``, in the explanation's convention).
    grad : float or None
        ``∂J/∂node`` by the local rules; ``None`` for the targets.
    """

    id: str
    op: str
    name: str
    inputs: tuple = ()
    value: float = 0.0
    local: tuple = ()
    col: int = 0
    value_of: str = ""
    grad_of: str = ""
    param: str | None = None
    grad: float | None = None

    @property
    def leaf(self) -> bool:
        return not self.inputs


@dataclass
class Graph:
    """The nodes in topological order (leaves and inputs first) and facts."""

    example: int
    examples: int
    cost: str
    nodes: list = field(default_factory=list)

    @property
    def operations(self) -> int:
        """The nodes that compute (not the leaves)."""
        return sum(1 for n in self.nodes if not n.leaf)

    def node(self, id_: str) -> Node:
        """The node ``id_``."""
        return self._by_id()[id_]

    def _by_id(self) -> dict:
        return {n.id: n for n in self.nodes}


def count_operations(sizes: list[int], loss: str, examples: int) -> int:
    """How many operations one example's graph has.

    A multiply per weight, an add and an activation per unit, and the cost's:
    per output a difference and a square (``sse``, ``mse``) or one term ``ℓ``,
    then the sum (of several terms), the scale (absent where it is 1) and,
    with several examples, the add of the other examples' share.

    Examples
    --------
    >>> count_operations([2, 3, 1], "sse", 3), count_operations([1, 1, 1], "mse", 1)
    (21, 9)
    """
    layers = sum(a * b + 2 * b for a, b in zip(sizes, sizes[1:], strict=False))
    out = sizes[-1]
    scale = 1 if loss in SQUARED or (get_loss(loss).mean and examples > 1) else 0
    total = 1 if out > 1 or not (scale or examples > 1) else 0  # Σ of one term: none
    cost = (2 * out if loss in SQUARED else out) + total + scale
    return layers + cost + (1 if examples > 1 else 0)


def check_graph(net: dict, examples: int) -> int:
    """The operation count of ``net`` (a config), or a refusal naming the limit.

    Raises
    ------
    InvalidValueError
        Past ``MAX_OPERATIONS`` operations, or with an L2 penalty (not drawn).
    """
    n = count_operations(net["sizes"], net["loss"], examples)
    if n > MAX_OPERATIONS:
        sizes = "-".join(map(str, net["sizes"]))
        raise InvalidValueError(
            f"network: the operation view draws at most {MAX_OPERATIONS} operations "
            f"for one example; this {sizes} network has {n} (a multiply per weight, "
            "an add and an activation per unit, the cost's). Choose smaller layers "
            "in Settings, such as 2-3-1 (about 20 operations)"
        )
    if float(net.get("l2") or 0):
        raise InvalidValueError(
            "network: the operation view draws a cost without an L2 penalty; "
            f"this one has l2 = {net['l2']}"
        )
    return n


class _Builder:
    """Adds the nodes of one example, layer by layer (see operation_graph)."""

    def __init__(self, ex, e: int) -> None:
        self.ex, self.e, self.val = ex, e, row_values(ex)
        cfg = ex.network
        self.sizes, self.L = cfg["sizes"], len(cfg["sizes"]) - 1
        self.column = ex.convention == "column"
        self.sp = Spell("column" if self.column else ex.notation, self.L)
        self.n = int(np.shape(self.val("X"))[0])
        self.graph = Graph(e, self.n, self.sp.cost()[0])

    def add(self, node: Node) -> str:
        self.graph.nodes.append(node)
        return node.id

    def leaves(self) -> list[str]:
        """The inputs ``x`` of the example."""
        X = self.val("X")
        return [
            self.add(Node(f"x_{i}", "input", self.sp.node("a", 1, i)[0], (),
                          float(X[self.e, i]), (), 0, "X", "delta2"))
            for i in range(self.sizes[0])
        ]  # fmt: skip

    def param(self, kind: str, l: int, i: int, j: int, col: int) -> str:
        """The leaf of ``W{l}[i, j]`` or (``kind="b"``) of ``b{l}[0, j]``."""
        v = self.val(f"{kind}{l}")[i, j]
        r, c = (j, i) if self.column else (i, j)
        name = self.sp.param(kind, l, i, j, self.column)[0]
        key = f"W{l}_{i}_{j}" if kind == "W" else f"b{l}_{j}"
        op = "weight" if kind == "W" else "bias"
        grad = f"dJd{kind}{l}"  # frozen biases: no step of theirs, known with δ
        grad = grad if grad in self.ex else f"delta{l + 1}"
        return self.add(Node(key, op, name, (), float(v), (), col, f"{kind}{l}",
                             grad, f"{kind}{l}[{r},{c}]"))  # fmt: skip

    def layer(self, l: int, below: list[str]) -> list[str]:
        """Products, adds and activations of weight layer ``l``."""
        c0, nodes, e = 3 * (l - 1), self.graph.nodes, self.e
        a_in = [next(n for n in nodes if n.id == b) for b in below]
        W, z = self.val(f"W{l}"), self.val(f"z{l + 1}")
        top = "yHat" if l == self.L else f"a{l + 1}"
        act = get_activation(self.ex.network["activation"][l - 1])
        delta, adds = f"delta{l + 1}", []
        for j in range(self.sizes[l]):
            terms = []
            for i, a in enumerate(a_in):
                w = self.param("W", l, i, j, c0)
                wv, name = float(W[i, j]), f"{a.name}·{nodes[-1].name}"
                terms.append(self.add(Node(f"m{l}_{i}_{j}", "mul", name, (a.id, w),
                                           a.value * wv, (wv, a.value), c0 + 1,
                                           f"z{l + 1}", delta)))  # fmt: skip
            if self.ex.network["bias"][l - 1]:
                terms.append(self.param("b", l, 0, j, c0))
            adds.append(self.add(Node(f"z{l + 1}_{j}", "add",
                                      self.sp.node("z", l + 1, j)[0], tuple(terms),
                                      float(z[e, j]), (1.0,) * len(terms), c0 + 2,
                                      f"z{l + 1}", delta)))  # fmt: skip
        dJda = f"dJda{l + 1}" if f"dJda{l + 1}" in self.ex else delta
        grad_of = "dJdyHat" if l == self.L else dJda
        a_out, outs = self.val(top), []
        for j, zid in enumerate(adds):
            if act.elementwise:
                inputs = (zid,)
                local = (float(act.f_prime(np.array([[z[e, j]]]))[0, 0]),)
            else:  # softmax: ∂ŷ_j/∂z_m = ŷ_j (δ_jm − ŷ_m)
                yh, inputs = a_out[e], tuple(adds)
                local = tuple(
                    float(yh[j] * ((m == j) - yh[m])) for m in range(len(adds))
                )
            outs.append(self.add(Node(f"a{l + 1}_{j}", act.name,
                                      self.sp.node("a", l + 1, j)[0], inputs,
                                      float(a_out[e, j]), local, c0 + 3, top,
                                      grad_of)))  # fmt: skip
        return outs

    def cost(self, outs: list[str]) -> None:
        """The cost's nodes above the outputs ``outs``."""
        e, col, name, many = self.e, 3 * self.L, self.graph.cost, self.n > 1
        loss = get_loss(self.ex.network["loss"])
        J = float(self.val("J"))
        squared = loss.name in SQUARED
        scale = (0.5 if squared else 1.0) / (self.n if loss.mean else 1)
        terms = [self.term(loss, k, o, col) for k, o in enumerate(outs)]
        tc = col + (3 if squared else 2)
        total = sum(self.node(t).value for t in terms)
        last = scale == 1.0 and not many  # the sum is the cost itself
        top, tc = terms[0], tc - 1  # one term: no sum of it
        if len(terms) > 1 or last:
            top, tc = self.add(
                Node("sum", "sum", name if last else "Σ (ŷ − y)²" if squared else "Σ ℓ",
                     tuple(terms), J if last else total, (1.0,) * len(terms), tc + 1,
                     "J", "dJdyHat")
            ), tc + 1  # fmt: skip
        if scale != 1.0:
            who, tc = f"{name} of example {e + 1}" if many else name, tc + 1
            value = scale * total if many else J
            top = self.add(
                Node("scale", "scale", who, (top,), value, (scale,), tc, "J", "dJdyHat")
            )
        if many:
            rest = self.other_examples(loss, scale, squared)
            rid = self.add(
                Node("rest", "rest", "the other examples' share", (), rest, (), tc, "J")
            )
            self.add(
                Node(
                    "J", "add", name, (top, rid), J, (1.0, None), tc + 1, "J", "dJdyHat"
                )
            )

    def term(self, loss, k: int, o: str, col: int) -> str:
        """Output ``k``'s term of the cost: ``(ŷ − y)²`` or ``ℓ(ŷ, y)``."""
        e, Y, Yhat = self.e, self.val("y"), self.val("yHat")
        yk, yh = f"y{subscript(str(k + 1))}", self.node(o).name
        yid = self.add(Node(f"y_{k}", "target", yk, (), float(Y[e, k]), (), col, "y"))
        if loss.name in SQUARED:
            d = float(Yhat[e, k] - Y[e, k])
            did = self.add(
                Node(f"d_{k}", "sub", f"{yh} − {yk}", (o, yid), d, (1.0, None),
                     col + 1, "yHat", "dJdyHat")
            )  # fmt: skip
            return self.add(
                Node(f"s_{k}", "square", f"({yh} − {yk})²", (did,), d * d, (2 * d,),
                     col + 2, "J", "dJdyHat")
            )  # fmt: skip
        args = Y[e : e + 1], Yhat[e : e + 1]
        value, g = loss.value(*args)[0, k], loss.gradient(*args)[0, k]
        return self.add(
            Node(f"l_{k}", "loss", f"ℓ({yh}, {yk})", (o, yid), float(value),
                 (float(g), None), col + 1, "J", "dJdyHat")
        )  # fmt: skip

    def other_examples(self, loss, scale: float, squared: bool) -> float:
        """The other examples' share of ``J``, from the traced ``ŷ`` and ``y``."""
        Y, Yhat = self.val("y"), self.val("yHat")
        keep = np.arange(self.n) != self.e
        if squared:
            d = Yhat[keep] - Y[keep]
            return float(scale * np.sum(d * d))
        return float(scale * np.sum(loss.value(Y[keep], Yhat[keep])))

    def node(self, id_: str) -> Node:
        return next(n for n in reversed(self.graph.nodes) if n.id == id_)


def backward(graph: Graph) -> None:
    """Each node's ``grad``: ``∂J/∂J = 1``, then each gate's local rule,
    from the cost down (``grad[input] += grad[node] · ∂node/∂input``)."""
    grads = {n.id: 0.0 for n in graph.nodes}
    grads[graph.nodes[-1].id] = 1.0
    for n in reversed(graph.nodes):
        for i, d in zip(n.inputs, n.local, strict=True):
            if d is not None:
                grads[i] += grads[n.id] * d
    for n in graph.nodes:
        flows = n.op not in ("target", "rest")
        n.grad = float(grads[n.id]) if flows else None


def operation_graph(ex, example: int) -> Graph:
    """The graph of example ``example`` (0-based) of the explanation ``ex``.

    Parameters
    ----------
    ex : Explanation
        :func:`chainrule.explain` of the network and data (any notation and
        convention); its steps' values are the graph's numbers.
    example : int
        The row of ``X`` drawn.

    Returns
    -------
    Graph
        The nodes with their values and gradients.

    Raises
    ------
    InvalidValueError
        ``example`` is not a row of ``X``, or the network is past
        ``MAX_OPERATIONS`` (:func:`check_graph`).
    """
    b = _Builder(ex, 0)
    if (
        isinstance(example, bool)
        or not isinstance(example, int)
        or not (0 <= example < b.n)
    ):
        raise InvalidValueError(
            f"row: expected an example from 0 to {b.n - 1}, got {example!r:.20}"
        )
    check_graph(ex.network, b.n)
    b = _Builder(ex, example)
    below = b.leaves()
    for l in range(1, b.L + 1):
        below = b.layer(l, below)
    b.cost(below)
    backward(b.graph)
    return b.graph
