"""Columns of text cells (from Arrow) to numbers, booleans, dates or categories.

A CSV column is read by Arrow as text, then converted here, vectorised:

- cells are trimmed of surrounding spaces;
- a cell is **missing** when it is empty or one of :data:`MISSING` (the
  markers pandas reads as missing by default,
  https://pandas.pydata.org/docs/reference/api/pandas.read_csv.html,
  ``na_values``), or ``nan`` in any case;
- a column whose other cells are all numbers under the strict rule of
  :mod:`chainrule.data.numbers` is a float64 column (missing cells NaN);
- a column of ``true``/``false`` (any case) is a boolean column, read as 1/0;
- a column whose other cells are all *number-like text* is a float64 column
  of kind ``"number-like"``: a percent (``51%`` is 51), a currency sign
  (``$1,906``), thousands separators (``1,234.5``); with ``decimal=","``,
  a decimal comma (``3,5``, ``1.234,5``) as well;
- a column of ISO dates (``2024-01-31``, optionally with a time) is a date
  column: kept as text, and refused as an input by
  :mod:`chainrule.data.encoding` with a message saying how to use it;
- anything else is a category column (text; missing cells are ``""``).

Examples
--------
>>> import pyarrow as pa
>>> convert(pa.array(["1", " 2.5", "NA", ""]))
(array([1. , 2.5, nan, nan]), 'number')
>>> convert(pa.array(["True", "false", ""]))
(array([ 1.,  0., nan]), 'bool')
>>> convert(pa.array(["red", "NA", "blue"]))
(array(['red', '', 'blue'], dtype='<U4'), 'category')
>>> convert(pa.array(["2024-01-31", "2024-02-01"]))[1]
'date'
>>> convert(pa.array(["51%", "$1,906", "-1,234.5", ""]))
(array([   51. ,  1906. , -1234.5,     nan]), 'number-like')
>>> convert(pa.array(["3,5", "1.234,5"]), decimal=",")
(array([   3.5, 1234.5]), 'number-like')
"""

from __future__ import annotations

import re

import numpy as np

from chainrule.data.numbers import NUMBER

Array = np.ndarray

#: Missing-value markers (pandas' default ``na_values``), besides the empty cell.
MISSING = (
    "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND",
    "1.#QNAN", "<NA>", "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan", "null",
)  # fmt: skip
_NAN = r"(?i)^[+-]?nan$"
_INF = r"(?i)^[+-]?inf(inity)?$"
_NUMBER = f"^(?:{NUMBER.pattern})$"
_TIME = r"(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
_DATE = r"^\d{4}-\d{2}-\d{2}" + _TIME + "$"


