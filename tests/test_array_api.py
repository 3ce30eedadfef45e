"""The engine on another array library's arrays, against NumPy.

Oracle: the NumPy passes. The same ``forward``, ``total_cost`` and
``backward`` run on ``array_api_strict`` arrays (the array API standard's
reference implementation, which refuses anything outside the standard) and,
where installed, on PyTorch CPU tensors; every intermediate and gradient
agrees with NumPy to 1e-12 relative to its largest value (float64).
"""

import importlib.util

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainrule.core.backward import backward
from chainrule.core.forward import forward, total_cost
from chainrule.core.params import init_params

xps = pytest.importorskip("array_api_strict", reason="array-api-strict not installed")
pytest.importorskip("array_api_compat", reason="array-api-compat not installed")

LIBRARIES = ["array_api_strict"]
if importlib.util.find_spec("torch") is not None:
    LIBRARIES.append("torch")
HIDDEN = ["identity", "sigmoid", "tanh", "relu", "leaky_relu"]


def _to(library: str, a: np.ndarray):
    if library == "torch":
        import torch

        return torch.asarray(a, dtype=torch.float64)
    return xps.asarray(a, dtype=xps.float64)


def _back(a) -> np.ndarray:
    if type(a).__module__.startswith("torch"):
        return a.numpy()
    return np.asarray(a)


def _close(a, b):
    a = np.asarray(a)
    scale = max(float(np.max(np.abs(b), initial=0.0)), 1e-300)
    np.testing.assert_allclose(a, b, rtol=0, atol=1e-12 * scale)


@st.composite
def networks(draw):
    L = draw(st.integers(1, 3))
    sizes = draw(st.lists(st.integers(1, 6), min_size=L + 1, max_size=L + 1))
    acts = draw(st.lists(st.sampled_from(HIDDEN), min_size=L, max_size=L))
    loss = draw(st.sampled_from(["sse", "mse", "bce", "cce"]))
    if loss == "bce":
        acts[-1] = "sigmoid"
    if loss == "cce":
        sizes[-1] = max(sizes[-1], 2)
        acts[-1] = "softmax"
    bias = draw(st.lists(st.booleans(), min_size=L, max_size=L))
    m = draw(st.integers(1, 8))
    seed = draw(st.integers(0, 2**16))
    l2 = draw(st.sampled_from([0.0, 0.1]))
    rng = np.random.default_rng(seed)
    params = init_params(sizes, bias, acts, seed=rng)
    X = rng.normal(size=(m, sizes[0]))
    if loss == "cce":
        y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], m)]
    else:
        y = rng.random((m, sizes[-1]))
    return params, X, y, acts, loss, l2


@pytest.mark.parametrize("library", LIBRARIES)
@settings(max_examples=40, deadline=None)
@given(networks())
def test_the_passes_agree_with_numpy(library, case):
    params, X, y, acts, loss, l2 = case
    yhat, cache = forward(params, X, acts)
    J = total_cost(params, cache, y, acts, loss, l2)
    grads, deltas = backward(params, cache, y, acts, loss, l2, return_deltas=True)

    other = {k: _to(library, v) for k, v in params.items()}
    Xo, yo = _to(library, X), _to(library, y)
    yhat_o, cache_o = forward(other, Xo, acts)
    J_o = total_cost(other, cache_o, yo, acts, loss, l2)
    grads_o, deltas_o = backward(other, cache_o, yo, acts, loss, l2, return_deltas=True)
    assert type(yhat_o) is type(Xo)  # computed by that library, not NumPy
    assert J_o == pytest.approx(J, rel=1e-12, abs=1e-300)
    for name in cache:
        _close(_back(cache_o[name]), cache[name])
    assert list(grads_o) == list(grads)
    for name in grads:
        _close(_back(grads_o[name]), grads[name])
    assert list(deltas_o) == list(deltas)
    for name in deltas:
        _close(_back(deltas_o[name]), deltas[name])
