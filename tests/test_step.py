"""``Network.step`` reuses its buffers and skips checks it can skip, safely.

Oracle: the pure passes, ``forward`` and ``backward`` without a workspace,
and the update ``W − α dJ/dW`` written out; bad input must raise the message
of the full check (``Network.check_data``) and leave the parameters as they
were. Every test runs on the NumPy path and, with numba, on the compiled one
(its kernels made ready first, as a long loop would). The NumPy path is the
pure passes to one ulp; the compiled one agrees within the tolerance of
docs/performance.md (1e-12 relative to the array's largest value).
"""

import importlib.util

import numpy as np
import pytest

import chainrule as cr
from chainrule.accel import loader
from chainrule.core.backward import backward
from chainrule.core.forward import forward, total_cost

PATHS = ["numpy"]
if importlib.util.find_spec("numba") is not None:
    PATHS.append("compiled")

CASES = [
    ([2, 3, 1], "sigmoid", "sse", "float64"),
    ([3, 4, 2], ["relu", "identity"], "mse", "float64"),
    ([3, 5, 4, 2], ["tanh", "relu", "sigmoid"], "bce", "float64"),
    ([3, 4, 3], ["leaky_relu", "softmax"], "cce", "float32"),
    ([2, 3, 1], "sigmoid", "sse", "float32"),
]


@pytest.fixture(params=PATHS)
def path(request):
    previous = loader.use_compiled(request.param == "compiled")
    if request.param == "compiled":
        assert loader.prepare() is not None
    yield request.param
    loader.use_compiled(previous)
    loader.forget()


def _same_J(J, J_ref, path):
    if path == "numpy":
        assert J == J_ref
    else:
        assert J == pytest.approx(J_ref, rel=1e-12, abs=1e-300)


def _same(a, b, path, maxulp=1):
    if path == "numpy":
        np.testing.assert_array_max_ulp(np.asarray(a), np.asarray(b), maxulp=maxulp)
    else:
        scale = max(float(np.max(np.abs(b))), 1e-300)
        np.testing.assert_allclose(a, b, rtol=0, atol=1e-12 * scale)


def _base(net):
    """The array that holds the network's parameters (the step's flat vector)."""
    bases = {id(v.base) for v in net.params.values()}
    assert len(bases) == 1
    return next(iter(net.params.values())).base


def _data(sizes, loss, dtype, m=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, sizes[0])).astype(dtype)
    if loss in ("bce", "cce"):
        y = np.eye(sizes[-1])[rng.integers(0, sizes[-1], m)].astype(dtype)
    else:
        y = rng.normal(size=(m, sizes[-1])).astype(dtype)
    return X, y


def _pure_step(net, X, y, lr):
    p = {k: v.copy() for k, v in net.params.items()}
    _, cache = forward(p, X, net.activations)
    J = total_cost(p, cache, y, net.activations, net.loss, net.l2)
    g = backward(p, cache, y, net.activations, net.loss, net.l2)
    return J, {k: v - lr * g[k] for k, v in p.items()}


@pytest.mark.parametrize(("sizes", "acts", "loss", "dtype"), CASES)
def test_steps_equal_the_pure_passes(path, sizes, acts, loss, dtype):
    net = cr.Network(sizes, activation=acts, loss=loss, l2=0.01, dtype=dtype, seed=3)
    for m in (5, 2, 7, 5):  # the workspace grows and shrinks
        X, y = _data(sizes, loss, dtype, m, seed=m)
        J_ref, p_ref = _pure_step(net, X, y, 0.05)
        _same_J(net.step(X, y, learning_rate=0.05), J_ref, path)
        for k, v in net.params.items():
            _same(v, p_ref[k], path)
            assert v.dtype == net.dtype


def test_the_buffers_and_parameters_are_reused(path):
    X, y = cr.datasets.test_scores()
    net = cr.Network([2, 3, 1], seed=0)
    net.step(X, y)
    theta, W1 = _base(net), net.params["W1"]
    before = W1.copy()
    version = net.params_version
    net.step(X, y)
    assert _base(net) is theta
    assert net.params_version == version  # no replacement: updated in place
    assert np.shares_memory(net.params["W1"], theta)
    assert not np.array_equal(W1, before)  # the read-only view sees the update
    assert not net.params["W1"].flags.writeable


def test_user_arrays_are_never_written(path):
    X, y = cr.datasets.test_scores()
    X0, y0 = X.copy(), y.copy()
    net = cr.Network([2, 3, 1], seed=0)
    for _ in range(3):
        net.step(X, y)
    np.testing.assert_array_equal(X, X0)
    np.testing.assert_array_equal(y, y0)


def test_set_params_fit_and_copy_are_respected(path):
    X, y = cr.datasets.test_scores()
    net = cr.Network([2, 3, 1], seed=0)
    net.step(X, y)
    net.set_params({"W1": np.ones((2, 3)), "b1": np.zeros((1, 3)), **_top()})
    ref = net.copy()
    J_ref, p_ref = _pure_step(ref, X, y, 0.1)
    _same_J(net.step(X, y, 0.1), J_ref, path)
    _same(net.params["W1"], p_ref["W1"], path, maxulp=0)
    twin = net.copy()  # a copy steps on its own parameters
    twin.step(X, y, 0.1)
    assert _base(twin) is not _base(net)
    assert not np.array_equal(twin.params["W1"], net.params["W1"])
    net.fit(X, y, optimizer="gd", epochs=2)
    J_ref, p_ref = _pure_step(net, X, y, 0.1)
    _same_J(net.step(X, y, 0.1), J_ref, path)
    _same(net.params["W2"], p_ref["W2"], path, maxulp=0)


def _top():
    return {"W2": np.full((3, 1), 0.5), "b2": np.zeros((1, 1))}


