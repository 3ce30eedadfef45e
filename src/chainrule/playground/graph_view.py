"""What the page's operation view receives: the graph, each gate's rule with
its numbers, and each parameter's paths to the cost.

Formatting only: the nodes and their numbers are
:func:`chainrule.playground.graph.operation_graph`'s; a parameter's paths and
their products are :meth:`chainrule.explainer.Explanation.chain`'s (the
``chainrule explain --chain`` table), whose total is the explanation's
``∂J/∂w``.

Examples
--------
>>> from chainrule.playground.sources import from_example
>>> doc = graph_payload(from_example("seed004"), 0)
>>> doc["operations"], doc["limit"], len(doc["nodes"])
(9, 60, 13)
>>> add = next(n for n in doc["nodes"] if n["id"] == "z2_0")
>>> add["rule"]["title"]
'add distributes the gradient unchanged to each input'
>>> c = graph_payload(from_example("seed004"), 0, "W1_0_0")["chain"]
>>> [len(c["paths"]), c["total"] == c["gradient"]]
[1, True]
"""

from __future__ import annotations

from chainrule.errors import InvalidValueError
from chainrule.playground.graph import MAX_OPERATIONS, Graph, Node, operation_graph

#: The symbol drawn in an operation's box.
GLYPHS = {
    "mul": "×",
    "add": "+",
    "sum": "+",
    "sub": "−",
    "square": "x²",
    "loss": "ℓ",
    "sigmoid": "σ",
    "tanh": "tanh",
    "relu": "max",
    "leaky_relu": "lrelu",
    "identity": "id",
    "softmax": "soft",
}
MORE_EXAMPLES = 12  # the other examples' paths listed one by one; beyond, summed


def num(x: float) -> str:
    """``x`` to 6 significant digits, a negative number in parentheses."""
    s = f"{float(x):.6g}"
    return f"({s})" if s.startswith("-") else s


def _rule(n: Node, g: Graph) -> dict:
    """The gate's rule: a title, the forward line and the backward lines
    (what each input receives, with the numbers put in)."""
    ins = [g.node(i) for i in n.inputs]
    return {
        "title": _words(n, ins),
        "forward": _forward(n, ins),
        "backward": [] if n.grad is None else _backward(n, ins),
    }


def _forward(n: Node, ins: list) -> str:
    v, vals = num(n.value), [num(i.value) for i in ins]
    if n.op == "mul":
        return f"{n.name} = {vals[0]} · {vals[1]} = {v}"
    if n.op in ("add", "sum"):
        return f"{n.name} = {' + '.join(vals)} = {v}"
    if n.op == "sub":
        return f"{n.name} = {vals[0]} − {vals[1]} = {v}"
    if n.op == "square":
        return f"{n.name} = {vals[0]}² = {v}"
    if n.op == "scale":
        return f"{n.name} = {num(n.local[0])} · {vals[0]} = {v}"
    if n.op == "loss":
        return f"{n.name} = ℓ({vals[0]}, {vals[1]}) = {v}"
    if ins:
        return f"{n.name} = {n.op}({', '.join(vals)}) = {v}"
    return f"{n.name} = {v}"


def _backward(n: Node, ins: list) -> list[str]:
    up = num(n.grad)
    if n.op == "mul":
        (a, w), g = ins, n.grad
        return [
            f"to {w.name}: {a.name} · ∂J/∂(×) = {num(a.value)} · {up} "
            f"= {num(a.value * g)}",
            f"to {a.name}: {w.name} · ∂J/∂(×) = {num(w.value)} · {up} "
            f"= {num(w.value * g)}",
        ]
    lines = []
    for x, d in zip(ins, n.local, strict=True):
        if d is None:
            continue
        if n.op in ("add", "sum"):
            lines.append(f"to {x.name}: ∂J/∂{n.name} = {up}, unchanged")
        else:
            lines.append(f"to {x.name}: {num(d)} · {up} = {num(d * n.grad)}")
    return lines


def _words(n: Node, ins: list) -> str:
    d = num(n.local[0]) if n.local and n.local[0] is not None else ""
    x = num(ins[0].value) if ins else ""
    if n.op in ("add", "sum"):
        return "add distributes the gradient unchanged to each input" + (
            " (the other examples' share is not drawn)" if n.id == "J" else ""
        )
    if n.op == "mul":
        return "multiply swaps: each input gets the other input times the gradient"
    words = {
        "sub": "difference ŷ − y: the gradient passes to ŷ unchanged (y is constant)",
        "square": f"square: the local derivative of u² is 2u = 2 · {x} = {d}",
        "scale": f"scale by {d}: the gradient is multiplied by it",
        "loss": f"the cost's term ℓ of one output: its local derivative ∂ℓ/∂ŷ = {d}",
        "sigmoid": f"sigmoid: the local derivative is σ(1 − σ) = {num(n.value)} · "
        f"(1 − {num(n.value)}) = {d}",
        "tanh": f"tanh: the local derivative is 1 − tanh² = 1 − {num(n.value)}² = {d}",
        "relu": "max(0, z) routes: "
        + (
            f"z = {x} > 0, the gradient passes (× 1)"
            if ins and ins[0].value > 0
            else f"z = {x} ≤ 0, the gradient stops (× 0)"
        ),
        "leaky_relu": "leaky max routes: "
        + (
            f"z = {x} > 0, the gradient passes (× 1)"
            if ins and ins[0].value > 0
            else f"z = {x} ≤ 0, the gradient is scaled by {d}"
        ),
        "identity": "identity: the local derivative is 1, the gradient passes as it is",
        "softmax": "softmax couples the outputs: ∂ŷⱼ/∂zₘ = ŷⱼ (δⱼₘ − ŷₘ)",
        "input": "an input: the gradient that reaches it is the sum over its uses",
        "weight": "a weight: click it to see every path to the cost",
        "bias": "a bias: click it to see every path to the cost",
        "target": "a target: a constant, no gradient flows into it",
        "rest": "the other examples' share of the cost: choose one to draw it",
    }
    return words.get(n.op, f"{n.op}: the local derivative is f′(z) = {d}")


