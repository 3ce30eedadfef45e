"""One output gate for every writer, one text gate for every terminal.

Reliability 3, points 1, 3, 4 and 11: the plots of ``demo`` and ``--plot``,
the file an interrupted ``train`` saves and its fallbacks pass the same checks
as ``--out`` (no link, no special file, read-only only with ``--force``, no
two outputs of one command on one file); control characters in titles and
labels reach a terminal escaped, and LaTeX compiles for any title.
"""

import os
import shutil
import subprocess

import pytest

import chainrule as cr
from chainrule.cli.app import main

SCORES = "sleep,study,score\n3,5,75\n5,1,82\n10,2,93\n6,1.5,70\n4,5.5,70\n9,2.5,85\n"


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys, *argv, words=()):
    code, out, err = run(capsys, *argv)
    assert code == 2, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("chainrule: error: "), err
    for w in words:
        assert w in lines[0], (w, lines[0])
    return out


@pytest.fixture
def scores(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text(SCORES)
    return path


# -- point 1: demo --out -------------------------------------------------------


def test_demo_refuses_a_plot_that_is_a_link_and_keeps_its_target(capsys, tmp_path):
    victim = tmp_path / "precious.txt"
    victim.write_text("mine")
    out = tmp_path / "d"
    out.mkdir()
    (out / "cost.png").symlink_to(victim)
    stdout = refused(capsys, "demo", "--out", out, words=["cost.png", "link"])
    assert victim.read_text() == "mine"
    assert stdout == ""  # refused before any work


def test_demo_refuses_a_read_only_plot_without_force(capsys, tmp_path):
    out = tmp_path / "d"
    out.mkdir()
    kept = out / "network.png"
    kept.write_bytes(b"old")
    kept.chmod(0o444)
    refused(capsys, "demo", "--out", out, words=["network.png", "--force"])
    assert kept.read_bytes() == b"old"


def test_demo_refuses_a_fifo_as_a_plot(capsys, tmp_path):
    out = tmp_path / "d"
    out.mkdir()
    os.mkfifo(out / "sigmoid.png")
    refused(capsys, "demo", "--out", out, words=["sigmoid.png", "FIFO"])


def test_a_plot_is_never_written_through_a_link_or_into_a_fifo(tmp_path):
    pytest.importorskip("matplotlib")
    from chainrule import plot

    victim = tmp_path / "precious.txt"
    victim.write_text("mine")
    link = tmp_path / "curve.png"
    link.symlink_to(victim)
    with pytest.raises(cr.ConfigError, match="link"):
        plot.activation("sigmoid", path=link)
    assert victim.read_text() == "mine"
    os.mkfifo(tmp_path / "pipe.png")
    with pytest.raises(cr.ConfigError, match="FIFO"):
        plot.activation("sigmoid", path=tmp_path / "pipe.png")


# -- points 1 and 4: the interrupted file and the checkpoint -------------------


def test_the_checkpoint_may_not_be_the_file_an_interruption_saves(
    capsys, scores, tmp_path
):
    ckpt = tmp_path / "m2.interrupted.safetensors"
    ckpt.write_bytes(b"the checkpoint")
    refused(
        capsys,
        *("train", scores, "--target", "score", "--epochs", "3"),
        *("--out", tmp_path / "m2.safetensors", "--checkpoint", ckpt),
        words=["--checkpoint", "interrupted", "same file"],
    )
    assert ckpt.read_bytes() == b"the checkpoint"


def test_a_read_only_interrupted_file_needs_force(capsys, scores, tmp_path):
    beside = tmp_path / "m.interrupted.safetensors"
    beside.write_bytes(b"kept")
    beside.chmod(0o444)
    argv = ["train", scores, "--target", "score", "--epochs", "2"]
    argv += ["--out", tmp_path / "m.safetensors"]
    refused(capsys, *argv, words=["interrupted", "read-only", "--force"])
    assert beside.read_bytes() == b"kept"
    code, _, err = run(capsys, *argv, "--force")
    assert code == 0, err


# -- point 3: terminal text ----------------------------------------------------

HOSTILE_TITLE = "\x1b[2J\x1b]0;pwned\x07 x \u202eevil\u2066 \x9b"
PROBLEM = """title = {title}
learning_rate = 0.1
[network]
sizes = [1, 1, 1]
activation = "relu"
loss = "mse"
bias = false
[weights]
W1 = [[0.5]]
W2 = [[0.8]]
[data]
X = [[3]]
y = [[2]]
"""


def toml_string(text):
    return (
        '"'
        + "".join(
            f"\\u{ord(c):04x}" if ord(c) > 126 or ord(c) < 32 else c
            for c in text.replace("\\", "\\\\").replace('"', '\\"')
        )
        + '"'
    )


def assert_no_controls(text):
    raw = [c for c in text if c in "\x1b\x07\x9b\u202e\u2066"]
    assert not raw, [hex(ord(c)) for c in raw]


@pytest.fixture
def hostile_problem(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(PROBLEM.format(title=toml_string(HOSTILE_TITLE)), "utf-8")
    return path


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "json"])
def test_explain_shows_a_hostile_title_escaped(capsys, hostile_problem, fmt):
    code, out, err = run(capsys, "explain", hostile_problem, "--format", fmt)
    assert code == 0, err
    assert_no_controls(out)
    assert ("\\u001b" if fmt == "json" else "\\x1b") in out
    if fmt == "json":
        import json

        assert json.loads(out)["title"] == HOSTILE_TITLE  # the same text, escaped


