"""Peak memory of ``chainrule predict`` on a large CSV (a measurement, not a test).

Writes a CSV of about ``--size-mb`` megabytes (8 numeric input columns and a
target), trains a small model on its first rows, then runs

    python -m chainrule predict MODEL DATA --out PREDS

in a child process and reports the child's peak resident set size
(``getrusage(RUSAGE_CHILDREN).ru_maxrss``) and its wall time. ``--src`` runs
another checkout's sources (for example an older revision exported with
``git archive REV | tar -x -C DIR``) to compare before and after.

Usage::

    python benchmarks/bench_predict_memory.py --size-mb 1024
    python benchmarks/bench_predict_memory.py --size-mb 100 --src /tmp/old/src
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

COLUMNS = [f"x{j}" for j in range(8)] + ["y"]


def write_csv(path: Path, size_mb: int, seed: int = 0) -> int:
    """About ``size_mb`` MB of random rows; returns the number of rows."""
    rng = np.random.default_rng(seed)
    target, rows = size_mb * 2**20, 0
    with open(path, "w") as fh:
        fh.write(",".join(COLUMNS) + "\n")
        while fh.tell() < target:
            block = rng.normal(size=(50_000, len(COLUMNS)))
            fh.write("\n".join(",".join(f"{v:.6f}" for v in row) for row in block))
            fh.write("\n")
            rows += len(block)
    return rows


def train_small(data: Path, model: Path, env: dict) -> None:
    head = data.with_name("head.csv")
    with open(data) as src, open(head, "w") as dst:
        for _, line in zip(range(1001), src, strict=False):
            dst.write(line)
    argv = [sys.executable, "-m", "chainrule", "train", str(head), "--target", "y"]
    argv += ["--layers", "8", "--epochs", "5", "--out", str(model)]
    subprocess.run(argv, check=True, env=env, capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--src", help="a checkout's src/ folder to run instead")
    parser.add_argument("--folder", help="where to write the files (default: temp)")
    args = parser.parse_args()
    folder = Path(args.folder or tempfile.mkdtemp(prefix="bench-predict-"))
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1")
    if args.src:
        env["PYTHONPATH"] = args.src
    data = folder / f"data-{args.size_mb}mb.csv"
    if not data.exists():
        rows = write_csv(data, args.size_mb)
        print(f"wrote {data} ({data.stat().st_size / 2**20:.0f} MiB, {rows} rows)")
    model = folder / "model.safetensors"
    train_small(data, model, env)
    preds = folder / "preds.csv"
    argv = [sys.executable, "-m", "chainrule", "predict", str(model), str(data)]
    start = time.perf_counter()
    done = subprocess.run([*argv, "--out", str(preds)], env=env, capture_output=True)
    wall = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(done.stdout.decode().strip(), done.stderr.decode().strip())
    print(
        f"predict on {data.stat().st_size / 2**20:.0f} MiB CSV: exit "
        f"{done.returncode}, peak RSS {peak_mb:.0f} MiB, {wall:.0f} s"
        + (f" (sources: {args.src})" if args.src else "")
    )


if __name__ == "__main__":
    main()
