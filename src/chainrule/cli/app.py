"""The command line: a thin layer over the library.

``main(argv)`` runs the Typer app and turns errors into one line on stderr
and an exit code (:class:`ExitCode`); the work is in the library
(:mod:`chainrule.data.prepare`, :mod:`chainrule.data.tables`, :mod:`chainrule.plot`)
with each command in its own module of :mod:`chainrule.cli`.
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path
from typing import Annotated

import typer

try:  # Typer >= 0.29 vendors Click
    from typer._click.exceptions import ClickException, NoArgsIsHelpError
except ImportError:  # pragma: no cover - Typer with Click as a dependency
    from click.exceptions import ClickException, NoArgsIsHelpError

from chainrule import interrupt
from chainrule.cli.exit_codes import ExitCode
from chainrule.cli.lazy import (
    CommandInterruptedError,
    LazyCommand,
    LazyGroup,
    PipeClosedError,
)
from chainrule.errors import ChainruleError
from chainrule.persist.atomic import NO_ROOM


class Commands(LazyGroup):
    """The commands after ``demo``, in the order ``chainrule --help`` lists them.

    A command's module is imported only when the command runs or shows its
    own help, so that ``chainrule --help`` loads none of them; each summary
    is the first paragraph of the command's docstring (tests/test_cli_help.py
    keeps them equal).
    """

    lazy = {
        c.name: c
        for c in (
            LazyCommand(
                "train",
                "chainrule.cli.train",
                "train",
                "Train a network on a table of data and save it.",
                command_class="optional-value",
            ),
            LazyCommand(
                "predict",
                "chainrule.cli.predict",
                "predict",
                "Predict the targets of every row of DATA (in the targets' units "
                "or labels).",
            ),
            LazyCommand(
                "evaluate",
                "chainrule.cli.evaluate",
                "evaluate",
                "Score a model on a labelled table: the metrics of train's report.",
            ),
            LazyCommand(
                "info",
                "chainrule.cli.info",
                "info",
                "Architecture, parameter count and how a model was trained: every "
                "option, the command line that runs it again, the data file's "
                "size and SHA-256, the metrics on the training and held-out rows.",
            ),
            LazyCommand(
                "gradcheck",
                "chainrule.cli.gradcheck",
                "gradcheck",
                "Compare backpropagation's gradient with central differences.",
            ),
            LazyCommand(
                "explain",
                "chainrule.cli.explain",
                "explain_command",
                "Explain backpropagation step by step, with every value and shape.",
            ),
            LazyCommand(
                "playground",
                "chainrule.cli.playground",
                "playground",
                "Watch, step through and change backpropagation in the browser.",
                pipe_safe=False,
            ),
            LazyCommand(
                "worksheet",
                "chainrule.cli.worksheet",
                "worksheet_command",
                "Every question of a seed document, answered: dimensions, "
                "expressions, products element by element, numbers, and the "
                "seed's misprints.",
            ),
            LazyCommand(
                "derive",
                "chainrule.cli.derive",
                "derive",
                "Derive backpropagation in symbols, element by element, checked "
                "by SymPy.",
            ),
            LazyCommand(
                "check",
                "chainrule.cli.check",
                "check",
                "Grade students' answers: per quantity right or wrong, and why; "
                "the score.",
            ),
        )
    }


app = typer.Typer(
    name="chainrule",
    help="Build, train, check and explain neural networks by backpropagation. "
    "Add --debug to any command to see the traceback of an error.",
    epilog="Example: chainrule demo",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=Commands,
)


@app.callback()
def _root() -> None:
    """Build, train, check and explain neural networks by backpropagation."""


@app.command(epilog="Example: chainrule demo --out chainrule-demo")
def demo(
    out: Annotated[
        Path, typer.Option(help="Folder for the PNG plots (created if missing).")
    ] = Path("chainrule-demo"),
    force: Annotated[
        bool, typer.Option("--force", help="Replace read-only plots.")
    ] = False,
) -> None:
    """The tutorial's 2-3-1 network on the test-score data, end to end."""
    from chainrule.cli.demo import run_demo

    run_demo(out=out, force=force)


