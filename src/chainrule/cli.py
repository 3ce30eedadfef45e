"""The command line: a thin layer over the library.

``main(argv)`` runs the Typer app and turns chainrule's errors into one line
on stderr and an exit code (:class:`ExitCode`); the work is in the library.
"""

from __future__ import annotations

import sys
from enum import IntEnum

import typer

from chainrule.errors import ChainruleError
from chainrule.explain.command import explain_command


class ExitCode(IntEnum):
    """Exit codes of the ``chainrule`` command."""

    OK = 0
    ERROR = 1
    USAGE = 2


app = typer.Typer(
    name="chainrule",
    help="Build, train, check and explain neural networks by backpropagation.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """Build, train, check and explain neural networks by backpropagation."""


@app.command()
def demo() -> None:
    """The tutorial's 2-3-1 network on the test-score data, trained with BFGS.

    Example: chainrule demo
    """
    from chainrule.demo import run_demo

    run_demo()


app.command("explain")(explain_command)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code.

    Usage errors are reported by Typer (exit code 2); chainrule's own errors
    become one line on stderr, exit code 2 for bad input and 1 otherwise;
    ``--debug`` shows the traceback instead.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    args = [a for a in args if a != "--debug"]
    try:
        app(args=args, prog_name="chainrule", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except ChainruleError as exc:
        if debug:
            raise
        print(f"chainrule: error: {exc}", file=sys.stderr)
        return ExitCode.USAGE if isinstance(exc, ValueError) else ExitCode.ERROR
    except KeyboardInterrupt:
        print("chainrule: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if debug:
            raise
        print(
            f"chainrule: error: {type(exc).__name__}: {exc} (run with --debug "
            "for the traceback)",
            file=sys.stderr,
        )
        return ExitCode.ERROR
    return ExitCode.OK
