"""Inputs made from other columns: ``--dates expand`` (year, month, day,
weekday, hour) and ``--missing-indicator`` (``COL missing``), recorded in the
model so that ``predict`` makes the same columns from new data."""

import csv
import datetime

import numpy as np
import pytest

from chainrule.cli.app import ExitCode, main
from chainrule.data.derived import apply_derived, date_parts, fit_derived
from chainrule.data.frame import Table
from chainrule.data.scaling import Scaler
from chainrule.data.tables import load_table
from chainrule.errors import ConfigError, DataFileError, ModelFileError
from chainrule.loading import load_with_metadata


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, " ".join(err.split())


def stamps(n, start=datetime.datetime(2023, 12, 30, 5)):
    """n distinct times, 29 hours apart (every weekday and hour)."""
    return [start + datetime.timedelta(hours=29 * i) for i in range(n)]


def table_file(path, n=80, missing=True):
    rng = np.random.default_rng(0)
    rows = ["when,x,city,y"]
    for i, t in enumerate(stamps(n)):
        x = "" if missing and i % 6 == 0 else f"{rng.normal():.3f}"
        city = "" if missing and i % 9 == 0 else "ab"[i % 2]
        rows.append(f"{t.isoformat()},{x},{city},{t.weekday() + 0.1 * t.hour:.2f}")
    path.write_text("\n".join(rows) + "\n")
    return path


def test_date_parts_of_iso_text_with_and_without_times():
    t = Table(
        ["d"],
        {"d": np.array(["2024-02-29T23:15:00+02:00", "", "2024-03-04", "2024-03-04"])},
        kinds={"d": "date"},
    )
    parts, timed = date_parts(t, "d")
    assert timed
    np.testing.assert_array_equal(parts["year"], [2024, np.nan, 2024, 2024])
    np.testing.assert_array_equal(parts["month"], [2, np.nan, 3, 3])
    np.testing.assert_array_equal(parts["day"], [29, np.nan, 4, 4])
    np.testing.assert_array_equal(parts["weekday"], [3, np.nan, 0, 0])  # Thu, Mon
    np.testing.assert_array_equal(parts["hour"], [23, np.nan, np.nan, np.nan])


def test_a_day_not_in_the_calendar_is_refused_naming_the_row():
    t = Table(["d"], {"d": np.array(["2024-02-28", "2023-02-29"])}, kinds={"d": "date"})
    with pytest.raises(DataFileError, match=r"row 2, column 'd': expected a date"):
        date_parts(t, "d")


