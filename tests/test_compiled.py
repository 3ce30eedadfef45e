"""The compiled path (numba) against the NumPy path it replaces.

Oracle: the NumPy path, which the rest of the suite checks against the seeds
and the tutorial. The compiled kernels repeat its operations (the same BLAS
calls, NumPy's pairwise sums), so the comparison allows one ulp and in
practice finds none.
"""

import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import chainrule as cr
from chainrule.core import dispatch

compiled = pytest.importorskip("chainrule.core.compiled", reason="numba not installed")
ops = pytest.importorskip("chainrule.core.compiled_ops", reason="numba not installed")

ACTS = ["identity", "sigmoid", "relu", "leaky_relu"]


@pytest.fixture
def numpy_only():
    previous = dispatch.use_compiled(False)
    yield
    dispatch.use_compiled(previous)


@pytest.fixture
def compiled_on():
    """The rule's own answer, even when the suite runs with CHAINRULE_COMPILED=0."""
    previous = dispatch.use_compiled(True)
    yield
    dispatch.use_compiled(previous)


def _same(a, b):
    np.testing.assert_array_max_ulp(np.asarray(a), np.asarray(b), maxulp=1)


@st.composite
def problems(draw):
    L = draw(st.integers(1, 4))
    sizes = draw(st.lists(st.integers(1, 9), min_size=L + 1, max_size=L + 1))
    acts = draw(st.lists(st.sampled_from(ACTS), min_size=L, max_size=L))
    loss = draw(st.sampled_from(["sse", "mse", "bce"]))
    if loss == "bce":
        acts[-1] = "sigmoid"
    bias = draw(st.lists(st.booleans(), min_size=L, max_size=L))
    l2 = draw(st.sampled_from([0.0, 0.03]))
    m = draw(st.integers(1, 12))
    seed = draw(st.integers(0, 2**16))
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, sizes[0]))
    y = rng.random((m, sizes[-1]))
    net = cr.Network(sizes, activation=acts, loss=loss, bias=bias, l2=l2, seed=seed)
    return net, X, y


def _run_both(fn, net):
    """``fn(copy)`` on a copy with the compiled path and one without."""
    fast, slow = net.copy(), net.copy()
    assert dispatch.covers(net.activations, net.loss, net.dtype)
    a = fn(fast)
    previous = dispatch.use_compiled(False)
    try:
        b = fn(slow)
    finally:
        dispatch.use_compiled(previous)
    return (a, fast), (b, slow)


@given(problems())
def test_step_equals_the_numpy_step(problem):
    net, X, y = problem
    (J1, fast), (J2, slow) = _run_both(lambda n: n.step(X, y, 0.1), net)
    _same(J1, J2)
    _same(fast.get_flat(), slow.get_flat())
    # ... and the second step, from the updated parameters
    _same(fast.step(X, y, 0.1), slow.step(X, y, 0.1))


@given(problems(), st.sampled_from(["constant", "inverse", "cosine"]))
def test_full_batch_gd_equals_the_numpy_loop(problem, schedule):
    net, X, y = problem

    def fit(n):
        try:
            return n.fit(
                X, y, optimizer="gd", epochs=7, learning_rate=0.2, schedule=schedule
            )
        except cr.errors.DivergenceError as err:  # a large step may diverge
            return err

    (h1, fast), (h2, slow) = _run_both(fit, net)
    assert type(h1) is type(h2)
    if isinstance(h1, cr.errors.DivergenceError):
        assert str(h1) == str(h2)
        h1, h2 = h1.history, h2.history
    else:
        assert h1.message == h2.message == "completed 7 epochs"
    _same(h1.cost, h2.cost)
    assert h1.learning_rate == h2.learning_rate
    _same(fast.get_flat(), slow.get_flat())
    assert len(h1.time) == h1.epochs and h1.time == sorted(h1.time)


