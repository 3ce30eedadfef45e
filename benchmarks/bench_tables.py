"""Reading and training on a 200,000 × 30 table, beside pandas and scikit-learn.

Not a test: run it by hand, ``python benchmarks/bench_tables.py [--rows N]``.
It writes a CSV of ``rows`` rows, 30 numeric inputs and a target ``y`` that
is a smooth function of them, then measures, each in a fresh process (so that
peak memory is the process's own):

- reading: ``chainrule.datasets.load_table`` against ``pandas.read_csv``
  (wall time, peak RSS from ``resource.getrusage``);
- training (reading included): ``chainrule train`` with its defaults
  (minibatches of 200 from 10,000 rows on, stopping on the validation cost),
  and with scikit-learn's hidden layer (100 relu), against scikit-learn's
  ``MLPRegressor`` with its defaults, each scored by R² on a held-out 20 %.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

READ = """
import json, resource, sys, time
t = time.perf_counter()
if sys.argv[1] == "pandas":
    import pandas as pd
    n = len(pd.read_csv(sys.argv[2]))
else:
    import chainrule as cr
    n = cr.datasets.load_table(sys.argv[2]).n_rows
dt = time.perf_counter() - t
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": dt, "peak_mb": rss, "rows": n}))
"""


def make_table(path: str, rows: int, seed: int = 0) -> None:
    """A CSV of ``rows`` × 30 inputs and a target of a few of their products."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, 30))
    y = np.sin(X[:, 0]) + X[:, 1] * X[:, 2] + 0.5 * X[:, 3:10].sum(axis=1)
    y += 0.05 * rng.normal(size=rows)
    header = ",".join([f"x{j}" for j in range(30)] + ["y"])
    np.savetxt(path, np.column_stack([X, y]), delimiter=",", header=header,
               comments="", fmt="%.17g")  # fmt: skip


def read(engine: str, path: str) -> dict:
    out = subprocess.run([sys.executable, "-c", READ, engine, path],
                         capture_output=True, text=True, check=True)  # fmt: skip
    return json.loads(out.stdout)


def train_chainrule(path: str, folder: str, *extra: str) -> dict:
    model = os.path.join(folder, "m.safetensors")
    t = time.perf_counter()
    argv = [sys.executable, "-m", "chainrule", "train", path, "--target", "y"]
    subprocess.run([*argv, *extra, "--out", model], check=True, capture_output=True)
    dt = time.perf_counter() - t
    from chainrule.loading import load_with_metadata

    _, meta = load_with_metadata(model)
    return {"seconds": dt, "r2": meta["training"]["metrics"]["validation"]["r2"]}


def train_sklearn(path: str) -> dict:
    import pandas as pd
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPRegressor
    from sklearn.preprocessing import StandardScaler

    t = time.perf_counter()
    df = pd.read_csv(path)
    X, y = df.drop(columns="y").to_numpy(), df["y"].to_numpy()
    Xt, Xv, yt, yv = train_test_split(X, y, test_size=0.2, random_state=0)
    s = StandardScaler().fit(Xt)
    est = MLPRegressor(hidden_layer_sizes=(100,), random_state=0)
    est.fit(s.transform(Xt), yt)
    r2 = est.score(s.transform(Xv), yv)
    return {"seconds": time.perf_counter() - t, "r2": r2}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--no-train", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "big.csv")
        make_table(path, args.rows)
        mb = os.path.getsize(path) / 2**20
        print(f"table: {args.rows} rows x 31 columns, {mb:.0f} MB")
        for engine in ("pandas", "chainrule"):
            r = read(engine, path)
            ratio = r["peak_mb"] / mb
            print(f"read {engine:9s}: {r['seconds']:.2f} s, peak RSS "
                  f"{r['peak_mb']:.0f} MB ({ratio:.1f}x the file)")  # fmt: skip
        if args.no_train:
            return
        for extra in ([], ["--layers", "100", "--activation", "relu"]):
            r = train_chainrule(path, folder, *extra)
            what = " ".join(extra) or "defaults"
            print(f"train chainrule ({what}): {r['seconds']:.1f} s, "
                  f"validation R2 {r['r2']:.4f}")  # fmt: skip
        r = train_sklearn(path)
        print(f"train scikit-learn MLPRegressor(100): {r['seconds']:.1f} s, "
              f"validation R2 {r['r2']:.4f}")  # fmt: skip


if __name__ == "__main__":
    main()
