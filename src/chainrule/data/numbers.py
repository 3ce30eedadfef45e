"""What a number is in a data file, and how a number is written as a label.

The rule for a cell of text (CSV) to be a number, strictly:

- ASCII decimal or scientific notation: an optional sign, digits with an
  optional decimal point, an optional exponent: ``3``, ``-0.5``, ``.5``,
  ``5.``, ``1e-3``, ``+2.5E+10``;
- or one of ``nan``, ``inf``, ``infinity`` (any case, signed); in a data
  file ``nan`` is a missing value and infinities are refused as inputs and
  targets with the row that holds them (:mod:`chainrule.data.cells`);
- nothing else: not ``1_000`` or ``3_5`` (Python's ``float`` accepts them),
  not ``1,000``, not ``0x10``, not digits of other scripts (``١٢``), not
  ``NA`` or an empty cell (missing values). Spaces around a cell are ignored.

A class label taken from a number is its exact value written canonically
(:func:`label_text`): no exponent for ordinary sizes, no trailing zeros, so
``1``, ``1.0`` and ``1e0`` are the label ``1``, while ``1000001`` and
``1000002`` (or ``0.1`` and ``0.1000001``) stay two labels.

Label text written to a CSV file is neutralised against formula injection
(:func:`csv_safe`): a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return gets a leading ``'``, as OWASP recommends
(https://owasp.org/www-community/attacks/CSV_Injection), unless the whole
cell is a number under the rule above (``-1``, ``+2.5``): numbers are written
as numbers, never changed.

Examples
--------
>>> [parse_number(t) for t in ("1e3", " -2.5 ", "1_000", "1,000", "NA")]
[1000.0, -2.5, None, None, None]
>>> label_text("1.0"), label_text("1000001"), label_text(1e16)
('1', '1000001', '10000000000000000')
>>> label_text("9223372036854775807") == label_text("9223372036854775806")
False
>>> csv_safe("=HYPERLINK(1)"), csv_safe("cat"), csv_safe("-1")
("'=HYPERLINK(1)", 'cat', '-1')
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from numbers import Integral

#: The rule as a regular expression (with the specials below): the oracle of
#: the tests, and the documentation of what ``float`` accepts here.
NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
SPECIAL = {"nan", "+nan", "-nan", "inf", "+inf", "-inf"}
SPECIAL |= {"infinity", "+infinity", "-infinity"}
#: Beyond this many digits either side of the point, a label uses an exponent.
_PLAIN_DIGITS = 30
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def parse_number(text: str) -> float | None:
    """The number a cell holds under the strict rule above, or ``None``.

    On ASCII text without ``_``, Python's ``float`` accepts exactly the rule
    (https://docs.python.org/3/library/functions.html#float: the grammar adds
    only underscores and Unicode digits to it), and is fast.
    """
    text = text.strip()
    if not text.isascii() or "_" in text:
        return None
    try:
        return float(text)
    except ValueError:
        return None


def label_text(value: str | float | int) -> str:
    """A number (its text, or a float or int) as a class label, exactly.

    Text that is not a number under the rule is returned as it is.
    """
    if isinstance(value, str):
        text = value.strip()
        if parse_number(text) is None:
            return value
    elif isinstance(value, Integral):
        text = str(int(value))
    else:
        text = repr(float(value))
    try:
        d = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the rule admits Decimal's syntax
        return text
    if not d.is_finite():
        return text.lower().lstrip("+")
    if d.is_zero():
        return "0"
    d = d.normalize()
    exponent = d.as_tuple().exponent
    if -_PLAIN_DIGITS <= exponent <= _PLAIN_DIGITS:
        return format(d, "f")
    return format(d, "E")


def csv_safe(text: str) -> str:
    """Label text for a CSV cell: a leading ``'`` where a spreadsheet would
    read a formula. A number (``-1``, a label from ``--classify``) is kept."""
    if not text.startswith(_FORMULA_START) or parse_number(text) is not None:
        return text
    return "'" + text


__all__ = ["csv_safe", "label_text", "parse_number"]
