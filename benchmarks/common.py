"""Shared pieces of the benchmark scripts: data, timing, the result line.

Every script runs one case (S, M, L or CEIL) of one framework in its own
process and prints one JSON line; ``run.py`` starts the processes.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time

import numpy as np

#: Repetitions (medians are taken over them) after one warm-up.
REPEATS = {"S": 7, "M": 5, "L": 3, "CEIL": 15}
#: Steps per repetition of S, and per repetition of L.
S_STEPS, L_STEPS = 2000, 20
#: Repetitions of L's products per timing of the products alone.
CEIL_L_STEPS = 6
M_SIZES, L_SIZES = [784, 256, 128, 10], [1024, 2048, 2048, 10]
M_N, BATCH_M, BATCH_L = 60_000, 128, 512
#: XL (off by default below 8 cores: about 1.1 TFLOP a step, 1.2 GB of weights
#: and gradients): steps per repetition and repetitions.
XL_SIZES, BATCH_XL, XL_STEPS, XL_REPEATS = [4096, 8192, 8192, 10], 2048, 3, 3
LR_S, LR = 0.01, 0.01


def threads() -> int:
    return int(os.environ.get("BENCH_THREADS", "1"))


def s_data() -> tuple[np.ndarray, np.ndarray]:
    """The tutorial's data, normalised as in its part 1 (float64)."""
    X = np.array([[3, 5], [5, 1], [10, 2]], dtype=float)
    y = np.array([[75], [82], [93]], dtype=float)
    return X / np.amax(X, axis=0), y / 100


def s_weights() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.standard_normal((2, 3)), rng.standard_normal((3, 1))


def classification_data(n: int, n_in: int, k: int = 10):
    """Random float32 inputs, integer labels and their one-hot matrix."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((n, n_in), dtype=np.float32)
    labels = rng.integers(0, k, size=n)
    Y = np.zeros((n, k), np.float32)
    Y[np.arange(n), labels] = 1
    return X, labels, Y


def l_flops_per_step(sizes=L_SIZES, batch=BATCH_L) -> float:
    """Matrix-product flops of one step: forward, dJdW for every layer, and
    dJ/da for every layer but the first (2 flops per multiply-add)."""
    prods = [a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True)]
    return 2.0 * batch * (2 * sum(prods) + sum(prods[1:]))


def xl_flops_per_step() -> float:
    return l_flops_per_step(XL_SIZES, BATCH_XL)


def timed(fn, repeats: int) -> list[float]:
    """Seconds of each call of ``fn`` after one warm-up call."""
    fn()
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def blas_info() -> list[dict]:
    from threadpoolctl import threadpool_info

    keep = ("internal_api", "prefix", "version", "num_threads", "architecture")
    return [{k: d.get(k) for k in keep} for d in threadpool_info()]


def report(framework: str, case: str, seconds: list[float], **extra) -> None:
    """Print the result line: median and all repetitions, threads, RSS."""
    line = {
        "framework": framework,
        "case": case,
        "threads": threads(),
        "median_s": statistics.median(seconds),
        "best_s": min(seconds),
        "seconds": seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "blas": blas_info(),
        **extra,
    }
    print(json.dumps(line))
    sys.stdout.flush()
