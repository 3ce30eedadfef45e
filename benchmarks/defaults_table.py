"""The command line's defaults on ten tables nobody here wrote, beside scikit-learn.

Not a test: run it by hand (it needs ``palmerpenguins``, ``vega_datasets``,
``statsmodels``, ``pandas`` and ``scikit-learn``)::

    python benchmarks/defaults_table.py --out after.json
    python benchmarks/defaults_table.py --src OTHER/src --out before.json
    python benchmarks/defaults_table.py --table before.json after.json

Each table is shuffled with a fixed seed, split 75 / 25 and written as pandas
writes a frame by default (``to_csv()``: its index becomes an unnamed first
column, as in files found in the wild). ``chainrule train TRAIN --target T``
runs with no other option (``--src`` runs another copy of chainrule's source
with the same Python), then ``chainrule evaluate`` scores the model on the
held-out quarter: accuracy for a classifier, R² for a regression.

The scikit-learn column is what a practitioner would write: the index and
text columns with more than 50 distinct values left out, the median imputed
and standard-scaled numbers, the most frequent value imputed and one-hot
encoded categories, ``MLPClassifier``/``MLPRegressor`` (``max_iter=1000``),
once with its defaults and once with early stopping (a regression's target
standard-scaled), rows without a target dropped.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

SEED = 0


def tables():
    """(name, frame, target, kind) for each table."""
    import palmerpenguins
    import statsmodels.api as sm
    from sklearn import datasets
    from vega_datasets import local_data

    def sk(loader):
        return loader(as_frame=True).frame

    yield "palmerpenguins", palmerpenguins.load_penguins(), "species", "class"
    yield "vega cars", local_data.cars(), "Miles_per_Gallon", "reg"
    yield "vega seattle-weather", local_data.seattle_weather(), "weather", "class"
    yield "vega iris", local_data.iris(), "species", "class"
    yield "breast cancer", sk(datasets.load_breast_cancer), "target", "class"
    yield "wine", sk(datasets.load_wine), "target", "class"
    yield "digits", sk(datasets.load_digits), "target", "class"
    yield "diabetes", sk(datasets.load_diabetes), "target", "reg"
    yield "anes96", sm.datasets.anes96.load_pandas().data, "vote", "class"
    yield "fair", sm.datasets.fair.load_pandas().data, "affairs", "reg"


def split(frame):
    shuffled = frame.sample(frac=1.0, random_state=SEED)
    cut = int(len(shuffled) * 0.75)
    return shuffled.iloc[:cut], shuffled.iloc[cut:]


def chainrule_score(src, train_csv, test_csv, target, kind, folder):
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = str(Path(src).resolve())
    model = str(folder / "model.safetensors")
    run = [sys.executable, "-m", "chainrule"]
    command = [*run, "train", str(train_csv), "--target", target, "--out", model]
    fit = subprocess.run(command, capture_output=True, text=True, env=env, cwd=folder)
    fixes = []
    for _ in range(3):  # as a user would: the fix each message gives, in turn
        fix = re.search(
            r"(?:with|add|pass) (--(?:drop|dates) (?:'[^']*'|\S+))", fit.stderr
        )
        if fit.returncode == 0 or not fix:
            break
        fixes.append(fix.group(1).rstrip(","))
        command += shlex.split(fixes[-1])
        fit = subprocess.run(
            command, capture_output=True, text=True, env=env, cwd=folder
        )
    note = f"refused; with its suggested {' '.join(fixes)}" if fixes else ""
    if fit.returncode != 0:
        return None, fit.stderr.strip().splitlines()[-1][:160]
    ev = subprocess.run(
        [*run, "evaluate", model, str(test_csv)],
        capture_output=True, text=True, env=env, cwd=folder,
    )  # fmt: skip
    if ev.returncode != 0:
        return None, ev.stderr.strip().splitlines()[-1][:160]
    metric = "accuracy" if kind == "class" else "R²"
    for line in ev.stdout.splitlines():
        cells = [c.strip() for c in re.split(r"[│┃|]", line) if c.strip()]
        if cells and cells[0] == metric:
            return float(cells[1]), note
    return None, "no " + metric + " in evaluate's output"


def sklearn_score(train, test, target, kind, early_stopping):
    import numpy as np
    from sklearn.compose import ColumnTransformer, TransformedTargetRegressor
    from sklearn.impute import SimpleImputer
    from sklearn.metrics import accuracy_score, r2_score
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    train = train[train[target].notna()]
    test = test[test[target].notna()]
    inputs = train.drop(columns=[target])
    numbers = [c for c in inputs if inputs[c].dtype.kind in "biuf"]
    categories = [c for c in inputs if c not in numbers and inputs[c].nunique() <= 50]
    prep = ColumnTransformer(
        [
            ("num", make_pipeline(SimpleImputer(strategy="median"),
                                  StandardScaler()), numbers),
            ("cat", make_pipeline(SimpleImputer(strategy="most_frequent"),
                                  OneHotEncoder(handle_unknown="ignore")),
             categories),
        ]
    )  # fmt: skip
    if kind == "class":
        model = make_pipeline(
            prep,
            MLPClassifier(
                early_stopping=early_stopping, max_iter=1000, random_state=SEED
            ),
        )
        model.fit(train[numbers + categories], train[target].astype(str))
        guess = model.predict(test[numbers + categories])
        return float(accuracy_score(test[target].astype(str), guess))
    model = make_pipeline(
        prep,
        TransformedTargetRegressor(
            MLPRegressor(
                early_stopping=early_stopping, max_iter=1000, random_state=SEED
            ),
            transformer=StandardScaler(),
        ),
    )
    model.fit(train[numbers + categories], np.asarray(train[target], float))
    return float(r2_score(test[target], model.predict(test[numbers + categories])))


def measure(src, with_sklearn, only=None):
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name, frame, target, kind in tables():
            if only and only not in name:
                continue
            folder = Path(tmp) / re.sub(r"\W+", "-", name)
            folder.mkdir()
            train, test = split(frame)
            train.to_csv(folder / "train.csv")
            test.to_csv(folder / "test.csv")
            score, note = chainrule_score(
                src, folder / "train.csv", folder / "test.csv", target, kind, folder
            )
            row = {"table": name, "rows": len(frame), "target": target,
                   "kind": kind, "chainrule": score, "note": note}  # fmt: skip
            if with_sklearn:
                row["sklearn"] = sklearn_score(train, test, target, kind, False)
                row["sklearn_es"] = sklearn_score(train, test, target, kind, True)
            print(json.dumps(row), file=sys.stderr)
            rows.append(row)
    return rows


def table(before, after) -> str:
    def cell(x):
        return "failed" if x is None else f"{x:.3f}"

    out = [
        "| table | rows | target (metric) | chainrule before | chainrule after "
        "| scikit-learn Pipeline | with early stopping |",
        "|---|---|---|---|---|---|---|",
    ]
    for b, a in zip(before, after, strict=True):
        metric = "accuracy" if a["kind"] == "class" else "R²"
        was = f" ({b['note']})" if b["note"] else ""
        now = f" ({a['note']})" if a["note"] else ""
        out.append(
            f"| {a['table']} | {a['rows']} | {a['target']} ({metric}) | "
            f"{cell(b['chainrule'])}{was} | {cell(a['chainrule'])}{now} | "
            f"{cell(a.get('sklearn'))} | {cell(a.get('sklearn_es'))} |"
        )
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", help="another chainrule source folder to run")
    parser.add_argument("--out", type=Path, help="write the scores (JSON) here")
    parser.add_argument("--no-sklearn", action="store_true")
    parser.add_argument("--only", help="the tables whose name holds this text")
    parser.add_argument("--table", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.table:
        before, after = (json.loads(p.read_text()) for p in args.table)
        print(table(before, after))
        return
    rows = measure(args.src, not args.no_sklearn, args.only)
    text = json.dumps(rows, indent=1)
    if args.out:
        args.out.write_text(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
