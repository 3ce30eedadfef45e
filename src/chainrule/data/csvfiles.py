"""CSV and TSV files, read by Apache Arrow's CSV reader (``pyarrow.csv``).

Every column is read as text and converted by :mod:`chainrule.data.cells`
(the strict number rule, missing values, booleans, dates). The header and
the separator come from the file's first bytes
(:mod:`chainrule.data.csvheader`: ``sep`` when given, else the one on which
the header and the first rows agree). ``encoding`` is any Python codec name
(default UTF-8; a byte-order mark is skipped). Quoted cells may hold
separators and newlines; CRLF line ends are read as LF.

Rows whose cells are all empty (blank lines too) carry nothing to learn or
predict from: they are skipped, and :attr:`Table.skipped` counts them so
that the commands say so. Row numbers in messages count the other rows; the
file's line of a row is found when a message needs it.

Examples
--------
>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "d.csv")
>>> with open(path, "w") as fh:
...     _ = fh.write("a;b;c\\n1;x;true\\n\\n2,5;y;false\\n")
>>> t = read_csv(path)
>>> t.names, t.column("c"), t.column("b"), t.skipped
(['a', 'b', 'c'], array([1., 0.]), array(['x', 'y'], dtype='<U1'), 1)
>>> t.column("a")
array(['1', '2,5'], dtype='<U3')
"""

from __future__ import annotations

import csv
import os
import shlex
from collections.abc import Iterator

import numpy as np

from chainrule.data.cells import MISSING, convert_factors
from chainrule.data.csvheader import SEPARATORS, not_text, read_header
from chainrule.data.frame import Table
from chainrule.errors import DataFileError

#: Bytes of the file parsed at a time by each of Arrow's threads: blocks that
#: stay in a core's cache read a wide table about 1.3 x faster than 4 MiB
#: blocks (``benchmarks/bench_prepare.py``). A longer row is read again with
#: :data:`LONG_BLOCK`.
BLOCK = 1 << 19
LONG_BLOCK = 1 << 26


def _options(names: list[str], sep: str, encoding: str, bad: list, block: int):
    import pyarrow as pa
    import pyarrow.csv as pcsv

    def on_invalid(row) -> str:
        bad.append(row)
        return "skip"

    read = pcsv.ReadOptions(
        column_names=names, skip_rows=1, encoding=encoding, block_size=block
    )
    parse = pcsv.ParseOptions(
        delimiter=sep,
        newlines_in_values=True,
        ignore_empty_lines=False,
        invalid_row_handler=on_invalid,
    )
    convert_options = pcsv.ConvertOptions(
        column_types={n: pa.string() for n in names},
        null_values=[],
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
    )
    return read, parse, convert_options


def _typed_options(names: list[str], sep: str, encoding: str, bad: list, block: int):
    """Options that let Arrow type the columns: numbers, true/false, ISO dates.

    An empty cell is null (missing) in a typed column, so that a numeric
    column with gaps is parsed by Arrow; text columns keep it as ``""``. Any
    other missing-value marker makes a column text, converted by
    :mod:`chainrule.data.cells` as other texts are.
    """
    import pyarrow.csv as pcsv

    read, parse, _ = _options(names, sep, encoding, bad, block)
    typed = pcsv.ConvertOptions(
        null_values=[""],
        strings_can_be_null=False,
        quoted_strings_can_be_null=False,
        true_values=["true", "True", "TRUE"],
        false_values=["false", "False", "FALSE"],
        timestamp_parsers=[pcsv.ISO8601],
    )
    return read, parse, typed


def _one_line(sep: str):
    """Parsing without line breaks in quoted cells and without a handler of
    bad rows: about 20 % faster. A row with a quoted line break, or with the
    wrong number of cells, is an error, and the file is read again as text
    with the handler (which names the row)."""
    import pyarrow.csv as pcsv

    return pcsv.ParseOptions(
        delimiter=sep, newlines_in_values=False, ignore_empty_lines=False
    )


def _arrow_error(src: str, exc: Exception, encoding: str) -> DataFileError:
    text = str(exc)
    if "UTF8" in text or "UTF-8" in text or isinstance(exc, UnicodeError):
        return not_text(src, encoding, "invalid bytes")
    return DataFileError(f"{src}: not a readable CSV file ({text.splitlines()[0]})")


