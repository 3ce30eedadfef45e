"""Preparing a table for a fit, beside pandas' read_csv and a scikit-learn pipeline.

Usage: ``python benchmarks/bench_prepare.py [--rows 1000000] [--repeats 3]``
(``run.py`` runs it and stores its numbers under ``"prepare"`` in
``results.json``). It writes a CSV of ``rows`` rows: 26 numeric columns, 3
text columns of a few categories each and a numeric target ``y``, 1 % of the
input cells empty (missing). Each measurement runs in a fresh process (its
peak memory is its own ``ru_maxrss``); the medians of ``repeats`` are kept:

- ``pandas_read_s``: ``pandas.read_csv`` of the file (the call alone);
- ``arrow_read_s``: ``pyarrow.csv.read_csv`` of the file with Arrow's own
  defaults (the call alone): the reader chainrule is built on, the floor
  of its preparation;
- ``prep_s``: chainrule's preparation, everything before the fit: reading,
  judging, encoding and scaling (``load_table`` then ``prepare_training``
  as ``chainrule train`` calls them; the calls alone, Arrow's modules
  imported before the clock as pandas is before its read);
- ``train_s``: the whole ``chainrule train FILE --target y --epochs 1``
  (one process, from start to the model written), with its peak memory;
- ``sklearn_s``: the pipeline a scikit-learn user writes for the same
  job, in one process, imports included: ``pandas.read_csv``, a
  ``ColumnTransformer`` (``SimpleImputer`` + ``StandardScaler`` on the
  numbers, ``SimpleImputer`` + ``OneHotEncoder`` on the categories), 20 %
  held out, and ``MLPRegressor`` of the same hidden layer (16) and
  minibatches (200) for one epoch (``max_iter=1``).

Each also has its CPU seconds (``*_cpu_s``: user and system, all threads),
less sensitive than wall time to other work on the machine. The targets:
``prep_s`` ≤ 1.5 × ``pandas_read_s``, ``train_s`` ≤
``sklearn_s``, the training's peak memory ≤ 4 × the file.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

#: Rows of the table by default.
ROWS = 1_000_000
#: Columns of the table: numbers, categories (their levels), and the target.
N_NUMBERS = 26
LEVELS = (
    ("red", "green", "blue"),
    ("north", "south", "east", "west", "centre"),
    tuple(f"grade {c}" for c in "ABCDEFG"),
)
MISSING = 0.01
HIDDEN = 16

PANDAS_READ = """
import json, resource, sys, time
import pandas as pd
t, c = time.perf_counter(), time.process_time()
df = pd.read_csv(sys.argv[1])
dt, cpu = time.perf_counter() - t, time.process_time() - c
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": dt, "cpu_s": cpu, "peak_mb": rss, "rows": len(df)}))
"""

ARROW_READ = """
import json, resource, sys, time
import pyarrow.csv as pcsv
t, c = time.perf_counter(), time.process_time()
data = pcsv.read_csv(sys.argv[1])
dt, cpu = time.perf_counter() - t, time.process_time() - c
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": dt, "cpu_s": cpu, "peak_mb": rss, "rows": data.num_rows}))
"""

PREP = """
import json, resource, sys, time
import pyarrow.compute, pyarrow.csv  # imported before the clock, as pandas is
from chainrule.data.prepare import prepare_training
from chainrule.data.tables import load_table
t, c = time.perf_counter(), time.process_time()
table = load_table(sys.argv[1])
d = prepare_training(table, ["y"], validation_split=0.2, seed=0,
                     judge_columns=True, missing_target="skip")
dt, cpu = time.perf_counter() - t, time.process_time() - c
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": dt, "cpu_s": cpu, "peak_mb": rss,
                  "rows": int(d.X.shape[0])}))
