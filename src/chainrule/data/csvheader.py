"""A CSV file's header row and separator, from the file's first bytes.

The separator is ``sep`` when given, a tab for ``.tsv``, else the one of
``, ; \\t |`` on which the header and the first rows agree (as many cells,
more than one), else the one seen most often in the header line
(:func:`guess_separator`). The text is decoded with ``encoding`` (a
byte-order mark is skipped); a header is read with Python's ``csv`` module,
as Arrow reads the rows after it (:mod:`chainrule.data.csvfiles`).
"""

from __future__ import annotations

import csv
import io
from itertools import islice

from chainrule.data.frame import check_names
from chainrule.errors import DataFileError

SEPARATORS = (",", ";", "\t", "|")
#: The rows after the header that must agree with it on a guessed separator.
_GUESS_ROWS = 20
_SAMPLE = 1 << 16


def read_header(
    path, encoding: str, sep: str | None, block: int
) -> tuple[list[str], str, int]:
    """The header's names, the separator, and a block size of at least
    ``block`` bytes that holds the header.

    Raises
    ------
    DataFileError
        The file cannot be read, is empty, is not text in ``encoding``, or
        its header cannot be parsed or has bad names.
    """
    src = str(path)
    try:
        with open(path, "rb") as fh:
            raw = fh.read(_SAMPLE)
            while b"\n" not in raw and len(raw) % _SAMPLE == 0 and raw:
                more = fh.read(_SAMPLE)
                if not more:
                    break
                raw += more
    except OSError as exc:
        raise DataFileError(f"{src}: cannot be read ({exc.strerror})") from None
    text = _decode(src, raw, encoding)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if not lines:
        raise DataFileError(f"{src}: the file is empty; expected a header row")
    if sep is None:
        cut = len(raw) >= _SAMPLE  # the sample's last line may be cut short
        sep = "\t" if src.lower().endswith(".tsv") else guess_separator(text, cut)
    try:  # newline="": CR, LF and CRLF line ends alike, as Arrow reads them
        reader = csv.reader(io.StringIO(text.lstrip("\r\n"), newline=""), delimiter=sep)
        first = next(reader, [])
    except csv.Error as exc:  # a header cell over csv's field size limit
        raise DataFileError(f"{src}: the header row cannot be read ({exc})") from None
    names = [h.strip() or f"Unnamed: {j}" for j, h in enumerate(first)]
    check_names(src, names)
    return names, sep, max(block, 2 * len(raw))


def _decode(src: str, raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except LookupError:
        raise DataFileError(
            f"--encoding: unknown encoding {encoding!r}; expected a codec name "
            "such as utf-8, latin-1 or cp1252"
        ) from None
    except UnicodeDecodeError as exc:
        if exc.start < len(raw) - 4:  # not a character cut by the sample's end
            raise not_text(src, encoding, exc.reason) from None
        return raw[: exc.start].decode(encoding)
    except UnicodeError as exc:  # punycode, idna...: not a UnicodeDecodeError
        raise not_text(src, encoding, str(exc)) from None


def not_text(src: str, encoding: str, reason: str) -> DataFileError:
    return DataFileError(
        f"{src}: not {encoding.upper().replace('-SIG', '')} text ({reason}); "
        "pass --encoding with the file's encoding, e.g. --encoding latin-1"
    )


def guess_separator(text: str, cut: bool = False) -> str:
    """The separator on which the header and the first rows agree.

    Of ``, ; \\t |``, those that split the header into several cells and
    every one of the first :data:`_GUESS_ROWS` rows into as many; of them, the
    one giving the most cells. When none agrees, the one seen most often in
    the header line, outside quotes. ``cut``: the text's last line may be
    incomplete (a sample of the file) and is not judged.

    Examples
    --------
    >>> guess_separator("Gewicht (kg, netto);Höhe (cm, brutto);Klasse\\n1;2,5;a\\n")
    ';'
    >>> guess_separator("a,b\\n1,x;y\\n"), guess_separator("name\\nAda\\n")
    (',', ',')
    """
    agree = {}
    for s in SEPARATORS:
        rows = csv.reader(io.StringIO(text.lstrip("\r\n")), delimiter=s)
        try:
            kept = [
                r for r in islice(rows, _GUESS_ROWS + 2) if any(c.strip() for c in r)
            ]
        except csv.Error:
            continue
        if cut and len(kept) > 2:
            kept = kept[:-1]
        width = len(kept[0]) if kept else 0
        if width > 1 and all(len(r) == width for r in kept[1 : _GUESS_ROWS + 1]):
            agree[s] = width
    if agree:
        return max(agree, key=lambda s: agree[s])  # ties: the order of SEPARATORS
    line = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    outside = "".join(line.split('"')[::2])
    counts = {s: outside.count(s) for s in SEPARATORS}
    best = max(SEPARATORS, key=lambda s: counts[s])
    return best if counts[best] else ","


__all__ = ["SEPARATORS", "guess_separator", "not_text", "read_header"]
