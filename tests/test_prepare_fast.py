"""Preparation made once and in place: the same arrays as the plain way.

The matrix is filled a block of rows at a time and scaled as it is written
(``encode_scaled``); text columns are judged per distinct cell; a numeric
column with gaps is typed by Arrow. Each is checked against the plain
computation it replaces.
"""

from __future__ import annotations

import numpy as np
import pytest

from chainrule.data import matrix
from chainrule.data.encoding import encode, encode_scaled, fit_columns
from chainrule.data.frame import Table
from chainrule.data.prepare import prepare_training
from chainrule.data.scaling import Scaler
from chainrule.data.tables import load_table


def _table(n: int = 1000, seed: int = 0) -> Table:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n) * 1e3
    x[rng.random(n) < 0.05] = np.nan
    city = np.array(["Oslo", "Bergen", "Tromsø"])[rng.integers(0, 3, n)]
    city[rng.random(n) < 0.05] = ""
    y = rng.normal(size=n)
    return Table(["x", "city", "y"], {"x": x, "city": city, "y": y})


@pytest.mark.parametrize("block", [1, 7, 1 << 14])
@pytest.mark.parametrize("method", ["standard", "max", "none"])
def test_encode_scaled_is_encode_then_scaled(monkeypatch, block, method):
    monkeypatch.setattr(matrix, "BLOCK_ROWS", block)
    t = _table(300)
    rows = np.arange(0, 300, 3)
    spec = fit_columns(t, ["x", "city"], rows)
    X, report = encode(t, spec)
    plain = Scaler.fit(method, X[rows])
    Xs, report_s, scaler = encode_scaled(t, spec, rows, method)
    np.testing.assert_allclose(scaler.offset, plain.offset, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(scaler.scale, plain.scale, rtol=1e-12)
    np.testing.assert_allclose(Xs, plain.transform(X), rtol=1e-12, atol=1e-12)
    assert report_s == report
    assert report["x"].missing == int(np.isnan(t.columns["x"]).sum())


def test_encode_matches_onehot_by_comparison():
    t = _table(500)
    spec = fit_columns(t, ["x", "city"], np.arange(500))
    X, _ = encode(t, spec)
    text = np.where(t.columns["city"] == "", spec[1]["fill"], t.columns["city"])
    onehot = text[:, None] == np.array(spec[1]["categories"])[None, :]
    np.testing.assert_array_equal(X[:, 1:], onehot.astype(float))
    x = t.columns["x"]
    np.testing.assert_array_equal(X[:, 0], np.where(np.isnan(x), spec[0]["fill"], x))


def test_unseen_categories_and_a_fill_that_is_no_category():
    t = Table(["c"], {"c": np.array(["b", "", "z", "a", "z"])})
    spec = [{"name": "c", "kind": "category", "fill": "q", "categories": ["b", "a"]}]
    X, report = encode(t, spec)
    np.testing.assert_array_equal(X, [[1, 0], [0, 0], [0, 0], [0, 1], [0, 0]])
    r = report["c"]
    assert (r.missing, r.unseen, r.example) == (1, 3, "q")


def test_float32_matrix_made_in_float32():
    t = _table(200)
    d64 = prepare_training(t, ["y"], validation_split=0.2)
    d32 = prepare_training(t, ["y"], validation_split=0.2, dtype=np.float32)
    assert d64.X.dtype == np.float64 and d32.X.dtype == np.float32
    np.testing.assert_allclose(d32.X, d64.X, rtol=1e-6, atol=1e-6)


def test_prepared_inputs_are_scaled_on_the_training_rows():
    d = prepare_training(_table(400), ["y"], validation_split=0.25, seed=3)
    tr = d.train_rows
    X_train, _ = d.train
    np.testing.assert_allclose(X_train[:, 0].mean(), 0.0, atol=1e-12)
    np.testing.assert_allclose(X_train[:, 0].std(), 1.0, rtol=1e-12)
    assert len(np.intersect1d(tr, d.val_rows)) == 0
    assert len(tr) + len(d.val_rows) == 400


def test_fit_columns_is_fit_column_by_column():
    A = np.array([[1.0, -4.0, 0.0], [3.0, 2.0, 0.0], [5e-310, 1e300, 0.0]])
    for method in ("standard", "max", "none"):
        whole = Scaler.fit(method, A)
        parts = Scaler.fit_columns(method, iter(A.T))
        np.testing.assert_allclose(parts.offset, whole.offset, rtol=1e-15)
        np.testing.assert_allclose(parts.scale, whole.scale, rtol=1e-15)


def test_a_numeric_column_with_gaps_is_numbers(tmp_path):
    path = tmp_path / "gaps.csv"
    path.write_text("a,b,d\n1.5,x,2024-01-31T10:00\n,y,\n-2,,2024-02-01T11:30\n")
    t = load_table(path)
    np.testing.assert_array_equal(t.columns["a"], [1.5, np.nan, -2.0])
    assert t.kinds["a"] == "number"
    assert t.columns["b"].tolist() == ["x", "y", ""]
    # a date column with a gap keeps its cells as written
    assert t.kinds["d"] == "date"
    assert t.columns["d"].tolist() == ["2024-01-31T10:00", "", "2024-02-01T11:30"]


def test_text_judged_per_distinct_cell_as_per_cell(tmp_path):
    path = tmp_path / "messy.csv"
    cells = [" 3", "NA", "4.5 ", "nan", "", "7"] * 3
    path.write_text("a,b\n" + "".join(f"{c},{i % 2}\n" for i, c in enumerate(cells)))
    t = load_table(path)
    expected = [3.0, np.nan, 4.5, np.nan, np.nan, 7.0] * 3
    np.testing.assert_array_equal(t.columns["a"], expected)


@pytest.mark.parametrize("block", [7, 1 << 14])
@pytest.mark.parametrize("classify", [False, True])
def test_the_matrix_rows_are_the_split_training_then_held_out(
    monkeypatch, block, classify
):
    monkeypatch.setattr(matrix, "BLOCK_ROWS", block)
    t = _table(500, seed=4)
    t.columns["city"][t.columns["city"] == ""] = "Oslo"  # every row a label
    target = "city" if classify else "y"
    d = prepare_training(t, [target], validation_split=0.3, seed=5)
    n = len(d.train_rows)
    # oracle: the table's matrix in its own order, scaled as fitted
    inputs = [c["name"] for c in d.columns]
    X, _ = encode(t, fit_columns(t, inputs, d.train_rows))
    X = d.x_scaler.transform(X)
    (X_train, y_train), (X_val, y_val) = d.train, d.validation
    np.testing.assert_allclose(X_train, X[d.train_rows], rtol=1e-12)
    np.testing.assert_allclose(X_val, X[d.val_rows], rtol=1e-12)
    assert np.shares_memory(X_train, d.X) and np.shares_memory(X_val, d.X)
    assert len(X_train) == len(y_train) == n and len(X_val) == len(y_val) == 150
    np.testing.assert_allclose(d.in_table_order(d.X), X, rtol=1e-12)
    if classify:  # the labels follow their rows
        labels = np.array(d.classes)[d.in_table_order(d.y).argmax(axis=1)]
        np.testing.assert_array_equal(labels, t.columns["city"])
    else:
        np.testing.assert_allclose(
            d.y_scaler.inverse(d.in_table_order(d.y)).ravel(), t.columns["y"]
        )


def test_without_a_split_the_matrix_keeps_the_table_order():
    t = _table(50)
    d = prepare_training(t, ["y"])
    assert d.validation is None and d.n_train == 50
    X, _ = encode(t, d.columns)
    np.testing.assert_allclose(d.X, d.x_scaler.transform(X), rtol=1e-12)


@pytest.mark.parametrize("fill", ["a", "q"])
def test_categories_matched_by_factors_as_cell_by_cell(fill):
    rng = np.random.default_rng(2)
    text = np.array(["a", "b", "", "zz", "c"])[rng.integers(0, 5, 300)]
    t = Table(["c"], {"c": text})
    cats = ["c", "a", "b"]
    by_cell = matrix.CategoryColumn(text, cats, fill)
    by_factor = matrix.CategoryColumn(text, cats, fill, t.factors("c"))
    order = rng.permutation(300)
    A, B = (matrix.fill_matrix(300, [c], order=order) for c in (by_cell, by_factor))
    np.testing.assert_array_equal(A, B)
    assert A.sum() == np.isin(text, ["a", "b", "c", "" if fill == "a" else "-"]).sum()
    blank, zz = (text == "").sum(), (text == "zz").sum()
    for c in (by_cell, by_factor):
        assert (c.missing, c.unseen) == (blank, zz + (fill == "q") * blank)
    assert by_cell.example == by_factor.example
    rows = order[:100]
    for u, v in zip(by_cell.training(rows), by_factor.training(rows), strict=True):
        np.testing.assert_array_equal(u, v)


def test_factors_follow_the_rows_a_table_keeps(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("c,y\nb,1\n,\n a ,2\nNA,3\nb,\n")
    t = load_table(path)  # the blank row is skipped; factors recorded by the reader
    values, codes = t.factors("c")
    np.testing.assert_array_equal(values[codes], t.columns["c"])
    assert t.columns["c"].tolist() == ["b", "a", "", "b"]
    kept = Table(["c"], {"c": t.columns["c"][:2]})
    np.testing.assert_array_equal(kept.factors("c")[0], ["a", "b"])


def test_threads_give_the_arrays_of_one_column_after_another(monkeypatch, tmp_path):
    from chainrule.data import parallel

    monkeypatch.setattr(parallel, "MIN_ROWS", 100)  # threads from 100 rows
    rng = np.random.default_rng(7)
    n = 3000
    path = tmp_path / "wide.csv"
    cols = {f"x{j}": np.round(rng.normal(size=n) * 10**j, 3) for j in range(5)}
    cells = {k: [("" if rng.random() < 0.05 else repr(float(v))) for v in c]
             for k, c in cols.items()}  # fmt: skip
    cells["c"] = list(np.array(["red", "", "blue", "green"])[rng.integers(0, 4, n)])
    cells["y"] = [repr(float(v)) for v in rng.normal(size=n)]
    with open(path, "w") as fh:
        fh.write(",".join(cells) + "\n")
        for i in range(n):
            fh.write(",".join(c[i] for c in cells.values()) + "\n")

    def prepared(threads: str):
        monkeypatch.setenv(parallel.ENV, threads)
        t = load_table(path)
        return prepare_training(t, ["y"], validation_split=0.25, seed=1)

    one, three = prepared("1"), prepared("3")
    np.testing.assert_array_equal(one.X, three.X)
    np.testing.assert_array_equal(one.y, three.y)
    assert one.columns == three.columns and one.report == three.report
    np.testing.assert_array_equal(one.x_scaler.scale, three.x_scaler.scale)
    assert one.report["x0"].missing > 0 and one.report["c"].missing > 0


@pytest.mark.parametrize("value", ["0", "-2", "many"])
def test_the_thread_count_is_checked(monkeypatch, value):
    from chainrule.data import parallel
    from chainrule.errors import ConfigError

    monkeypatch.setenv(parallel.ENV, value)
    with pytest.raises(ConfigError, match="CHAINRULE_DATA_THREADS: expected a pos"):
        parallel.workers()


def test_float64_values_read_from_arrows_buffers_equal_to_numpy():
    import pyarrow as pa

    from chainrule.data.cells import float64_values

    rng = np.random.default_rng(9)
    values = rng.normal(size=1000)
    nulls = rng.random(1000) < 0.1
    whole = pa.array(values, mask=nulls)
    # chunks of odd lengths, sliced (non-zero offsets into the bitmap)
    cuts = [0, 3, 3, 250, 517, 1000]
    parts = zip(cuts[:-1], cuts[1:], strict=True)
    col = pa.chunked_array([whole.slice(a, b - a) for a, b in parts])
    want = col.to_numpy(zero_copy_only=False)
    got = float64_values(col)
    np.testing.assert_array_equal(got, want)
    assert np.isnan(got[nulls]).all() and got.flags.writeable
    np.testing.assert_array_equal(float64_values(whole.slice(7, 20)), want[7:27])
