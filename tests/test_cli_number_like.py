"""Number-like text (``51%``, ``"$1,906"``, ``1,234.5``; decimal commas with
``--decimal ,``) read as numbers with a note, through the command line."""

import numpy as np
import pytest

from chainrule.cli.app import ExitCode, main
from chainrule.loading import load_with_metadata


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, " ".join(out.split()), " ".join(err.split())


def write(tmp_path, decimal_comma=False):
    rng = np.random.default_rng(1)
    rows = ["share,price,size,label"] if not decimal_comma else ["w;label"]
    for _ in range(40):
        v = rng.uniform(0, 100)
        if decimal_comma:
            mark = f"{1000 + v:.2f}".replace(".", ",")  # 1050,25
            rows.append(f"{mark};{'ab'[v > 50]}")
        else:
            rows.append(f'{v:.0f}%,"${1000 * v:,.0f}","{v * 20:,.1f}",{"ab"[v > 50]}')
    path = tmp_path / "d.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def test_percent_currency_and_thousands_are_numbers_with_a_note(capsys, tmp_path):
    data, model = write(tmp_path), tmp_path / "m.safetensors"
    code, out, err = run(
        capsys, "train", data, "--target", "label", "--epochs", "2", "--out", model
    )
    assert code == ExitCode.OK, err
    assert "columns ['share', 'price', 'size'] (3 inputs)" in out
    assert "note: columns ['share', 'price', 'size'] hold number-like text" in err
    spec = load_with_metadata(model)[1]["columns"]
    assert [c["kind"] for c in spec] == ["number"] * 3
    code, _, err = run(capsys, "predict", model, data, "--out", tmp_path / "p.csv")
    assert code == ExitCode.OK, err


def test_decimal_commas_need_decimal_comma(capsys, tmp_path):
    data, model = write(tmp_path, decimal_comma=True), tmp_path / "m.safetensors"
    code, _, err = run(capsys, "train", data, "--target", "label", "--out", model)
    assert code == ExitCode.USAGE
    assert "decimal comma" in err and "pass --decimal ," in err
    code, out, err = run(
        capsys, "train", data, "--target", "label", "--decimal", ",",
        "--epochs", "2", "--out", model,
    )  # fmt: skip
    assert code == ExitCode.OK, err
    assert "columns ['w'] (1 inputs)" in out
    meta = load_with_metadata(model)[1]
    assert meta["training"]["decimal"] == ","
    assert 1000 < meta["columns"][0]["fill"] < 1100  # '1050,25' is 1050.25
    # predict and evaluate take the model's decimal mark
    code, out, err = run(capsys, "evaluate", model, data)
    assert code == ExitCode.OK, err
    assert "40 rows with a target" in out


@pytest.mark.parametrize("command", ["train", "predict"])
def test_a_wrong_decimal_mark_names_the_flag(capsys, tmp_path, command):
    data = write(tmp_path)
    args = ["--target", "label"] if command == "train" else []
    first = [data] if command == "train" else [tmp_path / "m.safetensors", data]
    code, _, err = run(capsys, command, *first, *args, "--decimal", ";")
    assert code != ExitCode.OK
    assert "--decimal: expected '.' or ',', got ';'" in err