class _Lines:
    """The file line of each counted row, found by reading the file again."""

    def __init__(self, path, sep: str, encoding: str, width: int):
        self.path, self.sep, self.encoding, self.width = path, sep, encoding, width

    def __call__(self, row: int) -> int | None:
        try:
            for i, (_, line) in enumerate(self.rows()):
                if i == row:
                    return line
        except DataFileError:  # the line is a help to a message, not needed
            return None
        return None

    def rows(self) -> Iterator[tuple[list[str], int]]:
        """(cells, line) of each row after the header that is not all empty.

        Raises
        ------
        DataFileError
            A line Python's csv reader refuses: a cell over its field size
            limit (131,072 characters), text not in the encoding.
        """
        line = 0
        try:
            with open(self.path, newline="", encoding=self.encoding) as fh:
                reader = csv.reader(fh, delimiter=self.sep)
                header = False
                for cells in reader:
                    line = reader.line_num
                    if all(_blank(c) for c in cells):
                        continue
                    if header:
                        yield cells, line
                    header = True
        except (csv.Error, UnicodeError, OSError) as exc:
            raise DataFileError(
                f"{self.path}: the line after line {line} cannot be read ({exc})"
            ) from None


def _blank(cell: str) -> bool:
    c = cell.strip()
    return c == "" or c in MISSING or c.lower().lstrip("+-") == "nan"


def _is_float(col) -> bool:
    import pyarrow as pa

    return pa.types.is_floating(col.type)


def _table(
    src: str, columns: list, names: list[str], locate, first: int, decimal: str = "."
) -> Table:
    """Arrow columns as a :class:`Table`, empty rows dropped.

    ``columns`` is emptied as they are converted, so that each Arrow column
    is freed once converted (peak memory). One column after another: on
    threads, the memory Arrow frees on one is not reused by the others, and
    the read's peak grows by about 10 %.
    """
    table = Table(list(names), {}, source=src, first_row=first, locate=locate)

    def one(j: int) -> tuple:
        col, columns[j] = columns[j], None
        _refuse_nul(src, col, names[j], locate)  # text read by Arrow, any kind
        values, kind, factors = convert_factors(col, decimal)
        miss = np.isnan(values) if values.dtype.kind == "f" else values == ""
        text = col if kind == "number" and not _is_float(col) else None
        large = col.nbytes >= 1 << 22
        del col
        if large:  # the Arrow column's memory, for the next one's values
            _release()
        return values, kind, factors, miss, text  # text: exact, for labels

    done = [one(j) for j in range(len(names))]
    empty = None
    for name, (_, kind, _, miss, text) in zip(names, done, strict=True):
        table.kinds[name] = kind
        empty = miss if empty is None else empty & miss
        if text is not None:
            table.text[name] = text
    keep = None if empty is None or not empty.any() else ~empty
    table.skipped = 0 if keep is None else int(empty.sum())
    for name, (values, _, factors, _, _) in zip(names, done, strict=True):
        table.columns[name] = values if keep is None else values[keep]
        if name in table.text and keep is not None:
            table.text[name] = table.text[name].filter(keep)
        if factors is not None:
            cells, codes = factors
            table.set_factors(name, cells, codes if keep is None else codes[keep])
    return table


