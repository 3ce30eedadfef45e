"""``predict``'s metrics gathered batch by batch (reliability 3, point 7).

The issue's reproducer: ``predict`` on a labelled 12M-row CSV kept every
row's output and target for the metrics (1,279 MB against 555 MB without a
target). The metrics are now summed batch by batch
(:class:`chainrule.data.metrics.RunningMetrics`): they equal the metrics of
all the rows at once, and memory does not grow with the rows (tracemalloc
sees every NumPy array, so an array per row would show).
"""

import gc
import io
import tracemalloc
import weakref

import numpy as np
import pytest

from chainrule.cli.app import main
from chainrule.cli.predict import Tally, predict_rows
from chainrule.core.workspace import Workspace
from chainrule.data import prepare as tabular
from chainrule.data.metrics import (
    RunningMetrics,
    RunningWeighted,
    classification_metrics,
    regression_metrics,
    weighted_metrics,
)
from chainrule.data.tables import load_table
from chainrule.loading import load_with_metadata


class Discard(io.TextIOBase):
    def write(self, s: str) -> int:
        return len(s)


def train(capsys, data, model, *extra):
    argv = ["train", data, "--epochs", "20", "--out", model, *extra]
    assert main([str(a) for a in argv]) == 0, capsys.readouterr().err
    capsys.readouterr()


def regression_csv(path, n, seed=0, hole=None):
    """Two targets; row ``hole`` has no target ``y`` (predicted, not scored)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = np.column_stack([X.sum(axis=1), X[:, 0] - 2 * X[:, 1]])
    rows = [",".join(f"{v:.6f}" for v in [*x, *t]) for x, t in zip(X, y, strict=True)]
    if hole is not None:
        rows[hole] = "0.5,0.5,,1.0"
    path.write_text("a,b,y,z\n" + "\n".join(rows) + "\n")


def classification_csv(path, n, seed=1, hole=None):
    """Three labels; row ``hole`` has none (predicted, not scored)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    which = (X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)
    labels = np.array(["cat", "dog", "emu"])[which]
    rows = [f"{a:.6f},{b:.6f},{c}" for (a, b), c in zip(X, labels, strict=True)]
    if hole is not None:
        rows[hole] = "0.1,0.2,"
    path.write_text("a,b,kind\n" + "\n".join(rows) + "\n")


def at_once(model, data):
    """The metrics of every row in memory: the oracle."""
    net, meta = load_with_metadata(model)
    d = tabular.prepare_from_metadata(
        load_table(data), meta, net.n_inputs, net.n_outputs, with_targets=True
    )
    return tabular.evaluate(net.forward(d.X), d.y, meta)


def streamed(model, data, batch_rows):
    tally = Tally()
    predict_rows(model, data, Discard(), batch_rows=batch_rows, tally=tally)
    return tally


@pytest.mark.parametrize("kind", ["regression", "classification"])
def test_streamed_metrics_equal_the_metrics_of_all_rows(capsys, tmp_path, kind):
    clean, data = tmp_path / "clean.csv", tmp_path / "d.csv"
    model = tmp_path / "m.safetensors"
    write = regression_csv if kind == "regression" else classification_csv
    write(clean, 60)
    write(data, 61, hole=60)  # the same rows, and one without a target
    train(capsys, clean, model, "--target", "y,z" if kind == "regression" else "kind")
    want = at_once(model, clean)
    for batch_rows in (1, 7, 60, 1000):
        tally = streamed(model, data, batch_rows)
        assert tally.metrics.rows == 60
        got = tally.metrics.result()
        assert got.keys() == want.keys()
        for name, value in want.items():
            if name == "confusion":
                assert got[name] == value
            else:
                assert got[name] == pytest.approx(value, rel=1e-12), name


def test_running_metrics_equal_the_functions_on_random_batches():
    rng = np.random.default_rng(3)
    true, pred = rng.normal(5, 3, size=(500, 3)), rng.normal(5, 3, size=(500, 3))
    m = RunningMetrics(3, classification=False)
    cuts = np.sort(rng.choice(np.arange(1, 500), size=20, replace=False))
    for t, p in zip(np.split(true, cuts), np.split(pred, cuts), strict=True):
        m.add(t, p)
    want = regression_metrics(true, pred)
    assert m.result() == pytest.approx(want, rel=1e-12)
    labels = rng.integers(0, 4, size=500)
    proba = rng.dirichlet(np.ones(4), size=500)
    c = RunningMetrics(4, classification=True)
    for t, p in zip(np.split(labels, cuts), np.split(proba, cuts), strict=True):
        c.add(t, p)
    got, want = c.result(), classification_metrics(labels, proba)
    assert got["confusion"] == want["confusion"]
    assert {k: v for k, v in got.items() if k != "confusion"} == pytest.approx(
        {k: v for k, v in want.items() if k != "confusion"}, rel=1e-12
    )


@pytest.mark.parametrize("zeros", [False, True])
def test_running_weighted_metrics_equal_the_function_on_random_batches(zeros):
    rng = np.random.default_rng(4)
    w = rng.random(500) * 3
    if zeros:  # a batch whose weights are all 0 adds nothing
        w[:40] = 0
    true, pred = rng.normal(5, 3, size=(500, 2)), rng.normal(5, 3, size=(500, 2))
    labels, proba = rng.integers(0, 3, size=500), rng.dirichlet(np.ones(3), size=500)
    cuts = np.array([40, *np.sort(rng.choice(np.arange(41, 500), 15, replace=False))])
    for (t, p), classification in (((true, pred), False), ((labels, proba), True)):
        m = RunningWeighted(p.shape[1], classification=classification)
        for args in zip(*(np.split(a, cuts) for a in (t, p, w)), strict=True):
            m.add(*args)
        want = weighted_metrics(t, p, w, classification=classification)
        assert m.result() == pytest.approx(want, rel=1e-12)
    assert RunningWeighted(1, classification=True).result() == {}


def test_predict_keeps_nothing_per_row_for_the_metrics(capsys, tmp_path):
    small, big = tmp_path / "small.csv", tmp_path / "big.csv"
    model = tmp_path / "m.safetensors"
    regression_csv(small, 40)
    train(capsys, small, model, "--target", "y,z")
    streamed(model, small, batch_rows=7)  # the imports a first run makes
    n = 100_000
    regression_csv(big, n, seed=2, hole=3)
    # Kept per row: an output and a target of 2 float64 each, 3.2 MB.
    per_row_bytes = n * 2 * 2 * 8
    tracemalloc.start()
    try:
        tally = streamed(model, big, batch_rows=500)  # 200 batches
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert tally.metrics.rows == n - 1
    # Under 1 MB whatever n (the batches of one Arrow block of the file, and
    # their masks); keeping the rows would take more than 3.2 MB.
    assert peak < per_row_bytes / 2, (peak, per_row_bytes)
    # The state is a few arrays of one value per output, whatever the rows.
    state = [v for v in vars(tally.metrics).values() if isinstance(v, np.ndarray)]
    assert all(a.size <= 4 for a in state), [a.shape for a in state]


def test_a_dropped_workspace_is_freed_without_the_cyclic_collector():
    # A pass without ``out=`` makes a workspace and drops it; were it in a
    # reference cycle, a loop of passes would pile up buffers until the
    # collector ran (what made predict's memory grow with the rows).
    params = {"W1": np.ones((2, 3)), "b1": np.zeros((1, 3))}
    ws = Workspace.fresh(params, 4, np.float64)
    ws.at(4)["z2"]
    ref = weakref.ref(ws)
    gc.disable()
    try:
        del ws
        assert ref() is None
    finally:
        gc.enable()
