"""Per-weight chains: a sum over paths of products of local derivatives.

Oracle: each chain's total must equal the trace's ∂J/∂W at that element (the
backward pass, itself checked against finite differences elsewhere); the
classic 2-2-2 example's numbers are those printed by its source, Matt Mazur,
"A Step by Step Backpropagation Example" (2015).
"""

import numpy as np
import pytest

import chainrule as cr
from chainrule.errors import InvalidValueError
from chainrule.explainer.problems import load_example


def random_networks():
    rng = np.random.default_rng(7)
    for k in range(12):
        sizes = [int(s) for s in rng.integers(1, 4, size=rng.integers(2, 5))]
        hidden = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]
        acts = [str(rng.choice(hidden)) for _ in sizes[1:]]
        loss = str(rng.choice(["sse", "mse"]))
        if k % 4 == 3:
            acts[-1], loss = "sigmoid", "bce"
        if k % 4 == 2 and sizes[-1] > 1:
            acts[-1], loss = "softmax", "cce"
        bias = [bool(b) for b in rng.integers(0, 2, size=len(sizes) - 1)]
        l2 = 0.1 if k % 3 == 0 else 0.0
        net = cr.Network(sizes, acts, loss=loss, bias=bias, l2=l2, seed=k)
        n = int(rng.integers(1, 4))
        X = rng.normal(size=(n, sizes[0]))
        if loss == "cce":
            y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], size=n)]
        elif loss == "bce":
            y = rng.integers(0, 2, size=(n, sizes[-1])).astype(float)
        else:
            y = rng.normal(size=(n, sizes[-1]))
        yield net, X, y


@pytest.mark.parametrize("case", list(random_networks()), ids=lambda c: repr(c[0]))
@pytest.mark.parametrize("convention", ["row", "column"])
def test_every_chain_sums_to_the_gradient(case, convention):
    net, X, y = case
    t = net.trace(X, y)
    ex = cr.explain(net, X, y, convention=convention)
    for key, g in t.gradients.items():
        for i, j in np.ndindex(g.shape):
            r, c = (j, i) if convention == "column" else (i, j)
            chain = ex.chain(f"{key}[{r},{c}]")
            assert chain.gradient == g[i, j]
            assert chain.total == pytest.approx(g[i, j], rel=1e-9, abs=1e-14)
            for p in chain.paths:
                assert p.value == pytest.approx(np.prod([f.value for f in p.factors]))
            # one path per example and per combination of units above the weight
            layer = int(key[1:])
            above = int(np.prod(net.sizes[layer + 1 :]))
            assert len(chain.paths) == X.shape[0] * above


def classic():
    p = load_example("classic-2-2-2")
    return p, p.explain()


def test_classic_w5_chain():
    _, ex = classic()
    c = ex.chain("W2[0,0]")
    (path,) = c.paths
    # Mazur: ∂E/∂w5 = 0.74136507 · 0.186815602 · 0.593269992 = 0.082167041
    assert [round(f.value, 6) for f in path.factors] == [0.741365, 0.186816, 0.593270]
    assert [f.name for f in path.factors] == [
        "∂J/∂ŷ₁",
        "∂ŷ₁/∂z₁⁽³⁾",
        "∂z₁⁽³⁾/∂W₁,₁⁽²⁾",
    ]
    assert round(c.total, 9) == 0.082167041


def test_classic_w1_has_two_paths():
    _, ex = classic()
    c = ex.chain("W1[0,0]")
    assert len(c.paths) == 2  # through out_o1 and out_o2
    # Mazur: ∂E_total/∂out_h1 = 0.055399425 + (−0.019049119); ∂E/∂w1 = 0.000438568
    parts = [np.prod([f.value for f in p.factors[:3]]) for p in c.paths]
    # (his last digit comes from rounded factors)
    assert parts == pytest.approx([0.055399425, -0.019049119], abs=2e-9)
    assert round(c.total, 9) == 0.000438568


def test_classic_frozen_biases():
    p, ex = classic()
    assert p.update_biases is False and ex.update_biases is False
    assert round(ex["J"].value, 9) == 0.298371109
    # Mazur prints 0.291027924 after the step, from rounded intermediates: his
    # own updated weights give 0.2910277737 too; six digits agree.
    assert round(ex["J'"].value, 6) == round(0.291027924, 6)
    assert "b1'" not in ex and "b2'" not in ex
    np.testing.assert_allclose(
        ex["W2'"].value, [[0.35891648, 0.51130127], [0.408666186, 0.561370121]]
    )
    assert all("biases frozen" in s.note for s in ex.phase("update"))
    # the biases updated too give the other number
    updated = p.explain(update_biases=True)
    assert round(updated["J'"].value, 9) == 0.280471447
    assert "b1'" in updated


def test_frozen_biases_match_weights_only_gradient_descent():
    rng = np.random.default_rng(3)
    net = cr.Network([3, 4, 2], "tanh", "sigmoid", "bce", seed=4)
    X, y = rng.normal(size=(5, 3)), rng.integers(0, 2, size=(5, 2)).astype(float)
    ex = cr.explain(net, X, y, learning_rate=0.3, update_biases=False)
    g = net.trace(X, y).gradients
    after = net.copy()
    after.set_params(
        {k: v - 0.3 * g[k] if k[0] == "W" else v for k, v in net.params.items()}
    )
    assert ex["J'"].value == after.trace(X, y).J


def test_bad_targets_say_no():
    _, ex = classic()
    for bad in ["W3[0,0]", "W2[2,0]", "w5", "W2[0]", 5, "b1[0,0,0]"]:
        with pytest.raises(InvalidValueError, match="target"):
            ex.chain(bad)
    assert ex.chain("b2[1]").total == ex["dJdb2"].value[0, 1]


def test_too_many_paths_say_no():
    net = cr.Network([2, 30, 30, 30, 2], seed=0)
    ex = cr.explain(net, np.ones((2, 2)), np.ones((2, 2)) / 2)
    with pytest.raises(InvalidValueError, match="paths"):
        ex.chain("W1[0,0]")
    assert len(ex.chain("W4[0,0]").paths) == 2


def test_chain_text_names_every_factor():
    _, ex = classic()
    text = ex.chain("W2[0,0]").to_text()
    assert "0.741365 · 0.186816 · 0.59327 = 0.082167" in text
    assert "∂J/∂ŷ₁ · ∂ŷ₁/∂z₁⁽³⁾ · ∂z₁⁽³⁾/∂W₁,₁⁽²⁾" in text
