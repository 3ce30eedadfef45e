"""Output paths that protect the user's files (reliability item 1).

Each test is a reproducer of a way a user's file was lost: an --out that is an
input, a special file or a link; a read-only file; Ctrl-C during training; a
final save that fails; temporary files of killed saves. The oracle is the
user's file itself: byte-identical after the command.
"""

import os
import signal
import socket
import stat
import subprocess
import sys
import time

import pytest

import chainrule as cr
import chainrule.persist.atomic as patomic
import chainrule.persist.model as pmodel
import chainrule.train.first_order as first_order
from chainrule.cli.app import main
from chainrule.loading import load_with_metadata
from chainrule.persist.paths import TEMP_MARK, remove_stale_temps

SCORES = "sleep,study,score\n3,5,75\n5,1,82\n10,2,93\n6,1.5,70\n4,5.5,70\n9,2.5,85\n"


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def refused(capsys, *argv, words=()):
    code, _, err = run(capsys, *argv)
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("chainrule: error: "), err
    for w in words:
        assert w in lines[0], (w, lines[0])


@pytest.fixture
def scores(tmp_path):
    path = tmp_path / "scores.csv"
    path.write_text(SCORES)
    return path


@pytest.fixture
def model(capsys, scores, tmp_path):
    path = tmp_path / "m.safetensors"
    code, _, err = run(
        capsys, "train", scores, "--target", "score", "--epochs", "3", "--out", path
    )
    assert code == 0, err
    return path


def train_argv(scores, *extra):
    return ["train", scores, "--target", "score", "--epochs", "3", *extra]


def test_predict_out_onto_its_input_table_is_refused(capsys, model, scores):
    before = scores.read_bytes()
    refused(capsys, "predict", model, scores, "--out", scores, words=["same file"])
    assert scores.read_bytes() == before


def test_train_out_onto_its_data_is_refused(capsys, scores):
    before = scores.read_bytes()
    refused(capsys, *train_argv(scores, "--out", scores), words=["--out", "DATA"])
    assert scores.read_bytes() == before


def test_predict_out_onto_the_model_is_refused(capsys, model, scores):
    before = model.read_bytes()
    refused(capsys, "predict", model, scores, "--out", model, words=["MODEL"])
    assert model.read_bytes() == before


def test_outputs_of_one_command_may_not_be_one_file(capsys, scores, tmp_path):
    p = tmp_path / "p.png"
    refused(capsys, *train_argv(scores, "--plot", p, "--out", p), words=["same"])
    x = tmp_path / "x"
    refused(capsys, *train_argv(scores, "--checkpoint", x, "--out", x))
    assert not p.exists() and not x.exists()


def test_a_hard_link_to_the_input_is_the_same_file(capsys, model, scores, tmp_path):
    link = tmp_path / "other-name.csv"
    os.link(scores, link)
    refused(capsys, "predict", model, scores, "--out", link, words=["same file"])
    assert scores.read_text() == SCORES


def test_special_files_are_refused(capsys, model, scores, tmp_path):
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    sock_path = tmp_path / "sock"
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(sock_path))
    try:
        for target, kind in (
            ("/dev/null", "character device"),
            (fifo, "FIFO"),
            (sock_path, "socket"),
            (tmp_path, "folder"),
        ):
            refused(capsys, "predict", model, scores, "--out", target, words=[kind])
    finally:
        sock.close()
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_a_symbolic_link_is_refused_and_its_target_kept(
    capsys, model, scores, tmp_path
):
    target = tmp_path / "real.csv"
    target.write_text("keep me")
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    refused(capsys, "predict", model, scores, "--out", link, words=["symbolic link"])
    assert link.is_symlink() and target.read_text() == "keep me"


def test_read_only_needs_force_and_permissions_are_kept(
    capsys, model, scores, tmp_path
):
    out = tmp_path / "preds.csv"
    out.write_text("old")
    out.chmod(0o444)
    refused(capsys, "predict", model, scores, "--out", out, words=["read-only"])
    assert out.read_text() == "old"
    code, _, err = run(capsys, "predict", model, scores, "--out", out, "--force")
    assert code == 0, err
    assert out.read_text().startswith("score\n")
    assert stat.S_IMODE(out.stat().st_mode) == 0o444
    out.chmod(0o640)
    assert run(capsys, "predict", model, scores, "--out", out)[0] == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640


