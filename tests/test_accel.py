"""The paths of :mod:`chainrule.accel` against the NumPy path, and the plan.

Oracle: the NumPy path, which the rest of the suite checks against the seeds
and the tutorial. The compiled kernels compute the same mathematics in their
own order (loops for small products, blocked sums), so they agree within a
stated tolerance, not bit for bit (docs/performance.md): on random networks a
step's cost and parameters within 1e-12 relative to the array's largest value,
a 7-epoch fit's within 1e-10; on the tutorial's networks, one step's parameters
within 4 ulps per element and its cost within 1e-14.
"""

import importlib.util
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import chainrule as cr
from chainrule.accel import Call, CompileNotice, loader, paths, plan

HAVE_NUMBA = importlib.util.find_spec("numba") is not None
needs_numba = pytest.mark.skipif(not HAVE_NUMBA, reason="numba not installed")
ACTS = ["identity", "sigmoid", "relu", "leaky_relu"]
#: The stated bounds (docs/performance.md).
RELATIVE = 1e-12
#: a fit's epochs each start from the last one's rounding, which grows where
#: the cost grows: its history and parameters get a wider bound
FIT_RELATIVE = 1e-10
TUTORIAL_ULPS = 4


#: the kernels fixture stays ready across a property test's examples
shared_fixture = settings(suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
def kernels():
    """The compiled kernels, ready, as after a long loop or ``prepare()``."""
    if not HAVE_NUMBA:
        pytest.skip("numba not installed: no compiled path")
    previous = loader.use_compiled(True)
    yield loader.prepare()
    loader.use_compiled(previous)
    loader.forget()


def _close(a, b, relative=RELATIVE):
    a, b = np.asarray(a, float), np.asarray(b, float)
    scale = max(float(np.max(np.abs(b), initial=0.0)), 1e-300)
    np.testing.assert_allclose(a, b, rtol=0, atol=relative * scale)


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
    """``fn(copy)`` with the kernels allowed (and ready), and on NumPy alone."""
    fast, slow = net.copy(), net.copy()
    a = fn(fast)
    previous = loader.use_compiled(False)
    try:
        b = fn(slow)
    finally:
        loader.use_compiled(previous)
    return (a, fast), (b, slow)


@needs_numba
@shared_fixture
@given(problems())
def test_step_agrees_with_numpy(kernels, problem):
    net, X, y = problem
    (J1, fast), (J2, slow) = _run_both(lambda n: n.step(X, y, 0.1), net)
    assert fast.step_plan().path == "compiled" and slow.step_plan().path == "numpy"
    assert J1 == pytest.approx(J2, rel=RELATIVE)
    _close(fast.get_flat(), slow.get_flat())
    assert fast.step(X, y, 0.1) == pytest.approx(slow.step(X, y, 0.1), rel=RELATIVE)


@needs_numba
@shared_fixture
@given(problems(), st.sampled_from(["constant", "inverse", "cosine"]))
def test_full_batch_gd_agrees_with_numpy(kernels, problem, schedule):
    net, X, y = problem

    def fit(n):
        try:
            return n.fit(
                X, y, optimizer="gd", epochs=7, learning_rate=0.05, schedule=schedule
            )
        except cr.errors.DivergenceError as err:  # sse on a deep linear net may
            return err  # explode within 7 epochs: both paths at the same epoch

    (h1, fast), (h2, slow) = _run_both(fit, net)
    assert type(h1) is type(h2)
    if isinstance(h1, cr.errors.DivergenceError):
        assert str(h1) == str(h2)
        h1, h2 = h1.history, h2.history
    else:
        assert h1.message == h2.message == "completed 7 epochs"
    # each epoch starts from the last one's rounding: the bound of a fit
    _close(h1.cost, h2.cost, FIT_RELATIVE)
    assert h1.learning_rate == h2.learning_rate
    _close(fast.get_flat(), slow.get_flat(), FIT_RELATIVE)
    assert len(h1.time) == h1.epochs and h1.time == sorted(h1.time)


@needs_numba
def test_the_tutorials_networks_agree_within_a_few_ulps(kernels):
    X, y = cr.datasets.test_scores()
    net = cr.Network([2, 3, 1], loss="sse", bias=False)
    net.set_params(
        {"W1": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], "W2": [[0.7], [0.8], [0.9]]}
    )
    seed4 = cr.Network([1, 1, 1], activation="relu", loss="mse", bias=False)
    seed4.set_params({"W1": [[0.5]], "W2": [[0.8]]})
    for n, data in ((net, (X, y)), (seed4, ([[3.0]], [[2.0]]))):
        (J1, fast), (J2, slow) = _run_both(lambda k: k.step(*data, 0.1), n)  # noqa: B023
        # J = ½Σ(y − ŷ)² cancels in y − ŷ: its bound is relative
        assert J1 == pytest.approx(J2, rel=1e-14)
        np.testing.assert_array_max_ulp(
            fast.get_flat(), slow.get_flat(), maxulp=TUTORIAL_ULPS
        )
    # seed 004's step is exact on both paths
    assert fast.params["W1"].item() == pytest.approx(0.692, abs=1e-15)


