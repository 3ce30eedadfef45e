"""Errors in the family, never internal errors (reliability 3, points 10 and 11).

Each test is a reproducer of the adversarial pass: a hostile CSV, a write
that hits a full disk or a file-size limit, a library call with a value of
the wrong kind, a scikit-learn wrapper's errors, a model whose metadata
does not fit its network. Each must end in a :class:`ChainruleError` (one
line and the family's exit code on the command line), never a traceback.
"""

import io
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import chainrule as cr
from chainrule.cli.app import main
from chainrule.cli.predict import predict_rows

SRC = str(Path(__file__).resolve().parents[1] / "src")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_error(err, *words, limit=400):
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("chainrule: error: "), err[:2000]
    assert len(lines[0]) < limit, lines[0][:2000]
    for w in words:
        assert w in lines[0], (w, lines[0])


@pytest.fixture(scope="module")
def model(tmp_path_factory):
    folder = tmp_path_factory.mktemp("model")
    data = folder / "d.csv"
    data.write_text("a,y\n1,2\n3,4\n5,6\n7,9\n")
    out = folder / "m.safetensors"
    assert main(["train", str(data), "--target", "y", "--epochs", "2",
                 "--out", str(out)]) == 0  # fmt: skip
    return out


# ------------------------------------------------------------ hostile CSV files
def test_a_nul_in_a_cell_is_a_data_file_error(capsys, tmp_path, model):
    # Was: TypeError in Table.where (NumPy's text arrays drop trailing NULs,
    # so the cell read as a number where Arrow had seen text).
    bad = tmp_path / "nul.csv"
    bad.write_bytes(b"a,y\n1,2\n3\x00,4\n5,6\n")
    for argv in (
        ["predict", model, bad],
        ["train", bad, "--target", "y", "--epochs", "1", "--out", tmp_path / "m"],
    ):
        code, _, err = run(capsys, *argv)
        assert code == 2
        one_error(err, "row 2 (line 3)", "column 'a'", "NUL", "not CSV text")


def test_a_field_over_the_csv_modules_limit_is_a_data_file_error(
    capsys, tmp_path, model
):
    # Was: _csv.Error "field larger than field limit (131072)" from the
    # reader that finds the line of a bad row.
    bad = tmp_path / "wide.csv"
    bad.write_text("a,y\n1,2\n" + "x" * 140_000 + ",4\n")
    for argv in (
        ["predict", model, bad],
        ["train", bad, "--target", "y", "--epochs", "1", "--out", tmp_path / "m"],
    ):
        code, _, err = run(capsys, *argv)
        assert code == 2
        one_error(err, "row 2", "column 'a'", "expected a number")
    header = tmp_path / "header.csv"
    header.write_text("a," + "h" * 140_000 + "\n1,2\n")
    code, _, err = run(capsys, "predict", model, header)
    assert code == 2
    one_error(err, "header row cannot be read", "field larger than field limit")


def test_cr_only_line_ends_are_read(capsys, tmp_path, model):
    # Was: _csv.Error "new-line character seen in unquoted field".
    lf, cr_only = tmp_path / "lf.csv", tmp_path / "cr.csv"
    lf.write_text("a,y\n1,2\n3,4\n5,6\n")
    cr_only.write_bytes(b"a,y\r1,2\r3,4\r5,6\r")
    outs = []
    for data in (lf, cr_only):
        fh = io.StringIO()
        assert predict_rows(model, data, fh) == 3
        outs.append(fh.getvalue())
    assert outs[0] == outs[1]
    code, _, err = run(
        capsys, "train", cr_only, "--target", "y", "--epochs", "1",
        "--out", tmp_path / "m.safetensors",
    )  # fmt: skip
    assert code == 0, err


def test_a_codec_that_raises_unicode_error_is_a_data_file_error(
    capsys, tmp_path, model
):
    # Was: UnicodeError (not UnicodeDecodeError) from the punycode codec.
    data = tmp_path / "d.csv"
    data.write_text("a,y\n1,2\n")
    for argv in (
        ["predict", model, data, "--encoding", "punycode"],
        ["train", data, "--target", "y", "--out", tmp_path / "m",
         "--encoding", "punycode"],
    ):  # fmt: skip
        code, _, err = run(capsys, *argv)
        assert code == 2
        one_error(err, "not PUNYCODE text", "--encoding")


# --------------------------------------------------- writes that find no room
def cli(*argv, stdout=subprocess.PIPE, fsize=None):
    """``python -m chainrule ARGV`` in a child, optionally under ``ulimit -f``."""

    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    env = {**os.environ, "PYTHONPATH": SRC, "OPENBLAS_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "chainrule", *map(str, argv)],
        stdout=stdout, stderr=subprocess.PIPE, text=True, env=env,
        preexec_fn=None if fsize is None else limit, timeout=300,
    )  # fmt: skip


