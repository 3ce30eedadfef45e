"""ROC AUC, PR AUC (average precision) and the weighted metrics, in NumPy,
against scikit-learn's definitions on random data with many ties; the
running form (``predict``, ``evaluate``) against the one-shot form."""

import numpy as np
import pytest

from chainrule.data.metrics import (
    RunningMetrics,
    average_precision,
    classification_metrics,
    roc_auc,
    weighted_metrics,
)

sk = pytest.importorskip("sklearn.metrics", reason="the oracle is scikit-learn")


def random_binary(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 400))
    positive = rng.random(n) < rng.uniform(0.05, 0.95)
    levels = int(rng.integers(1, 25))  # few levels: many tied scores
    score = rng.integers(0, levels, n) / levels + 0.3 * positive * rng.random()
    return positive, score


@pytest.mark.parametrize("seed", range(60))
def test_roc_auc_and_average_precision_are_scikit_learns_with_ties(seed):
    positive, score = random_binary(seed)
    if positive.all() or not positive.any():
        assert roc_auc(positive, score) is None
        return
    assert abs(roc_auc(positive, score) - sk.roc_auc_score(positive, score)) < 1e-12
    ap = average_precision(positive, score)
    assert abs(ap - sk.average_precision_score(positive, score)) < 1e-12


def test_ties_count_one_half_and_order_matters():
    pos = np.array([True, False])
    assert roc_auc(pos, np.array([0.5, 0.5])) == 0.5
    assert roc_auc(pos, np.array([0.9, 0.1])) == 1.0
    assert roc_auc(pos, np.array([0.1, 0.9])) == 0.0
    assert average_precision(np.array([False, False]), np.array([0.1, 0.2])) is None


def test_classification_metrics_add_the_aucs_for_two_classes_only():
    rng = np.random.default_rng(1)
    p1 = rng.random(50)
    true = (rng.random(50) < p1).astype(int)
    m = classification_metrics(true, np.column_stack([1 - p1, p1]))
    assert m["roc_auc"] == pytest.approx(sk.roc_auc_score(true, p1), abs=1e-12)
    assert m["pr_auc"] == pytest.approx(sk.average_precision_score(true, p1), abs=1e-12)
    three = rng.dirichlet(np.ones(3), size=20)
    assert "roc_auc" not in classification_metrics(rng.integers(0, 3, 20), three)


def test_running_metrics_keep_the_aucs_of_every_batch():
    rng = np.random.default_rng(2)
    p1 = np.round(rng.random(101), 1)  # ties across batches
    true = (rng.random(101) < p1).astype(int)
    proba = np.column_stack([1 - p1, p1])
    running = RunningMetrics(2, classification=True)
    for lo in range(0, 101, 17):
        running.add(true[lo : lo + 17], proba[lo : lo + 17])
    whole = classification_metrics(true, proba)
    got = running.result()
    assert got["roc_auc"] == pytest.approx(whole["roc_auc"], abs=1e-15)
    assert got["pr_auc"] == pytest.approx(whole["pr_auc"], abs=1e-15)


def test_weighted_metrics_are_scikit_learns_sample_weight():
    rng = np.random.default_rng(3)
    w = rng.uniform(0, 3, 40)
    t, p = rng.normal(size=(40, 2)), rng.normal(size=(40, 2))
    r = weighted_metrics(t, p, w, classification=False)
    assert r["weighted_r2"] == pytest.approx(sk.r2_score(t, p, sample_weight=w))
    assert r["weighted_mae"] == pytest.approx(
        sk.mean_absolute_error(t, p, sample_weight=w)
    )
    assert r["weighted_rmse"] == pytest.approx(
        sk.root_mean_squared_error(t, p, sample_weight=w)
    )
    proba = rng.dirichlet(np.ones(3), size=40)
    true = rng.integers(0, 3, 40)
    c = weighted_metrics(true, proba, w, classification=True)
    assert c["weighted_accuracy"] == pytest.approx(
        sk.accuracy_score(true, proba.argmax(1), sample_weight=w)
    )
    assert c["weighted_log_loss"] == pytest.approx(
        sk.log_loss(true, proba, sample_weight=w, labels=[0, 1, 2])
    )


def test_train_evaluate_and_info_report_the_aucs(capsys, tmp_path, monkeypatch):
    from chainrule.cli.app import main
    from chainrule.loading import load_with_metadata

    monkeypatch.setenv("COLUMNS", "200")
    rng = np.random.default_rng(4)
    x = np.round(rng.normal(size=60), 1)  # ties among the scores
    label = np.where(x + rng.normal(size=60) > 0, "yes", "no")
    data = tmp_path / "d.csv"
    data.write_text(
        "x,label\n" + "".join(f"{a},{b}\n" for a, b in zip(x, label, strict=True))
    )
    model, preds = tmp_path / "m.safetensors", tmp_path / "p.csv"
    assert main(["train", str(data), "--target", "label", "--epochs", "20",
                 "--out", str(model)]) == 0  # fmt: skip
    assert "│ ROC AUC " in capsys.readouterr().out
    assert main(["predict", str(model), str(data), "--out", str(preds)]) == 0
    assert main(["evaluate", str(model), str(data)]) == 0
    out = capsys.readouterr().out
    p_yes = np.loadtxt(preds, delimiter=",", skiprows=1, usecols=2)

    def printed(name):
        line = next(ln for ln in out.splitlines() if ln.startswith(f"│ {name} "))
        return float(line.split("│")[2])

    assert printed("ROC AUC") == pytest.approx(
        sk.roc_auc_score(label == "yes", p_yes), abs=1e-6
    )
    assert printed("PR AUC (average precision)") == pytest.approx(
        sk.average_precision_score(label == "yes", p_yes), abs=1e-6
    )
    recorded = load_with_metadata(model)[1]["training"]["metrics"]["validation"]
    assert main(["info", str(model)]) == 0
    info = capsys.readouterr().out
    line = next(ln for ln in info.splitlines() if ln.startswith("│ ROC AUC "))
    assert float(line.split("│")[3]) == pytest.approx(recorded["roc_auc"], abs=1e-6)
