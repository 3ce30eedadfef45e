"""Data-parallel training on Dask: time per epoch on 1 and 2 workers.

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_dask.py [rows]``.

A table of ``rows`` (default 1,000,000) × 32 inputs, the network
32-64-32-1 (mse), in 16 chunks; each worker has 1 thread, and so has the
in-memory fit (``OPENBLAS_NUM_THREADS=1``). Measured, each fit
:data:`REPEATS` times (the median is kept):

- ``gd`` and ``lbfgs``: seconds per epoch (per iteration for lbfgs) in
  memory and on a LocalCluster of 1 and 2 worker processes; the parallel
  efficiency ``T1 / (2 T2)``;
- ``sgd`` (batch 16384): seconds per epoch, one round of tasks per batch;
- one chunk's task (``chunk_sums``) in this process, and the same tasks on
  the workers during the ``gd`` fits (the compute time Dask records for
  each), with the workers' CPU time per epoch (user and system) and the
  driver's (which holds the local cluster's scheduler);
- the scheduler's overhead: seconds per task of 400 empty tasks, and the
  latency of one round (one task with the parameters, gather; and with the
  parameters broadcast first, as for networks above 64 KiB);
- the estimate for 8 and 32 workers from these figures (:func:`estimate`).

Prints Markdown tables and writes ``benchmarks/results-dask.json``.
"""

from __future__ import annotations

import json
import logging
import math
import os
import resource
import sys
import time
from pathlib import Path

import dask.array as da
import numpy as np
from distributed import Client, LocalCluster, get_task_stream

import chainrule as cr
from chainrule.train import dask_engine as eng

SIZES = [32, 64, 32, 1]
CHUNKS = 16
REPEATS = 3
CASES = (
    ("gd", {"epochs": 5}),
    ("lbfgs", {"epochs": 5}),
    ("sgd", {"epochs": 2, "batch_size": 16384, "learning_rate": 0.01}),
)


def data(n: int):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, SIZES[0]))
    y = np.tanh(X[:, :4].sum(axis=1, keepdims=True)) + 0.1 * X[:, 4:5]
    return X, y


def per_epoch(hist) -> float:
    t = np.diff([0.0, *hist.time])
    return float(np.median(t[1:]))  # the first epoch holds the warm-up


def cpu_times(dask_worker=None) -> tuple[float, float]:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime, r.ru_stime


def fits(X, y, client=None) -> dict:
    """Median seconds per epoch of each case; on Dask, the gd tasks too."""
    runs: dict = {opt: [] for opt, _ in CASES}
    tasks, cpu = [], []
    for _ in range(REPEATS):
        for opt, kw in CASES:
            net = cr.Network(SIZES, seed=0, loss="mse")
            if client is None or opt != "gd":
                runs[opt].append(per_epoch(net.fit(X, y, optimizer=opt, **kw)))
                continue
            marks = []  # the workers' CPU times after the first and last epoch

            def mark(epoch, hist, net, marks=marks, last=kw["epochs"]):
                if epoch in (1, last):  # the driver holds the local scheduler
                    marks.append({**client.run(cpu_times), "driver": cpu_times()})

            with get_task_stream(client=client) as ts:
                hist = net.fit(X, y, optimizer=opt, callbacks=[mark], **kw)
            runs[opt].append(per_epoch(hist))
            tasks += [
                s["stop"] - s["start"]
                for t in ts.data
                if "chunk_sums" in t["key"]
                for s in t["startstops"]
                if s["action"] == "compute"
            ]
            first, last = marks
            spent = {w: np.subtract(last[w], first[w]) for w in last}
            driver = spent.pop("driver")
            workers = np.sum(list(spent.values()), axis=0)
            cpu.append(np.concatenate([workers, driver]) / (kw["epochs"] - 1))
    out = {opt: float(np.median(v)) for opt, v in runs.items()}
    out["runs"] = runs
    if client is not None:
        out["task_s"] = float(np.median(tasks))
        user, system, d_user, d_system = np.median(cpu, axis=0)
        out["worker_cpu_per_epoch_s"] = {"user": float(user), "system": float(system)}
        out["driver_cpu_per_epoch_s"] = {
            "user": float(d_user),
            "system": float(d_system),
        }
    return out


def overhead(client) -> dict:
    """Seconds per empty task, and per round of one task (parameters inline
    as fit sends this network's, or broadcast first as for large ones)."""
    t = time.perf_counter()
    client.gather(client.map(lambda i: i, range(400), pure=False))
    per_task = (time.perf_counter() - t) / 400
    theta = cr.Network(SIZES, seed=0).get_flat()
    rounds: dict = {"inline": [], "scatter": []}
    for _ in range(20):
        for how, times in rounds.items():
            t = time.perf_counter()
            f = theta
            if how == "scatter":
                f = client.scatter(theta, broadcast=True, hash=False)
            client.submit(len, f, pure=False).result()
            times.append(time.perf_counter() - t)
    return {
        "per_task_s": per_task,
        "round_s": float(np.median(rounds["inline"])),
        "round_scatter_s": float(np.median(rounds["scatter"])),
    }