def _refuse_nul(src: str, col, name: str, lines: _Lines) -> None:
    """A NUL character in a text cell: a binary or corrupt file, not CSV text.

    (NumPy's text arrays drop trailing NULs: the cell would silently change.)
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.types.is_string(col.type) or pa.types.is_large_string(col.type)
    if not text or not pc.any(pc.match_substring(col, "\x00")).as_py():
        return  # typed by Arrow (a date column): no NUL
    at = ""
    try:
        for i, (cells, line) in enumerate(lines.rows()):
            if any("\x00" in c for c in cells):
                at = f"row {i + 1} (line {line}), "
                break
    except DataFileError:  # where is a help, not needed
        pass
    raise DataFileError(
        f"{src}: {at}column {name!r}: a cell holds a NUL character (\\x00); "
        "the file is binary or corrupt, not CSV text"
    )


def _raise_bad_row(src: str, lines: _Lines, first: int = 0) -> None:
    for i, (cells, line) in enumerate(lines.rows()):
        if len(cells) != lines.width:
            raise DataFileError(
                f"{src}: row {first + i + 1} (line {line}) has {len(cells)} cells, "
                f"the header has {lines.width} (read with the separator "
                f"{_sep_name(lines.sep)}); if it is another, pass --sep, e.g. "
                f"--sep {_sep_name(_other(lines.sep))}"
            )
    raise DataFileError(f"{src}: a row has the wrong number of cells")


def _sep_name(sep: str) -> str:
    return "tab" if sep == "\t" else shlex.quote(sep)


def _other(sep: str) -> str:
    return ";" if sep == "," else ","


def read_csv(
    path: str | os.PathLike,
    sep: str | None = None,
    encoding: str | None = None,
    decimal: str = ".",
) -> Table:
    """A CSV or TSV file with a header row, read whole; see the module.

    ``decimal`` is the decimal mark of number-like text
    (:func:`chainrule.data.cells.number_like`).
    """

    src = str(path)
    encoding = encoding or "utf-8-sig"
    names, sep, block = read_header(path, encoding, sep, BLOCK)
    bad: list = []
    enc = _arrow_encoding(encoding)

    def typed(size: int):  # typed by Arrow where it can, line breaks only
        read, _, convert = _typed_options(names, sep, enc, bad, size)
        return read, _one_line(sep), convert  # between rows: fast

    try:
        data = _read_blocks(path, typed, block)
    except Exception:  # a later block that does not fit the first one's types
        data = None
    if data is not None and _dates_with_gaps(data):
        data = None  # a date's text is kept as written: read as text
    if data is None or bad:  # text cells, or a quoted line break: all text
        bad.clear()
        try:
            data = _read_blocks(
                path, lambda size: _options(names, sep, enc, bad, size), block
            )
        except Exception as exc:  # pyarrow raises ArrowInvalid, UnicodeDecodeError.
            raise _arrow_error(src, exc, encoding) from None
    lines = _Lines(path, sep, encoding, len(names))
    if bad:
        _raise_bad_row(src, lines)
    columns = data.columns
    del data
    table = _table(src, columns, names, lines, 0, decimal)
    _release()
    if table.n_rows == 0:
        raise DataFileError(f"{src}: a header but no rows of data")
    return table


def _read_blocks(path, options, block: int):
    """Arrow's ``read_csv`` with ``options(block_size)``; again with
    :data:`LONG_BLOCK` when a row is longer than ``block``."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    try:
        return pcsv.read_csv(path, *options(block))
    except pa.ArrowInvalid as exc:
        if "straddl" not in str(exc) or block >= LONG_BLOCK:
            raise
    return pcsv.read_csv(path, *options(LONG_BLOCK))


def _release() -> None:
    """Hand the memory Arrow freed while reading back to the system (its
    allocator keeps it otherwise, and the process's footprint with it)."""
    import pyarrow as pa

    pa.default_memory_pool().release_unused()


def _dates_with_gaps(data) -> bool:
    """Whether a column Arrow typed as dates has an empty cell (its other
    cells would come back as Arrow writes dates, not as the file does)."""
    import pyarrow as pa

    return any(
        pa.types.is_temporal(col.type) and col.null_count for col in data.columns
    )


def _arrow_encoding(encoding: str) -> str:
    """Arrow reads UTF-8 itself (and skips a BOM); other codecs through Python."""
    return (
        "utf8"
        if encoding.lower().replace("-", "_") in ("utf_8_sig", "utf8", "utf_8")
        else encoding
    )


def iter_csv(
    path: str | os.PathLike,
    batch_rows: int,
    sep: str | None = None,
    encoding: str | None = None,
    decimal: str = ".",
) -> Iterator[Table]:
    """A CSV file as tables of at most ``batch_rows`` rows, read as it goes."""
    import pyarrow.csv as pcsv

    src = str(path)
    encoding = encoding or "utf-8-sig"
    names, sep, block = read_header(path, encoding, sep, BLOCK)
    bad: list = []
    lines = _Lines(path, sep, encoding, len(names))
    first = 0
    try:
        opts = _options(names, sep, _arrow_encoding(encoding), bad, block)
        reader = pcsv.open_csv(path, *opts)
        for batch in reader:
            if bad:
                _raise_bad_row(src, lines)
            for start in range(0, batch.num_rows, batch_rows):
                part = batch.slice(start, batch_rows).columns
                table = _table(src, part, names, lines, first, decimal)
                if table.n_rows:
                    yield table
                first += table.n_rows
    except DataFileError:
        raise
    except Exception as exc:  # pyarrow raises ArrowInvalid, UnicodeDecodeError...
        raise _arrow_error(src, exc, encoding) from None
    if bad:
        _raise_bad_row(src, lines)
    if first == 0:
        raise DataFileError(f"{src}: a header but no rows of data")


__all__ = ["SEPARATORS", "iter_csv", "read_csv"]
