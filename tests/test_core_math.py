"""Activations, costs and fused deltas against their definitions."""

import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule.core.activations import ACTIVATIONS, get_activation
from chainrule.core.losses import cost_gradient, cost_value

Z = np.linspace(-6, 6, 25).reshape(5, 5)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "identity"])
def test_f_prime_is_the_derivative_of_f(name):
    act = ACTIVATIONS[name]
    z = Z[np.abs(Z) > 1e-3]  # away from the ReLU kink
    h = 1e-6
    numeric = (act.f(z + h) - act.f(z - h)) / (2 * h)
    np.testing.assert_allclose(act.f_prime(z), numeric, atol=1e-8)


def test_activation_values():
    assert get_activation("relu").f_prime(np.array([0.0]))[0] == 0.0
    np.testing.assert_array_equal(
        get_activation("leaky_relu").f(np.array([-2.0, 3.0])), [-0.02, 3.0]
    )
    np.testing.assert_allclose(
        get_activation("softmax").f(np.array([[0.0, np.log(3)]])), [[0.25, 0.75]]
    )


@pytest.mark.parametrize("z", [-1000.0, 1000.0])
def test_sigmoid_limits_without_warnings(z):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        s = get_activation("sigmoid").f(np.array([z]))
        ds = get_activation("sigmoid").f_prime(np.array([z]))
    assert s[0] == (0.0 if z < 0 else 1.0)
    assert ds[0] == 0.0


def test_softmax_is_stable_for_huge_inputs():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        p = get_activation("softmax").f(np.array([[1e4, 0.0, -1e4]]))
    np.testing.assert_allclose(p, [[1.0, 0.0, 0.0]])


def test_cost_definitions():
    y = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    p = np.array([[0.8, 0.1], [0.3, 0.6], [0.9, 0.7]])
    n = 3
    assert cost_value("sse", y, p) == pytest.approx(0.5 * np.sum((y - p) ** 2))
    assert cost_value("mse", y, p) == pytest.approx(np.sum((y - p) ** 2) / (2 * n))
    bce = -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)) / n
    assert cost_value("bce", y, p) == pytest.approx(bce)
    assert cost_value("cce", y, p) == pytest.approx(-np.sum(y * np.log(p)) / n)


@pytest.mark.parametrize("loss", ["sse", "mse", "bce", "cce"])
def test_cost_gradient_is_the_derivative_of_the_cost(loss):
    rng = np.random.default_rng(0)
    y = rng.uniform(0.1, 0.9, size=(4, 3))
    p = rng.uniform(0.1, 0.9, size=(4, 3))
    g = cost_gradient(loss, y, p)
    h = 1e-6
    for idx in np.ndindex(p.shape):
        dp = np.zeros_like(p)
        dp[idx] = h
        num = (cost_value(loss, y, p + dp) - cost_value(loss, y, p - dp)) / (2 * h)
        assert g[idx] == pytest.approx(num, rel=1e-6, abs=1e-9)


def test_fused_bce_cost_exact_where_yhat_rounds_to_one():
    net = cr.Network([1, 1], activation="sigmoid", loss="bce", bias=False)
    net.set_params({"W1": [[50.0]]})
    # ŷ = σ(50) rounds to 1.0; J = log(1 + e^50) − 0 · 50 ≈ 50 for y = 0
    J = net.cost([[1.0]], [[0.0]])
    assert J == pytest.approx(50.0, rel=1e-12)
    g = net.gradients([[1.0]], [[0.0]])
    assert g["W1"][0, 0] == pytest.approx(1.0)  # (ŷ − y) x / N


def test_cce_with_softmax_equals_mean_negative_log_likelihood():
    rng = np.random.default_rng(0)
    net = cr.Network(
        [3, 4, 5], activation="tanh", output_activation="softmax", loss="cce", seed=0
    )
    X = rng.normal(size=(6, 3))
    labels = rng.integers(0, 5, size=6)
    Y = np.eye(5)[labels]
    p = net.forward(X)
    assert net.cost(X, Y) == pytest.approx(-np.mean(np.log(p[np.arange(6), labels])))
    np.testing.assert_allclose(net.trace(X, Y)["delta3"], (p - Y) / 6, atol=1e-15)


def test_l2_penalty_and_gradient():
    X, y = cr.datasets.test_scores()
    a = cr.Network([2, 3, 1], seed=0)
    b = cr.Network([2, 3, 1], seed=0, l2=0.5)
    W = a.params
    penalty = 0.25 * (np.sum(W["W1"] ** 2) + np.sum(W["W2"] ** 2))
    assert b.cost(X, y) == pytest.approx(a.cost(X, y) + penalty, rel=1e-14)
    ga, gb = a.gradients(X, y), b.gradients(X, y)
    np.testing.assert_allclose(gb["W1"], ga["W1"] + 0.5 * W["W1"], atol=1e-15)
    np.testing.assert_array_equal(gb["b1"], ga["b1"])  # biases not penalised


@pytest.mark.parametrize(
    ("init", "std"),
    [("normal", 1.0), ("xavier", np.sqrt(2 / 600)), ("he", np.sqrt(2 / 300))],
)
def test_initialisation_scales(init, std):
    net = cr.Network([300, 300], init=init, seed=0)
    assert np.std(net.params["W1"]) == pytest.approx(std, rel=0.02)
    assert np.all(net.params["b1"] == 0)


def test_seeded_initialisation_is_reproducible():
    a, b = cr.Network([2, 5, 1], seed=7), cr.Network([2, 5, 1], seed=7)
    np.testing.assert_array_equal(a.get_flat(), b.get_flat())
    assert not np.array_equal(a.get_flat(), cr.Network([2, 5, 1], seed=8).get_flat())


def test_invalid_pairings_are_refused():
    with pytest.raises(cr.ConfigError, match="bce.*sigmoid"):
        cr.Network([2, 1], activation="identity", loss="bce")
    with pytest.raises(cr.ConfigError, match="softmax"):
        cr.Network([2, 3, 2], activation="softmax", loss="sse")
    with pytest.raises(cr.UnknownNameError, match="sigmoid"):
        cr.Network([2, 1], activation="sigmoidd")


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_in_place_forms_equal_f_and_f_prime_bit_for_bit(name, dtype):
    """The hot path's in-place kernels compute exactly the registry's f and f'."""
    from chainrule.core.activations import backprop_through

    act = ACTIVATIONS[name]
    rng = np.random.default_rng(0)
    z = np.concatenate([rng.normal(scale=3, size=(6, 4)), np.zeros((1, 4))]).astype(
        dtype
    )
    dJda = rng.normal(size=z.shape).astype(dtype)
    scratch = {"t2": np.empty_like(z), "m2": np.empty(z.shape, bool)}
    a = act.f_into(z.copy(), np.empty_like(z), scratch, 2)
    np.testing.assert_array_equal(a, act.f(z))
    assert a.dtype == z.dtype
    expected = backprop_through(act, z, act.f(z), dJda)
    if act.grad_into is None:
        assert not act.elementwise  # softmax: the Jacobian-vector product
        return
    got = act.grad_into(a, z, dJda, np.empty_like(z), scratch, 2)
    np.testing.assert_array_equal(got, expected)
