"""Text for a terminal: control characters shown, never obeyed.

A title, a class label, a column name or a path comes from a file the user
may not have written. Printed raw, ``ESC [2J`` clears the screen, ``ESC ]0;``
sets the window title and U+202E turns the rest of a line around. Every line
chainrule prints to a terminal passes :func:`terminal_text`, which writes
each such character as an escape: ``\\x1b``, ``\\u202e``.

Examples
--------
>>> terminal_text("\\x1b[2J\\x1b]0;pwned\\x07 x")
'\\\\x1b[2J\\\\x1b]0;pwned\\\\x07 x'
>>> terminal_text("a\\u202eb\\tc\\n")
'a\\\\u202eb\\tc\\n'
>>> terminal_text("\\x85", json=True)
'\\\\u0085'
"""

from __future__ import annotations

import re

#: C0 but tab and newline, DEL, C1, the bidirectional marks, embeddings,
#: overrides and isolates (U+200E, U+200F, U+061C, U+202A-U+202E,
#: U+2066-U+2069), and the line and paragraph separators.
CONTROL = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029"
    "\u202a-\u202e\u2066-\u2069]"
)


def _python(m: re.Match) -> str:
    c = ord(m.group())
    return f"\\x{c:02x}" if c < 0x100 else f"\\u{c:04x}"


def _json(m: re.Match) -> str:
    return f"\\u{ord(m.group()):04x}"


def terminal_text(text: str, json: bool = False) -> str:
    """``text`` with every control character written as an escape.

    Parameters
    ----------
    text : str
    json : bool
        Write ``\\u001b`` (valid inside a JSON string) instead of ``\\x1b``.

    Returns
    -------
    str
        The same text when it has no control character; tab and newline
        are kept.
    """
    return CONTROL.sub(_json if json else _python, text)


class TerminalStream:
    """A text stream whose :meth:`write` passes :func:`terminal_text` first.

    Parameters
    ----------
    stream : text stream
        Where the escaped text goes (``sys.stdout``).
    json : bool
        JSON escapes (see :func:`terminal_text`).
    """

    def __init__(self, stream, json: bool = False) -> None:
        self.stream = stream
        self.json = json

    def write(self, text: str) -> int:
        """Write ``text`` escaped; return the length of ``text``."""
        self.stream.write(terminal_text(text, self.json))
        return len(text)

    def flush(self) -> None:
        """Flush the underlying stream."""
        self.stream.flush()


__all__ = ["CONTROL", "TerminalStream", "terminal_text"]
