"""Messy tables made here, as practitioners have them: each trains and predicts
with rows joined by ID, or stops with one line naming the column and the fix."""

import csv
import io

import numpy as np
import pytest

import chainrule as cr
from chainrule.cli import main
from chainrule.data import prepare as tabular
from chainrule.data.numbers import NUMBER
from chainrule.data.tables import load_table
from chainrule.loading import load_with_metadata

CITIES = ["Oslo", "Bergen", "Tromsø"]


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_line(err, *parts):
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("chainrule: error: "), err
    for part in parts:
        assert part in lines[0], (part, lines[0])


def messy(path, n=120, seed=0, encoding="latin-1"):
    """IDs, categories (with non-ASCII), every kind of missing cell, booleans,
    dates, semicolons, an empty row; the label depends on age and member."""
    rng = np.random.default_rng(seed)
    missing = ["", "NA", "nan", "N/A", "null", "NaN"]
    rows = ["id;age;city;member;joined;income;label"]
    for i in range(n):
        age = int(rng.integers(18, 80))
        member = bool(rng.random() < 0.5)
        city = CITIES[i % 3] if rng.random() > 0.1 else missing[i % 6]
        cell = "TRUE" if member else "false"
        cell = missing[(i + 1) % 6] if rng.random() < 0.1 else cell
        income = f"{rng.normal(50, 10):.2f}" if rng.random() > 0.1 else missing[i % 6]
        label = "yes" if age + 20 * member > 55 else "no"
        rows.append(
            f"A{1000 + i};{age};{city};{cell};2024-01-{1 + i % 28:02d};{income};{label}"
        )
        if i == 7:
            rows.append(";;;;;;")
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode(encoding))
    return path


def test_a_messy_table_trains_predicts_and_joins_by_id(capsys, tmp_path):
    data = messy(tmp_path / "people.csv")
    model = tmp_path / "m.safetensors"
    argv = ["train", data, "--target", "label", "--encoding", "latin-1"]
    argv += ["--drop", "joined", "--id", "id", "--out", model, "--epochs", "300"]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert out.startswith(
        "target label: classification of 2 labels (the target is text)"
    )
    assert "1 empty rows skipped" in err and "missing cells filled" in err
    meta = load_with_metadata(model)[1]
    assert meta["id"] == "id" and "city=Tromsø" in meta["inputs"]
    assert "joined" not in meta["inputs"] and "id" not in meta["inputs"]
    assert meta["training"]["metrics"]["validation"]["accuracy"] > 0.8
    preds = tmp_path / "p.csv"
    code, out, err = run(capsys, "predict", model, data, "--encoding", "latin-1",
                         "--out", preds)  # fmt: skip
    assert code == 0, err
    rows = list(csv.DictReader(preds.open()))
    ids = [r["id"] for r in rows]
    assert ids == [f"A{1000 + i}" for i in range(120)]  # every row, in order, by ID
    assert list(rows[0])[:2] == ["id", "label"]
    assert "accuracy" in out  # the target column is there: predict scores it


def test_evaluate_reports_the_same_metrics_as_train_on_validation_rows(
    capsys, tmp_path
):
    data = messy(tmp_path / "people.csv", encoding="utf-8")
    model = tmp_path / "m.safetensors"
    code, _, err = run(capsys, "train", data, "--target", "label", "--drop",
                       "joined,id", "--out", model, "--epochs", "50")  # fmt: skip
    assert code == 0, err
    code, out, err = run(capsys, "evaluate", model, data)
    assert code == 0, err
    for name in ("accuracy", "balanced accuracy", "macro F1", "log loss", "Confusion"):
        assert name in out
    # the oracle: the metrics of the model's outputs on the whole table
    net, meta = load_with_metadata(model)
    d = tabular.prepare_from_metadata(load_table(data), meta, net.n_inputs,
                                      net.n_outputs, with_targets=True)  # fmt: skip
    want = tabular.evaluate(net.forward(d.X), d.y, meta)
    assert f"{want['accuracy']:.6g}" in out and f"{want['log_loss']:.6g}" in out