@needs_numba
def test_a_long_fit_runs_in_chunks(kernels, monkeypatch):
    X, y = cr.datasets.test_scores()
    net = cr.Network([2, 3, 1], seed=0)
    chunk = kernels.FullBatchGD.CHUNK
    runs = []
    real = kernels.FullBatchGD.run
    monkeypatch.setattr(
        kernels.FullBatchGD, "run", lambda *a: runs.append(1) or real(*a)
    )
    epochs = 2 * chunk + 5

    def fit(n):
        return n.fit(X, y, optimizer="gd", epochs=epochs, learning_rate=0.5)

    (h1, fast), (h2, slow) = _run_both(fit, net)
    assert len(runs) == 3
    _close(h1.cost, h2.cost, FIT_RELATIVE)
    _close(fast.get_flat(), slow.get_flat(), FIT_RELATIVE)
    assert h1.epochs == epochs and h1.time == sorted(h1.time)


@needs_numba
def test_a_divergence_is_reported_alike(kernels):
    X = np.array([[1e150, -2e150], [3e150, 1e150]])
    y = np.array([[1.0], [0.0]])
    net = cr.Network([2, 4, 1], activation="identity", loss="sse", seed=0)

    def fit(n):
        with pytest.raises(cr.errors.DivergenceError) as info:
            n.fit(X, y, optimizer="gd", epochs=50, learning_rate=1e-3)
        return info.value

    (e1, fast), (e2, slow) = _run_both(fit, net)
    assert str(e1) == str(e2) and e1.epoch == e2.epoch
    _close(e1.history.cost, e2.history.cost, FIT_RELATIVE)
    _close(fast.get_flat(), slow.get_flat(), FIT_RELATIVE)
    assert np.all(np.isfinite(fast.get_flat()))


@needs_numba
def test_an_overflowed_output_diverges_on_both_paths(kernels):
    """ReLU maps −inf to 0, so a finite cost could hide an overflowed z: both
    paths count it as a divergence (5-4-5, identity then ReLU, α = 0.2)."""
    rng = np.random.default_rng(6)
    X, y = rng.normal(size=(1, 5)), rng.random((1, 5))
    net = cr.Network([5, 4, 5], activation=["identity", "relu"], bias=False, seed=6)

    def fit(n):
        with pytest.raises(cr.errors.DivergenceError, match="epoch 7") as err:
            n.fit(X, y, optimizer="gd", epochs=7, learning_rate=0.2)
        return err.value

    (e1, fast), (e2, slow) = _run_both(fit, net)
    assert len(e1.history.cost) == len(e2.history.cost) == 6
    _close(e1.history.cost, e2.history.cost, FIT_RELATIVE)
    _close(fast.get_flat(), slow.get_flat(), FIT_RELATIVE)


@pytest.mark.parametrize(
    ("X", "y"),
    [
        (np.array([[np.nan, 1.0]]), np.array([[1.0]])),
        (np.array([[1.0, 1.0]]), np.array([[np.inf]])),
        (np.array([[1.0, np.inf]]), np.array([[0.5]])),
    ],
)
@pytest.mark.parametrize("compiled", [False, True])
def test_bad_input_gives_the_full_checks_message(X, y, compiled, request):
    if compiled:
        request.getfixturevalue("kernels")
    net = cr.Network([2, 3, 1], activation="sigmoid", loss="sse", seed=0)
    before = net.get_flat()
    with pytest.raises(cr.errors.InvalidValueError) as fast:
        net.step(X, y)
    with pytest.raises(cr.errors.InvalidValueError) as full:
        net.check_data(X, y)
    assert str(fast.value) == str(full.value)
    np.testing.assert_array_equal(net.get_flat(), before)


