"""Small text files read with bounds: problem files, answers, answer keys.

:func:`read_text_file` reads a regular file only (a FIFO, a device or a
folder is refused before a byte is read, so ``/dev/zero`` or a named pipe
neither fills memory nor hangs) and at most ``MAX_TEXT_BYTES``.
:func:`load_toml` refuses, before ``tomllib`` sees it, a document whose keys
are dotted or nested deeper than ``MAX_TOML_DEPTH`` or that has more than
``MAX_TOML_KEYS`` keys: ``tomllib`` takes time quadratic in the depth of a
dotted key (40,000 levels: 37 s and 6 GB) and recurses into nested arrays.

Examples
--------
>>> load_toml("a.b = 1", "x.toml")
{'a': {'b': 1}}
>>> load_toml("a" + ".a" * 40 + " = 1", "x.toml")
Traceback (most recent call last):
    ...
chainrule.errors.DataFileError: x.toml: cannot read the file: keys dotted or nested too deeply (over 32 levels); a problem or answers file needs a few
"""  # noqa: E501

from __future__ import annotations

import os
import re
import stat
import tomllib
from pathlib import Path

from chainrule.errors import DataFileError

#: The largest problem, answers or key file read (bytes).
MAX_TEXT_BYTES = 1 << 20
#: The deepest dotted key or nesting of arrays and tables.
MAX_TOML_DEPTH = 32
#: The most keys (``=`` signs) in one document.
MAX_TOML_KEYS = 20_000

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)
# strings (their content is never a key) and comments, in the order TOML reads them
_STRINGS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|\'[^\'\n]*\'|#[^\n]*'
)
_DOTTED = re.compile(r"(?:[\w\"-]+[ \t]*\.[ \t]*){" + str(MAX_TOML_DEPTH) + "}")
_BRACKETS = re.compile(r"[\[\]{}]")


def read_text_file(path: str | os.PathLike, what: str, limit: int = MAX_TEXT_BYTES):
    """The UTF-8 text of the regular file ``path``, at most ``limit`` bytes.

    Raises
    ------
    DataFileError
        Naming the file and ``what`` it is: it cannot be opened, is not a
        regular file, is larger than ``limit`` or is not UTF-8.
    """
    p = Path(path)
    try:  # O_NONBLOCK: opening a FIFO with no writer must not wait
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise DataFileError(f"{p}: cannot read the {what}: {exc}") from None
    with os.fdopen(fd, "rb") as fh:
        mode = os.fstat(fd).st_mode
        for test, kind in _KINDS:
            if test(mode):
                raise DataFileError(
                    f"{p}: cannot read the {what}: it is {kind}; expected a file"
                )
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise DataFileError(
            f"{p}: the {what} is larger than {limit} bytes; expected a small text file"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{p}: the {what} is not UTF-8 ({exc.reason})") from None


def check_toml_bounds(text: str, source: str, what: str = "file") -> None:
    """Refuse keys dotted or nested deeper than ``MAX_TOML_DEPTH``, or more
    than ``MAX_TOML_KEYS`` keys, in linear time (see the module's docstring)."""
    bare = _STRINGS.sub(lambda m: "" if m.group().startswith("#") else '""', text)
    deep = _DOTTED.search(bare) is not None
    depth = 0
    for m in _BRACKETS.finditer(bare):
        depth += 1 if m.group() in "[{" else -1
        deep = deep or depth > MAX_TOML_DEPTH
    if deep:
        raise DataFileError(
            f"{source}: cannot read the {what}: keys dotted or nested too deeply "
            f"(over {MAX_TOML_DEPTH} levels); a problem or answers file needs a few"
        )
    if bare.count("=") > MAX_TOML_KEYS:
        raise DataFileError(
            f"{source}: cannot read the {what}: more than {MAX_TOML_KEYS} keys; a "
            "problem or answers file has a few dozen"
        )


def load_toml(text: str, source: str, what: str = "file") -> dict:
    """``tomllib.loads(text)`` within the bounds of :func:`check_toml_bounds`.

    Raises
    ------
    DataFileError
        Naming ``source``: beyond the bounds, or not valid TOML.
    """
    check_toml_bounds(text, source, what)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{source}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib parses nested arrays recursively
        raise DataFileError(
            f"{source}: cannot read the {what}: arrays or tables nested too deeply"
        ) from None


__all__ = [
    "MAX_TEXT_BYTES",
    "MAX_TOML_DEPTH",
    "MAX_TOML_KEYS",
    "check_toml_bounds",
    "load_toml",
    "read_text_file",
]