def chunk_time(X, y) -> float:
    """Median seconds of one chunk's task run here, over the 16 chunks."""
    net = cr.Network(SIZES, seed=0, loss="mse")
    spec = eng.Spec(dict(net.shapes), tuple(net.activations), "mse", "float64")
    chunks = [
        (Xc.copy(), yc.copy())
        for Xc, yc in zip(
            np.array_split(X, CHUNKS), np.array_split(y, CHUNKS), strict=True
        )
    ]
    eng.chunk_sums(net.get_flat(), *chunks[0], spec)  # warm-up
    times = []
    for _ in range(3):
        for Xc, yc in chunks:
            t = time.perf_counter()
            eng.chunk_sums(net.get_flat(), Xc, yc, spec)
            times.append(time.perf_counter() - t)
    eng.release_buffers()
    return float(np.median(times))


def estimate(t: float, o: float, r: float, p: int, chunks: int) -> float:
    """Efficiency ``T(1) / (p T(p))`` with ``T(p) = ceil(C/p) t + C o + r``."""

    def T(q: int) -> float:
        return math.ceil(chunks / q) * t + chunks * o + r

    return T(1) / (p * T(p))


def main(n: int) -> dict:
    X, y = data(n)
    res = {"rows": n, "sizes": SIZES, "chunks": CHUNKS, "repeats": REPEATS}
    res["load_before"] = os.getloadavg()
    res["chunk_s"] = chunk_time(X, y)
    res["memory"] = fits(X, y)
    Xd = da.from_array(X, chunks=(n // CHUNKS, -1))
    yd = da.from_array(y, chunks=(n // CHUNKS, -1))
    for workers in (1, 2):
        with (
            LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                host="127.0.0.1",
                dashboard_address=None,
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,
        ):
            res[f"dask{workers}"] = fits(Xd, yd, client)
            res[f"dask{workers}"].update(overhead(client))
    for opt, _ in CASES:
        res.setdefault("efficiency", {})[opt] = res["dask1"][opt] / (
            2 * res["dask2"][opt]
        )
    d1 = res["dask1"]
    o, r = d1["per_task_s"], d1["round_s"]
    res["estimate"] = {
        f"C={c}, t={1e3 * t:.0f} ms": {
            str(p): estimate(t, o, r, p, c if isinstance(c, int) else 4 * p)
            for p in (2, 8, 32)
        }
        for c in (CHUNKS, "4p")
        for t in (d1["task_s"], 0.4)
    }
    res["load_after"] = os.getloadavg()
    return res


def table(res: dict) -> str:
    lines = [
        "| optimizer | in memory (s/epoch) | 1 worker | 2 workers | efficiency 1→2 |",
        "|---|---:|---:|---:|---:|",
    ]
    for opt, _ in CASES:
        lines.append(
            f"| {opt} | {res['memory'][opt]:.3f} | {res['dask1'][opt]:.3f} | "
            f"{res['dask2'][opt]:.3f} | {100 * res['efficiency'][opt]:.0f} % |"
        )
    lines.append(f"\none chunk's task here: {1e3 * res['chunk_s']:.1f} ms")
    for w in (1, 2):
        d = res[f"dask{w}"]
        cpu = d["worker_cpu_per_epoch_s"]
        lines.append(
            f"{w} worker(s): a chunk's task {1e3 * d['task_s']:.1f} ms on the "
            f"worker; workers' CPU per gd epoch {cpu['user']:.2f} s user, "
            f"{cpu['system']:.2f} s system; the driver and scheduler's "
            f"{sum(d['driver_cpu_per_epoch_s'].values()):.2f} s; "
            f"{1e3 * d['per_task_s']:.2f} ms per "
            f"empty task, {1e3 * d['round_s']:.1f} ms per round of 1 task "
            f"({1e3 * d['round_scatter_s']:.1f} ms with the parameters broadcast)"
        )
    lines += ["", "| case | E(2) | E(8) | E(32) |", "|---|---:|---:|---:|"]
    for case, e in res["estimate"].items():
        lines.append(
            f"| {case} | " + " | ".join(f"{100 * v:.0f} %" for v in e.values()) + " |"
        )
    lines.append(
        f"\nload average before {res['load_before']}, after {res['load_after']}"
    )
    return "\n".join(lines)


if __name__ == "__main__":
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    result = main(rows)
    Path(__file__).with_name("results-dask.json").write_text(
        json.dumps(result, indent=1)
    )
    print(table(result))