def many_rows(path, n=20_000):
    rng = np.random.default_rng(0)
    path.write_text("a,y\n" + "".join(f"{v:.9f},1\n" for v in rng.normal(size=n)))


def no_traceback(err):
    assert "Traceback" not in err and "Exception ignored" not in err, err
    assert "internal error" not in err, err


def test_predict_out_under_a_file_size_limit_is_a_file_write_error(tmp_path, model):
    # Was: "internal error ... [Errno 27] File too large" (OSError), exit 1.
    data, out = tmp_path / "d.csv", tmp_path / "p.csv"
    many_rows(data)  # about 500 kB of predictions
    out.write_text("old\n")
    r = cli("predict", model, data, "--out", out, fsize=64 * 1024)
    no_traceback(r.stderr)
    assert r.returncode == 1  # FileWriteError: an OSError, exit 1
    one_error(r.stderr, "p.csv", "cannot be written (File too large)", "nothing")
    assert out.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv", "p.csv"]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("command", ["predict", "info"])
def test_stdout_on_a_full_disk_is_one_line_and_exit_1(tmp_path, model, command):
    # Was: "internal error ... [Errno 28] No space left on device".
    data = tmp_path / "d.csv"
    many_rows(data, 50)
    argv = ["predict", model, data] if command == "predict" else ["info", model]
    with open("/dev/full", "w") as full:
        r = cli(*argv, stdout=full)
    no_traceback(r.stderr)
    assert r.returncode == 1
    one_error(r.stderr, "output cannot be written (No space left on device)")


def test_stdout_under_a_file_size_limit_is_one_line_and_exit_1(tmp_path, model):
    data, out = tmp_path / "d.csv", tmp_path / "stdout.csv"
    many_rows(data)
    with open(out, "w") as fh:
        r = cli("predict", model, data, stdout=fh, fsize=64 * 1024)
    no_traceback(r.stderr)
    assert r.returncode == 1
    one_error(r.stderr, "output cannot be written (File too large)", "ulimit -f")


# ------------------------------------------------------------- the library
def test_a_scipy_option_that_fit_sets_itself_is_a_config_error():
    # Was: TypeError "_minimize_bfgs() got multiple values for argument 'callback'".
    X, y = cr.datasets.test_scores()
    net = cr.Network([2, 3, 1], seed=0)
    with pytest.raises(cr.ConfigError, match=r"'callback'.*fit\(callbacks="):
        net.fit(X, y, optimizer="bfgs", epochs=2, scipy_options={"callback": print})
    with pytest.raises(cr.ConfigError, match="'jac'"):
        cr.optimizers.lbfgs(jac=False)
    net.fit(X, y, optimizer="bfgs", epochs=2, scipy_options={"gtol": 1e-3})


@pytest.mark.parametrize("argument", ["title", "description"])
def test_an_explain_text_argument_of_another_type_is_an_invalid_type_error(argument):
    # Was: accepted, then a TypeError (or an object's repr) in a rendering.
    X, y = cr.datasets.test_scores()
    net = cr.Network([2, 3, 1], seed=0)
    with pytest.raises(cr.InvalidTypeError, match=f"{argument}: expected a str"):
        cr.explain(net, X[:1], y[:1], **{argument: object()})
    assert cr.explain(net, X[:1], y[:1], title="t").title == "t"


def explanation():
    X, y = cr.datasets.test_scores()
    return cr.explain(cr.Network([2, 3, 1], seed=0), X[:1], y[:1])