@needs_numba
@shared_fixture
@given(
    st.integers(1, 40),
    st.integers(1, 40),
    st.integers(1, 40),
    st.booleans(),
    st.booleans(),
    st.integers(0, 2**16),
)
def test_products_agree_with_np_dot(kernels, m, k, n, a_t, b_t, seed):
    """Loops below ``BLAS_MIN`` multiply-adds, BLAS above, on flat storage at
    offsets, as the kernels use them."""
    from numba.core.errors import NumbaPerformanceWarning

    from chainrule.accel import kernels as numba_kernels

    rng = np.random.default_rng(seed)
    A, B = rng.normal(size=(m, k)), rng.normal(size=(k, n))
    flat_a = np.concatenate([rng.normal(size=3), A.T.ravel() if a_t else A.ravel()])
    flat_b = np.concatenate([rng.normal(size=2), B.T.ravel() if b_t else B.ravel()])
    out = np.full(m * n + 5, np.nan)
    with warnings.catch_warnings():  # np.dot on transposed views: a copy, slower
        warnings.simplefilter("ignore", NumbaPerformanceWarning)
        numba_kernels.product(flat_a, 3, a_t, flat_b, 2, b_t, out, 4, m, k, n)
    expected = np.dot(A, B)
    # each entry is a sum of k products: its rounding is bounded by k ulps of
    # the sum of magnitudes
    bound = k * np.finfo(float).eps * (np.abs(A) @ np.abs(B))
    assert np.all(np.abs(out[4 : 4 + m * n].reshape(m, n) - expected) <= bound)
    assert np.isnan(out[:4]).all() and np.isnan(out[4 + m * n :]).all()


@needs_numba
@pytest.mark.parametrize("n", [1, 5, 127, 128, 129, 1000, 4099])
def test_blocked_sums_are_accurate(kernels, n):
    import math

    from chainrule.accel import kernels as numba_kernels

    v = np.random.default_rng(n).normal(size=n)
    bound = (n // 128 + 128) * np.finfo(float).eps * float(np.sum(np.abs(v)))
    assert abs(numba_kernels.blocked_sum(v, 0, n) - math.fsum(v)) <= bound


# ------------------------------------------------------------------ the plan
def _fit(net, m=3, n=3, steps=200, **kw):
    return plan(net, Call("fit", m=m, n=n, steps=steps, **kw))


def test_one_off_calls_run_on_numpy():
    net = cr.Network([2, 3, 1], bias=False)
    assert plan(net, Call("trace", m=3)).path == "numpy"
    assert plan(net, Call("step", m=3, n=3, steps=1)).path == "numpy"
    if loader.ready() is None:
        assert _fit(net).path == "numpy"  # 200 epochs repay nothing
        assert "would not repay" in _fit(net).reason or not HAVE_NUMBA


def test_ready_kernels_serve_what_the_table_covers(kernels):
    net = cr.Network([2, 3, 1], bias=False)
    assert _fit(net).path == "compiled"
    assert plan(net, Call("step", m=3, n=3)).path == "compiled"
    assert plan(net, Call("trace", m=3)).path == "numpy"
    for kw, lacks in [
        (dict(optimizer="adam"), "adam"),
        (dict(momentum=True), "momentum"),
        (dict(weighted=True), "sample weights"),
        (dict(frozen=True), "frozen biases"),
        (dict(hooks=True), "work between epochs"),
        (dict(m=2, n=3), "minibatches"),
    ]:
        assert _fit(net, **kw).path == "numpy", kw
        assert (
            paths.supports(
                paths.PATHS_BY_NAME["compiled"],
                net,
                Call("fit", **{"m": 3, "n": 3, **kw}),
            )
            == lacks
        )
    for other in (
        cr.Network([2, 3, 1], activation="tanh"),
        cr.Network([2, 3, 1], dtype="float32"),
        cr.Network([2, 3, 2], activation=["relu", "softmax"], loss="cce"),
    ):
        assert _fit(other).path == "numpy"
    big = cr.Network([100, 100, 10])
    assert _fit(big, m=200, n=200).path == "numpy"  # 200 · 11,110 > SMALL_WORK


@needs_numba
def test_a_long_fit_makes_the_kernels_ready(kernels, monkeypatch):
    loader.forget()
    monkeypatch.setattr(loader, "cache_present", lambda: True)
    net = cr.Network([2, 3, 1], bias=False)
    short = _fit(net, steps=1000)
    assert short.path == "numpy" and loader.ready() is None
    long = _fit(net, steps=10**6)  # 26 s of NumPy steps repay a 1 s load
    assert long.path == "compiled" and "repay" not in long.reason
    assert loader.ready() is not None


@needs_numba
def test_a_long_step_loop_switches_when_the_kernels_are_ready(kernels, monkeypatch):
    loader.forget()
    monkeypatch.setattr(loader, "cache_present", lambda: True)
    monkeypatch.setattr(loader, "LOAD_SECONDS", 1e-3)  # repaid after ~80 steps
    X, y = cr.datasets.test_scores()
    net, ref = cr.Network([2, 3, 1], seed=0), cr.Network([2, 3, 1], seed=0)
    for _ in range(300):
        net.step(X, y, 0.1)
        ref.step(X, y, 0.1)
    assert net.step_plan().path == "numpy"  # the kernels come in the background
    loader.wait()
    for _ in range(600):  # the runner looks again within as many steps as made
        net.step(X, y, 0.1)
    assert net.step_plan().path == "compiled"
    previous = loader.use_compiled(False)
    for _ in range(600):
        ref.step(X, y, 0.1)
    loader.use_compiled(previous)
    _close(net.get_flat(), ref.get_flat(), FIT_RELATIVE)


@needs_numba
def test_a_compilation_is_announced_once(kernels, monkeypatch):
    loader.forget()
    misses = iter([0, 3])  # before and after warm_up: three kernels compiled
    monkeypatch.setattr(kernels, "cache_misses", lambda: next(misses))
    with pytest.warns(CompileNotice, match="compiled the fast kernels"):
        assert loader.prepare() is kernels
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert loader.ready() is kernels


def _run(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "OPENBLAS_NUM_THREADS": "1", **env},
    )


