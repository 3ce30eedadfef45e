"""One output gate for every writer, one text gate for every terminal.

Reliability 3, points 1, 3, 4 and 11: the plots of ``demo`` and ``--plot``,
the file an interrupted ``train`` saves and its fallbacks pass the same checks
as ``--out`` (no link, no special file, read-only only with ``--force``, no
two outputs of one command on one file); control characters in titles and
labels reach a terminal escaped, and LaTeX compiles for any title.
"""

import os

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
