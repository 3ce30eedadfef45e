"""The separator guessed from the header and the first rows together, and a
row of the wrong width that names ``--sep``, through the command line."""

import pytest

from chainrule.cli.app import ExitCode, main
from chainrule.data.tables import load_table


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, " ".join(out.split()), " ".join(err.split())


GERMAN = "Gewicht (kg, netto);Höhe (cm, brutto);Klasse\n" + "".join(
    f"{60 + i % 4};{150 + 3 * i};{'ab'[i % 2]}\n" for i in range(12)
)


def test_a_header_with_commas_and_rows_with_semicolons_is_read_with_semicolons(
    capsys, tmp_path
):
    data = tmp_path / "gewicht.csv"
    data.write_text(GERMAN)
    t = load_table(data)
    assert t.names == ["Gewicht (kg, netto)", "Höhe (cm, brutto)", "Klasse"]
    assert t.column("Höhe (cm, brutto)")[:2].tolist() == [150.0, 153.0]
    code, out, err = run(
        capsys, "train", data, "--target", "Klasse", "--epochs", "2",
        "--out", tmp_path / "m.safetensors",
    )  # fmt: skip
    assert code == ExitCode.OK, err
    assert "12 rows" in out


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("a,b,c\n1,2;3,4\n5,6,7\n", ["a", "b", "c"]),  # ; inside a cell
        ("a|b\n1|2\n", ["a", "b"]),
        ("a\tb\n1\t2\n", ["a", "b"]),
        ("only\n1\n2\n", ["only"]),
        ('"x;y",z\n"1;2",3\n', ["x;y", "z"]),  # quoted separators
    ],
)
def test_the_rows_confirm_the_separator(tmp_path, text, names):
    data = tmp_path / "d.csv"
    data.write_text(text)
    assert load_table(data).names == names


def test_a_row_of_the_wrong_width_names_the_separator_and_sep(capsys, tmp_path):
    data = tmp_path / "ragged.csv"
    data.write_text("a;b;c\n1;2;3\n4;5\n")
    code, _, err = run(capsys, "train", data, "--target", "c")
    assert code == ExitCode.USAGE
    assert "row 2 (line 3) has 2 cells, the header has 3" in err
    assert "read with the separator ';'" in err
    assert "pass --sep, e.g. --sep ," in err
