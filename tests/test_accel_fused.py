"""The fused minibatch step (``chainrule.accel.fused``) against the NumPy loop.

Oracle: the pure passes (``forward``, ``backward``) and the SGD update
``W − α dJ/dW`` written out. The fused step sums in another order (bias and
update folded into the products), so values agree within a few ulps of the
dtype, not bit for bit.
"""

import dataclasses
import importlib.util
import threading

import numpy as np
import pytest
from scipy.linalg.blas import dgemm, sgemm

import chainrule as cr
from chainrule.accel import Call, fused, loader, paths, plan
from chainrule.core.backward import backward
from chainrule.core.forward import forward, total_cost

RTOL = {"float64": 1e-12, "float32": 2e-5}
HAVE_NUMBA = importlib.util.find_spec("numba") is not None


@pytest.fixture(params=["compiled", "numpy"])
def elementwise(request, monkeypatch):
    """The element-wise passes in numba (``chainrule[fast]``; for layers of any
    width here, the kernels made ready) or in NumPy; yields the kernels or
    ``None``."""
    if request.param == "compiled" and not HAVE_NUMBA:
        pytest.skip("numba not installed: the compiled element-wise passes")
    monkeypatch.setattr(paths, "COMPILED_MIN", 0)
    previous = loader.use_compiled(request.param == "compiled")
    kernels = loader.prepare()
    yield kernels
    loader.use_compiled(previous)
    loader.forget()


def _always_fused(monkeypatch):
    """The fused path for any size (its row of the table without a minimum)."""
    rows = tuple(
        dataclasses.replace(p, min_work=0) if p.name == "fused" else p
        for p in paths.PATHS
    )
    monkeypatch.setattr(paths, "PATHS", rows)


def _net(dtype="float64", l2=0.0, bias=True, sizes=(6, 9, 7, 4)):
    return cr.Network(
        list(sizes),
        activation="relu",
        output_activation="softmax",
        loss="cce",
        dtype=dtype,
        l2=l2,
        bias=bias,
        seed=2,
    )


def _data(n, net, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, net.n_inputs)).astype(net.dtype)
    y = np.eye(net.n_outputs, dtype=net.dtype)[rng.integers(0, net.n_outputs, n)]
    return X, y


@pytest.mark.parametrize("l2", [0.0, 0.3])
@pytest.mark.parametrize("contiguous", [True, False])
def test_the_folded_update_is_the_unfolded_one(l2, contiguous):
    rng = np.random.default_rng(1)
    W = rng.normal(size=(5, 3))
    W = W if contiguous else np.asfortranarray(W)
    a, d = rng.normal(size=(8, 5)), rng.normal(size=(8, 3))
    expected = W - 0.1 * (a.T @ d + l2 * W)
    fused.descend_weights(dgemm, W, a, d, 0.1, l2)
    np.testing.assert_allclose(W, expected, rtol=1e-13, atol=1e-15)