def test_arrow_timestamps_from_parquet_expand(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    times = stamps(12)
    path = tmp_path / "t.parquet"
    pq.write_table(
        pa.table({"when": pa.array(times, pa.timestamp("s")),
                  "day": pa.array([t.date() for t in times]),
                  "y": np.arange(12.0)}),
        path,
    )  # fmt: skip
    t = load_table(path)
    assert t.kinds["when"] == "date" and t.kinds["day"] == "date"
    t2, names, record = fit_derived(t, ["when", "day"], np.arange(12), dates="expand")
    assert record["dates"] == {
        "when": ["year", "month", "day", "weekday", "hour"],
        "day": ["year", "month", "day", "weekday"],
    }
    assert t2.columns["when hour"].tolist() == [float(s.hour) for s in times]
    assert t2.columns["day weekday"].tolist() == [float(s.weekday()) for s in times]
    assert names[:5] == ["when year", "when month", "when day", "when weekday",
                         "when hour"]  # fmt: skip


def test_indicators_only_for_columns_missing_in_the_training_rows():
    t = Table(["a", "b"], {"a": np.array([1.0, np.nan, 3.0]),
                           "b": np.array(["u", "v", ""])})  # fmt: skip
    _, names, record = fit_derived(t, ["a", "b"], np.array([0, 1]),
                                   missing_indicator=True)  # fmt: skip
    assert names == ["a", "b", "a missing"]
    assert record == {"missing_indicators": ["a"]}
    new = Table(["a", "b"], {"a": np.array([5.0, 6.0]), "b": np.array(["u", "v"])})
    assert apply_derived(new, record).columns["a missing"].tolist() == [0.0, 0.0]


def test_hostile_or_clashing_records_are_refused():
    t = Table(["a", "a missing"], {"a": np.ones(2), "a missing": np.zeros(2)})
    with pytest.raises(ConfigError, match="'a missing' is already in the table"):
        apply_derived(t, {"missing_indicators": ["a"]})
    with pytest.raises(ModelFileError, match="malformed"):
        apply_derived(t, {"dates": {"a": ["century"]}})
    with pytest.raises(DataFileError, match="no column 'b'"):
        apply_derived(t, {"missing_indicators": ["b"]})


def test_a_date_column_is_refused_by_default_with_the_fix(capsys, tmp_path):
    data = table_file(tmp_path / "d.csv")
    code, _, err = run(capsys, "train", data, "--target", "y",
                       "--out", tmp_path / "m.safetensors")  # fmt: skip
    assert code == ExitCode.USAGE
    # a date in every row is neither an identifier nor free text
    assert "column 'when' holds dates (e.g. '2023-12-30 05:00:00')" in err
    assert "pass --dates expand to use its year, month, day, weekday" in err
    assert "--drop when" in err


def expected_X(meta, path):
    """The network's inputs for a file, made here by hand from its cells."""
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    cols = {c["name"]: c for c in meta["columns"]}
    X = []
    for r in rows:
        when = datetime.datetime.fromisoformat(r["when"])
        x = float(r["x"]) if r["x"] else cols["x"]["fill"]
        city = r["city"] or cols["city"]["fill"]
        X.append([when.year, when.month, when.day, when.weekday(), when.hour, x,
                  city == "a", city == "b", r["x"] == "", r["city"] == ""])  # fmt: skip
    return Scaler.from_dict(meta["scale_inputs"]).transform(np.array(X, float))


def test_dates_and_indicators_round_trip_through_predict(capsys, tmp_path):
    data, model = table_file(tmp_path / "d.csv"), tmp_path / "m.safetensors"
    code, out, err = run(
        capsys,
        "train",
        data,
        "--target",
        "y",
        "--epochs",
        "30",
        "--dates",
        "expand",
        "--missing-indicator",
        "--out",
        model,
    )
    assert code == ExitCode.OK, err
    net, meta = load_with_metadata(model)
    assert meta["inputs"] == [
        "when year", "when month", "when day", "when weekday", "when hour", "x",
        "city=a", "city=b", "x missing", "city missing",
    ]  # fmt: skip
    assert meta["dates"] == {"when": ["year", "month", "day", "weekday", "hour"]}
    assert meta["missing_indicators"] == ["x", "city"]
    assert meta["training"]["dates"] == "expand"
    new = table_file(tmp_path / "new.csv", n=7, missing=False)  # no missing cell
    preds = tmp_path / "p.csv"
    code, _, err = run(capsys, "predict", model, new, "--out", preds)
    assert code == ExitCode.OK, err
    got = np.loadtxt(preds, delimiter=",", skiprows=1)
    want = Scaler.from_dict(meta["scale_targets"]).inverse(
        net.forward(expected_X(meta, new))
    )
    np.testing.assert_allclose(got, want.ravel(), rtol=1e-12)
    code, out, _ = run(capsys, "info", model)
    assert (
        "dates expanded: {'when': ['year', 'month', 'day', 'weekday', 'hour']}" in out
    )
    assert "missing-value indicators of ['x', 'city']" in out


def test_without_the_option_there_is_no_indicator(capsys, tmp_path):
    data, model = table_file(tmp_path / "d.csv"), tmp_path / "m.safetensors"
    code, _, err = run(capsys, "train", data, "--target", "y", "--epochs", "3",
                       "--drop", "when", "--out", model)  # fmt: skip
    assert code == ExitCode.OK, err
    meta = load_with_metadata(model)[1]
    assert meta["inputs"] == ["x", "city=a", "city=b"]
    assert "missing_indicators" not in meta and "dates" not in meta
