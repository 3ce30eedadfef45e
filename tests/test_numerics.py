"""Activations and costs at extreme inputs: |z| up to 1e4, float32 and float64.

pytest turns every RuntimeWarning (overflow, divide by zero, invalid value)
into an error, so each test here also asserts that no warning is raised.
"""

import numpy as np
import pytest

import chainrule as cr
from chainrule.core.activations import ACTIVATIONS, backprop_through, get_activation
from chainrule.core.losses import cost_gradient, cost_value, fused_delta

DTYPES = ["float64", "float32"]
ELEMENTWISE = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]
PAIRINGS = (
    [("sse", out) for out in [*ELEMENTWISE, "softmax"]]
    + [("mse", out) for out in [*ELEMENTWISE, "softmax"]]
    + [("bce", "sigmoid"), ("cce", "softmax")]
)
EXTREME = np.array([-1e4, -1e3, -50.0, -1e-8, 0.0, 1e-8, 50.0, 1e3, 1e4])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_elementwise_activation_is_finite_at_extremes(name, dtype):
    act = get_activation(name)
    z = EXTREME.astype(dtype)
    a, da = act.f(z), act.f_prime(z)
    assert a.dtype == np.dtype(dtype) and da.dtype == np.dtype(dtype)
    assert np.all(np.isfinite(a)) and np.all(np.isfinite(da))
    assert np.all(da >= 0)  # every registered activation is non-decreasing
    assert np.all(np.diff(a) >= 0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_bounded_activations_saturate_exactly(dtype):
    z = np.array([-1e4, 1e4], dtype=dtype)
    np.testing.assert_array_equal(ACTIVATIONS["sigmoid"].f(z), [0.0, 1.0])
    np.testing.assert_array_equal(ACTIVATIONS["tanh"].f(z), [-1.0, 1.0])
    np.testing.assert_array_equal(ACTIVATIONS["sigmoid"].f_prime(z), [0.0, 0.0])
    np.testing.assert_array_equal(ACTIVATIONS["tanh"].f_prime(z), [0.0, 0.0])


@pytest.mark.parametrize("dtype", DTYPES)
def test_softmax_rows_are_distributions_at_extremes(dtype):
    z = np.array(
        [[1e4, -1e4, 0.0], [1e4, 1e4, 1e4], [-1e4, -1e4, -1e4], [-1e4, -1e4, 1e4]],
        dtype=dtype,
    )
    act = ACTIVATIONS["softmax"]
    a = act.f(z)
    assert a.dtype == np.dtype(dtype)
    assert np.all(np.isfinite(a)) and np.all(a >= 0)
    np.testing.assert_allclose(a.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(a[1], 1 / 3, rtol=1e-6)
    dz = backprop_through(act, z, a, np.ones_like(a))
    assert np.all(np.isfinite(dz))


@pytest.mark.parametrize("dtype", DTYPES)
def test_bce_from_z_is_exact_where_yhat_rounds_to_0_or_1(dtype):
    # -log σ(z) = log(1 + e^{-z}) -> -z as z -> -inf: the cost grows linearly
    # instead of being clipped at -log(eps).
    z = np.array([[-1e4], [1e4]], dtype=dtype)
    y = np.array([[1.0], [0.0]], dtype=dtype)
    yhat = ACTIVATIONS["sigmoid"].f(z)
    J = cost_value("bce", y, yhat, z)
    np.testing.assert_allclose(J, (1e4 + 1e4) / 2, rtol=1e-6)
    delta = fused_delta("bce", "sigmoid", y, yhat)
    np.testing.assert_allclose(delta, [[-0.5], [0.5]])


@pytest.mark.parametrize("dtype", DTYPES)
def test_cce_from_z_is_exact_at_extremes(dtype):
    # -log softmax(z)_k = logsumexp(z) - z_k = 2e4 for z = (1e4, -1e4), k = 2.
    z = np.array([[1e4, -1e4]], dtype=dtype)
    y = np.array([[0.0, 1.0]], dtype=dtype)
    yhat = ACTIVATIONS["softmax"].f(z)
    np.testing.assert_allclose(cost_value("cce", y, yhat, z), 2e4, rtol=1e-6)
    np.testing.assert_allclose(fused_delta("cce", "softmax", y, yhat), [[1, -1]])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("loss", ["sse", "mse", "bce", "cce"])
def test_cost_gradient_without_z_is_finite_at_0_and_1(loss, dtype):
    # The unfused dJ/dyHat divides by yHat (bce, cce): clipping keeps it finite.
    yhat = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=dtype)
    y = np.array([[1.0, 0.0], [1.0, 0.0]], dtype=dtype)
    assert np.isfinite(cost_value(loss, y, yhat))
    assert np.all(np.isfinite(cost_gradient(loss, y, yhat)))


def _huge_network(hidden, out, loss, dtype, scale):
    net = cr.Network(
        [2, 3, 2], activation=hidden, output_activation=out, loss=loss, dtype=dtype
    )
    # every weight ±scale: |z| reaches about scale * |x| * n_in
    net.set_params(
        {
            k: np.where(v >= 0, scale, -scale) if k[0] == "W" else v + 1.0
            for k, v in net.params.items()
        }
    )
    return net


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(("loss", "out"), PAIRINGS)
def test_every_cost_and_activation_with_huge_weights(loss, out, dtype):
    X = np.array([[1.0, -1.0], [0.5, 2.0], [-3.0, 0.25]])
    y = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    for hidden in ELEMENTWISE:
        for scale in (1e4, -1e4):
            net = _huge_network(hidden, out, loss, dtype, scale)
            t = net.trace(X, y)
            assert np.isfinite(t["J"])
            for name in t:
                value = np.asarray(t[name])
                assert np.all(np.isfinite(value)), (hidden, scale, name)
                if value.dtype.kind == "f" and value.ndim:
                    assert value.dtype == np.dtype(dtype), name
            assert all(np.all(np.isfinite(g)) for g in t.gradients.values())


# Where the gradient does not vanish, central differences still agree with
# backpropagation at |z_out| of about 1e4: the output layer is saturated but
# bce/sigmoid and cce/softmax are linear in z there, and identity is linear.
# (Where a saturated sigmoid or softmax meets sse, the true gradient is about
# e^-1e4, which underflows: nothing is left to compare.)
SMOOTH_SATURATED = [
    ("bce", "sigmoid", "tanh"),
    ("bce", "sigmoid", "sigmoid"),
    ("cce", "softmax", "tanh"),
    ("cce", "softmax", "identity"),
    ("sse", "identity", "sigmoid"),
    ("mse", "identity", "tanh"),
]


@pytest.mark.parametrize(("loss", "out", "hidden"), SMOOTH_SATURATED)
def test_gradcheck_passes_with_saturated_outputs(loss, out, hidden):
    rng = np.random.default_rng(7)
    net = cr.Network([2, 3, 2], activation=hidden, output_activation=out, loss=loss)
    X = rng.uniform(-1, 1, size=(5, 2))
    y = np.eye(2)[rng.integers(0, 2, size=5)]
    params = net.params
    params["W2"] = params["W2"] * 1e4 / np.abs(params["W2"]).max()
    net.set_params(params)
    z_out = net.trace(X, y)["z3"]
    assert np.abs(z_out).max() > 1e3  # really at the extremes
    chk = cr.gradcheck(net, X, y, eps=1e-6)
    assert np.abs(chk.analytic["W2"]).max() > 1e-3  # a gradient that did not vanish
    assert chk.ok, (chk.relative_error, chk.worst)


@pytest.mark.parametrize("dtype", DTYPES)
def test_training_step_at_extremes_keeps_parameters_finite(dtype):
    net = _huge_network("sigmoid", "sigmoid", "bce", dtype, 1e4)
    X = np.array([[1.0, -1.0], [0.5, 2.0]])
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    J0 = net.step(X, y, learning_rate=0.1)
    assert np.isfinite(J0)
    assert all(np.all(np.isfinite(v)) for v in net.params.values())