@pytest.mark.parametrize(
    ("extra", "parts"),
    [
        ([], ["people.csv", "not UTF-8", "--encoding"]),
        (["--encoding", "latin-1"], ["column 'joined'", "dates", "--drop joined"]),
        (["--encoding", "latin-1", "--drop", "joined", "--missing", "error"],
         ["column '", "missing value", "--missing impute"]),
        (["--encoding", "latin-1", "--inputs", "age,nope"], ["no column 'nope'"]),
        (["--encoding", "latin-1", "--drop", "nope"], ["--drop", "'nope'"]),
        (["--encoding", "latin-1", "--id", "label"], ["--id", "target"]),
        (["--encoding", "latin-1", "--sep", "ab"], ["--sep", "one character"]),
        (["--encoding", "klingon"], ["--encoding", "'klingon'"]),
        (["--encoding", "latin-1", "--missing", "drop"], ["--missing", "'drop'"]),
    ],
)  # fmt: skip
def test_what_cannot_be_used_is_one_line_naming_column_and_option(
    capsys, tmp_path, extra, parts
):
    data = messy(tmp_path / "people.csv")
    model = tmp_path / "m.safetensors"
    code, _, err = run(capsys, "train", data, "--target", "label", "--out", model,
                       *extra)  # fmt: skip
    assert code == 2
    one_line(err, *parts)
    assert not model.exists()


