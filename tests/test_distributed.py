"""Data-parallel training on a Dask LocalCluster of worker processes.

One cluster of 2 worker processes (1 thread each, 127.0.0.1, no dashboard)
is started for the module and scaled to 1 and 4 workers where a test needs
it; its teardown checks that no process and no port is left behind.

Oracles: the in-memory fit (the same core passes on the whole array) for
the full-batch optimizers; the same fit on another number of workers, or
without a killed worker, for bit-for-bit equality.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import time

import numpy as np
import pytest

pytest.importorskip("dask.array", reason="needs the dask extra: chainrule[dask]")
pytest.importorskip("distributed", reason="needs the dask extra: chainrule[dask]")
pytest.importorskip("pyarrow", reason="the Parquet test needs pyarrow")

import dask  # noqa: E402
import dask.array as da  # noqa: E402
import psutil  # noqa: E402
from distributed import Client, LocalCluster  # noqa: E402

import chainrule as cr  # noqa: E402
from chainrule.cli.app import main  # noqa: E402
from chainrule.errors import ChainruleError, ConfigError  # noqa: E402
from chainrule.train import dask_engine as eng  # noqa: E402

#: Per-worker memory limit of the module's cluster, enforced by Dask with its
#: default actions: above 70 % of it a worker spills, above 80 % it pauses,
#: above 95 % its nanny kills and restarts it. A worker process with pandas,
#: pyarrow and SciPy loaded takes 230-250 MB while it works; the Parquet data
#: set of the out-of-core test is larger than a worker's limit.
MEMORY_LIMIT = 400 * 2**20


def _port_open(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


@pytest.fixture(scope="module")
def client():
    # processes that are not the cluster's: the session's browser, say
    others = {p.pid for p in psutil.Process().children(recursive=True)}
    cluster = _cluster()
    c = Client(cluster)
    host, port = cluster.scheduler_address.removeprefix("tcp://").split(":")
    yield c
    children = [
        p
        for p in psutil.Process().children(recursive=True)
        if not _resource_tracker(p) and not _descends_from(p, others)
    ]
    c.close()
    cluster.close()
    _, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, f"processes left behind: {alive}"
    assert not _port_open(host, int(port)), "the scheduler's port is still open"


def _descends_from(p, pids: set[int]) -> bool:
    try:
        return p.pid in pids or any(q.pid in pids for q in p.parents())
    except psutil.NoSuchProcess:
        return True


def _resource_tracker(p) -> bool:
    # multiprocessing's one helper process, which lives as long as pytest
    try:
        return "resource_tracker" in " ".join(p.cmdline())
    except psutil.NoSuchProcess:
        return True


def _cluster():
    return LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
        memory_limit=MEMORY_LIMIT,
        silence_logs=logging.CRITICAL,
    )


def _scale(client, n: int) -> None:
    client.cluster.scale(n)
    _wait_for_workers(client, n)


def _wait_for_workers(client, n: int) -> None:
    """Until the scheduler has ``n`` workers, all running (the client's view).

    Not ``Client.wait_for_workers``: on a LocalCluster it replaces the
    cluster's list of workers with the scheduler's, while the scheduler's
    news of a worker that left may still be on its way; that news then names
    a worker the list no longer has, and ``LocalCluster.close`` raises its
    KeyError (seen on a loaded machine after scaling down).
    """
    deadline = time.monotonic() + 60
    while [w["status"] for w in client.scheduler_info()["workers"].values()] != [
        "running"
    ] * n:
        assert time.monotonic() < deadline, "the cluster did not scale"
        time.sleep(0.1)


def _data(n=1200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    y = np.column_stack([np.sin(X[:, 0]) + X[:, 1] * X[:, 2], np.tanh(X[:, 3])])
    return X, y


def _fit(X, y, optimizer, **kw):
    net = cr.Network([4, 6, 2], seed=3, loss="mse", l2=1e-3)
    hist = net.fit(X, y, optimizer=optimizer, **kw)
    return net.get_flat(), hist


CASES = {
    "gd": {"epochs": 15},
    "lbfgs": {"epochs": 15},
    "sgd": {"epochs": 3, "batch_size": 128, "learning_rate": 0.05},
}


def test_same_bits_on_1_2_and_4_workers(client):
    X, y = _data()
    Xd, yd = da.from_array(X, chunks=(150, 4)), da.from_array(y, chunks=(150, 2))
    got = {}
    for n in (2, 1, 4):
        _scale(client, n)
        for opt, kw in CASES.items():
            got[opt, n] = _fit(Xd, yd, opt, **kw)
    _scale(client, 2)
    # each fit drops its reused buffers on the workers when it ends
    assert set(client.run(eng.release_buffers).values()) == {0}
    for opt in CASES:
        for n in (1, 4):
            assert np.array_equal(got[opt, n][0], got[opt, 2][0]), (opt, n)
            assert got[opt, n][1].cost == got[opt, 2][1].cost, (opt, n)


@pytest.mark.parametrize("optimizer", ["gd", "lbfgs", "bfgs"])
def test_full_batch_equals_the_in_memory_fit(client, optimizer):
    X, y = _data(seed=1)
    Xd, yd = da.from_array(X, chunks=(170, 4)), da.from_array(y, chunks=(170, 2))
    theta, hist = _fit(Xd, yd, optimizer, epochs=15)
    ref, ref_hist = _fit(X, y, optimizer, epochs=15)
    assert np.max(np.abs(theta - ref)) <= 1e-10 * np.max(np.abs(ref))
    np.testing.assert_allclose(hist.cost, ref_hist.cost, rtol=1e-10)
    assert len(hist.cost) == len(ref_hist.cost) > 5


def test_parameters_broadcast_or_sent_with_the_tasks_give_the_same_bits(
    client, monkeypatch
):
    # 8,742 parameters (68 KiB): above INLINE_BYTES they are broadcast once a
    # round; forced inline they go with each task. Oracle: each other, and
    # the in-memory fit.
    from chainrule.train import distributed

    X, y = _data(n=400, seed=7)
    Xd, yd = da.from_array(X, chunks=(100, 4)), da.from_array(y, chunks=(100, 2))

    def fit(X, y):
        net = cr.Network([4, 100, 80, 2], seed=1, loss="mse")
        net.fit(X, y, optimizer="lbfgs", epochs=5)
        return net.get_flat()

    assert cr.Network([4, 100, 80, 2]).get_flat().nbytes > distributed.INLINE_BYTES
    broadcast = fit(Xd, yd)
    monkeypatch.setattr(distributed, "INLINE_BYTES", 2**30)
    inline = fit(Xd, yd)
    assert np.array_equal(broadcast, inline)
    ref = fit(X, y)
    assert np.max(np.abs(inline - ref)) <= 1e-10 * np.max(np.abs(ref))


def test_minibatches_cover_every_row_once_per_epoch():
    from chainrule.train.dask_engine import epoch_batches

    sizes = [5, 7, 3]
    batches = list(epoch_batches(sizes, 4, True, np.random.default_rng(0)))
    assert [sum(len(r) for _, r in b) for b in batches] == [4, 4, 4, 3]
    seen = sorted((c, int(i)) for b in batches for c, r in b for i in r)
    assert seen == [(c, i) for c, s in enumerate(sizes) for i in range(s)]
    again = list(epoch_batches(sizes, 4, True, np.random.default_rng(0)))
    assert [[(c, r.tolist()) for c, r in b] for b in again] == [
        [(c, r.tolist()) for c, r in b] for b in batches
    ]


def test_chunk_sums_add_up_to_the_whole_gradient():
    # oracle: the core's gradient of the whole array, times N (mse is a mean)
    X, y = _data(n=90)
    net = cr.Network([4, 6, 2], seed=0, loss="mse")
    spec = eng.Spec(dict(net.shapes), tuple(net.activations), "mse", "float64")
    parts = [
        eng.chunk_sums(net.get_flat(), X[i : i + 30], y[i : i + 30], spec)
        for i in range(0, 90, 30)
    ]
    g = eng.tree_sum([p[1] for p in parts]) / 90
    whole = net.gradients(X, y)
    ref = np.concatenate([whole[k].ravel() for k in net.shapes])
    np.testing.assert_allclose(g, ref, rtol=1e-12, atol=1e-15)
    assert eng.tree_sum([p[0] for p in parts]) / 90 == pytest.approx(
        net.cost(X, y), rel=1e-12
    )


def test_chunk_sums_reuse_buffers_without_sharing_their_results():
    # oracle: the same chunk's sums computed before other chunks went through
    # the thread's reused buffers (the results must be copies, not views)
    X, y = _data(n=120)
    net = cr.Network([4, 6, 2], seed=0, loss="bce", output_activation="sigmoid")
    y = (y > 0).astype(float)
    spec = eng.Spec(dict(net.shapes), tuple(net.activations), "bce", "float64")
    theta = net.get_flat()
    first = eng.chunk_sums(theta, X[:60], y[:60], spec)
    kept = first[1].copy()
    eng.chunk_sums(theta, X[60:], y[60:], spec, rows=np.array([5, 1, 9]))
    eng.chunk_sums(theta, X[:20], y[:20], spec)
    again = eng.chunk_sums(theta, X[:60], y[:60], spec)
    assert np.array_equal(first[1], kept)  # not overwritten by later tasks
    assert again[0] == first[0] and np.array_equal(again[1], kept)
    rows = eng.chunk_sums(theta, X[60:], y[60:], spec, rows=np.array([5, 1, 9]))
    ref = eng.chunk_sums(theta, X[60:][[5, 1, 9]], y[60:][[5, 1, 9]], spec)
    assert rows[0] == ref[0] and np.array_equal(rows[1], ref[1]) and rows[2] == 3
    assert eng.release_buffers() >= 1


def test_a_killed_worker_does_not_change_the_result(client):
    X, y = _data(seed=2)
    Xd, yd = da.from_array(X, chunks=(100, 4)), da.from_array(y, chunks=(100, 2))
    ref, _ = _fit(Xd, yd, "gd", epochs=8)
    killed = []
    # its own cluster: a killed worker never touches the module's, whose
    # teardown it once made fail (a KeyError in LocalCluster.close)
    with _cluster() as cluster, Client(cluster) as own, own.as_current():

        def kill_one(epoch, hist, net):
            if epoch == 3:
                pid = next(iter(own.run(os.getpid).values()))
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)

        theta, hist = _fit(Xd, yd, "gd", epochs=8, callbacks=[kill_one])
        assert killed and _gone(killed[0])  # the worker was killed mid-fit
        _wait_for_workers(own, 2)
    assert np.array_equal(theta, ref)
    assert len(hist.cost) == 8


def _gone(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def test_checkpoint_and_resume_give_the_same_parameters(client, tmp_path):
    X, y = _data(seed=4)
    Xd, yd = da.from_array(X, chunks=(200, 4)), da.from_array(y, chunks=(200, 2))
    kw = {"batch_size": 96, "learning_rate": 0.01}
    ref, _ = _fit(Xd, yd, "adam", epochs=4, **kw)
    path = str(tmp_path / "ckpt.safetensors")
    _fit(Xd, yd, "adam", epochs=2, checkpoint=path, **kw)
    theta, hist = _fit(Xd, yd, "adam", epochs=4, resume=path, **kw)
    assert np.array_equal(theta, ref)
    assert len(hist.cost) == 4


def test_without_the_extra_a_dask_array_is_a_clear_error(monkeypatch):
    X, y = _data(n=20)
    Xd = da.from_array(X, chunks=10)
    monkeypatch.setitem(__import__("sys").modules, "distributed", None)
    net = cr.Network([4, 3, 2], seed=0)
    before = net.get_flat()
    with pytest.raises(ConfigError, match=r"chainrule\[dask\]"):
        net.fit(Xd, y, optimizer="gd", epochs=2)
    assert np.array_equal(net.get_flat(), before)


def test_bad_dask_data_is_refused_before_training(client):
    X, y = _data(n=40)
    X[7, 1] = np.nan
    net = cr.Network([4, 3, 2], seed=0)
    with pytest.raises(ChainruleError, match="finite"):
        net.fit(da.from_array(X, chunks=10), da.from_array(y, chunks=10))
    with pytest.raises(ConfigError, match="validation_split"):
        net.fit(da.from_array(X, chunks=10), y, validation_split=0.2)


def _write_parquet(folder, n_files: int, rows: int) -> int:
    """``n_files`` files of 15 inputs and ``y``, by pyarrow; their bytes on disk."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(5)
    for f in range(n_files):
        cols = {f"x{i}": rng.normal(size=rows) for i in range(15)}
        cols["y"] = np.tanh(cols["x0"]) + 0.5 * cols["x1"]
        pq.write_table(pa.table(cols), folder / f"part{f:03d}.parquet",
                       row_group_size=rows // 4, compression="none",
                       use_dictionary=False, write_statistics=False)  # fmt: skip
    return sum(p.stat().st_size for p in folder.glob("*.parquet"))


def _worker_state(dask_worker, reset: bool = False) -> tuple[int, int]:
    """(process id, largest resident memory in bytes since the last reset).

    ``reset``: start the peak again from the current resident memory
    (Linux's ``clear_refs``), so that it leaves out the worker's start.
    """
    with open("/proc/self/status") as f:
        peak = next(int(line.split()[1]) for line in f if line.startswith("VmHWM"))
    if reset:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    return os.getpid(), peak * 1024


def test_out_of_core_parquet_under_dask_memory_limits(client, tmp_path, capsys):
    # oracle: the in-memory fit on the same rows, scaled as the model says
    # (its scaling checked: the scaled columns have mean 0 and variance 1)
    import pyarrow.parquet as pq

    from chainrule.loading import load_with_metadata

    _scale(client, 2)
    folder = tmp_path / "data"
    folder.mkdir()
    on_disk = _write_parquet(folder, 28, 131_072)  # 3.7 M rows, 16 MB a file
    limits = [w["memory_limit"] for w in client.scheduler_info()["workers"].values()]
    assert limits == [MEMORY_LIMIT] * 2
    assert on_disk > MEMORY_LIMIT
    before = client.run(_worker_state, reset=True)
    out = tmp_path / "m.safetensors"
    addr = client.scheduler.address
    # one partition per file (Dask would fuse files into 75 MB partitions)
    with dask.config.set({"dataframe.parquet.minimum-partition-size": 1}):
        code = main(["train", str(folder / "*.parquet"), "--target", "y",
                     "--layers", "2", "--optimizer", "gd", "--epochs", "1",
                     "--dask", addr, "--out", str(out)])  # fmt: skip
    _, err = capsys.readouterr()
    assert code == 0, err
    after = client.run(_worker_state)
    assert after.keys() == before.keys()  # the same workers: none was restarted
    assert [after[w][0] for w in after] == [before[w][0] for w in before]
    assert max(rss for _, rss in after.values()) < MEMORY_LIMIT
    net, meta = load_with_metadata(str(out))
    X, y = np.empty((28 * 131_072, 15)), np.empty((28 * 131_072, 1))
    for i, path in enumerate(sorted(folder.glob("*.parquet"))):
        rows = slice(i * 131_072, (i + 1) * 131_072)
        table = pq.read_table(path)
        X[rows] = np.column_stack([table[f"x{j}"] for j in range(15)])
        y[rows, 0] = table["y"]
    sx, sy = meta["scale_inputs"], meta["scale_targets"]
    X -= np.array(sx["offset"])  # in place, as (X - offset) / scale: 440 MB
    X /= np.array(sx["scale"])
    y = (y - np.array(sy["offset"])) / np.array(sy["scale"])
    # the model's scaling is each column's mean and (population) std
    for A in (X, y):
        np.testing.assert_allclose(A.mean(0), 0, atol=1e-9)
        np.testing.assert_allclose(np.einsum("ij,ij->j", A, A) / len(A), 1, rtol=1e-9)
    ref = cr.Network([15, 2, 1], activation="tanh", output_activation="identity",
                     loss="mse", seed=0)  # fmt: skip
    start = ref.get_flat()
    ref.fit(X, y, optimizer="gd", epochs=1, seed=0)
    assert net.sizes == [15, 2, 1]
    np.testing.assert_allclose(net.get_flat(), ref.get_flat(), rtol=1e-10, atol=0)
    assert np.max(np.abs(ref.get_flat() - start)) > 1e-3  # the step was taken


def test_a_dask_dataframe_trains_like_its_array(client):
    import dask.dataframe as dd
    import pandas as pd

    X, y = _data(n=600, seed=6)
    frame = pd.DataFrame(X, columns=list("abcd")).assign(u=y[:, 0], v=y[:, 1])
    ddf = dd.from_pandas(frame, npartitions=4)
    theta, _ = _fit(ddf[list("abcd")], ddf[["u", "v"]], "lbfgs", epochs=10)
    ref, _ = _fit(X, y, "lbfgs", epochs=10)  # oracle: the in-memory fit
    assert np.max(np.abs(theta - ref)) <= 1e-10 * np.max(np.abs(ref))