def _path_nodes(g: Graph, leaf: Node, units: tuple) -> list[str]:
    """The ids along one of ``leaf``'s paths (the chain's ``units``) to ``J``."""
    ids = [leaf.id]
    kind, l = leaf.id[0], int(leaf.id[1:].split("_")[0])
    have = {n.id for n in g.nodes}
    if kind == "W":
        ids.append("m" + leaf.id[1:])
    for k, u in enumerate(units):
        m = l + 1 + k
        ids.append(f"z{m}_{u}")
        acts = [n.id for n in g.nodes if n.id.startswith(f"a{m}_")]
        coupled = f"a{m}_{u}" in have and g.node(f"a{m}_{u}").op == "softmax"
        ids.extend(acts if coupled else [f"a{m}_{u}"])
        if k + 1 < len(units):
            ids.append(f"m{m}_{u}_{units[k + 1]}")
        else:
            outs = range(len(acts)) if coupled else [u]
            for o in outs:
                ids.extend([f"d_{o}", f"s_{o}", f"l_{o}"])
    ids.extend(["sum", "scale", "J"])
    return [i for i in ids if i in have]


def _chain(ex, g: Graph, leaf: Node) -> dict:
    """``ex.chain`` of a parameter leaf: this example's paths in full, the
    other examples' summed per example."""
    try:
        c = ex.chain(leaf.param)
    except InvalidValueError as exc:
        return {"name": f"∂J/∂{leaf.name}", "error": str(exc)}
    mine = [p for p in c.paths if p.example == g.example]
    others = {}
    for p in c.paths:
        if p.example != g.example:
            count, total = others.get(p.example, (0, 0.0))
            others[p.example] = (count + 1, total + p.value)
    listed = sorted(others.items())
    shown, rest = listed[:MORE_EXAMPLES], listed[MORE_EXAMPLES:]
    return {
        "name": c.name,
        "target": c.target,
        "paths": [
            {
                "factors": [[f.name, f.value] for f in p.factors],
                "value": p.value,
                "nodes": _path_nodes(g, leaf, p.units),
            }
            for p in mine
        ],
        "others": [{"example": e, "count": k, "sum": s} for e, (k, s) in shown],
        "more": {
            "examples": len(rest),
            "count": sum(k for _, (k, _) in rest),
            "sum": sum(s for _, (_, s) in rest),
        },
        "penalty": c.penalty,
        "total": c.total,
        "gradient": c.gradient,
    }


def graph_payload(pg, row: object, chain: str | None = None) -> dict:
    """The operation view of the playground ``pg`` at example ``row``.

    A network past :data:`~chainrule.playground.graph.MAX_OPERATIONS` is
    answered ``{"refused": message, ...}``: the page shows the message. With
    ``chain`` (a parameter leaf's id, ``"W1_0_2"``) the answer is that
    parameter's paths alone, ``{"chain": ...}``: the page asks for them when
    the parameter is clicked (with many examples they are many).

    Raises
    ------
    InvalidValueError
        ``row`` is not an example's index, or ``chain`` not a parameter's id.
    """
    ex = pg.explanation()
    n = len(pg.X)
    if isinstance(row, bool) or not isinstance(row, int) or not 0 <= row < n:
        raise InvalidValueError(
            f"row: expected an example from 0 to {n - 1}, got {row!r:.20}"
        )
    try:
        g = operation_graph(ex, row)
    except InvalidValueError as exc:
        return {"refused": str(exc), "limit": MAX_OPERATIONS}
    if chain is not None:
        params = {n.id: n for n in g.nodes if n.param}
        if chain not in params:
            raise InvalidValueError(
                f"chain: expected a parameter of the graph such as "
                f"{next(iter(params))!r}, got {chain!r:.40}"
            )
        return {"chain": _chain(ex, g, params[chain])}
    return {
        "operations": g.operations,
        "limit": MAX_OPERATIONS,
        "example": g.example,
        "examples": g.examples,
        "cost": g.cost,
        "nodes": [_node(n, g) for n in g.nodes],
    }


def _node(n: Node, g: Graph) -> dict:
    glyph = f"×{n.local[0]:.3g}" if n.op == "scale" else GLYPHS.get(n.op, "f")
    return {
        "id": n.id,
        "op": n.op,
        "glyph": glyph,
        "name": n.name,
        "inputs": list(n.inputs),
        "flows": [d is not None for d in n.local],
        "value": n.value,
        "grad": n.grad,
        "col": n.col,
        "value_of": n.value_of,
        "grad_of": n.grad_of,
        "param": n.param,
        "rule": _rule(n, g),
    }
