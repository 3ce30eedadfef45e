"""Ctrl-C at any point of ``chainrule train`` (Reliability 3, point 8).

SIGINT is sent at several offsets over the first seconds of a run: during
Python's imports, the table's loading, the network's construction and the
training. Whenever it lands, the command exits 130 with one line on stderr
and no traceback. One process per offset, one after the other.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import chainrule

#: Seconds after Python has started at which Ctrl-C is sent, one run each.
OFFSETS = (0.1, 0.2, 0.3, 0.6, 1.0, 1.5, 2.2, 3.0)
# Python's own start-up (before any chainrule code) is not chainrule's: the
# run says "up" once the interpreter runs, then does what the installed
# ``chainrule`` script does.
LAUNCH = (
    "import os, sys; sys.argv[0] = 'chainrule'; os.write(1, b'up\\n'); "
    "from chainrule.cli import main; sys.exit(main())"
)


def interrupted_run(argv, env, offset):
    proc = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, *argv],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline() == "up\n"
    time.sleep(offset)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=300)
    return offset, proc.returncode, err


def test_ctrl_c_at_any_offset_exits_130_without_a_traceback(tmp_path):
    rows = "\n".join(f"{i % 7},{i % 5},{i % 3},{i % 11}" for i in range(3000))
    data = tmp_path / "d.csv"
    data.write_text("a,b,c,y\n" + rows + "\n")
    env = {**os.environ, "PYTHONPATH": str(Path(chainrule.__file__).parents[1])}
    argv = ["train", str(data), "--target", "y", "--epochs", "100000"]
    argv += ["--no-early-stopping", "--out"]  # a run that lasts until Ctrl-C
    results = [  # one after the other: a loaded machine would move the offsets
        interrupted_run([*argv, str(tmp_path / f"m{i}.safetensors")], env, offset)
        for i, offset in enumerate(OFFSETS)
    ]
    for offset, code, err in results:
        assert code == 130, (offset, code, err[-2000:])
        assert "Traceback" not in err and "KeyboardInterrupt" not in err, (offset, err)
        assert "interrupted" in err, (offset, err)


@pytest.mark.parametrize("argv0", ["/usr/bin/python", "pytest"])
def test_the_guard_is_only_for_the_command(monkeypatch, argv0):
    from chainrule import interrupt

    monkeypatch.setattr(sys, "argv", [argv0])
    monkeypatch.setattr(sys, "orig_argv", [argv0, "-m", "pytest"])
    assert not interrupt.command_line()
    monkeypatch.setattr(sys, "orig_argv", ["python", "-X", "dev", "-m", "chainrule"])
    assert interrupt.command_line()


def test_a_ctrl_c_that_a_library_swallowed_stops_before_training(
    capsys, monkeypatch, tmp_path
):
    import chainrule.cli.train_run as train_run
    from chainrule.cli.app import main

    real = train_run.load_table

    def load_table(*args, **kwargs):
        with contextlib.suppress(KeyboardInterrupt):  # as a library's import did
            signal.raise_signal(signal.SIGINT)
        return real(*args, **kwargs)

    monkeypatch.setattr(train_run, "load_table", load_table)
    data = tmp_path / "d.csv"
    data.write_text("a,y\n1,2\n2,3\n3,5\n")
    out = tmp_path / "m.safetensors"
    code = main(["train", str(data), "--target", "y", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 130, err
    assert err.strip() == "chainrule: interrupted"
    assert not out.exists()
