"""Every number of the seeds, reproduced through the public API."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.reference import Neural_Network, computeNumericalGradient


# ---------------------------------------------------------------- seed 004
def seed004_net():
    net = cr.Network([1, 1, 1], activation="relu", loss="mse", bias=False)
    net.set_params({"W1": [[0.5]], "W2": [[0.8]]})
    return net


X4, Y4 = np.array([[3.0]]), np.array([[2.0]])


def test_seed004_forward_and_cost():
    net = seed004_net()
    assert net.forward(X4)[0, 0] == pytest.approx(1.2, abs=1e-12)
    assert net.cost(X4, Y4) == pytest.approx(0.32, abs=1e-12)
    assert isinstance(net.cost(X4, Y4), float)


def test_seed004_backward_every_number():
    t = seed004_net().trace(X4, Y4)
    assert t["dJdyHat"][0, 0] == pytest.approx(-0.8, abs=1e-12)
    assert t["delta3"][0, 0] == pytest.approx(-0.8, abs=1e-12)  # dJ/dz2 in seed 004
    assert t["dJdW2"][0, 0] == pytest.approx(-1.2, abs=1e-12)
    assert t["dJda2"][0, 0] == pytest.approx(-0.64, abs=1e-12)  # dJ/da1 in seed 004
    assert t["delta2"][0, 0] == pytest.approx(-0.64, abs=1e-12)  # dJ/dz1
    assert t["dJdW1"][0, 0] == pytest.approx(-1.92, abs=1e-12)
    # the table of problem 3: a1 = 1.5 (dz2/dw2), x = 3 (dz1/dw1)
    assert t["a2"][0, 0] == pytest.approx(1.5)
    assert t["z2"][0, 0] == pytest.approx(1.5)


def test_seed004_update_and_forward_again():
    net = seed004_net()
    J_before = net.step(X4, Y4, learning_rate=0.1)
    assert J_before == pytest.approx(0.32, abs=1e-12)
    assert net.params["W1"][0, 0] == pytest.approx(0.692, abs=1e-12)
    assert net.params["W2"][0, 0] == pytest.approx(0.92, abs=1e-12)
    t = net.trace(X4, Y4)
    assert t["z2"][0, 0] == pytest.approx(2.076, abs=1e-12)
    assert t["yHat"][0, 0] == pytest.approx(1.910, abs=5e-4)  # seed 004, rounded
    # by hand: yHat = relu(3 · 0.692) · 0.92 = 2.076 · 0.92 = 1.90992
    assert t["yHat"][0, 0] == pytest.approx(1.90992, abs=1e-12)
    assert t["J"] == pytest.approx(0.004, abs=5e-4)
    assert t["J"] < J_before


# ------------------------------------------------- the tutorial, parts 2-7
def tutorial_net(W1, W2):
    net = cr.Network([2, 3, 1], activation="sigmoid", loss="sse", bias=False)
    net.set_params({"W1": W1, "W2": W2})
    return net


def test_tutorial_forward_with_fixed_weights():
    X, y = cr.datasets.test_scores()
    W1 = np.array([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]])
    W2 = np.array([[0.7], [0.8], [0.9]])
    net = tutorial_net(W1, W2)
    # Oracle: part 2's equations written out in NumPy, yHat = f(f(X W1) W2)
    # with f the sigmoid and J = ½ Σ (y − yHat)²; the pinned digits are those
    # equations' values, printed to 10 and 12 decimals.
    f = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
    by_hand = f(f(X @ W1) @ W2)
    pinned = [0.8223928094, 0.7896752179, 0.8088920018]
    np.testing.assert_allclose(by_hand.ravel(), pinned, atol=1e-10)
    assert 0.5 * np.sum((y - by_hand) ** 2) == pytest.approx(0.010413729250, abs=1e-12)
    np.testing.assert_allclose(net.forward(X).ravel(), pinned, atol=1e-10)
    assert net.cost(X, y) == pytest.approx(0.010413729250, abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_part4_gradients_equal_the_notebook(seed):
    X, y = cr.datasets.test_scores()
    ref = Neural_Network(seed=seed)
    net = tutorial_net(ref.W1, ref.W2)
    dJdW1, dJdW2 = ref.costFunctionPrime(X, y)
    g = net.gradients(X, y)
    np.testing.assert_allclose(g["W1"], dJdW1, rtol=0, atol=1e-12)
    np.testing.assert_allclose(g["W2"], dJdW2, rtol=0, atol=1e-12)
    t = net.trace(X, y)
    np.testing.assert_allclose(t["delta3"], ref.delta3, atol=1e-12)
    np.testing.assert_allclose(t["delta2"], ref.delta2, atol=1e-12)
    assert t["J"] == pytest.approx(ref.costFunction(X, y), abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
def test_part4_scalar_3_up_and_down(seed):
    X, y = cr.datasets.test_scores()
    ref = Neural_Network(seed=seed)
    net = tutorial_net(ref.W1, ref.W2)
    cost1 = net.cost(X, y)
    g = net.gradients(X, y)
    scalar = 3
    net.set_params({k: v + scalar * g[k] for k, v in net.params.items()})
    cost2 = net.cost(X, y)
    assert cost2 > cost1
    g = net.gradients(X, y)
    net.set_params({k: v - scalar * g[k] for k, v in net.params.items()})
    cost3 = net.cost(X, y)
    assert cost3 < cost2


def test_part5_gradcheck_below_1e8():
    X, y = cr.datasets.test_scores()
    for seed in range(5):
        ref = Neural_Network(seed=seed)
        chk = cr.gradcheck(tutorial_net(ref.W1, ref.W2), X, y)
        assert chk.relative_error < 1e-8
        assert chk.ok
        # and the tutorial's own numerical gradient agrees with ours
        numgrad = computeNumericalGradient(ref, X, y)
        ours = np.concatenate(
            [chk.numerical["W1"].ravel(), chk.numerical["W2"].ravel()]
        )
        np.testing.assert_allclose(ours, numgrad, atol=1e-12)


def test_part6_bfgs_fits_the_data():
    X, y = cr.datasets.test_scores()
    net = cr.Network(
        [2, 3, 1], activation="sigmoid", loss="sse", bias=False, init="normal", seed=0
    )
    hist = net.fit(X, y, optimizer="bfgs", epochs=200)
    np.testing.assert_allclose(net.forward(X), y, atol=1e-3)
    assert hist.cost[-1] < hist.cost[0]
    assert all(isinstance(c, float) for c in hist.cost)


def test_part7_regularised_cost_and_gradients_equal_the_notebook():
    X, y, X_test, y_test = cr.datasets.test_scores_split()
    ref = Neural_Network(seed=3, Lambda=0.0001)
    net = cr.Network([2, 3, 1], loss="mse", bias=False, l2=0.0001)
    net.set_params({"W1": ref.W1, "W2": ref.W2})
    assert net.cost(X, y) == pytest.approx(ref.costFunction(X, y), abs=1e-14)
    dJdW1, dJdW2 = ref.costFunctionPrime(X, y)
    g = net.gradients(X, y)
    np.testing.assert_allclose(g["W1"], dJdW1, atol=1e-14)
    np.testing.assert_allclose(g["W2"], dJdW2, atol=1e-14)
    assert cr.gradcheck(net, X_test, y_test).ok


def test_part7_data_scaled_by_training_maxima():
    Xtr, ytr, Xte, yte = cr.datasets.test_scores_split()
    rXtr, rytr, rXte, ryte = cr.datasets.test_scores_split(raw=True)
    np.testing.assert_allclose(Xte * rXtr.max(axis=0), rXte)
    np.testing.assert_allclose(yte * 100, ryte)
    assert Xtr.max(axis=0).tolist() == [1.0, 1.0]


# ------------------------------------------------------------ seed 000
ONES_W1, ONES_W2 = np.ones((2, 3)), np.ones((3, 1))


def test_seed000_dimensions_one_example():
    net = tutorial_net(ONES_W1, ONES_W2)
    t = net.trace([[3.0, 5.0]], [[0.75]])
    assert t.shapes()["dJdW1"] == (2, 3)  # question 1
    assert t.shapes()["dJdW2"] == (3, 1)  # question 2
    assert t.shapes()["delta3"] == (1, 1)  # question 7


def test_seed000_dimensions_three_examples():
    X = [[3.0, 5.0], [5.0, 1.0], [5.0, 10.0]]
    t = tutorial_net(ONES_W1, ONES_W2).trace(X, [[0.75], [0.82], [0.93]])
    assert t.shapes()["delta3"] == (3, 1)  # question 12
    assert t.shapes()["a2"] == (3, 3)  # rows are examples, columns hidden units


@pytest.mark.parametrize(
    ("X", "y"),
    [
        ([[3.0, 5.0]], [[0.75]]),  # question 11 (y chosen: the tutorial's score)
        ([[3.0, 5.0], [5.0, 1.0], [5.0, 10.0]], [[0.75], [0.82], [0.93]]),  # q. 15
    ],
)
def test_seed000_values_with_ones(X, y):
    X, y = np.array(X), np.array(y)
    ref = Neural_Network(W1=ONES_W1, W2=ONES_W2)
    dJdW1, dJdW2 = ref.costFunctionPrime(X, y)
    g = tutorial_net(ONES_W1, ONES_W2).gradients(X, y)
    np.testing.assert_allclose(g["W2"], dJdW2, atol=1e-15)
    np.testing.assert_allclose(g["W1"], dJdW1, atol=1e-15)
    # with all-equal weights every hidden unit is the same
    assert np.ptp(g["W2"]) == pytest.approx(0.0, abs=1e-15)


def test_seed000_question11_value_by_hand():
    # z2 = [8, 8, 8], a2 = σ(8), z3 = 3σ(8), ŷ = σ(3σ(8)),
    # δ3 = −(y − ŷ) σ′(z3), ∂J/∂W2 = a2ᵀ δ3 = σ(8) δ3 for each row
    s8 = 1 / (1 + np.exp(-8.0))
    z3 = 3 * s8
    yhat = 1 / (1 + np.exp(-z3))
    delta3 = -(0.75 - yhat) * yhat * (1 - yhat)
    g = tutorial_net(ONES_W1, ONES_W2).gradients([[3.0, 5.0]], [[0.75]])
    np.testing.assert_allclose(g["W2"], np.full((3, 1), s8 * delta3), rtol=1e-13)


# ------------------------------------------------------------ seed 001
def test_seed001_4_3_2_1_network_shapes_and_gradient():
    rng = np.random.default_rng(1)
    net = cr.Network([4, 3, 2, 1], activation="sigmoid", loss="bce", bias=True, seed=1)
    x = rng.standard_normal((1, 4))
    t = net.trace(x, [[1.0]])
    b = t.bracket()
    expected = {
        "a[0]": (1, 4),
        "W[1]": (4, 3),
        "b[1]": (1, 3),
        "z[1]": (1, 3),
        "a[1]": (1, 3),
        "W[2]": (3, 2),
        "b[2]": (1, 2),
        "z[2]": (1, 2),
        "a[2]": (1, 2),
        "W[3]": (2, 1),
        "b[3]": (1, 1),
        "z[3]": (1, 1),
        "a[3]": (1, 1),
        "g[3a]": (1, 1),
        "g[3z]": (1, 1),
        "g[3W]": (2, 1),
        "g[3b]": (1, 1),
        "g[2a]": (1, 2),
        "g[2z]": (1, 2),
        "g[2W]": (3, 2),
        "g[2b]": (1, 2),
        "g[1a]": (1, 3),
        "g[1z]": (1, 3),
        "g[1W]": (4, 3),
        "g[1b]": (1, 3),
    }
    assert {k: np.shape(b[k]) for k in expected} == expected
    # seed 001's results: g[3z] = a[3] − y (bce + sigmoid), g[3W] = a[2]ᵀ g[3z],
    # g[2a] = g[3z] W[3]ᵀ, g[2z] = g'(z[2]) ∘ g[2a], g[lb] = g[lz]
    np.testing.assert_allclose(b["g[3z]"], b["a[3]"] - 1.0, atol=1e-15)
    np.testing.assert_allclose(b["g[3W]"], b["a[2]"].T @ b["g[3z]"], atol=1e-15)
    np.testing.assert_allclose(b["g[2a]"], b["g[3z]"] @ b["W[3]"].T, atol=1e-15)
    a2 = b["a[2]"]
    np.testing.assert_allclose(b["g[2z]"], a2 * (1 - a2) * b["g[2a]"], atol=1e-15)
    for l in (1, 2, 3):
        np.testing.assert_allclose(b[f"g[{l}b]"], b[f"g[{l}z]"], atol=1e-15)
    # g[3a] = (a − y) / (a (1 − a)) as the seed derives it
    a3 = b["a[3]"]
    np.testing.assert_allclose(b["g[3a]"], (a3 - 1.0) / (a3 * (1 - a3)), rtol=1e-12)
    chk = cr.gradcheck(net, x, [[1.0]])
    assert chk.relative_error < 1e-7


def test_seed001_sigmoid_is_the_correct_one():
    # seed 001 prints 1/(1 − e^−z); the logistic sigmoid is 1/(1 + e^−z)
    net = cr.Network([1, 1], activation="sigmoid", bias=False)
    net.set_params({"W1": [[1.0]]})
    assert net.forward([[0.0]])[0, 0] == 0.5
    assert net.forward([[2.0]])[0, 0] == pytest.approx(1 / (1 + np.exp(-2.0)))
