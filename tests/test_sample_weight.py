"""Sample weights: integer weights are repeated rows; checks; minibatches; sparse X.

The oracle of the equivalence tests is the definition of the weighted cost
(chainrule.core.losses): with the weighted mean Σ wᵢ ℓᵢ / Σ wᵢ (sum for sse),
a row of integer weight k counts exactly as k copies of that row, so the
cost, the gradients and any full-batch training must agree with the data
where each row is repeated wᵢ times.
"""

import numpy as np
import pytest
import scipy.sparse as sp

import chainrule as cr
from chainrule.errors import ChainruleError, InvalidValueError, ShapeError
from chainrule.train.batches import Batches

CASES = [
    ("sse", "sigmoid", 1),
    ("mse", "identity", 2),
    ("bce", "sigmoid", 1),
    ("cce", "softmax", 3),
]


def problem(loss, out, k, n=7, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    if loss == "bce":
        y = rng.integers(0, 2, size=(n, k)).astype(float)
    elif loss == "cce":
        y = np.eye(k)[rng.integers(0, k, size=n)]
    else:
        y = rng.normal(size=(n, k))
    w = rng.integers(0, 4, size=n)
    w[0] = max(w[0], 1)
    net = cr.Network(
        [3, 4, k],
        activation="tanh",
        output_activation=out,
        loss=loss,
        l2=0.01,
        seed=seed,
    )
    return net, X, y, w


def repeated(X, y, w):
    idx = np.repeat(np.arange(len(w)), w)
    return X[idx], y[idx]


@pytest.mark.parametrize("loss,out,k", CASES)
def test_integer_weights_are_repeated_rows_cost_and_gradients(loss, out, k):
    net, X, y, w = problem(loss, out, k)
    Xr, yr = repeated(X, y, w)
    assert net.cost(X, y, sample_weight=w) == pytest.approx(net.cost(Xr, yr), rel=1e-12)
    gw, gr = net.gradients(X, y, sample_weight=w), net.gradients(Xr, yr)
    for key in gr:
        np.testing.assert_allclose(gw[key], gr[key], rtol=1e-8, atol=1e-14)
    t = net.trace(X, y, sample_weight=w)
    np.testing.assert_allclose(t["dJdW1"], gr["W1"], rtol=1e-8, atol=1e-14)


@pytest.mark.parametrize("loss,out,k", CASES)
def test_weights_change_the_cost(loss, out, k):
    # a test that can fail: the weights are not silently ignored
    net, X, y, w = problem(loss, out, k)
    assert net.cost(X, y, sample_weight=w) != pytest.approx(net.cost(X, y), rel=1e-6)


def test_normalisation_means_versus_sum():
    # means: scaling every weight changes nothing; sse: the cost scales with them
    net, X, y, w = problem("mse", "identity", 2)
    a, b = net.cost(X, y, sample_weight=w), net.cost(X, y, sample_weight=2.5 * w)
    assert a == pytest.approx(b, rel=1e-12)
    net, X, y, w = problem("sse", "sigmoid", 1)
    net2 = cr.Network(
        [3, 4, 1], activation="tanh", output_activation="sigmoid", loss="sse", seed=0
    )
    net2.set_params(net.params)
    c1 = net2.cost(X, y, sample_weight=w)
    assert net2.cost(X, y, sample_weight=2 * w) == pytest.approx(2 * c1, rel=1e-12)


@pytest.mark.parametrize("optimizer", ["lbfgs", "gd", "bfgs"])
@pytest.mark.parametrize("loss,out,k", [CASES[1], CASES[2], CASES[3]])
def test_full_batch_fit_with_weights_equals_repeated_rows(optimizer, loss, out, k):
    net, X, y, w = problem(loss, out, k)
    other = net.copy()
    kw = {"learning_rate": 0.5} if optimizer == "gd" else {}
    h1 = net.fit(X, y, optimizer, epochs=30, sample_weight=w, **kw)
    h2 = other.fit(*repeated(X, y, w), optimizer, epochs=30, **kw)
    np.testing.assert_allclose(h1.cost, h2.cost, rtol=1e-8)
    np.testing.assert_allclose(net.get_flat(), other.get_flat(), rtol=1e-8, atol=1e-10)
    assert h1.cost[-1] < h1.cost[0]


def test_zero_weight_rows_are_left_out_with_adam_full_batch():
    net, X, y, w = problem("mse", "identity", 2)
    w = (w > 1).astype(float)
    w[0] = 1.0
    other = net.copy()
    net.fit(X, y, "adam", epochs=20, sample_weight=w)
    other.fit(X[w > 0], y[w > 0], "adam", epochs=20)
    np.testing.assert_allclose(net.get_flat(), other.get_flat(), rtol=1e-10)


def test_minibatches_gather_the_weights_with_their_rows():
    X = np.arange(20.0).reshape(10, 2)
    y = X[:, :1].copy()
    w = 10.0 * X[:, 0]
    seen = []
    for Xb, yb, wb in Batches(X, y, 3, True, w)(np.random.default_rng(0)):
        np.testing.assert_array_equal(wb, 10 * Xb[:, 0])
        np.testing.assert_array_equal(yb[:, 0], Xb[:, 0])
        seen.extend(wb.tolist())
    assert sorted(seen) == sorted(w.tolist())


def test_minibatch_fit_uses_the_weights():
    # same rows, same shuffles: only the weights differ, so must the result
    net, X, y, w = problem("mse", "identity", 2, n=40)
    a, b = net.copy(), net.copy()
    a.fit(X, y, "sgd", epochs=5, batch_size=8, sample_weight=w)
    b.fit(X, y, "sgd", epochs=5, batch_size=8)
    assert not np.allclose(a.get_flat(), b.get_flat())
    c = net.copy()
    c.fit(X, y, "sgd", epochs=5, batch_size=8, sample_weight=np.full(40, 3.0))
    np.testing.assert_allclose(c.get_flat(), b.get_flat(), rtol=1e-12)


def test_validation_split_carries_the_weights():
    # the same seed holds out the same rows; the weights must reach both parts
    net, X, y, w = problem("mse", "identity", 2, n=20)
    w = w + 1.0
    runs = {}
    for name, weights in (("weighted", w), ("plain", None)):
        runs[name] = net.copy().fit(
            X, y, "gd", epochs=1, validation_split=0.25, seed=3, sample_weight=weights
        )
    assert len(runs["weighted"].val_cost) == 1
    assert runs["weighted"].val_cost[0] != pytest.approx(runs["plain"].val_cost[0])
    assert runs["weighted"].cost[0] != pytest.approx(runs["plain"].cost[0])


@pytest.mark.parametrize(
    "bad,error,words",
    [
        ([1.0, 2.0], ShapeError, "expected 7 weights"),
        ([-1.0] + [1.0] * 6, InvalidValueError, "weights >= 0"),
        ([0.0] * 7, InvalidValueError, "positive sum"),
        ([np.nan] + [1.0] * 6, InvalidValueError, "NaN"),
        ([[1.0] * 7], ShapeError, "1-D"),
        (["a"] * 7, ChainruleError, "sample_weight"),
    ],
)
def test_bad_weights_are_refused_before_any_work(bad, error, words):
    net, X, y, _ = problem("mse", "identity", 2)
    before = net.get_flat()
    for call in (
        lambda: net.fit(X, y, "adam", epochs=2, sample_weight=bad),
        lambda: net.cost(X, y, sample_weight=bad),
        lambda: cr.gradcheck(net, X, y, sample_weight=bad),
    ):
        with pytest.raises(error, match=words) as info:
            call()
        assert "sample_weight" in str(info.value)
    np.testing.assert_array_equal(net.get_flat(), before)


@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_X_gives_the_dense_cost_gradients_and_fit(fmt):
    net, X, y, w = problem("cce", "softmax", 3, n=30)
    X[np.abs(X) < 0.8] = 0.0
    S = sp.csr_matrix(X) if fmt == "csr" else sp.csc_matrix(X)
    assert net.cost(S, y, sample_weight=w) == pytest.approx(
        net.cost(X, y, sample_weight=w), rel=1e-12
    )
    gs, gd = net.gradients(S, y), net.gradients(X, y)
    for key in gd:
        np.testing.assert_allclose(gs[key], gd[key], rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(net.forward(S), net.forward(X), rtol=1e-12)
    a, b = net.copy(), net.copy()
    a.fit(S, y, "adam", epochs=4, batch_size=7, sample_weight=w)
    b.fit(X, y, "adam", epochs=4, batch_size=7, sample_weight=w)
    np.testing.assert_allclose(a.get_flat(), b.get_flat(), rtol=1e-10, atol=1e-12)
    c = net.copy()
    c.fit(S, y, "lbfgs", epochs=5)
    assert np.all(np.isfinite(c.get_flat()))


def test_sparse_X_is_checked():
    net = cr.Network([3, 2, 1])
    with pytest.raises(ShapeError, match="X: expected a sparse matrix of shape"):
        net.forward(sp.csr_matrix(np.ones((2, 4))))
    bad = sp.csr_matrix(np.array([[1.0, np.inf, 0.0]]))
    with pytest.raises(InvalidValueError, match="NaN or infinity"):
        net.forward(bad)


@pytest.mark.parametrize("loss,out,k", CASES)
@pytest.mark.parametrize("weighted", [False, True])
def test_forward_and_cost_is_forward_then_cost(loss, out, k, weighted):
    net, X, y, w = problem(loss, out, k, seed=3)
    sw = w if weighted else None
    yhat, J = net.forward_and_cost(X, y, sample_weight=sw)
    np.testing.assert_array_equal(yhat, net.forward(X))
    assert J == net.cost(X, y, sample_weight=sw)