def test_the_folded_update_in_float32():
    rng = np.random.default_rng(2)
    W = rng.normal(size=(6, 4)).astype(np.float32)
    a = rng.normal(size=(9, 6)).astype(np.float32)
    d = rng.normal(size=(9, 4)).astype(np.float32)
    expected = W.astype(float) - 0.05 * (a.T.astype(float) @ d)
    fused.descend_weights(sgemm, W, a, d, 0.05, 0.0)
    assert W.dtype == np.float32
    np.testing.assert_allclose(W, expected, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize(("l2", "bias"), [(0.0, True), (0.1, True), (0.0, False)])
def test_one_step_is_the_pure_passes_and_sgd(dtype, l2, bias, elementwise):
    net = _net(dtype, l2, bias)
    X, y = _data(10, net)
    p = {k: v.copy() for k, v in net.params.items()}
    _, cache = forward(p, X, net.activations)
    J_ref = total_cost(p, cache, y, net.activations, net.loss, l2)
    g = backward(p, cache, y, net.activations, net.loss, l2)
    step = fused.FusedSGD(net, X, y, batch=10, shuffle=False, kernels=elementwise)
    assert (step.ew is not None) == (elementwise is not None)
    J = step.step(p, X, y, 0.2)
    np.testing.assert_allclose(J, J_ref, rtol=RTOL[dtype])
    for k, v in net.params.items():
        expected = v - 0.2 * g[k]
        scale = np.max(np.abs(expected))
        np.testing.assert_allclose(p[k], expected, rtol=0, atol=RTOL[dtype] * scale)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shuffle", [True, False])
def test_fit_equals_the_numpy_loop(monkeypatch, dtype, shuffle, elementwise):
    net = _net(dtype, l2=0.01)
    X, y = _data(45, net)  # batches of 8: the last one has 5 rows
    kw = dict(optimizer="sgd", epochs=3, learning_rate=0.1, batch_size=8)
    slow = net.copy()
    h_slow = slow.fit(X, y, shuffle=shuffle, **kw)
    _always_fused(monkeypatch)
    calls = []
    real = fused.FusedSGD.run_epoch
    monkeypatch.setattr(
        fused.FusedSGD, "run_epoch", lambda *a: calls.append(1) or real(*a)
    )
    h_fast = net.fit(X, y, shuffle=shuffle, **kw)
    assert len(calls) == 3  # the fused step ran every epoch
    np.testing.assert_allclose(h_fast.cost, h_slow.cost, rtol=10 * RTOL[dtype])
    np.testing.assert_allclose(
        net.get_flat(), slow.get_flat(), rtol=0, atol=10 * RTOL[dtype]
    )


@pytest.mark.skipif(not HAVE_NUMBA, reason="numba not installed: no compiled passes")
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_rows_split_among_threads_give_the_same_bits(dtype):
    from concurrent.futures import ThreadPoolExecutor

    net = _net(dtype, l2=0.01, sizes=(20, 1100, 130, 5))  # 128 · 1100 > SPLIT_MIN
    X, y = _data(128, net, seed=4)
    kernels = loader.prepare()
    results = []
    for parts in (1, 2, 3):
        p = {k: v.copy() for k, v in net.params.items()}
        step = fused.FusedSGD(net, X, y, batch=128, shuffle=False, kernels=kernels)
        assert step.ew is not None
        step.parts, step.pool = parts, ThreadPoolExecutor(parts)
        with step:
            J = step.step(p, X, y, 0.05)
        results.append((J, p, step.a[0].copy()))
    loader.forget()
    for J, p, a in results[1:]:
        assert J == results[0][0]
        np.testing.assert_array_equal(a, results[0][2])
        for k in p:
            np.testing.assert_array_equal(p[k], results[0][1][k])


@pytest.mark.skipif(not HAVE_NUMBA, reason="numba not installed: no compiled passes")
def test_the_compiled_passes_keep_numpys_nan_and_zero_rules():
    bias_relu, relu_delta = loader.prepare().ELEMENTWISE
    loader.forget()
    z = np.array([[np.nan, -1.0, 0.0, 2.0, -0.0, np.inf]])
    b = np.zeros((1, 6))
    expected = np.maximum(z + b, 0)
    bias_relu(z, b, True, 0, 1)
    np.testing.assert_array_equal(z, expected)
    g = np.array([[1.0, -2.0, np.nan, 3.0, np.inf, -1.0]])
    a = np.array([[0.0, 1.0, 0.0, np.nan, 0.0, 2.0]])
    out = np.empty_like(g)
    relu_delta(g, a, out, 0, 1)
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(out, np.multiply(g, np.greater(a, 0)))


def test_a_non_finite_cost_leaves_the_parameters():
    net = _net()
    X, y = _data(4, net)
    X[0, 0] = np.inf
    p = {k: v.copy() for k, v in net.params.items()}
    step = fused.FusedSGD(net, X, y, batch=4, shuffle=False)
    with np.errstate(invalid="ignore", over="ignore"):
        J = step.step(p, X, y, 0.1)
    assert not np.isfinite(J)
    for k, v in net.params.items():
        np.testing.assert_array_equal(p[k], v)


def test_narrow_layers_keep_numpys_passes():
    net = _net(sizes=(600, 4000, 10))  # 64 · 4000 values a pass < COMPILED_MIN
    p = plan(net, Call("fit", m=64, n=1000, steps=10**9, optimizer="sgd"))
    assert p.path == "fused" and p.kernels is None, p.reason


def test_what_runs_fused():
    def path(net, m=512, n=10_000, optimizer="sgd", **kw):
        call = Call("fit", m=m, n=n, steps=20, optimizer=optimizer, **kw)
        return plan(net, call).path

    big = _net(sizes=(1024, 2048, 10))
    assert path(big) == "fused"
    assert path(big, n=512) == "numpy"  # the full batch
    assert path(big, momentum=True) == "numpy"
    assert path(big, optimizer="adam") == "numpy"
    assert path(big, frozen=True) == "numpy"
    assert path(big, weighted=True) == "numpy"
    assert path(big, sparse=True) == "numpy"
    assert path(_net(), m=8, n=100) == "numpy"  # small
    tanh = cr.Network([1024, 2048, 10], activation="tanh", loss="mse")
    assert path(tanh) == "numpy"


def test_blas_writes_the_buffers_in_place():
    """The speed of the fused step rests on SciPy's gemm writing into the
    transposed view it is given, without a copy."""
    rng = np.random.default_rng(3)
    a, W = rng.normal(size=(6, 4)), rng.normal(size=(4, 5))
    z = np.full((6, 5), 0.5)  # a bias row, prefilled
    out = dgemm(1.0, W.T, a.T, beta=1.0, c=z.T, overwrite_c=1)
    assert np.shares_memory(out, z)
    np.testing.assert_allclose(z, a @ W + 0.5, rtol=1e-14)


def test_a_fused_fit_leaves_no_threads_behind(monkeypatch):
    """The row threads belong to one fit's step and end with it."""
    monkeypatch.setattr(paths, "COMPILED_MIN", 0)
    _always_fused(monkeypatch)
    if loader.prepare() is None:
        pytest.skip("numba not installed: no compiled passes, no row threads")
    net = _net(sizes=(20, 1100, 130, 5))
    X, y = _data(300, net)
    try:
        net.fit(X, y, optimizer="sgd", epochs=1, batch_size=128, threads=2)
    finally:
        loader.forget()
    assert not [t for t in threading.enumerate() if t.name.startswith("chainrule")]
