"""Errors in the family, never internal errors (reliability 3, points 10 and 11).

Each test is a reproducer of the adversarial pass: a hostile CSV, a write
that hits a full disk or a file-size limit, a library call with a value of
the wrong kind, a scikit-learn wrapper's errors, a model whose metadata
does not fit its network. Each must end in a :class:`ChainruleError` (one
line and the family's exit code on the command line), never a traceback.
"""

import io
import os
import resource
import subprocess
import sys
from pathlib import Path

import numpy as np
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
