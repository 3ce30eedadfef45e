"""The reused workspace gives bit for bit what the pure passes give."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.core.backward import backward
from chainrule.core.forward import forward, total_cost
from chainrule.core.workspace import Workspace

CASES = [
    (["sigmoid", "tanh", "sigmoid"], "sse"),
    (["relu", "leaky_relu", "identity"], "mse"),
    (["tanh", "relu", "sigmoid"], "bce"),
    (["leaky_relu", "identity", "softmax"], "cce"),
    (["relu", "tanh", "softmax"], "sse"),
]


@pytest.mark.parametrize(("acts", "loss"), CASES)
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_workspace_passes_equal_fresh_ones(acts, loss, dtype):
    rng = np.random.default_rng(0)
    net = cr.Network(
        [4, 5, 3, 2], activation=acts, loss=loss, l2=0.1, seed=1, dtype=dtype
    )
    p = net.params
    ws = Workspace(net.shapes, 9, net.dtype)
    for m in (9, 4, 9, 1):  # full, partial, full again, one row
        X = rng.normal(size=(m, 4)).astype(dtype)
        y = (
            np.eye(2)[rng.integers(0, 2, m)]
            if loss in ("bce", "cce")
            else rng.normal(size=(m, 2))
        ).astype(dtype)
        yh_ws, cache_ws = forward(p, X, net.activations, out=ws)
        J_ws = total_cost(p, cache_ws, y, net.activations, loss, 0.1)
        g_ws = backward(p, cache_ws, y, net.activations, loss, 0.1, out=ws)
        yh, cache = forward(p, X, net.activations)
        g = backward(p, cache, y, net.activations, loss, 0.1)
        np.testing.assert_array_equal(yh_ws, yh)
        assert J_ws == total_cost(p, cache, y, net.activations, loss, 0.1)
        for k in p:
            np.testing.assert_array_equal(g_ws[k], g[k])
            assert g_ws[k].dtype == net.dtype
        np.testing.assert_array_equal(ws.grads["W1"], net.gradients(X, y)["W1"])


@pytest.mark.parametrize("name", ["sigmoid", "relu"])
def test_the_registry_is_the_source_of_f_and_f_prime(name):
    """A registered entry's f and f' are what every pass uses (an entry without
    in-place forms is computed with them as they are)."""
    from chainrule.core import activations

    rng = np.random.default_rng(2)
    X, y = rng.normal(size=(5, 2)), rng.normal(size=(5, 1))
    act = activations.get_activation(name)
    cr.register_activation(
        f"twice_{name}", lambda z: 2 * act.f(z), lambda z: 2 * act.f_prime(z)
    )
    try:
        net = cr.Network([2, 3, 1], activation=name, output_activation="identity")
        twice = cr.Network(
            [2, 3, 1], activation=f"twice_{name}", output_activation="identity"
        )
        twice.set_params(net.params)
        g0, yh0 = net.gradients(X, y), net.forward(X)
        np.testing.assert_allclose(
            twice.forward(X), 2 * yh0 - net.params["b2"], rtol=1e-12
        )
        g = twice.gradients(X, y)
        assert not np.allclose(g["W1"], g0["W1"])
        np.testing.assert_array_equal(twice.trace(X, y)["dJdW1"], g["W1"])
        before = twice.get_flat()
        twice.fit(X, y, optimizer="gd", epochs=1, learning_rate=0.1)
        flat = np.concatenate([g[k].ravel() for k in twice.params])
        np.testing.assert_array_equal(twice.get_flat(), before + (-0.1 * flat))
    finally:
        activations.unregister_activation(f"twice_{name}")