def test_a_learners_first_calls_never_load_the_compiler(tmp_path):
    """From an empty numba cache: trace, explain, a few steps and a fit of the
    default length run on NumPy; numba is not even imported, nothing is
    written to the cache."""
    code = (
        "import sys, warnings\n"
        "warnings.simplefilter('error')\n"
        "import chainrule as cr\n"
        "X, y = cr.datasets.test_scores()\n"
        "net = cr.Network([2, 3, 1], bias=False, seed=0)\n"
        "net.trace(X, y); cr.explain(net, X, y, learning_rate=0.1)\n"
        "for _ in range(100): net.step(X, y, 0.1)\n"
        "net.fit(X, y, optimizer='gd', epochs=200)\n"
        "print('numba' in sys.modules)\n"
    )
    out = _run(code, NUMBA_CACHE_DIR=str(tmp_path))
    assert out.stdout.split() == ["False"]
    assert list(tmp_path.iterdir()) == []


def test_demo_and_explain_print_no_compile_notice(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    env = {**os.environ, "NUMBA_CACHE_DIR": str(cache), "OPENBLAS_NUM_THREADS": "1"}
    cli = [sys.executable, "-m", "chainrule"]
    for args in (
        ["explain", "--example", "seed004"],
        ["demo", "--out", str(tmp_path / "d")],
    ):
        out = subprocess.run(
            cli + args, capture_output=True, text=True, env=env, check=True
        )
        assert "compile" not in (out.stdout + out.stderr).lower(), args
    assert list(cache.iterdir()) == []


def test_everything_runs_without_numba():
    code = (
        "import sys; sys.modules['numba'] = None\n"
        "import numpy as np, chainrule as cr\n"
        "assert cr.accel.prepare() is None\n"
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
    out = _run(code)
    X, y = cr.datasets.test_scores()
    net = cr.Network([2, 3, 1], seed=0)
    previous = loader.use_compiled(False)
    try:
        J = net.step(X, y, 0.1)
        h = net.fit(X, y, optimizer="gd", epochs=3, learning_rate=0.1)
    finally:
        loader.use_compiled(previous)
    assert out.stdout.split() == [repr(J), repr(h.cost[-1])]


def test_a_network_pickles_and_copies_without_its_step_buffers():
    import copy
    import pickle

    X, y = cr.datasets.test_scores()
    net = cr.Network([2, 3, 1], seed=0)
    net.step(X, y, 0.1)
    for twin in (pickle.loads(pickle.dumps(net)), copy.deepcopy(net), net.copy()):
        assert twin.step_plan() is None
        np.testing.assert_array_equal(twin.get_flat(), net.get_flat())
        twin.step(X, y, 0.1)
        assert not np.array_equal(twin.get_flat(), net.get_flat())