@given(problems())
def test_trace_equals_the_numpy_trace(problem):
    net, X, y = problem
    (fast, _), (slow, _) = _run_both(lambda n: n.trace(X, y), net)
    assert list(fast) == list(slow)  # the same names, in the same order
    for name in slow:
        assert np.shape(fast[name]) == np.shape(slow[name]), name
        _same(fast[name], slow[name])
    assert fast.bracket().keys() == slow.bracket().keys()
    assert type(fast.J) is float


def test_a_long_fit_runs_in_chunks_and_matches():
    from chainrule.train.compiled_fit import CHUNK

    X, y = cr.datasets.test_scores()
    net = cr.Network([2, 3, 1], seed=0)
    epochs = 2 * CHUNK + 5

    def fit(n):
        return n.fit(X, y, optimizer="gd", epochs=epochs, learning_rate=0.5)

    (h1, fast), (h2, slow) = _run_both(fit, net)
    _same(h1.cost, h2.cost)
    _same(fast.get_flat(), slow.get_flat())
    assert h1.epochs == epochs


def test_divergence_is_the_numpy_loops():
    X = np.array([[1e150, -2e150], [3e150, 1e150]])
    y = np.array([[1.0], [0.0]])
    net = cr.Network([2, 4, 1], activation="identity", loss="sse", seed=0)
    errors, nets = [], []
    for allowed in (True, False):
        n = net.copy()
        previous = dispatch.use_compiled(allowed)
        try:
            with pytest.raises(cr.errors.DivergenceError) as info:
                n.fit(X, y, optimizer="gd", epochs=50, learning_rate=1e-3)
        finally:
            dispatch.use_compiled(previous)
        errors.append(info.value)
        nets.append(n)
    assert str(errors[0]) == str(errors[1])
    assert errors[0].epoch == errors[1].epoch
    assert errors[0].history.cost == errors[1].history.cost
    np.testing.assert_array_equal(nets[0].get_flat(), nets[1].get_flat())
    assert np.all(np.isfinite(nets[0].get_flat()))


@pytest.mark.parametrize(
    ("X", "y"),
    [
        (np.array([[np.nan, 1.0]]), np.array([[1.0]])),
        (np.array([[1.0, 1.0]]), np.array([[np.inf]])),
        (np.array([[1.0, np.inf]]), np.array([[0.5]])),
    ],
)
def test_bad_input_gives_the_numpy_paths_message(X, y):
    net = cr.Network([2, 3, 1], activation="sigmoid", loss="sse", seed=0)
    before = net.get_flat()
    with pytest.raises(cr.errors.InvalidValueError) as fast:
        net.step(X, y)
    with pytest.raises(cr.errors.InvalidValueError) as full:
        net.check_data(X, y)
    assert str(fast.value) == str(full.value)
    np.testing.assert_array_equal(net.get_flat(), before)


@given(
    st.integers(1, 11),
    st.integers(1, 11),
    st.integers(1, 11),
    st.booleans(),
    st.booleans(),
    st.integers(0, 2**16),
)
def test_products_have_np_dots_bits(m, k, n, a_transposed, b_transposed, seed):
    rng = np.random.default_rng(seed)
    A, B = rng.normal(size=(m, k)), rng.normal(size=(k, n))
    A = np.ascontiguousarray(A.T).T if a_transposed else A
    B = np.ascontiguousarray(B.T).T if b_transposed else B
    C = np.empty((m, n))
    ops.matmul(A, B, C)
    np.testing.assert_array_equal(C, np.dot(A, B))
    # the same product on flat storage, at offsets, as the kernels make it
    flat_a = np.concatenate(
        [rng.normal(size=3), A.T.ravel() if a_transposed else A.ravel()]
    )
    flat_b = np.concatenate(
        [rng.normal(size=2), B.T.ravel() if b_transposed else B.ravel()]
    )
    out = np.full(m * n + 5, np.nan)
    ops.product(flat_a, 3, a_transposed, flat_b, 2, b_transposed, out, 4, m, k, n)
    np.testing.assert_array_equal(out[4 : 4 + m * n].reshape(m, n), np.dot(A, B))
    assert np.isnan(out[:4]).all() and np.isnan(out[4 + m * n :]).all()


