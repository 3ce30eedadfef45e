"""Ctrl-C in the ``chainrule`` command: exit 130, quietly, wherever it lands.

Python raises ``KeyboardInterrupt`` wherever SIGINT arrives: in the middle of
an import that takes a second (NumPy, pandas), where the traceback is all the
user sees, or inside a library that swallows it, so that training starts
anyway. The command therefore handles SIGINT in two stages:

1. :func:`guard_startup`, the first thing ``chainrule/__init__.py`` does when
   the process is the ``chainrule`` command (:func:`command_line`): until
   the command runs, Ctrl-C prints ``chainrule: interrupted`` and exits 130
   at once (there is nothing to save yet);
2. :func:`catching`, called by :func:`chainrule.cli.main` before it runs the
   command: Ctrl-C raises ``KeyboardInterrupt`` (training saves what it has
   and exits 130) and is remembered, so that :func:`raise_if_pending` can
   raise it again where a library swallowed it.

Imported by a program that is not the command, nothing changes.

Layer: the lowest (imports nothing of chainrule).
"""

from __future__ import annotations

import os
import signal
import sys

#: Exit code of an interrupted command (128 + SIGINT, as shells report it).
INTERRUPTED = 130
_state = {"pending": False, "told": False}


def command_line() -> bool:
    """Whether this process is the ``chainrule`` command or ``python -m chainrule``."""
    script = os.path.basename(sys.argv[0]) if sys.argv else ""
    if script in ("chainrule", "chainrule.exe"):
        return True
    argv = list(getattr(sys, "orig_argv", []))
    return any(argv[i : i + 2] == ["-m", "chainrule"] for i in range(len(argv)))


def _exit_now(signum, frame) -> None:
    try:
        os.write(2, b"chainrule: interrupted\n")
    finally:
        os._exit(INTERRUPTED)


def guard_startup() -> None:
    """In the command only: Ctrl-C exits 130 at once, until :func:`catching`."""
    if command_line() and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _exit_now)


def _raise(signum, frame) -> None:
    _state["pending"] = True
    raise KeyboardInterrupt


def catching() -> None:
    """Ctrl-C raises ``KeyboardInterrupt`` from now on, and is remembered.

    Only from the main thread (where signal handlers can be set); forgets
    an earlier Ctrl-C.
    """
    _state["pending"] = _state["told"] = False
    ours = (signal.default_int_handler, _exit_now, _raise)
    try:
        if signal.getsignal(signal.SIGINT) in ours:  # never a program's own
            signal.signal(signal.SIGINT, _raise)
    except ValueError:  # not the main thread: Python's handler stays
        pass


def raise_if_pending() -> None:
    """Raise ``KeyboardInterrupt`` if Ctrl-C came since :func:`catching` and a
    library swallowed it (a ``try/except`` around an import)."""
    if _state["pending"]:
        _state["pending"] = False
        raise KeyboardInterrupt


def tell() -> None:
    """Note that the command has told the user about the interruption."""
    _state["told"] = True


def told() -> bool:
    """Whether :func:`tell` was called since :func:`catching`."""
    return _state["told"]


__all__ = [
    "INTERRUPTED",
    "catching",
    "command_line",
    "guard_startup",
    "raise_if_pending",
    "tell",
    "told",
]
