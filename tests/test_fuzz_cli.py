"""A fuzz campaign for the command line as a whole, seeded and bounded.

Random tables (CSV, NPZ, NPY), problem files (TOML), model files (honest,
bit-flipped, with hostile metadata) and options (layers, epochs, seeds,
splits, output paths that are inputs, special files or folders) are given to
``train``, ``predict``, ``info``, ``gradcheck`` and ``explain``. For every
attempt:

- the exit code is 0 or 2 (2: exactly one line on stderr, ``chainrule: error:``),
  or 1 for a gradient check whose verdict is FAILED (its documented result);
- no traceback is printed;
- every input file is byte-identical afterwards;
- no file is created or changed outside the attempt's own folder.

The generator is ``random.Random(SEED)``: the same inputs on every run.
``make test`` makes the first 100 attempts (every command both succeeds and
is refused among them); ``make fuzz`` the full campaign of 600, which also
meets a gradient check's PASSED and FAILED verdicts (attempts 159 and 342).
``CHAINRULE_FUZZ_ATTEMPTS`` sets the number; the first attempts are the same
whatever the number. How many attempts were made, and how each ended,
is printed at the end (``-s`` not needed).
"""

import contextlib
import io
import json
import os
import random
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import chainrule as cr
from chainrule.cli.app import main

SEED = 20261130
#: 100 in ``make test``; ``make fuzz`` sets 600 (CHAINRULE_FUZZ_ATTEMPTS).
ATTEMPTS = int(os.environ.get("CHAINRULE_FUZZ_ATTEMPTS", "100"))
COUNTS: Counter = Counter()
WORDS = ["x", "y", "a b", "x[/b]", "[red]s[/red]", "=cmd", "é", "1", "label", ""]
CELLS = ["1", "-2.5", ".5", "1e3", "NA", "", "1_000", "1,000", "inf", "nan", "abc"]
CELLS += ["=1+1", "١٢", "1e999", "-0", "  3 ", "0x10", "2.", "[b]"]


@pytest.fixture(scope="module")
def report(campaign_report):
    yield
    total = sum(COUNTS.values())
    lines = [f"CLI fuzz: {total} inputs tried (seed {SEED})"]
    lines += [
        f"  {cmd}: exit {code} x {n}" for (cmd, code), n in sorted(COUNTS.items())
    ]
    campaign_report(lines)


def good_csv(rng: random.Random) -> str:
    """The columns the good model knows (x0, x1, y), with a few odd cells."""
    n = rng.randint(2, 12)
    labels = rng.random() < 0.3
    rows = ["x0,x1,y"]
    for i in range(n):
        x = [rng.choice(["1", "-2.5", "1e3", ".5", "3"]) for _ in range(2)]
        y = rng.choice(["a", "=b", "[c]"]) if labels else str(rng.randint(0, 1000001))
        if rng.random() < 0.05:
            x[0] = rng.choice(CELLS)
        rows.append(",".join([*x, y if i else "a" if labels else "0"]))
    return "\n".join(rows) + "\n"


