"""Table loading (CSV, Parquet, NPY, NPZ), scaling, and tables to arrays."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.data import prepare as tabular
from chainrule.data.scaling import Scaler
from chainrule.data.tables import load_table


def write(path, text):
    path.write_text(text)
    return path


def test_csv_numbers_and_categories(tmp_path):
    p = write(tmp_path / "a.csv", "x, y ,label\n1,2.5,cat\n-3,1e2,dog\n")
    t = cr.datasets.load_table(p)
    assert t.names == ["x", "y", "label"]
    np.testing.assert_array_equal(t.numbers(["x", "y"]), [[1, 2.5], [-3, 100]])
    assert t.column("label").tolist() == ["cat", "dog"]
    assert not t.is_numeric("label")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,b\n1,2\n3,oops\n", r"row 2 \(line 3\), column 'b': expected a num"),
        ("a,b\n\n1,2\n\n3,x\n", r"row 2 \(line 5\), column 'b': .*got 'x'"),
        ("a,b\n1,2\n3\n", r"row 2 \(line 3\) has 1 cells, the header has 2"),
        ("a,b\n1,\n", r"row 1 \(line 2\), column 'b': .*missing value"),
        ("a,a\n1,2\n", "column name 'a' appears twice"),
        ("a,b\n", "no rows of data"),
        ("", "empty"),
    ],
)
def test_csv_errors_name_what_is_wrong(tmp_path, text, message):
    p = write(tmp_path / "bad.csv", text)
    with pytest.raises(cr.DataFileError, match=message):
        load_table(p).numbers(["a", "b"])


def test_unknown_column_lists_the_columns(tmp_path):
    t = load_table(write(tmp_path / "a.csv", "a,b\n1,2\n"))
    match = r"no column 'c'; columns are \['a', 'b'\]"
    with pytest.raises(cr.DataFileError, match=match):
        t.numbers(["c"])


def test_file_errors(tmp_path):
    with pytest.raises(cr.DataFileError, match="unknown data format '.txt'"):
        load_table(tmp_path / "a.txt")
    with pytest.raises(cr.DataFileError, match="no such data file"):
        load_table(tmp_path / "a.csv")
    (tmp_path / "bin.csv").write_bytes(b"a,b\n\xff\xfe,1\n")
    with pytest.raises(cr.DataFileError, match="not UTF-8"):
        load_table(tmp_path / "bin.csv")
    (tmp_path / "bad.npy").write_bytes(b"not numpy")
    with pytest.raises(cr.DataFileError, match="not a readable NumPy file"):
        load_table(tmp_path / "bad.npy")


def test_npy_columns_are_numbered(tmp_path):
    np.save(tmp_path / "a.npy", np.arange(6.0).reshape(3, 2))
    t = load_table(tmp_path / "a.npy")
    assert t.names == ["0", "1"]
    np.testing.assert_array_equal(t.column("1"), [1, 3, 5])


def test_npz_groups_select_all_columns(tmp_path):
    X = np.arange(6.0).reshape(3, 2)
    np.savez(tmp_path / "a.npz", X=X, y=np.array([1.0, 2.0, 3.0]))
    t = load_table(tmp_path / "a.npz")
    assert t.names == ["X[0]", "X[1]", "y"]
    np.testing.assert_array_equal(t.numbers(["X"]), X)
    np.savez(tmp_path / "b.npz", X=X, y=np.ones(4))
    with pytest.raises(cr.DataFileError, match="different lengths"):
        load_table(tmp_path / "b.npz")


def test_parquet_round_trip_and_nulls(tmp_path):
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    table = pa.table({"a": [1.0, 2.0], "n": [3, 4], "s": ["u", "v"]})
    pq.write_table(table, tmp_path / "a.parquet")
    t = load_table(tmp_path / "a.parquet")
    np.testing.assert_array_equal(t.numbers(["a", "n"]), [[1, 3], [2, 4]])
    assert t.column("s").tolist() == ["u", "v"]
    with pytest.raises(
        cr.DataFileError, match=r"row 1, column 's': expected a number, got 'u'"
    ):
        t.numbers(["s"])
    pq.write_table(pa.table({"a": [1.0, None]}), tmp_path / "n.parquet")
    with pytest.raises(cr.DataFileError, match=r"row 2, column 'a': .*missing value"):
        load_table(tmp_path / "n.parquet").numbers(["a"])


@pytest.mark.parametrize("method", ["max", "standard", "none"])
def test_scaler_round_trip(method):
    A = np.array([[3.0, -5.0, 7.0], [5.0, 1.0, 7.0], [10.0, 2.0, 7.0]])
    s = Scaler.fit(method, A)
    B = s.transform(A)
    np.testing.assert_allclose(Scaler.from_dict(s.to_dict()).inverse(B), A)
    if method == "max":
        np.testing.assert_allclose(np.abs(B).max(axis=0), 1.0)
    if method == "standard":
        np.testing.assert_allclose(B[:, :2].mean(axis=0), 0.0, atol=1e-12)
        np.testing.assert_allclose(B[:, :2].std(axis=0), 1.0)
        np.testing.assert_allclose(B[:, 2], 0.0)  # constant column: scale 1


def test_scaler_errors():
    with pytest.raises(cr.UnknownNameError, match="'minmax'"):
        Scaler.fit("minmax", np.ones((2, 2)))
    bad = {"method": "max", "offset": [0.0], "scale": [0.0]}
    with pytest.raises(cr.ModelFileError, match="scaling metadata is invalid"):
        Scaler.from_dict(bad)


def test_tutorial_scaling_matches_the_built_in_data(tmp_path):
    p = write(tmp_path / "s.csv", "sleep,study,score\n3,5,75\n5,1,82\n10,2,93\n")
    d = tabular.prepare_training(load_table(p), ["score"], "max", "max")
    X, _ = cr.datasets.test_scores()
    np.testing.assert_allclose(d.X, X)
    assert d.task == "regression" and d.inputs == ["sleep", "study"]


def test_classification_targets(tmp_path):
    p = write(tmp_path / "c.csv", "x,kind\n1,b\n2,a\n3,b\n")
    d = tabular.prepare_training(load_table(p), ["kind"])
    assert d.classes == ["a", "b"]
    np.testing.assert_array_equal(d.y, [[0, 1], [1, 0], [0, 1]])
    meta = tabular.data_metadata(d)
    assert tabular.decode(d.y, meta)["kind"] == ["b", "a", "b"]
    assert tabular.score(d.y, d.y, meta) == ("accuracy", 1.0)
    one = write(tmp_path / "one.csv", "x,kind\n1,a\n2,a\n")
    with pytest.raises(cr.DataFileError, match="single label 'a'"):
        tabular.prepare_training(load_table(one), ["kind"])
    two = write(tmp_path / "two.csv", "x,k,v\n1,a,2\n2,b,3\n")
    with pytest.raises(cr.ConfigError, match="exactly one target"):
        tabular.prepare_training(load_table(two), ["k", "v"])


def test_numeric_labels_with_classify(tmp_path):
    p = write(tmp_path / "c.csv", "x,digit\n1,0\n2,1\n3,2\n")
    d = tabular.prepare_training(load_table(p), ["digit"], classify=True)
    assert d.classes == ["0", "1", "2"]


def test_split_rows():
    tr, va = tabular.split_rows(10, 0.3, seed=0)
    assert len(tr) == 7 and len(va) == 3
    assert sorted([*tr, *va]) == list(range(10))
    with pytest.raises(cr.ConfigError, match="leaves 0 for validation"):
        tabular.split_rows(3, 0.1, seed=0)
    with pytest.raises(cr.ConfigError, match="0 <= value < 1"):
        tabular.split_rows(3, 1.0, seed=0)
