"""The playground's operation graph against the trace, without a browser.

The graph's gradients are computed by each gate's local rule from ``∂J/∂J =
1``; the oracle is :meth:`chainrule.Network.trace` of the same network and
data: an add node's gradient is ``δ``, an output's ``∂J/∂ŷ``, a hidden
activation's ``∂J/∂a``, and a weight's, summed over the examples, ``∂J/∂W``.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import chainrule as cr
from chainrule.errors import InvalidValueError
from chainrule.explainer.problems import list_examples
from chainrule.playground.graph import (
    MAX_OPERATIONS,
    check_graph,
    count_operations,
    operation_graph,
)
from chainrule.playground.graph_view import graph_payload
from chainrule.playground.sources import from_example

TOL = 1e-12
HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]


def close(a, b):
    return abs(a - b) <= TOL * max(1.0, abs(b))


@st.composite
def problems(draw):
    """A small network (within the view's limit), its data and how it is shown."""
    n_in = draw(st.integers(1, 3))
    hidden = draw(st.lists(st.integers(1, 3), max_size=2))
    loss = draw(st.sampled_from(["sse", "mse", "bce", "cce"]))
    n_out = draw(st.integers(2, 3)) if loss == "cce" else draw(st.integers(1, 2))
    out = {"bce": "sigmoid", "cce": "softmax"}.get(loss, draw(st.sampled_from(HIDDEN)))
    sizes = [n_in, *hidden, n_out]
    acts = [draw(st.sampled_from(HIDDEN)) for _ in hidden] + [out]
    bias = draw(st.booleans())
    n = draw(st.integers(1, 3))
    net = cr.Network(sizes, activation=acts, loss=loss, bias=bias)
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = 1.0 if loss in ("bce", "cce") else 2.0  # ŷ away from 0 and 1
    net.set_flat(rng.uniform(-scale, scale, net.get_flat().size))
    X = rng.uniform(-2, 2, (n, n_in))
    if loss == "cce":
        y = np.eye(n_out)[rng.integers(0, n_out, n)]
    elif loss == "bce":
        y = rng.integers(0, 2, (n, n_out)).astype(float)
    else:
        y = rng.uniform(-1, 1, (n, n_out))
    notation = draw(st.sampled_from(["welch", "bracket"]))
    convention = draw(st.sampled_from(["row", "column"]))
    return net, X, y, notation, convention


@settings(max_examples=60, deadline=None)
@given(problems())
def test_every_node_agrees_with_the_trace(problem):
    net, X, y, notation, convention = problem
    t = net.trace(X, y)
    ex = cr.explain(net, X, y, notation=notation, convention=convention)
    L, n = len(net.sizes) - 1, len(X)
    wsum = {k: np.zeros_like(v) for k, v in net.params.items()}
    for e in range(n):
        g = operation_graph(ex, e)
        assert g.operations == count_operations(net.sizes, net.loss, n)
        node = g.node
        for l in range(1, L + 1):
            a_in = X if l == 1 else t[f"a{l}"]
            top = "yHat" if l == L else f"a{l + 1}"
            for j in range(net.sizes[l]):
                z = node(f"z{l + 1}_{j}")
                assert z.value == t[f"z{l + 1}"][e, j]  # the traced z itself
                assert close(sum(node(i).value for i in z.inputs), z.value)
                assert close(z.grad, t[f"delta{l + 1}"][e, j])
                a = node(f"a{l + 1}_{j}")
                assert a.value == t[top][e, j]
                want = t["dJdyHat"][e, j] if l == L else t[f"dJda{l + 1}"][e, j]
                assert close(a.grad, want)
                for i in range(net.sizes[l - 1]):
                    m = node(f"m{l}_{i}_{j}")
                    assert m.value == a_in[e, i] * net.params[f"W{l}"][i, j]
                    assert m.grad == z.grad  # add distributes
                    w = node(f"W{l}_{i}_{j}")
                    assert close(w.grad, a_in[e, i] * z.grad)  # multiply swaps
                    wsum[f"W{l}"][i, j] += w.grad
                if net.bias[l - 1]:
                    wsum[f"b{l}"][0, j] += node(f"b{l}_{j}").grad
        assert node(g.nodes[-1].id).value == t["J"]
        assert g.nodes[-1].grad == 1.0
        parts = [x for x in g.nodes if x.id in ("scale", "rest")]
        if len(parts) == 2:
            assert close(parts[0].value + parts[1].value, t["J"])
    for k, v in wsum.items():
        np.testing.assert_allclose(v, t[f"dJd{k}"], rtol=TOL, atol=TOL)


@settings(max_examples=25, deadline=None)
@given(problems())
def test_each_parameter_paths_sum_to_its_traced_gradient(problem):
    net, X, y, notation, convention = problem
    pg = from_example("seed004")
    pg.net, pg.X, pg.y = net, X, y
    pg.notation, pg.convention = notation, convention
    t = net.trace(X, y)
    doc = graph_payload(pg, 0)
    for node in doc["nodes"]:
        if not node["param"]:
            continue
        c = graph_payload(pg, 0, node["id"])["chain"]
        key, i, j = node["id"].split("_")[0], 0, 0
        if key.startswith("W"):
            _, i, j = map(int, node["id"][1:].split("_"))
            key = f"W{node['id'][1:].split('_')[0]}"
        else:
            j = int(node["id"].split("_")[1])
        total = sum(p["value"] for p in c["paths"]) + sum(o["sum"] for o in c["others"])
        assert close(total + c["more"]["sum"], t[f"dJd{key}"][i, j])
        assert c["gradient"] == pytest.approx(t[f"dJd{key}"][i, j], rel=TOL, abs=TOL)
        # this example's paths, drawn: the leaf's gradient in the graph is theirs
        assert close(sum(p["value"] for p in c["paths"]), node["grad"])
        for p in c["paths"]:
            assert (
                p["nodes"][0] == node["id"] and p["nodes"][-1] == doc["nodes"][-1]["id"]
            )


@pytest.mark.parametrize("name", list(list_examples()))
def test_every_built_in_example_is_within_the_limit(name):
    pg = from_example(name)
    g = operation_graph(pg.explanation(), 0)
    assert 0 < g.operations <= MAX_OPERATIONS


def test_the_tutorials_weight_gradient_is_the_sum_over_its_examples():
    pg = from_example("tutorial-part4")
    ex = pg.explanation()
    grads = [operation_graph(ex, e).node("W1_0_0").grad for e in range(3)]
    assert len(set(grads)) == 3  # each example's own part
    assert sum(grads) == pytest.approx(ex["dJdW1"].value[0][0], rel=TOL)
    c = graph_payload(pg, 1, "W1_0_0")["chain"]
    assert [o["example"] for o in c["others"]] == [0, 2]
    assert c["total"] == pytest.approx(c["gradient"], rel=TOL)


def test_a_network_past_the_limit_is_refused_with_the_count_and_the_limit():
    pg = from_example("tutorial-part4")
    pg.configure({"sizes": [2, 8, 8, 1]})
    n = count_operations([2, 8, 8, 1], "sse", 3)
    assert n > MAX_OPERATIONS
    doc = graph_payload(pg, 0)
    assert f"at most {MAX_OPERATIONS} operations" in doc["refused"]
    assert f"has {n}" in doc["refused"] and "2-8-8-1" in doc["refused"]
    with pytest.raises(InvalidValueError, match="operation view"):
        operation_graph(pg.explanation(), 0)


def test_an_l2_penalty_and_a_wrong_row_are_refused():
    with pytest.raises(InvalidValueError, match="L2 penalty"):
        check_graph({"sizes": [1, 1, 1], "loss": "sse", "l2": 0.1}, 1)
    pg = from_example("seed004")
    for row in (1, -1, "0", True):
        with pytest.raises(InvalidValueError, match="row: expected an example"):
            graph_payload(pg, row)
    for chain in ("z2_0", "W9_0_0", ""):
        with pytest.raises(InvalidValueError, match="chain: expected a parameter"):
            graph_payload(pg, 0, chain)


def test_the_gates_rules_put_the_numbers_in():
    doc = graph_payload(from_example("seed004"), 0)
    rule = {n["id"]: n["rule"] for n in doc["nodes"]}
    # seed 004: ŷ = relu(0.8 · relu(3 · 0.5)) = 1.2, J = (2 − 1.2)²/2 = 0.32
    assert rule["m1_0_0"]["forward"] == "x₁·W₁,₁⁽¹⁾ = 3 · 0.5 = 1.5"
    assert rule["m1_0_0"]["backward"][0] == (
        "to W₁,₁⁽¹⁾: x₁ · ∂J/∂(×) = 3 · (-0.64) = (-1.92)"
    )
    assert rule["a2_0"]["title"].startswith("max(0, z) routes: z = 1.5 > 0")
    assert "2u = 2 · (-0.8) = (-1.6)" in rule["s_0"]["title"]
    assert rule["scale"]["forward"] == "J = 0.5 · 0.64 = 0.32"
    assert rule["z2_0"]["backward"] == ["to x₁·W₁,₁⁽¹⁾: ∂J/∂z₁⁽²⁾ = (-0.64), unchanged"]


def test_the_column_convention_names_and_addresses_the_transposed_weight():
    pg = from_example("classic-2-2-2")
    pg.configure({"convention": "column"})
    doc = graph_payload(pg, 0)
    w = next(n for n in doc["nodes"] if n["id"] == "W1_0_1")  # W1[0, 1] of the trace
    assert w["param"] == "W1[1,0]" and w["name"] == "W[1]₂,₁"
    c = graph_payload(pg, 0, "W1_0_1")["chain"]
    assert c["total"] == pytest.approx(pg.net.trace(pg.X, pg.y)["dJdW1"][0, 1])


def test_a_one_unit_chain_of_several_examples_explains_in_either_convention():
    # the column convention holds X as inputs × examples: two examples of a
    # 1-1 network are no scalar chain there either (it used to fail)
    net = cr.Network([1, 1], bias=False)
    X, y = [[1.0], [2.0]], [[0.0], [1.0]]
    row, column = (cr.explain(net, X, y, convention=c) for c in ("row", "column"))
    assert row.scalar_chain is None and column.scalar_chain is None
    assert cr.explain(net, X[:1], y[:1], convention="column").scalar_chain is not None