"""

SKLEARN = """
import json, resource, sys, time
t = time.perf_counter()
import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
import warnings
warnings.simplefilter("ignore")  # max_iter=1 does not converge, as meant
df = pd.read_csv(sys.argv[1])
X, y = df.drop(columns="y"), df["y"].to_numpy()
numbers = list(X.select_dtypes(include="number").columns)
text = [c for c in X.columns if c not in numbers]
prep = ColumnTransformer([
    ("numbers", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
     numbers),
    ("text", make_pipeline(SimpleImputer(strategy="most_frequent"),
                           OneHotEncoder(handle_unknown="ignore")), text),
])
Xt, Xv, yt, yv = train_test_split(X, y, test_size=0.2, random_state=0)
model = make_pipeline(prep, MLPRegressor(hidden_layer_sizes=(int(sys.argv[2]),),
                                         max_iter=1, random_state=0))
model.fit(Xt, yt)
r2 = model.score(Xv, yv)
dt, cpu = time.perf_counter() - t, time.process_time()
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": dt, "cpu_s": cpu, "peak_mb": rss, "r2": r2}))
"""


def make_table(path: str, rows: int, seed: int = 0) -> None:
    """The CSV described in the module's docstring."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, N_NUMBERS))
    cols = {}
    for j in range(N_NUMBERS):
        values = np.round(X[:, j] * 10.0 ** (j % 4), 4)
        cols[f"x{j}"] = pa.array(values, mask=rng.random(rows) < MISSING)
    for k, levels in enumerate(LEVELS):
        cells = np.array(levels)[rng.integers(0, len(levels), rows)]
        cols[f"c{k}"] = pa.array(cells, mask=rng.random(rows) < MISSING)
    y = np.sin(X[:, 0]) + X[:, 1] * X[:, 2] + 0.5 * X[:, 3:10].sum(axis=1)
    cols["y"] = pa.array(np.round(y + 0.05 * rng.normal(size=rows), 5))
    options = pcsv.WriteOptions(quoting_style="none")
    pcsv.write_csv(pa.table(cols), path, options)  # missing cells are empty


def env() -> dict[str, str]:
    """The child's environment: this checkout's sources first."""
    src = str(Path(__file__).resolve().parent.parent / "src")
    out = dict(os.environ)
    out["PYTHONPATH"] = os.pathsep.join([src, out.get("PYTHONPATH", "")])
    return out


def child(code: str, *args: str) -> dict:
    """Run ``code`` in a fresh Python; its JSON line."""
    out = subprocess.run([sys.executable, "-c", code, *args], env=env(),
                         capture_output=True, text=True, check=False)  # fmt: skip
    if out.returncode:
        raise RuntimeError(f"a measurement failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def train(path: str, folder: str) -> dict:
    """``chainrule train`` for one epoch in a fresh process: wall time, peak."""
    model = os.path.join(folder, "m.safetensors")
    argv = [sys.executable, "-m", "chainrule", "train", path, "--target", "y",
            "--epochs", "1", "--layers", str(HIDDEN), "--out", model]  # fmt: skip
    t = time.perf_counter()
    proc = subprocess.Popen(argv, env=env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE)  # fmt: skip
    _, status, usage = os.wait4(proc.pid, 0)
    dt = time.perf_counter() - t
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status):
        raise RuntimeError(f"chainrule train failed:\n{err[-2000:]}")
    os.remove(model)
    cpu = usage.ru_utime + usage.ru_stime
    return {"seconds": dt, "cpu_s": cpu, "peak_mb": usage.ru_maxrss / 1024}