def test_decimal_commas_and_a_typo_in_a_number_column(capsys, tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("a;b;y\n" + "".join(f"{i};{i},5;{i % 2}\n" for i in range(12)))
    code, _, err = run(capsys, "train", data, "--target", "y", "--out", tmp_path / "m")
    assert code == 2
    one_line(err, "column 'b'", "decimal comma", "--drop b")
    data.write_text("a,y\n" + "".join(f"{i},{i}\n" for i in range(12)) + "1O,3\n")
    code, _, err = run(capsys, "train", data, "--target", "y", "--out", tmp_path / "m")
    assert code == 2
    one_line(err, "row 13 (line 14)", "column 'a'", "'1O'", "--drop a")


def test_tsv_bom_crlf_quoted_newlines_and_separator_option(tmp_path):
    p = tmp_path / "t.tsv"
    p.write_bytes(b'\xef\xbb\xbfa\tnote\tb\r\n1\t"two\r\nlines"\t2\r\n3\tx\t4\r\n')
    t = load_table(p)
    assert t.names == ["a", "note", "b"]
    assert t.column("note").tolist() == ["two\r\nlines", "x"]  # as written
    np.testing.assert_array_equal(t.numbers(["a", "b"]), [[1, 2], [3, 4]])
    q = tmp_path / "pipes.csv"
    q.write_text("a|b|c,d\n1|x|y,z\n")
    assert load_table(q).names == ["a", "b", "c,d"]  # guessed: the most seen
    assert load_table(q, sep=",").names == ["a|b|c", "d"]


def test_booleans_dates_and_missing_of_every_kind_are_read_as_such(tmp_path):
    p = tmp_path / "d.csv"
    p.write_text(
        "n,flag,when,cat\n1,True,2024-01-02,a\nNA,FALSE,,\n"
        "nan,,2024-01-03 10:00,N/A\n,true,NULL,b\n"
    )
    t = load_table(p)
    np.testing.assert_array_equal(t.column("n"), [1, np.nan, np.nan, np.nan])
    np.testing.assert_array_equal(t.column("flag"), [1, 0, np.nan, 1])
    assert t.kinds["flag"] == "bool" and t.kinds["when"] == "date"
    assert t.column("cat").tolist() == ["a", "", "", "b"]


def test_pandas_index_columns_are_left_out_and_said(capsys, tmp_path):
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(1)
    df = pd.DataFrame({"x": rng.normal(size=40), "y": rng.normal(size=40)})
    df.index = rng.permutation(40) + 100
    df.to_parquet(tmp_path / "d.parquet")
    df.to_csv(tmp_path / "d.csv")
    cases = (
        ("d.parquet", "__index_level_0__", "__index_level_0__"),
        ("d.csv", "Unnamed: 0", "'Unnamed: 0'"),  # quoted for the shell
    )
    for name, col, quoted in cases:
        argv = ["train", tmp_path / name, "--target", "y", "--epochs", "2"]
        code, out, err = run(capsys, *argv, "--out", tmp_path / "m")
        assert code == 0, err
        assert f"column {col!r} looks like an index" in err
        assert "left out of the inputs" in err and f"--keep {quoted}" in err
        assert "columns ['x'] (1 inputs)" in out
        code, out, err = run(capsys, *argv, "--out", tmp_path / "m", "--keep", col)
        assert code == 0, err
        assert "(2 inputs)" in out and "left out" not in err


def test_statistics_come_from_the_training_rows_only(tmp_path):
    rng = np.random.default_rng(0)
    x = rng.normal(size=50)
    x[::7] = np.nan
    c = np.array(["u", "v", "w", ""] * 12 + ["w", "w"])
    t = cr.datasets.Table(["x", "c", "y"], {"x": x, "c": c, "y": rng.normal(size=50)})
    d = tabular.prepare_training(t, ["y"], validation_split=0.4, seed=3)
    tr = d.train_rows
    assert len(tr) == 30 and len(np.intersect1d(tr, d.val_rows)) == 0
    # oracles: NumPy on the training rows alone
    fill = np.nanmedian(x[tr])
    assert d.columns[0]["fill"] == fill and fill != np.nanmedian(x)
    values, counts = np.unique(c[tr][c[tr] != ""], return_counts=True)
    assert d.columns[1]["fill"] == values[np.argmax(counts)]
    X = np.column_stack([np.where(np.isnan(x), fill, x)] + [
        (np.where(c == "", d.columns[1]["fill"], c) == v).astype(float)
        for v in d.columns[1]["categories"]
    ])  # fmt: skip
    np.testing.assert_allclose(d.x_scaler.offset, X[tr].mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(d.x_scaler.scale, X[tr].std(axis=0), rtol=1e-12)
    assert not np.allclose(d.x_scaler.offset, X.mean(axis=0))


def test_the_problem_type_is_said_with_the_flag_that_overrides_it(capsys, tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("x,y\n" + "".join(f"{i},{i % 3}\n" for i in range(30)))
    code, out, err = run(capsys, "train", data, "--target", "y", "--epochs", "5",
                         "--out", tmp_path / "m")  # fmt: skip
    assert code == 0, err
    first = out.splitlines()[0]
    assert "classification of 3 labels" in first and "--regress" in first
    code, out, err = run(capsys, "train", data, "--target", "y", "--epochs", "5",
                         "--regress", "--out", tmp_path / "m")  # fmt: skip
    assert code == 0, err
    assert out.splitlines()[0].startswith("target y: regression (--regress)")
    data.write_text("x,y\n" + "".join(f"{i},{i * 7 % 31}\n" for i in range(31)))
    code, out, _ = run(capsys, "train", data, "--target", "y", "--epochs", "2",
                       "--out", tmp_path / "m")  # fmt: skip
    assert "regression" in out.splitlines()[0] and "--classify" in out.splitlines()[0]


def test_unseen_categories_are_counted_not_fatal(capsys, tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("c,y\n" + "".join(f"{'ab'[i % 2]},{i % 2}.5\n" for i in range(20)))
    model = tmp_path / "m"
    assert run(capsys, "train", data, "--target", "y", "--epochs", "3",
               "--out", model)[0] == 0  # fmt: skip
    new = tmp_path / "n.csv"
    new.write_text("c\na\nzz\nzz\n\n")
    code, out, err = run(capsys, "predict", model, new)
    assert code == 0, err
    assert len(out.splitlines()) == 4
    assert "2 rows with a category not seen in training (e.g. 'zz')" in err


def test_split_is_stratified():
    labels = np.array(["a"] * 90 + ["b"] * 10)
    _, va = tabular.split_rows(100, 0.2, seed=5, labels=labels)
    assert len(va) == 20 and (labels[va] == "b").sum() == 2


def test_metrics_match_scikit_learn():
    skm = pytest.importorskip("sklearn.metrics")
    from chainrule.data.metrics import classification_metrics, regression_metrics

    rng = np.random.default_rng(0)
    p = rng.dirichlet(np.ones(3), size=60)
    y = rng.integers(0, 3, size=60)
    m = classification_metrics(y, p)
    pred = p.argmax(1)
    assert m["accuracy"] == pytest.approx(skm.accuracy_score(y, pred))
    assert m["balanced_accuracy"] == pytest.approx(skm.balanced_accuracy_score(y, pred))
    assert m["macro_f1"] == pytest.approx(skm.f1_score(y, pred, average="macro"))
    assert m["log_loss"] == pytest.approx(skm.log_loss(y, p))
    assert m["confusion"] == skm.confusion_matrix(y, pred).tolist()
    t, q = rng.normal(size=(40, 1)), rng.normal(size=(40, 1))
    r = regression_metrics(t, q)
    assert r["r2"] == pytest.approx(skm.r2_score(t, q))
    assert r["mae"] == pytest.approx(skm.mean_absolute_error(t, q))
    assert r["rmse"] == pytest.approx(np.sqrt(skm.mean_squared_error(t, q)))


def test_arrow_accepts_only_what_the_number_rule_accepts():
    pa = pytest.importorskip("pyarrow")
    pc = pytest.importorskip("pyarrow.compute")
    rng = np.random.default_rng(0)
    alphabet = list("0123456789+-.eE_ ,xinfaINFAty") + ["١"]
    for _ in range(4000):
        text = "".join(rng.choice(alphabet, size=rng.integers(1, 7)))
        try:
            pc.cast(pa.array([text]), pa.float64())
        except pa.ArrowInvalid:
            continue
        special = text.lower().lstrip("+-") in ("nan", "inf", "infinity")
        assert NUMBER.fullmatch(text) or special, text


def test_info_reports_the_metrics_of_the_saved_weights(capsys, tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    buf = io.StringIO()
    buf.write("a,b,y\n")
    for a, b in X:
        buf.write(f"{a},{b},{a * b + rng.normal()}\n")
    data = tmp_path / "d.csv"
    data.write_text(buf.getvalue())
    model = tmp_path / "m"
    argv = ["train", data, "--target", "y", "--layers", "32", "--epochs", "400"]
    argv += ["--learning-rate", "0.05", "--early-stopping", "--patience", "5"]
    code, _, err = run(capsys, *argv, "--out", model)
    assert code == 0, err
    net, meta = load_with_metadata(model)
    t = meta["training"]
    d = tabular.prepare_training(load_table(data), ["y"], validation_split=0.2, seed=0)
    X_val, y_val = d.validation
    saved = net.cost(X_val, y_val)  # oracle: the saved weights on the held-out rows
    assert t["metrics"]["validation"]["cost"] == pytest.approx(saved, rel=1e-12)
    assert t["best_epoch"] < t["iterations"] and saved <= t["final_val_cost"]
    code, out, _ = run(capsys, "info", model)
    assert f"best epoch {t['best_epoch']}" in out and f"{saved:.6g}" in out


def test_predicting_in_batches_reads_categories_as_training_did(capsys, tmp_path):
    from chainrule.cli.predict import predict_rows

    data = tmp_path / "d.csv"
    cats = ["1", "b", "x"]
    data.write_text("c,y\n" + "".join(f"{cats[i % 3]},{i % 3}.5\n" for i in range(30)))
    model = tmp_path / "m"
    assert run(capsys, "train", data, "--target", "y", "--epochs", "3",
               "--out", model)[0] == 0  # fmt: skip
    assert load_with_metadata(model)[1]["inputs"] == ["c=1", "c=b", "c=x"]
    new = tmp_path / "n.csv"
    new.write_text("c\n1\nb\nx\n1.0\n")  # "1.0" is not the category "1"
    whole, parts = io.StringIO(), io.StringIO()
    predict_rows(model, new, whole)
    predict_rows(model, new, parts, batch_rows=1)  # batches of numbers only
    # the same values up to BLAS's rounding, which may differ with the row count
    a, b = (np.array(o.getvalue().split()[1:], float) for o in (whole, parts))
    np.testing.assert_allclose(a, b, rtol=1e-13)
    net, meta = load_with_metadata(model)
    t = load_table(new)
    d = tabular.prepare_from_metadata(t, meta, 3, 1, with_targets=False)
    # oracle: the one-hot rows written out by hand, then the saved scaling
    onehot = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [0, 0, 0]], dtype=float)
    s = meta["scale_inputs"]
    np.testing.assert_allclose(d.X, (onehot - s["offset"]) / np.array(s["scale"]))