def csv_text(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return good_csv(rng)
    n_cols, n_rows = rng.randint(1, 4), rng.randint(0, 8)
    names = [
        rng.choice(WORDS) + (str(j) if rng.random() < 0.7 else "")
        for j in range(n_cols)
    ]
    rows = [",".join(names)]
    for _ in range(n_rows):
        width = n_cols if rng.random() < 0.9 else rng.randint(1, 5)
        numeric = rng.random() < 0.7
        rows.append(
            ",".join(
                str(rng.randint(-5, 5))
                if numeric and rng.random() < 0.9
                else rng.choice(CELLS)
                for _ in range(width)
            )
        )
    text = "\n".join(rows) + "\n"
    if rng.random() < 0.05:
        text = text.encode("utf-8")[: rng.randint(0, 20)].decode("utf-8", "ignore")
    return text


def npz_file(rng: random.Random, path: Path) -> None:
    kind = rng.randrange(4)
    n = rng.randint(1, 6)
    if kind == 0:
        np.savez(path, X=rng.random() * np.ones((n, 2)), y=np.arange(n, dtype=float))
    elif kind == 1:
        np.savez(path, X=np.ones((n, 2)), **{"X[0]": np.zeros(n)})
    elif kind == 2:
        np.savez(path, X=np.array([{"a": 1}] * n, dtype=object), y=np.ones(n))
    else:
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr(
                "X.npy", bytes(rng.randrange(256) for _ in range(rng.randint(0, 80)))
            )


def toml_text(rng: random.Random) -> str:
    kind = rng.randrange(5)
    sizes = [rng.choice([1, 2, 3, 400, 10000]) for _ in range(rng.randint(1, 4))]
    if kind == 0:
        return "x = " + "[" * 3000 + "]" * 3000
    if kind == 1:
        return f"[network]\nsizes = {sizes}\n[data]\nX = [[1, 2]]\ny = [[1]]\n"
    if kind == 2:
        return "[network]\nsizes = [2, 3, 1]\n[data]\nX = [[1, 2]]\ny = [[0.5]]\n"
    if kind == 3:
        return "".join(rng.choice("[]=\"'ab1.\n ") for _ in range(rng.randint(0, 60)))
    return (
        '[network]\nsizes = [2, 2]\nactivation = "softmax"\n[data]\ndataset = "nope"\n'
    )


def model_file(rng: random.Random, good: bytes, path: Path, honest: bool) -> None:
    kind = 0 if honest else rng.randrange(3)
    if kind == 0:
        path.write_bytes(good)
    elif kind == 1:
        data = bytearray(good)
        for _ in range(rng.randint(1, 4)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path.write_bytes(bytes(data))
    else:
        extra = rng.choice(
            [
                {"inputs": 5},
                {"inputs": ["a", "b"], "targets": ["y"], "classes": [1, 1]},
                {
                    "inputs": ["x0", "x1"],
                    "targets": ["y"],
                    "classes": None,
                    "scale_inputs": {"method": "max", "offset": [0], "scale": [0]},
                },
                {"training": {"final_cost": "NaN", "date": "[red]x"}},
            ]
        )
        cr.Network([2, 3, 1], seed=0).save(path, metadata=extra)


def pick(rng: random.Random, valid: list, invalid: list, clean: bool):
    """A valid value, or (not ``clean``, one time in four) an invalid one."""
    if clean or rng.random() < 0.75:
        return rng.choice(valid)
    return rng.choice(invalid)


def out_option(rng, folder: Path, inputs: list[Path], clean: bool) -> list[str]:
    good = [folder / "out.safetensors", folder / "out [v2].csv"]
    out = pick(rng, good, [folder, Path("/dev/null"), *inputs], clean)
    return ["--out", str(out)] if clean or rng.random() < 0.9 else []


def train_argv(rng, folder, data, clean):
    argv = ["train", str(data), "--target"]
    argv.append(pick(rng, ["y"], ["y0", "x", "X", "a b", "nope"], clean))
    argv += ["--epochs", pick(rng, ["1", "2", "3"], ["0", "-3", "9" * 20], clean)]
    argv += ["--layers", pick(rng, ["2", "none", "3,2"], ["0", "2,x"], clean)]
    if rng.random() < 0.2:
        argv += ["--classify"]
    if rng.random() < 0.2:
        argv += ["--validation-split", pick(rng, ["0.3"], ["1.5", "-1"], clean)]
    if rng.random() < 0.2:
        argv += ["--optimizer", pick(rng, ["gd", "bfgs", "sgd"], ["nope"], clean)]
    if rng.random() < 0.2:
        argv += ["--seed", pick(rng, ["0", "7"], ["-1", "x"], clean)]
    if rng.random() < 0.1:
        argv += ["--checkpoint", str(folder / "state.ckpt")]
    return argv + out_option(rng, folder, [data], clean)


def make_attempt(
    rng: random.Random, folder: Path, good: bytes
) -> tuple[list[str], list[Path]]:
    command = rng.choice(["train", "train", "predict", "info", "gradcheck", "explain"])
    data = folder / rng.choice(["d.csv", "d.csv", "d.csv", "d.npz", "d.npy", "d.txt"])
    if data.suffix == ".csv":
        data.write_text(csv_text(rng), encoding="utf-8")
    elif data.suffix == ".npz":
        npz_file(rng, data)
    elif data.suffix == ".npy":
        np.save(data, np.ones((rng.randint(1, 4), rng.randint(1, 3))))
    else:
        data.write_text("1,2\n")
    model = folder / "m.safetensors"
    clean = rng.random() < 0.5
    model_file(rng, good, model, clean or rng.random() < 0.5)
    if command == "train":
        return train_argv(rng, folder, data, clean), [data]
    if command == "predict":
        outs = out_option(rng, folder, [model, data], clean)
        return ["predict", str(model), str(data), *outs], [model, data]
    if command == "info":
        return ["info", str(model)], [model]
    if command == "gradcheck":
        return ["gradcheck", str(model), str(data)], [model, data]
    problem = folder / "p.toml"
    problem.write_text(toml_text(rng))
    outs = out_option(rng, folder, [problem], clean)
    return ["explain", str(problem), *outs], [problem]


#: made in the working folder by the tools that run the tests (another test
#: process may make one meanwhile: pytest-xdist), never by chainrule
TOOL_CACHES = {".hypothesis", ".pytest_cache", ".mypy_cache", ".ruff_cache"}


def listing(folder: Path) -> list[str]:
    return sorted(n for n in os.listdir(folder) if n not in TOOL_CACHES)


def snapshot(folder: Path) -> dict:
    return {
        p: (p.stat().st_mtime_ns, p.stat().st_size)
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_the_command_line_under_fuzzing(tmp_path_factory, monkeypatch, report):
    monkeypatch.setenv("COLUMNS", "120")
    base = tmp_path_factory.mktemp("cli-fuzz")
    good_folder = base / "good"
    good_folder.mkdir()
    (good_folder / "d.csv").write_text("x0,x1,y\n1,2,3\n2,1,0\n3,3,1\n")
    assert (
        main(
            [
                "train",
                str(good_folder / "d.csv"),
                "--target",
                "y",
                "--epochs",
                "2",
                "--out",
                str(good_folder / "m.safetensors"),
            ]
        )
        == 0
    )
    good = (good_folder / "m.safetensors").read_bytes()
    outside = [Path.cwd(), base]
    before_outside = {str(p): listing(p) for p in outside}
    rng = random.Random(SEED)
    for i in range(ATTEMPTS):
        folder = base / f"a{i:04d}"
        folder.mkdir()
        argv, inputs = make_attempt(rng, folder, good)
        monkeypatch.chdir(folder)  # default outputs (model.safetensors) land here
        saved = {p: p.read_bytes() for p in inputs if p.is_file()}
        others = snapshot(folder.parent / "good")
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
        text = err.getvalue()
        where = f"attempt {i}: chainrule {' '.join(argv)}\n{text}"
        failed_check = argv[0] == "gradcheck" and ": FAILED" in out.getvalue()
        assert code in (0, 2) or (code == 1 and failed_check), where
        assert "Traceback" not in text, where
        if code == 2:
            lines = text.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("chainrule: error: "), where
        for p, data in saved.items():
            assert p.read_bytes() == data, f"{where}\n{p} changed"
        assert snapshot(folder.parent / "good") == others, where
        assert all(p.parent == folder for p in folder.rglob("*")), where
        COUNTS[argv[0], code] += 1
    after_outside = {str(p): listing(p) for p in outside}
    base_names = [f"a{i:04d}" for i in range(ATTEMPTS)]
    after_outside[str(base)] = [
        n for n in after_outside[str(base)] if n not in base_names
    ]
    assert after_outside == before_outside
    assert Path("/dev/null").is_char_device()
    assert sum(n for (_, code), n in COUNTS.items() if code == 0) > ATTEMPTS // 10
    json.dumps({f"{k[0]} {k[1]}": v for k, v in COUNTS.items()})  # printable