def trimmed(col):
    """A pyarrow string array, cells trimmed of spaces; nulls as ``""``."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not pa.types.is_string(col.type) and not pa.types.is_large_string(col.type):
        col = col.cast(pa.string())
    return pc.fill_null(pc.utf8_trim_whitespace(col), "")


def missing_mask(col) -> Array:
    """Which cells of a trimmed string array are missing (bool array)."""
    import pyarrow.compute as pc

    miss = pc.or_(pc.equal(col, ""), pc.is_in(col, value_set=_missing_set()))
    miss = pc.or_(miss, pc.match_substring_regex(col, _NAN))
    return miss.to_numpy(zero_copy_only=False)


def _missing_set():
    import pyarrow as pa

    return pa.array(MISSING)


def convert(col, decimal: str = ".") -> tuple[Array, str]:
    """A column of text cells as (values, kind); see the module's rules.

    Parameters
    ----------
    col : pyarrow string array (or chunked array) of n cells
    decimal : {".", ","}
        The decimal mark of number-like text (numbers under the strict rule
        always take ``.``).

    Returns
    -------
    values : (n,) array
        float64 (missing NaN) for ``number`` and ``bool``, else text
        (missing ``""``).
    kind : {"number", "number-like", "bool", "date", "category"}
    """

    values, kind, _ = convert_factors(col, decimal)
    return values, kind


def convert_factors(col, decimal: str = ".") -> tuple[Array, str, tuple | None]:
    """:func:`convert`, and a text column's factors
    (:meth:`chainrule.data.frame.Table.factors`), found on the way; ``None``
    for numbers.

    Examples
    --------
    >>> import pyarrow as pa
    >>> convert_factors(pa.array(["b", " a", "NA", "b"]))[2]
    (array(['', 'a', 'b'], dtype='<U2'), array([2, 1, 0, 2]))
    """
    typed = _typed(col)
    if typed is not None:
        return (*typed, None)
    fast = _cast(col)  # most numeric columns: no space, nothing missing
    if fast is None:
        fast = _cast_blank(col)  # ... or empty cells alone missing
    if fast is not None:
        return fast, "number", None
    cells, codes = _distinct(col)
    values, kind = _convert_distinct(cells, decimal)
    if values.dtype.kind == "f":
        return values[codes], kind, None
    sorted_values, index = np.unique(values, return_inverse=True)  # k cells
    return values[codes], kind, (sorted_values, index.ravel()[codes])


def _distinct(col) -> tuple:
    """The distinct cells of a text column, trimmed, and each cell's index
    among them: the rules are judged once per distinct cell, not per cell."""
    import pyarrow as pa

    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks()
    if not pa.types.is_string(col.type) and not pa.types.is_large_string(col.type):
        col = col.cast(pa.string())
    encoded = col.dictionary_encode(null_encoding="encode")
    codes = encoded.indices.to_numpy(zero_copy_only=False)
    return trimmed(encoded.dictionary), codes


def _convert_distinct(col, decimal: str) -> tuple[Array, str]:
    """:func:`convert`'s rules on distinct trimmed cells (a string array)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    miss = missing_mask(col)
    if not miss.all():
        filled = _cast(pc.if_else(pa.array(miss), "nan", col))
        if filled is not None:
            return filled, "number"
    number = pc.or_(
        pc.match_substring_regex(col, _NUMBER), pc.match_substring_regex(col, _INF)
    ).to_numpy(zero_copy_only=False)
    present = ~miss
    if np.all(number | miss):
        return _to_float(col, miss), "number"
    lower = pc.utf8_lower(col)
    true = pc.equal(lower, "true").to_numpy(zero_copy_only=False)
    false = pc.equal(lower, "false").to_numpy(zero_copy_only=False)
    if np.all(true | false | miss):
        return np.where(miss, np.nan, true.astype(np.float64)), "bool"
    text = np.asarray(col.to_numpy(zero_copy_only=False), dtype=str)
    text[miss] = ""
    like = number_like(text, miss, decimal)
    if like is not None:
        return like, "number-like"
    dates = pc.match_substring_regex(col, _DATE).to_numpy(zero_copy_only=False)
    if present.any() and np.all(dates | miss):
        return text, "date"
    return text, "category"


_SIGN_MONEY = r"([+-]?)\s*[$€£¥]?\s*([+-]?)"
_LIKE = {
    ".": re.compile(
        _SIGN_MONEY + r"((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)\s*(%?)",
        re.ASCII,  # the digits 0-9 only, as the strict number rule
    ),
    ",": re.compile(
        _SIGN_MONEY + r"((?:\d{1,3}(?:[. ]\d{3})+|\d+)(?:,\d*)?|,\d+)\s*(%?)",
        re.ASCII,
    ),
}


def check_decimal(decimal: str) -> str:
    """``--decimal``: ``.`` or ``,``; anything else is refused, named."""
    if decimal not in _LIKE:
        from chainrule.errors import InvalidValueError

        raise InvalidValueError(f"--decimal: expected '.' or ',', got {decimal!r}")
    return decimal