def test_a_changed_configuration_is_seen(path):
    X, y = cr.datasets.test_scores()
    net = cr.Network([2, 3, 1], seed=0)
    net.step(X, y)
    net.l2 = 0.5
    J_ref, p_ref = _pure_step(net, X, y, 0.1)
    _same_J(net.step(X, y, 0.1), J_ref, path)
    _same(net.params["W1"], p_ref["W1"], path, maxulp=0)


@pytest.mark.parametrize(
    ("X", "y"),
    [
        ([[np.nan, 1.0]], [[1.0]]),
        ([[1.0, np.inf]], [[0.5]]),  # sigmoid: a finite cost, an infinite gradient
        ([[1.0, 2.0]], [[-np.inf]]),
        ([[1.0, 2.0, 3.0]], [[1.0]]),
        ([[1.0, 2.0]], [[1.0], [2.0]]),
        (np.array([[1, 2]]), [[1.0]]),  # integers: converted, not an error
        (np.ones((4, 2))[::2], np.ones((2, 1))),  # not contiguous
    ],
)
def test_every_input_gets_the_full_checks_verdict(path, X, y):
    net = cr.Network([2, 3, 1], activation="sigmoid", loss="sse", seed=0)
    before = net.get_flat()
    try:
        net.check_data(X, y)
    except cr.errors.ChainruleError as err:
        with pytest.raises(type(err)) as info:
            net.step(np.asarray(X, float), np.asarray(y, float))
        assert str(info.value) == str(err)
        np.testing.assert_array_equal(net.get_flat(), before)
    else:
        Xa, ya = net.check_data(X, y)
        J_ref, _ = _pure_step(net, Xa, ya, 0.1)
        _same_J(net.step(X, y, 0.1), J_ref, path)


def test_a_non_finite_cost_leaves_the_parameters(path):
    net = cr.Network([1, 1], activation="identity", loss="sse", bias=False)
    net.set_params({"W1": [[1e200]]})
    with pytest.raises(cr.errors.InvalidValueError, match="cost is not finite"):
        net.step([[1e200]], [[0.0]])
    assert net.params["W1"][0, 0] == 1e200


def test_targets_of_bce_are_checked(path):
    net = cr.Network([2, 1], activation="sigmoid", loss="bce")
    with pytest.raises(cr.errors.InvalidValueError, match="targets in"):
        net.step(np.ones((2, 2)), np.array([[0.5], [2.0]]))


# Mazur's 2-2-2 example (as in test_fit_options), its data as ready arrays
MAZUR = {
    "W1": np.array([[0.15, 0.25], [0.20, 0.30]]),
    "b1": np.array([[0.35, 0.35]]),
    "W2": np.array([[0.40, 0.50], [0.45, 0.55]]),
    "b2": np.array([[0.60, 0.60]]),
}
MAZUR_AFTER = {
    "W1": [[0.149780716, 0.24975114], [0.19956143, 0.29950229]],
    "W2": [[0.35891648, 0.511301270], [0.408666186, 0.561370121]],
}
XM, YM = np.array([[0.05, 0.10]]), np.array([[0.01, 0.99]])


def mazur():
    net = cr.Network([2, 2, 2], activation="sigmoid", loss="sse")
    net.set_params(MAZUR)
    return net


def check_mazur_after(net):
    for k, v in MAZUR_AFTER.items():
        np.testing.assert_allclose(net.params[k], v, rtol=0, atol=5e-9)
    np.testing.assert_array_equal(net.params["b1"], MAZUR["b1"])
    np.testing.assert_array_equal(net.params["b2"], MAZUR["b2"])
    assert net.cost(XM, YM) == pytest.approx(0.291027924, abs=2e-7)


def test_frozen_biases_reproduce_the_2_2_2_worked_example(path):
    """Mazur's 2-2-2 example with fixed biases, one step of α = 0.5, on either
    path (the compiled kernel updates every parameter: a frozen-bias step runs
    on the NumPy path and gives the same numbers)."""
    net = mazur()
    J = net.step(XM, YM, learning_rate=0.5, update_biases=False)
    assert J == pytest.approx(0.298371109, abs=5e-10)
    check_mazur_after(net)
    assert np.shares_memory(net.params["b1"], _base(net))
    # a second step keeps them too, in place, and equals the pure passes
    J_ref, p_ref = _pure_step(net, XM, YM, 0.5)
    assert net.step(XM, YM, 0.5, update_biases=False) == J_ref
    for k in ("W1", "W2"):
        np.testing.assert_array_max_ulp(net.params[k], p_ref[k], maxulp=1)
    for k in ("b1", "b2"):
        np.testing.assert_array_equal(net.params[k], MAZUR[k])
    # and then a step with every bias updated moves them
    net.step(XM, YM, 0.5)
    assert not np.array_equal(net.params["b1"], MAZUR["b1"])


def test_frozen_biases_fit_on_either_path(path):
    net = mazur()
    hist = net.fit(
        XM, YM, optimizer="gd", epochs=1, learning_rate=0.5, update_biases=False
    )
    check_mazur_after(net)
    assert hist.cost == [net.cost(XM, YM)]
    net.fit(XM, YM, optimizer="sgd", epochs=5, learning_rate=0.5, update_biases=False)
    np.testing.assert_array_equal(net.params["b2"], MAZUR["b2"])


def test_update_biases_is_checked_by_step(path):
    net = cr.Network([2, 3, 1], seed=0)
    X, y = cr.datasets.test_scores()
    before = net.get_flat()
    with pytest.raises(cr.ChainruleError, match="update_biases"):
        net.step(X, y, 0.1, update_biases="no")
    np.testing.assert_array_equal(net.get_flat(), before)