def test_explanation_from_json_deep_or_incomplete_is_a_data_file_error():
    # Was: RecursionError (deep), KeyError (a field missing).
    from chainrule.explainer import Explanation

    text = explanation().to_json()
    deep = '{"schema": "chainrule.explain/1", "steps": ' + "[" * 5000 + "]" * 5000
    for bad in ("[" * 100_000 + "]" * 100_000, deep + "}"):
        with pytest.raises(cr.DataFileError, match="nested too deeply"):
            Explanation.from_json(bad)
    for cut in range(0, len(text), len(text) // 37):
        with pytest.raises(cr.DataFileError):
            Explanation.from_json(text[:cut])
    doc = json.loads(text)
    for field in ("steps", "network", "title", "chain"):
        partial = {k: v for k, v in doc.items() if k != field}
        with pytest.raises(cr.DataFileError, match=f"no field '{field}'"):
            Explanation.from_json(json.dumps(partial))
    doc["steps"][0]["symbol"] = ["z2"]
    with pytest.raises(cr.DataFileError, match="'symbol' is not a string"):
        Explanation.from_json(json.dumps(doc))


def test_check_with_a_deeply_nested_answer_is_an_invalid_value_error():
    # Was: RecursionError in the answer's repr.
    deep = 0.5
    for _ in range(3000):
        deep = [deep]
    with pytest.raises(cr.InvalidValueError, match="nested more than 16 deep"):
        cr.check(explanation(), {"dJdW1": deep})


def test_sklearn_errors_are_in_the_family_and_keep_sklearns_types():
    sklearn = pytest.importorskip("sklearn")
    from sklearn.exceptions import NotFittedError as SklearnNotFitted

    from chainrule.sklearn import MLPRegressor, NotFittedError

    X, y = cr.datasets.test_scores()
    for call in (lambda: MLPRegressor().predict(X), lambda: MLPRegressor().coefs_):
        with pytest.raises(NotFittedError) as info:
            call()
        assert isinstance(info.value, cr.ChainruleError)
        assert isinstance(info.value, SklearnNotFitted)  # scikit-learn's checks
        assert isinstance(info.value, (ValueError, AttributeError))
    assert not hasattr(MLPRegressor(), "coefs_")  # an AttributeError still
    with pytest.raises(cr.InvalidValueError, match="Invalid parameter 'bogus'"):
        MLPRegressor().set_params(bogus=1)
    assert MLPRegressor().set_params(alpha=0.5).alpha == 0.5
    assert sklearn.base.clone(MLPRegressor(alpha=0.5)).alpha == 0.5


def test_mlpclassifier_refuses_more_than_1000_classes():
    pytest.importorskip("sklearn")
    from chainrule.sklearn import MLPClassifier

    X = np.random.default_rng(0).normal(size=(1001, 2))
    with pytest.raises(cr.ConfigError, match="1001 classes, more than the 1000"):
        MLPClassifier(max_iter=1).fit(X, np.arange(1001))


# ------------------------------------------------- NPY by position, classes
@pytest.fixture(scope="module")
def two_inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("two")
    data = folder / "s.csv"
    data.write_text("hours,sleep,score\n3,5,75\n5,1,82\n10,2,93\n6,4,80\n")
    out = folder / "m.safetensors"
    assert main(["train", str(data), "--target", "score", "--epochs", "2",
                 "--out", str(out)]) == 0  # fmt: skip
    return out, data


def test_predict_on_an_npy_takes_its_columns_in_order(capsys, tmp_path, two_inputs):
    # Was: "no column 'hours'" (or 'sleep'), though NPY is taken by position.
    model, csv_file = two_inputs
    X = np.array([[3.0, 5.0], [5.0, 1.0], [10.0, 2.0], [6.0, 4.0]])
    np.save(tmp_path / "x.npy", X)
    np.save(tmp_path / "xy.npy", np.column_stack([X, [75, 82, 93, 80]]))
    np.save(tmp_path / "one.npy", X[:, 0])
    code, by_name, err = run(capsys, "predict", model, csv_file)
    assert code == 0, err
    code, by_position, err = run(capsys, "predict", model, tmp_path / "x.npy")
    assert code == 0, err
    assert by_position == by_name
    code, with_targets, err = run(capsys, "predict", model, tmp_path / "xy.npy")
    assert code == 0 and with_targets == by_name and "4 rows with a target" in err
    code, _, err = run(capsys, "evaluate", model, tmp_path / "xy.npy")
    assert code == 0 and "4 rows with a target" in _ + err
    code, _, err = run(capsys, "predict", model, tmp_path / "one.npy")
    assert code == 2
    one_error(err, "taken in order", "['hours', 'sleep']", "it has 1 columns")
    assert "no column 'hours'" not in err and "no column 'sleep'" not in err


def test_classes_that_do_not_fit_the_output_layer_are_refused_at_load(
    tmp_path, two_inputs
):
    # Was: a regression network with classes=["=evil"] loaded and predicted.
    from chainrule.loading import load_with_metadata

    net, meta = load_with_metadata(two_inputs[0])
    assert net.activations[-1] == "identity" and net.n_outputs == 1
    bad = tmp_path / "evil.safetensors"
    net.save(bad, metadata={**meta, "classes": ["=evil"]})
    with pytest.raises(cr.ModelFileError, match="2 or more distinct strings"):
        load_with_metadata(bad)
    net.save(bad, metadata={**meta, "classes": ["=evil", "b"]})
    with pytest.raises(cr.ModelFileError, match="1 identity unit.*regression"):
        load_with_metadata(bad)
    clf = cr.Network([2, 3, 3], output_activation="softmax", loss="cce", seed=0)
    for classes in (["a", "b"], ["a", "a", "b"], [1, 2, 3], "abc"):
        clf.save(tmp_path / "c.safetensors", metadata={"classes": classes})
        with pytest.raises(cr.ModelFileError, match="classes"):
            load_with_metadata(tmp_path / "c.safetensors")
    clf.save(tmp_path / "c.safetensors", metadata={"classes": ["a", "b", "c"]})
    assert load_with_metadata(tmp_path / "c.safetensors")[1]["classes"] == [
        "a", "b", "c",
    ]  # fmt: skip