def number_like(text: Array, miss: Array, decimal: str = ".") -> Array | None:
    """Number-like text cells as float64 (missing NaN), or None where one is not.

    Each distinct cell is parsed once: an optional sign and currency sign
    (``$ € £ ¥``), digits with thousands separators (``,`` for ``decimal="."``;
    ``.`` or a space for ``decimal=","``) and the decimal mark, an optional
    ``%`` (the number as written: ``51%`` is 51).
    """
    rule = _LIKE.get(decimal)
    if rule is None or miss.all():
        return None
    cells, inverse = np.unique(text, return_inverse=True)
    values = np.empty(len(cells))
    thousands = "," if decimal == "." else ". "
    for i, cell in enumerate(cells):
        if cell == "":
            values[i] = np.nan
            continue
        m = rule.fullmatch(cell)
        if m is None or (m.group(1) and m.group(2)):
            return None
        digits = m.group(3)
        for t in thousands:
            digits = digits.replace(t, "")
        sign = "-" if "-" in (m.group(1) + m.group(2)) else ""
        values[i] = float(sign + digits.replace(",", "."))
    out = values[inverse.ravel()]
    out[miss] = np.nan
    return out


def _typed(col) -> tuple[Array, str] | None:
    """A column Arrow has typed itself (its parser is the cast's, see below)."""
    import pyarrow as pa

    t = col.type
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        return None
    if pa.types.is_temporal(t):
        return np.asarray(col.cast(pa.string()).to_numpy(zero_copy_only=False),
                          dtype=str), "date"  # fmt: skip
    kind = "bool" if pa.types.is_boolean(t) else "number"
    if t != pa.float64():
        col = col.cast(pa.float64(), safe=False)
    return float64_values(col), kind


def float64_values(col) -> Array:
    """A float64 Arrow array (or chunked array) as a new NumPy array, nulls NaN.

    Read from the Arrow columnar format's buffers (a validity bitmap, then
    the values): a copy and nothing else. (``to_numpy`` of a column with
    nulls goes through pandas, whose import alone costs a third of a second.)

    Examples
    --------
    >>> import pyarrow as pa
    >>> float64_values(pa.chunked_array([[1.5, None], [], [-2.0]]))
    array([ 1.5,  nan, -2. ])
    """
    import pyarrow as pa

    chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
    out = np.empty(len(col))
    i = 0
    for chunk in chunks:
        n = len(chunk)
        if not n:
            continue
        validity, data = chunk.buffers()[:2]
        at = chunk.offset
        out[i : i + n] = np.frombuffer(data, np.float64, count=n, offset=8 * at)
        if chunk.null_count:
            bits = np.frombuffer(validity, np.uint8)
            valid = np.unpackbits(bits, count=at + n, bitorder="little")[at:]
            out[i : i + n][valid == 0] = np.nan
        i += n
    return out


def _cast(col) -> Array | None:
    """Arrow's cast to float64, or None where a cell is not a number.

    Arrow accepts exactly the strict rule's numbers and the specials
    ``nan``/``inf``/``infinity`` in any case (tested against the rule's
    regular expression in ``tests/test_tables_messy.py``); a ``nan`` is a
    missing value, as it is in the slow path.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        return float64_values(pc.cast(col, pa.float64()))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _cast_blank(col) -> Array | None:
    """:func:`_cast` with empty cells missing (NaN): a numeric column with
    gaps, read as text. None where another cell is not a number."""
    import pyarrow as pa
    import pyarrow.compute as pc

    blank = pc.equal(col, "")
    if not pc.any(blank).as_py():
        return None
    return _cast(pc.if_else(blank, pa.scalar(None, col.type), col))


def _to_float(col, miss: Array) -> Array:
    """Cells that passed the rule as float64; missing cells NaN."""
    import pyarrow as pa
    import pyarrow.compute as pc

    safe = pc.if_else(pa.array(miss), "nan", col)
    try:
        return float64_values(pc.cast(safe, pa.float64()))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):  # e.g. "Infinity"
        return np.asarray(safe.to_numpy(zero_copy_only=False), dtype=str).astype(
            np.float64
        )


__all__ = [
    "MISSING",
    "check_decimal",
    "convert",
    "convert_factors",
    "float64_values",
    "missing_mask",
    "number_like",
    "trimmed",
]
