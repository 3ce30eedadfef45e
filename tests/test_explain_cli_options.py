"""``chainrule explain`` options: --convention, --freeze-biases, --example-index,
--chain and --vary; each output is compared with the library's."""

import json

import pytest

from chainrule.cli.app import main
from chainrule.explainer.paths.vary import vary
from chainrule.explainer.problems import load_example


@pytest.fixture(autouse=True)
def columns(monkeypatch):
    """Text output folds to COLUMNS (80 where it is not set off a terminal)."""
    monkeypatch.setenv("COLUMNS", "80")


def run(capsys, *args):
    code = main(["explain", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_convention_column(capsys):
    code, out, err = run(capsys, "-e", "seed000-q15", "--convention", "column")
    assert (code, err) == (0, "")
    ex = load_example("seed000-q15").explain(convention="column")
    assert out == ex.to_text(width=80)
    assert "dW[1] = dZ[1] (X)ᵀ" in out


def test_freeze_biases(capsys):
    code, out, _ = run(capsys, "-e", "seed001", "--freeze-biases")
    assert code == 0
    ex = load_example("seed001").explain(update_biases=False)
    assert out == ex.to_text(width=80)
    assert "biases frozen" in out and "b[1]'" not in out
    assert "b1'" not in ex and "b1'" in load_example("seed001").explain()


def test_example_index(capsys):
    code, out, _ = run(capsys, "-e", "seed000-q15", "--example-index", "2")
    assert code == 0
    ex = load_example("seed000-q15").explain(example_index=2)
    assert out == ex.to_text(width=80)
    assert ex["X"].value.tolist() == [[5.0, 10.0]]
    code, _, err = run(capsys, "-e", "seed000-q15", "--example-index", "3")
    assert code == 2
    assert "example_index: expected an integer from 0 to 2" in err


def test_chain(capsys):
    code, out, _ = run(capsys, "-e", "classic-2-2-2", "--chain", "W2[0,0]")
    assert code == 0
    assert "= 0.741365 · 0.186816 · 0.59327 = 0.082167" in out
    code, out, _ = run(
        capsys, "-e", "classic-2-2-2", "--chain", "W1[0,0]", "-f", "json"
    )
    doc = json.loads(out)
    assert len(doc["paths"]) == 2
    assert (
        doc["total"] == load_example("classic-2-2-2").explain().chain("W1[0,0]").total
    )


def test_vary(capsys):
    code, out, _ = run(capsys, "-e", "seed001", "--vary", "W3[0,0]=0.7,2,-1")
    assert code == 0
    p = load_example("seed001")
    assert out == vary(p.network, p.X, p.y, "W3[0,0]", [0.7, 2, -1]).to_text()
    rows = out.splitlines()[1:]
    # 0.7 is the example's own weight: the explanation's J and ∂J/∂W
    ex = p.explain()
    value, J, g = (float(x) for x in rows[0].split())
    assert (value, J, g) == (
        0.7,
        round(ex["J"].value, 6),
        round(ex["dJdW3"].value[0, 0], 6),
    )
    # example index and column convention reach --vary too
    code, out, _ = run(
        capsys,
        "-e",
        "seed000-q15",
        "--example-index",
        "1",
        "--convention",
        "column",
        "--vary",
        "W2[0,2]=1,0",
        "-f",
        "json",
    )
    doc = json.loads(out)
    q15 = load_example("seed000-q15")
    # column W2[0,2] is row W2[2,0]; example 1 alone
    direct = vary(q15.network, q15.X[1:2], q15.y[1:2], "W2[2,0]", [1, 0])
    assert [r["J"] for r in doc["rows"]] == [r.J for r in direct.rows]
    assert doc["target"] == "W2[0,2]"


def test_bad_options_say_no(capsys):
    code, _, err = run(
        capsys, "-e", "seed001", "--chain", "W1[0,0]", "--vary", "W1[0,0]=1"
    )
    assert code == 2 and "either --chain or --vary" in err
    code, _, err = run(capsys, "-e", "seed001", "--vary", "W1[0,0]")
    assert code == 2 and "--vary: expected ELEMENT=VALUES" in err
    code, _, err = run(capsys, "-e", "seed001", "--chain", "W9[0,0]")
    assert code == 2 and "target" in err
    code, _, err = run(capsys, "-e", "seed001", "--chain", "W1[0,0]", "-f", "latex")
    assert code == 2 and "--chain and --vary print text or json" in err
    code, _, err = run(capsys, "-e", "seed001", "--convention", "col")
    assert code == 2 and "convention" in err


def test_ambiguous_orientation_is_printed(capsys, tmp_path):
    f = tmp_path / "p.toml"
    f.write_text(
        "[network]\nsizes = [2, 2]\nactivation = 'identity'\nbias = false\n"
        "[weights]\nW1 = [[1, 2], [3, 4]]\n[data]\nX = [[1, 1]]\ny = [[1, 1]]\n"
    )
    code, out, err = run(capsys, str(f))
    assert code == 0 and out
    assert err.startswith("warning: ") and "weights.W1 is square" in err
