"""Errors in the family, never internal errors (reliability 3, points 10 and 11).

Each test is a reproducer of the adversarial pass: a hostile CSV, a write
that hits a full disk or a file-size limit, a library call with a value of
the wrong kind, a scikit-learn wrapper's errors, a model whose metadata
does not fit its network. Each must end in a :class:`ChainruleError` (one
line and the family's exit code on the command line), never a traceback.
"""

import io
from pathlib import Path

import pytest

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