def test_the_rich_console_escapes_text_but_keeps_its_styles():
    import io

    from rich.text import Text

    from chainrule.cli.common import SafeConsole

    con = SafeConsole(
        file=io.StringIO(), force_terminal=True, width=200, highlight=False
    )
    con.print(Text(HOSTILE_TITLE, style="bold"))
    con.print(HOSTILE_TITLE)
    out = con.file.getvalue()
    assert "\x1b[1m" in out  # Rich's bold
    assert "\x1b[2J" not in out and "\x1b]0;" not in out and "\u202e" not in out
    assert out.count("\\x1b[2J") == 2


@pytest.fixture
def ansi_labels(tmp_path):
    red, blue = "\x1b[31mred", "blue\u202e"
    rows = ["a,kind"] + [f"{i},{red if i % 2 else blue}" for i in range(12)]
    path = tmp_path / "labels.csv"
    path.write_text("\n".join(rows) + "\n", "utf-8")
    return path


def test_labels_reach_train_info_and_predict_escaped(capsys, ansi_labels, tmp_path):
    model = tmp_path / "c.safetensors"
    code, out, err = run(
        capsys, "train", ansi_labels, "--target", "kind", "--epochs", "5",
        "--out", model,
    )  # fmt: skip
    assert code == 0, err
    assert "Confusion matrix" in out and "\\x1b[31mred" in out
    assert_no_controls(out + err)
    code, out, err = run(capsys, "info", model)
    assert code == 0, err
    assert "\\x1b[31mred" in out
    assert_no_controls(out + err)
    code, out, err = run(capsys, "predict", model, ansi_labels)
    assert code == 0, err
    assert "\\x1b[31mred" in out or "blue\\u202e" in out
    assert_no_controls(out + err)


def test_an_error_message_is_escaped(capsys, tmp_path):
    code, _, err = run(capsys, "explain", tmp_path / "no\x1b[2Jsuch.toml")
    assert code != 0
    assert_no_controls(err)


# -- point 11: LaTeX for any title ---------------------------------------------

ANY_TITLE = "ω 中文 😀 \u202e e\u0301 \x1b\x07 Ωα ς"


def test_latex_takes_any_unicode_title(capsys, tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(PROBLEM.format(title=toml_string(ANY_TITLE)), "utf-8")
    tex = tmp_path / "d.tex"
    code, _, err = run(capsys, "explain", path, "--format", "latex", "--out", tex)
    assert code == 0, err
    text = tex.read_text("utf-8")
    assert r"$\omega$" in text and r"\textbackslash{}u4e2d" in text
    # what pdflatex with T1 cannot typeset is not in the document
    assert all(ord(c) < 0x100 and (c in "\n\t" or ord(c) >= 0x20) for c in text)
    if shutil.which("pdflatex") is None:
        pytest.skip("pdflatex is not installed")
    done = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "d.tex"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:]