@pytest.mark.parametrize(
    "argv, first_line",
    [
        (["explain", "--example", "seed004", "--format", "markdown"], "# "),
        (["worksheet", "seed004", "--format", "markdown"], "# "),
        (["derive", "--sizes", "1,1,1", "--format", "markdown"], "# "),
    ],
)
def test_every_writing_command_takes_force(capsys, tmp_path, argv, first_line):
    # the refusal tells the user to add --force: each command must accept it
    out = tmp_path / "derivation.md"
    out.write_text("old")
    out.chmod(0o444)
    refused(capsys, *argv, "--out", out, words=["read-only", "--force"])
    assert out.read_text() == "old"
    code, _, err = run(capsys, *argv, "--out", out, "--force")
    assert code == 0, err
    assert out.read_text().startswith(first_line)
    assert stat.S_IMODE(out.stat().st_mode) == 0o444


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders")
def test_a_folder_that_is_not_writable_is_refused_before_training(
    capsys, scores, tmp_path
):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        refused(capsys, *train_argv(scores, "--out", folder / "m.safetensors"))
    finally:
        folder.chmod(0o755)


def interrupt_at_epoch(monkeypatch, n):
    real = first_order.run_epoch
    calls = []

    def run_epoch(*args, **kwargs):
        calls.append(1)
        if len(calls) > n:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(first_order, "run_epoch", run_epoch)


def test_ctrl_c_never_replaces_out(capsys, monkeypatch, model, scores, tmp_path):
    before = model.read_bytes()
    ckpt = tmp_path / "state.ckpt"
    interrupt_at_epoch(monkeypatch, 2)
    argv = train_argv(scores, "--epochs", "50", "--out", model, "--checkpoint", ckpt)
    code, _, err = run(capsys, *argv)
    assert code == 130, err
    assert model.read_bytes() == before
    beside = tmp_path / "m.interrupted.safetensors"
    assert str(beside) in err and "--resume" in err
    net, extra = load_with_metadata(beside)
    assert extra["training"]["iterations"] == 2
    assert ckpt.exists()


def test_a_failed_final_save_goes_to_a_fallback(capsys, monkeypatch, scores, tmp_path):
    out = tmp_path / "m.safetensors"
    real = pmodel.atomic_write_bytes

    def full_disk(path, data):
        if os.fspath(path) == os.fspath(out):
            raise cr.errors.FileWriteError(f"{str(path)!r} cannot be written (EFBIG)")
        return real(path, data)

    monkeypatch.setattr(pmodel, "atomic_write_bytes", full_disk)
    code, _, err = run(capsys, *train_argv(scores, "--out", out))
    assert code == 1, err
    saved = [p for p in tmp_path.iterdir() if ".unsaved-" in p.name]
    assert len(saved) == 1 and str(saved[0]) in err
    assert cr.load(saved[0]).sizes == [2, 16, 1]
    assert not out.exists()


def test_temporary_files_of_killed_saves_are_removed_by_the_next(tmp_path):
    target = tmp_path / "m.safetensors"
    dead = tmp_path / f".m.safetensors{TEMP_MARK}99999999-abc.tmp"
    dead.write_bytes(b"half a model")
    other = tmp_path / f".other{TEMP_MARK}99999999-abc.tmp"
    other.write_bytes(b"not ours")
    mine_alive = tmp_path / f".m.safetensors{TEMP_MARK}1-abc.tmp"  # pid 1 runs
    mine_alive.write_bytes(b"a save in progress")
    cr.Network([2, 3, 1], seed=0).save(target)
    assert not dead.exists() and other.exists() and mine_alive.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [target.name, other.name, mine_alive.name]
    )
    assert remove_stale_temps(tmp_path / "other") == [other]


def test_a_save_killed_mid_write_leaves_a_temp_that_the_next_save_removes(tmp_path):
    target = tmp_path / "big.ckpt"
    code = (
        "import sys\n"
        "from chainrule.persist.atomic import atomic_write_bytes\n"
        "while True:\n"
        "    atomic_write_bytes(sys.argv[1], b'x' * 64 * 2**20)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code, str(target)])
    try:
        for _ in range(20_000):  # until a temporary file is being written
            temps = [p for p in tmp_path.iterdir() if TEMP_MARK in p.name]
            if temps:
                break
            time.sleep(0.001)
        child.send_signal(signal.SIGKILL)
        child.wait()
    finally:
        if child.poll() is None:
            child.kill()
    left = [p for p in tmp_path.iterdir() if TEMP_MARK in p.name]
    assert temps, "the child never started a save"
    patomic.atomic_write_bytes(target, b"new")
    assert [p for p in tmp_path.iterdir() if TEMP_MARK in p.name] == []
    assert target.read_bytes() == b"new"
    assert all(p.name.startswith(".big.ckpt" + TEMP_MARK) for p in left)


def test_an_overflow_in_the_training_record_is_saved_as_null(capsys, tmp_path):
    from chainrule.cli.common import save_model

    out = tmp_path / "m.safetensors"
    net = cr.Network([2, 3, 1], seed=0)
    meta = {"training": {"final_cost": float("inf"), "costs": [1.0, float("nan")]}}
    assert save_model(net, out, meta) == out
    extra = load_with_metadata(out)[1]
    assert extra == {"training": {"final_cost": None, "costs": [1.0, None]}}
    assert "saved as null" in capsys.readouterr().err
