"""Data-parallel training on Dask: time per epoch on 1 and 2 workers.

Run: ``OPENBLAS_NUM_THREADS=1 python benchmarks/bench_dask.py [rows]``.

A table of ``rows`` (default 1,000,000) × 32 inputs, the network
32-64-32-1 (mse), in 16 chunks; each worker has 1 thread, and so has the
in-memory fit (``OPENBLAS_NUM_THREADS=1``). Measured:

- ``gd`` and ``lbfgs``: seconds per epoch (per iteration for lbfgs) in
  memory and on a LocalCluster of 1 and 2 worker processes; the parallel
  efficiency ``T1 / (2 T2)``;
- ``sgd`` (batch 16384): seconds per epoch, one round of tasks per batch;
- the scheduler's overhead: seconds per task of 400 empty tasks, and the
  latency of one round (scatter the parameters, one task, gather).

Prints a Markdown table and writes ``benchmarks/results-dask.json``.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path

import dask.array as da
import numpy as np
from distributed import Client, LocalCluster

import chainrule as cr
from chainrule.train import dask_engine as eng

SIZES = [32, 64, 32, 1]
CHUNKS = 16


def data(n: int):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, SIZES[0]))
    y = np.tanh(X[:, :4].sum(axis=1, keepdims=True)) + 0.1 * X[:, 4:5]
    return X, y


def per_epoch(hist) -> float:
    t = np.diff([0.0, *hist.time])
    return float(np.median(t[1:]))  # the first epoch holds the warm-up


def fits(X, y) -> dict:
    out = {}
    for opt, kw in (
        ("gd", {"epochs": 4}),
        ("lbfgs", {"epochs": 4}),
        ("sgd", {"epochs": 2, "batch_size": 16384, "learning_rate": 0.01}),
    ):
        net = cr.Network(SIZES, seed=0, loss="mse")
        out[opt] = per_epoch(net.fit(X, y, optimizer=opt, **kw))
    return out


def overhead(client) -> dict:
    t = time.perf_counter()
    client.gather(client.map(lambda i: i, range(400), pure=False))
    per_task = (time.perf_counter() - t) / 400
    net = cr.Network(SIZES, seed=0)
    theta = net.get_flat()
    rounds = []
    for _ in range(20):
        t = time.perf_counter()
        f = client.scatter(theta, broadcast=True, hash=False)
        client.submit(len, f, pure=False).result()
        rounds.append(time.perf_counter() - t)
    return {"per_task_s": per_task, "round_s": float(np.median(rounds))}


def chunk_time(X, y) -> float:
    net = cr.Network(SIZES, seed=0, loss="mse")
    spec = eng.Spec(dict(net.shapes), tuple(net.activations), "mse", "float64")
    rows = X.shape[0] // CHUNKS
    t = time.perf_counter()
    for _ in range(3):
        eng.chunk_sums(net.get_flat(), X[:rows], y[:rows], spec)
    return (time.perf_counter() - t) / 3


def main(n: int) -> dict:
    X, y = data(n)
    res = {"rows": n, "sizes": SIZES, "chunks": CHUNKS, "load": os.getloadavg()}
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
            res[f"dask{workers}"] = fits(Xd, yd)
            res[f"dask{workers}"].update(overhead(client))
    for opt in ("gd", "lbfgs", "sgd"):
        res.setdefault("efficiency", {})[opt] = res["dask1"][opt] / (
            2 * res["dask2"][opt]
        )
    return res


def table(res: dict) -> str:
    lines = [
        "| optimizer | in memory (s/epoch) | 1 worker | 2 workers | efficiency 1→2 |",
        "|---|---:|---:|---:|---:|",
    ]
    for opt in ("gd", "lbfgs", "sgd"):
        lines.append(
            f"| {opt} | {res['memory'][opt]:.3f} | {res['dask1'][opt]:.3f} | "
            f"{res['dask2'][opt]:.3f} | {100 * res['efficiency'][opt]:.0f} % |"
        )
    for w in (1, 2):
        d = res[f"dask{w}"]
        lines.append(
            f"\n{w} worker(s): {1e3 * d['per_task_s']:.2f} ms per empty task, "
            f"{1e3 * d['round_s']:.1f} ms per round (scatter + 1 task)"
        )
    lines.append(f"\none chunk's forward+backward: {1e3 * res['chunk_s']:.0f} ms")
    lines.append(f"load average during the run: {res['load']}")
    return "\n".join(lines)


if __name__ == "__main__":
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    result = main(rows)
    Path(__file__).with_name("results-dask.json").write_text(
        json.dumps(result, indent=1)
    )
    print(table(result))