@pytest.mark.parametrize("n", [1, 5, 8, 9, 127, 128, 129, 300, 1000, 4099])
def test_sums_have_np_sums_bits(n):
    v = np.random.default_rng(n).normal(size=n) * 10.0 ** np.arange(n % 7)[n % 7 - 1]
    assert ops.pairwise_sum(v, 0, n) == np.sum(v)


def test_the_rule_sends_large_or_uncovered_networks_to_numpy(compiled_on):
    assert dispatch.compiled_for(["sigmoid"], "sse", "float64", 3, 9) is compiled
    big = dispatch.SMALL_WORK + 1
    assert dispatch.compiled_for(["sigmoid"], "sse", "float64", big, 1) is None
    assert dispatch.compiled_for(["tanh"], "sse", "float64", 3, 9) is None
    assert dispatch.compiled_for(["softmax"], "cce", "float64", 3, 9) is None
    assert dispatch.compiled_for(["sigmoid"], "sse", "float32", 3, 9) is None


def test_use_compiled_false_keeps_numpy(numpy_only):
    assert dispatch.kernels() is None


def test_loading_the_cache_is_silent():
    """The kernels are compiled once (by this suite's first use at the latest);
    a new process loads them from the disk cache without a notice."""
    dispatch.kernels()
    code = (
        "import warnings, chainrule as cr\n"
        "from chainrule.core import dispatch\n"
        "with warnings.catch_warnings(record=True) as w:\n"
        "    warnings.simplefilter('always')\n"
        "    dispatch.kernels()\n"
        "print(len([x for x in w if x.category is dispatch.CompileNotice]))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "0"


def test_everything_runs_without_numba():
    code = (
        "import sys; sys.modules['numba'] = None\n"
        "import numpy as np, chainrule as cr\n"
        "from chainrule.core import dispatch\n"
        "assert dispatch.kernels() is None\n"
        "X, y = cr.datasets.test_scores()\n"
        "net = cr.Network([2, 3, 1], seed=0)\n"
        "J = net.step(X, y, 0.1)\n"
        "h = net.fit(X, y, optimizer='gd', epochs=3, learning_rate=0.1)\n"
        "print(repr(J), repr(h.cost[-1]))\n"
        "m = cr.Network([2, 2, 2], activation='sigmoid', loss='sse', seed=1)\n"
        "b = m.params['b1'].copy()\n"
        "m.step(X[:, :2], np.ones((3, 2)) / 2, 0.5, update_biases=False)\n"
        "assert (m.params['b1'] == b).all()\n"
    )
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    X, y = cr.datasets.test_scores()
    net = cr.Network([2, 3, 1], seed=0)
    with warnings.catch_warnings():
        J = net.step(X, y, 0.1)
    h = net.fit(X, y, optimizer="gd", epochs=3, learning_rate=0.1)
    assert out.stdout.split() == [repr(J), repr(h.cost[-1])]


def test_an_overflowed_output_diverges_on_both_paths():
    """Near overflow the order of a product's sums decides which infinities
    come out; ReLU maps −inf to 0, so a finite cost could hide the overflow.
    Found by the property test above: 5-4-5, identity then ReLU, α = 0.2."""
    rng = np.random.default_rng(6)
    X, y = rng.normal(size=(1, 5)), rng.random((1, 5))
    net = cr.Network([5, 4, 5], activation=["identity", "relu"], bias=False, seed=6)

    def fit(n):
        with pytest.raises(cr.errors.DivergenceError, match="epoch 7") as err:
            n.fit(X, y, optimizer="gd", epochs=7, learning_rate=0.2)
        return err.value

    (e1, fast), (e2, slow) = _run_both(fit, net)
    assert e1.history.cost == e2.history.cost and len(e1.history.cost) == 6
    _same(fast.get_flat(), slow.get_flat())
