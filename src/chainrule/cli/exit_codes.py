"""The exit codes of the ``chainrule`` command (imported by every command)."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of the ``chainrule`` command."""

    OK = 0
    ERROR = 1
    USAGE = 2
    INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C
    BROKEN_PIPE = 141  # 128 + SIGPIPE, as shells report ``... | head``
