"""A model's full record (info, info --json), swapped arguments, and the
progress lines of a run whose standard error is not a terminal."""

import hashlib
import io
import json
import shlex

import pytest
from rich.console import Console

from chainrule.cli.app import ExitCode, main
from chainrule.loading import load_with_metadata
from chainrule.train.progress import ProgressBar
from chainrule.train.records import History

ROWS = [(3, 5, 75), (5, 1, 82), (10, 2, 93), (6, 1.5, 70), (4, 5.5, 70)]
ROWS += [(9, 2.5, 85), (6, 2, 75), (4, 4, 80), (7, 3, 88), (8, 1, 79), (5, 5, 81)]


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")


@pytest.fixture
def scores(tmp_path):
    path = tmp_path / "my scores.csv"
    path.write_text(
        "sleep,study,score\n" + "".join(f"{a},{b},{c}\n" for a, b, c in ROWS)
    )
    return path


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def train(capsys, scores, model, *extra):
    argv = ["train", scores, "--target", "score", "--layers", "4", "--epochs", "40"]
    code, out, err = run(capsys, *argv, "--l2", "0.001", "--out", model, *extra)
    assert code == 0, err
    return out, err


def test_the_record_has_the_file_its_checksum_and_the_command(
    capsys, scores, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    train(capsys, scores.name, "m.safetensors", "--drop", "study")
    t = load_with_metadata(tmp_path / "m.safetensors")[1]["training"]
    assert t["data"] == str(scores)  # absolute, though given relative
    assert t["data_size"] == scores.stat().st_size
    assert t["data_sha256"] == hashlib.sha256(scores.read_bytes()).hexdigest()
    words = shlex.split(t["command"])  # quoted: the path has a space
    assert words[:3] == ["chainrule", "train", str(scores)]
    assert words[words.index("--drop") + 1] == "study"
    # the command runs the same training again, from another folder
    monkeypatch.chdir(tmp_path.parent)
    again = tmp_path / "again.safetensors"
    code, _, err = run(capsys, *words[1:], "--out", again)
    assert code == 0, err
    first = load_with_metadata(tmp_path / "m.safetensors")[0]
    second = load_with_metadata(again)[0]
    assert second.sizes == first.sizes == [1, 4, 1]
    assert (second.get_flat() == first.get_flat()).all()


def test_info_prints_options_command_checksum_and_metrics(capsys, scores, tmp_path):
    model = tmp_path / "m.safetensors"
    train(capsys, scores, model, "--batch-size", "4")
    t = load_with_metadata(model)[1]["training"]
    code, out, _ = run(capsys, "info", model)
    assert code == 0
    for text in ("batch_size=4", "epochs=40", "l2=0.001", "optimizer='adam'"):
        assert text in out
    assert f"command: {t['command']}" in out
    assert f"{t['data_size']} bytes, SHA-256 {t['data_sha256']}" in out
    assert "validation" in out and "R²" in out


def test_info_json_holds_all_of_it(capsys, scores, tmp_path):
    model = tmp_path / "m.safetensors"
    train(capsys, scores, model)
    code, out, _ = run(capsys, "info", model, "--json")
    assert code == 0
    got = json.loads(out)
    t = load_with_metadata(model)[1]["training"]
    assert got["training"] == t
    assert got["sizes"] == [2, 4, 1] and got["inputs"] == ["sleep", "study"]
    assert got["layers"][0] == {"W": [2, 4], "b": [1, 4], "activation": "tanh"}
    assert set(got["training"]["metrics"]) == {"train", "validation"}


def test_info_json_escapes_control_characters(capsys, tmp_path):
    import chainrule as cr

    model = tmp_path / "hostile.safetensors"
    evil = {"training": {"command": "chainrule train \x1b[2J\u009bx", "l2": 0.0}}
    cr.Network([2, 1]).save(str(model), metadata=evil)
    code, out, _ = run(capsys, "info", model, "--json")
    assert code == 0
    assert "\x1b" not in out and "\u009b" not in out
    assert json.loads(out)["training"]["command"] == evil["training"]["command"]
    code, out, _ = run(capsys, "info", model)
    assert code == 0 and "\x1b" not in out and "\u009b" not in out
    assert "size and SHA-256 not recorded" in out


@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_swapped_arguments_say_the_model_comes_first(capsys, scores, tmp_path, command):
    model = tmp_path / "m.safetensors"
    train(capsys, scores, model)
    code, out, err = run(capsys, command, scores, model)
    assert code == ExitCode.USAGE
    assert f"the model comes first: chainrule {command} MODEL DATA" in err
    assert "header" not in err and out == ""


def test_a_log_gets_a_progress_line_every_log_every_seconds(capsys, scores, tmp_path):
    # capsys: standard error is not a terminal; 1e-9 s: every epoch is due
    _, err = train(capsys, scores, tmp_path / "m.safetensors", "--log-every", "1e-9")
    lines = [x for x in err.splitlines() if x.startswith("epoch ")]
    assert len(lines) >= 10, err
    assert lines[0].startswith("epoch 1/40 cost ") and " val " in lines[0]
    assert "elapsed 0:00:" in lines[0]
    _, err = train(capsys, scores, tmp_path / "n.safetensors", "--log-every", "0")
    assert not [x for x in err.splitlines() if x.startswith("epoch ")]


def test_log_every_refuses_a_negative_number(capsys, scores, tmp_path):
    argv = ["train", scores, "--target", "score", "--log-every", "-1"]
    code, _, err = run(capsys, *argv, "--out", tmp_path / "m.safetensors")
    assert code == ExitCode.USAGE and "--log-every" in err and "-1" in err


def test_progress_lines_follow_the_clock_not_the_epochs():
    now = [0.0]
    out = io.StringIO()
    con = Console(file=out, force_terminal=False, width=200)
    h = History()
    with ProgressBar(total=100, console=con, log_every=10, clock=lambda: now[0]) as bar:
        for epoch in range(1, 101):
            now[0] += 0.5  # 20 epochs per 10 s
            h.cost.append(1.0 / epoch)
            bar(epoch, h, None)
    lines = [x for x in out.getvalue().splitlines() if x.startswith("epoch ")]
    assert [x.split()[1] for x in lines] == [
        "20/100",
        "40/100",
        "60/100",
        "80/100",
        "100/100",
    ]
    assert lines[0] == "epoch 20/100 cost 0.05 elapsed 0:00:10"


def test_a_terminal_gets_the_bar_only():
    out = io.StringIO()
    con = Console(file=out, force_terminal=True, width=200)
    h = History(cost=[1.0])
    with ProgressBar(total=2, console=con, log_every=1e-9) as bar:
        bar(1, h, None)
    assert "epoch 1/2" not in out.getvalue()


def test_a_run_refused_before_its_first_epoch_prints_no_bar():
    out = io.StringIO()
    con = Console(file=out, force_terminal=False, width=200)
    with pytest.raises(ValueError), ProgressBar(total=3, console=con):
        raise ValueError("refused")
    assert not out.getvalue().strip()
    with ProgressBar(total=3, console=con) as bar:
        bar(1, History(cost=[1.0]), None)
    assert "1/3" in out.getvalue()  # the final state, once started