def median_of(runs: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def measure(rows: int = ROWS, repeats: int = 3, log=print) -> dict:
    """Every measurement ``repeats`` times in fresh processes: the medians."""
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "table.csv")
        make_table(path, rows)
        mb = os.path.getsize(path) / 2**20
        log(f"table: {rows} rows x {N_NUMBERS + len(LEVELS) + 1} columns, {mb:.0f} MB")
        runs: dict[str, list[dict]] = {"pandas": [], "arrow": [], "prep": [],
                                       "train": [], "sklearn": []}  # fmt: skip
        for _ in range(repeats):  # interleaved: a slow spell hits all alike
            runs["pandas"].append(child(PANDAS_READ, path))
            runs["arrow"].append(child(ARROW_READ, path))
            runs["prep"].append(child(PREP, path))
            runs["train"].append(train(path, folder))
            runs["sklearn"].append(child(SKLEARN, path, str(HIDDEN)))
            last = {k: v[-1] for k, v in runs.items()}
            log("  " + ", ".join(f"{k} {r['seconds']:.2f} s (CPU {r['cpu_s']:.2f} s)"
                                 for k, r in last.items()))  # fmt: skip
    out = {
        "rows": rows,
        "file_mb": mb,
        "repeats": repeats,
        "pandas_read_s": median_of(runs["pandas"], "seconds"),
        "arrow_read_s": median_of(runs["arrow"], "seconds"),
        "prep_s": median_of(runs["prep"], "seconds"),
        "train_s": median_of(runs["train"], "seconds"),
        "sklearn_s": median_of(runs["sklearn"], "seconds"),
        "pandas_peak_mb": median_of(runs["pandas"], "peak_mb"),
        "prep_peak_mb": median_of(runs["prep"], "peak_mb"),
        "train_peak_mb": median_of(runs["train"], "peak_mb"),
        "sklearn_peak_mb": median_of(runs["sklearn"], "peak_mb"),
        "sklearn_r2": median_of(runs["sklearn"], "r2"),
    }
    for key in runs:  # CPU seconds: less sensitive to a busy machine
        out[f"{key}_cpu_s"] = median_of(runs[key], "cpu_s")
    out["prep_ratio"] = out["prep_s"] / out["pandas_read_s"]
    out["train_ratio"] = out["train_s"] / out["sklearn_s"]
    out["train_peak_ratio"] = out["train_peak_mb"] / mb
    return out


def table(r: dict) -> list[str]:
    """``measure``'s numbers as a Markdown table (for ``report.py``)."""
    return [
        f"Preparing a table ({r['rows']:,} rows × 30 columns: 26 numbers, 3 "
        f"categories, 1 target; 1 % missing), medians of {r['repeats']} fresh "
        "processes (`benchmarks/bench_prepare.py`):",
        "",
        "| rows | file MB | pandas read s | chainrule prep s | prep ÷ read "
        "| chainrule 1-epoch train s | pandas + sklearn pipeline s "
        "| train ÷ pipeline | train peak MB ÷ file MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        f"| {r['rows']:,} | {r['file_mb']:.0f} | {r['pandas_read_s']:.2f} "
        f"| {r['prep_s']:.2f} | **{r['prep_ratio']:.2f}** (≤ 1.5) "
        f"| {r['train_s']:.2f} | {r['sklearn_s']:.2f} "
        f"| **{r['train_ratio']:.2f}** (≤ 1) "
        f"| {r['train_peak_mb']:.0f} ÷ {r['file_mb']:.0f} = "
        f"**{r['train_peak_ratio']:.2f}** (≤ 4) |",
        "",
        *(
            [
                f"Arrow's own read of the file (`pyarrow.csv.read_csv`, its "
                f"defaults), the reader chainrule's preparation is built on: "
                f"{r['arrow_read_s']:.2f} s, "
                f"{r['arrow_read_s'] / r['pandas_read_s']:.2f}"
                " × pandas' read.",
                "",
            ]
            if "arrow_read_s" in r
            else []
        ),
        f"Peak memory (MB): pandas read {r['pandas_peak_mb']:.0f}, chainrule "
        f"prep {r['prep_peak_mb']:.0f}, chainrule train {r['train_peak_mb']:.0f}, "
        f"pandas + sklearn pipeline {r['sklearn_peak_mb']:.0f}.",
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=ROWS)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", help="also write the numbers to this file")
    args = ap.parse_args(argv)
    r = measure(args.rows, args.repeats)
    print("\n".join(table(r)))
    if args.json:
        Path(args.json).write_text(json.dumps(r, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
