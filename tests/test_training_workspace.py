"""The reused workspace gives bit for bit what the pure passes give."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.backward import backward
from chainrule.forward import Workspace, forward, total_cost

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
