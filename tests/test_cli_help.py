"""``chainrule --help`` loads no command: each command's module is imported
when it runs or prints its own help (chainrule.cli.lazy).

Behaviour tests, not timing tests: which modules a process has imported.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from chainrule.cli.app import Commands, ExitCode, main

SRC = str(Path(__file__).resolve().parents[1] / "src")


def _modules_after(argv: list[str]) -> set[str]:
    script = (
        f"import sys; sys.path.insert(0, {SRC!r})\n"
        "from chainrule.cli import main\n"
        f"code = main({argv!r})\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return set(done.stdout.split("\n")[-2].split())


def test_the_group_help_loads_no_command_and_no_numpy():
    loaded = _modules_after(["--help"])
    assert "typer" in loaded  # the help was made
    commands = {entry.module for entry in Commands.lazy.values()}
    assert not commands & loaded
    heavy = {"numpy", "chainrule.explainer", "chainrule.data", "chainrule.network"}
    assert not heavy & loaded


def test_a_commands_help_loads_that_command_only():
    loaded = _modules_after(["info", "--help"])
    assert "chainrule.cli.info" in loaded
    assert "chainrule.cli.explain" not in loaded
    assert "chainrule.explainer" not in loaded


@pytest.mark.parametrize("name", list(Commands.lazy))
def test_each_summary_is_its_commands_first_paragraph(name):
    entry = Commands.lazy[name]
    command = entry.load()
    first = command.help.split("\n\n")[0]
    assert " ".join(first.split()) == " ".join(entry.summary.split())
    assert command.name == name


def test_the_group_help_lists_every_command_with_its_summary(capsys):
    assert main(["--help"]) == ExitCode.OK
    out = " ".join(line.strip("│ ") for line in capsys.readouterr().out.splitlines())
    for name, entry in Commands.lazy.items():
        assert name in out
        assert entry.summary.split()[0] in out
    assert "demo" in out


def test_a_misspelt_command_is_matched_among_the_lazy_ones(capsys):
    assert main(["trian"]) == ExitCode.USAGE
    err = capsys.readouterr().err
    assert "No such command 'trian'" in err
    assert "Did you mean 'train'?" in err


def test_a_lazy_command_runs(capsys):
    assert main(["explain", "--example", "seed004"]) == ExitCode.OK
    assert "δ" in capsys.readouterr().out