def _one_line(text: str) -> str:
    """A message on one line, control characters escaped."""
    from chainrule.validation import terminal_text

    return terminal_text(" ".join(str(text).split()))


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code (a plain int, see :class:`ExitCode`).

    Usage errors and chainrule's errors about input become one line on
    stderr with exit code 2; other errors exit with 1. ``--debug`` shows the
    traceback instead.
    """
    interrupt.catching()  # Ctrl-C from here on: KeyboardInterrupt, exit 130
    if sys.stdout is None or sys.stderr is None:  # started with 1>&- or 2>&-
        return _closed_stream()
    code = int(_run(sys.argv[1:] if argv is None else argv))
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        return int(_broken_pipe())
    except OSError as exc:
        if exc.errno in NO_ROOM:
            return int(_no_room(exc))
    except ValueError:
        pass
    return code


def _closed_stream() -> int:
    """stdout or stderr was closed by the shell: say so where possible, exit 1."""
    if sys.stderr is not None:
        print("chainrule: error: standard output is closed", file=sys.stderr)
    return ExitCode.ERROR


def _run(argv: list[str]) -> int:
    args = list(argv)
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code = _invoke(args, debug)
    if code == ExitCode.OK:
        _report_warnings(caught)
    return code


def _report_warnings(caught: list) -> None:
    """Each distinct warning as one line ``chainrule: warning: ...``."""
    seen: set[str] = set()
    for w in caught:
        text = _one_line(w.message)
        if text not in seen:
            seen.add(text)
            print(f"chainrule: warning: {text}", file=sys.stderr)


def _no_room(exc: OSError) -> int:
    """A write to stdout (or a file) found no room: one line, exit 1."""
    print(
        f"chainrule: error: the output cannot be written ({exc.strerror or exc}): "
        "the disk is full or a file-size limit (ulimit -f) was reached",
        file=sys.stderr,
    )
    _silence_stdout()
    return ExitCode.ERROR


def _silence_stdout() -> None:
    """Point stdout at the null device: the exit's flush must not fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _broken_pipe() -> int:
    """stdout's reader is gone (``| head``): stop quietly, as ``cat`` does."""
    _silence_stdout()
    return ExitCode.BROKEN_PIPE


def _invoke(args: list[str], debug: bool) -> int:
    try:
        rv = app(args=args, prog_name="chainrule", standalone_mode=False)
    except NoArgsIsHelpError as exc:  # the help is printed already (Rich)
        if exc.format_message().strip():
            print(exc.format_message(), file=sys.stderr)
        return ExitCode.USAGE
    except ClickException as exc:
        ctx = getattr(exc, "ctx", None)
        hint = f" (see '{ctx.command_path} --help')" if ctx is not None else ""
        print(
            f"chainrule: error: {_one_line(exc.format_message())}{hint}",
            file=sys.stderr,
        )
        return exc.exit_code
    except (BrokenPipeError, PipeClosedError):
        return _broken_pipe()
    except ChainruleError as exc:
        if debug:
            raise
        print(f"chainrule: error: {_one_line(exc)}", file=sys.stderr)
        return ExitCode.USAGE if isinstance(exc, ValueError) else ExitCode.ERROR
    except (KeyboardInterrupt, typer.Abort, CommandInterruptedError):
        print("chainrule: interrupted", file=sys.stderr)
        return ExitCode.INTERRUPTED
    except MemoryError:
        if debug:
            raise
        print("chainrule: error: out of memory", file=sys.stderr)
        return ExitCode.ERROR
    except Exception as exc:
        if debug:
            raise
        if isinstance(exc, OSError) and exc.errno in NO_ROOM:  # stdout full
            return _no_room(exc)
        print(
            f"chainrule: internal error, please report it: {_one_line(exc)!r:.300} "
            f"({type(exc).__name__}; run with --debug for the traceback)",
            file=sys.stderr,
        )
        return ExitCode.ERROR
    if rv == ExitCode.INTERRUPTED and not interrupt.told():
        # Ctrl-C while Click parsed: Typer returns 130 and says nothing
        print("chainrule: interrupted", file=sys.stderr)
    return int(rv) if isinstance(rv, int) else ExitCode.OK
