"""K-fold cross-validation: the folds (``chainrule.data.split.fold_rows``) and
``chainrule train --cv K`` (per-fold scores, their mean ± std, a model only
with ``--out``)."""

import re

import numpy as np
import pytest

from chainrule.cli.app import ExitCode, main
from chainrule.data.split import fold_rows
from chainrule.errors import ConfigError
from chainrule.loading import load_with_metadata


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "250")


@pytest.mark.parametrize("n,k", [(10, 2), (23, 5), (100, 10), (7, 7)])
def test_the_held_out_parts_partition_the_rows(n, k):
    folds = fold_rows(n, k, seed=3)
    held = np.concatenate([h for _, h in folds])
    assert sorted(held.tolist()) == list(range(n))
    sizes = [len(h) for _, h in folds]
    assert max(sizes) - min(sizes) <= 1
    for train, h in folds:
        assert sorted(np.concatenate([train, h]).tolist()) == list(range(n))
        assert not set(train.tolist()) & set(h.tolist())


@pytest.mark.parametrize("seed", range(5))
def test_each_fold_holds_each_label_within_one_of_its_share(seed):
    rng = np.random.default_rng(seed)
    labels = rng.choice(np.array(["a", "b", "c"]), size=97, p=[0.7, 0.2, 0.1])
    k = 4
    for _, held in fold_rows(97, k, seed=seed, labels=labels):
        for label in "abc":
            share = (labels == label).sum() / k
            assert abs((labels[held] == label).sum() - share) < 1


def test_the_folds_follow_the_seed():
    a, b, c = (fold_rows(30, 3, seed=s) for s in (0, 0, 1))
    assert all(np.array_equal(x[1], y[1]) for x, y in zip(a, b, strict=True))
    assert not all(np.array_equal(x[1], y[1]) for x, y in zip(a, c, strict=True))


@pytest.mark.parametrize("k", [1, 31])
def test_folds_out_of_range_are_refused(k):
    with pytest.raises(ConfigError, match="--cv"):
        fold_rows(30, k, seed=0)


def table(path, n=90):
    rng = np.random.default_rng(0)
    x, z = rng.normal(size=n), rng.normal(size=n)
    label = np.where(x + 0.3 * rng.normal(size=n) > 0.3, "yes", "no")
    lines = ["x,z,label"] + [
        f"{a:.4f},{b:.4f},{c}" for a, b, c in zip(x, z, label, strict=True)
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


def row_numbers(out, label):
    """The numbers of the printed table's row ``label``: folds, mean, std."""
    line = next(ln for ln in out.splitlines() if ln.startswith(f"│ {label} "))
    cells = [c.strip() for c in line.strip("│").split("│")][1:]
    *folds, last = cells
    mean, std = last.split(" ± ")
    return [float(v) for v in folds], float(mean), float(std)


def test_cv_prints_each_fold_and_the_mean_and_saves_nothing(
    capsys, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    data = table(tmp_path / "d.csv")
    code = main(["train", str(data), "--target", "label", "--epochs", "20",
                 "--cv", "3"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == ExitCode.OK, err
    assert "3-fold cross-validation (stratified by label, seed 0)" in out
    assert re.search(r"fold 3/3: trained on 60 rows .*scored on 30", out)
    for label in ("accuracy", "ROC AUC", "log loss"):
        folds, mean, std = row_numbers(out, label)
        assert len(folds) == 3
        assert mean == pytest.approx(np.mean(folds), rel=1e-5)
        assert std == pytest.approx(np.std(folds), rel=1e-4, abs=1e-6)
    assert "No model saved" in out
    assert list(tmp_path.iterdir()) == [data]  # no model.safetensors


def test_cv_with_out_trains_a_final_model_and_records_the_scores(capsys, tmp_path):
    data, model = table(tmp_path / "d.csv"), tmp_path / "m.safetensors"
    code = main(["train", str(data), "--target", "label", "--epochs", "20",
                 "--cv", "4", "-o", str(model)])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == ExitCode.OK, err
    assert "Final model: trained on the whole table" in out
    t = load_with_metadata(model)[1]["training"]
    cv = t["cv_scores"]
    assert len(cv["folds"]) == 4 and sum(cv["rows"]) == 90
    acc = [f["accuracy"] for f in cv["folds"]]
    assert cv["mean"]["accuracy"] == pytest.approx(np.mean(acc), abs=1e-15)
    assert t["cv"] == 4 and t["rows"] == 90
    assert main(["info", str(model)]) == 0
    assert "cross-validation (4 folds, held out): accuracy" in capsys.readouterr().out


def test_cv_folds_differ_from_each_other_and_score_held_out_rows(capsys, tmp_path):
    """A fold scores rows it did not train on: the mean held-out accuracy of
    a network that memorises (no validation split, many epochs) stays below
    its training accuracy."""
    data, model = table(tmp_path / "d.csv", n=60), tmp_path / "m.safetensors"
    code = main(["train", str(data), "--target", "label", "--epochs", "400",
                 "--layers", "64", "--validation-split", "0", "--cv", "3",
                 "-o", str(model)])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == ExitCode.OK, err
    folds, mean, _ = row_numbers(out, "log loss")
    t = load_with_metadata(model)[1]["training"]
    assert len(set(folds)) == 3
    assert mean > t["metrics"]["train"]["log_loss"]


def test_cv_refuses_a_label_on_one_row_and_a_checkpoint(capsys, tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("x,label\n" + "".join(f"{i},{'ab'[i % 2]}\n" for i in range(12))
                    + "12,c\n")  # fmt: skip
    code = main(["train", str(data), "--target", "label", "--cv", "3"])
    assert code == ExitCode.USAGE
    assert "label 'c' has 1 row; --cv 3 needs two rows" in capsys.readouterr().err
    code = main(["train", str(data), "--target", "label", "--cv", "3",
                 "--checkpoint", str(tmp_path / "c.safetensors")])  # fmt: skip
    assert code == ExitCode.USAGE
    assert "not available with --cv" in capsys.readouterr().err
