"""NPY and NPZ files checked before any array is read.

Each array's header (dtype, shape) is read first, and an NPZ archive's
member list with the sizes it declares, so that nothing is decompressed or
allocated before the file has shown it fits:

- a dtype that holds Python objects is refused (it would need pickle);
  only booleans, integers, floats and strings are read;
- the bytes a header declares must fit the file (NPY) or the member's
  declared uncompressed size (NPZ): a lying header is refused;
- all arrays together may declare at most :data:`MAX_ARRAY_BYTES` (a zip
  bomb's members declare their real sizes; decompression stops there).

Every problem is a :class:`~chainrule.errors.DataFileError`.

Examples
--------
>>> import os, tempfile
>>> import numpy as np
>>> path = os.path.join(tempfile.mkdtemp(), "d.npz")
>>> np.savez(path, X=np.zeros((3, 2)), y=np.ones(3))
>>> check_numpy_file(path)
{'X': ((3, 2), dtype('float64')), 'y': ((3,), dtype('float64'))}
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np
from numpy.lib import format as npformat

from chainrule.errors import DataFileError

#: The most bytes the arrays of one NPY or NPZ file may declare (2 GiB);
#: raise it in Python (``chainrule.data.npfiles.MAX_ARRAY_BYTES = ...``).
MAX_ARRAY_BYTES = 2**31
#: An NPZ member larger than :data:`LARGE_MEMBER_BYTES` may be at most this
#: many times larger than its compressed bytes: real data compresses a few
#: times; 512 MiB of zeros in half a megabyte is a bomb, not a table.
MAX_COMPRESSION_RATIO = 100
LARGE_MEMBER_BYTES = 2**26
_HEADER_READERS = {
    (1, 0): npformat.read_array_header_1_0,
    (2, 0): npformat.read_array_header_2_0,
}


def _header(fh, src: str, what: str) -> tuple[tuple, np.dtype]:
    try:
        version = npformat.read_magic(fh)
        reader = _HEADER_READERS.get(version)
        if reader is None:
            raise ValueError(f"NPY format version {version} is not read")
        shape, _, dtype = reader(fh)
    except (ValueError, OSError, EOFError, SyntaxError, TypeError) as exc:
        raise DataFileError(
            f"{src}: not a readable NumPy file: {what} has no valid header ({exc})"
        ) from None
    if dtype.hasobject or dtype.kind not in "biufU" or dtype.fields is not None:
        raise DataFileError(
            f"{src}: {what} has dtype {str(dtype)[:40]}; expected booleans, numbers "
            "or strings (arrays of objects are never read: they would need pickle)"
        )
    return shape, dtype


def _nbytes(shape: tuple, dtype: np.dtype, cap: int) -> int:
    total = dtype.itemsize
    for d in shape:
        total *= int(d)
        if total > cap:
            return cap + 1
    return total


def _check_fits(src: str, what: str, nbytes: int, room: int) -> None:
    if nbytes > MAX_ARRAY_BYTES:
        raise DataFileError(
            f"{src}: {what} declares more than {MAX_ARRAY_BYTES} bytes, the limit "
            "for a NumPy data file (chainrule.data.npfiles.MAX_ARRAY_BYTES)"
        )
    if nbytes > room:
        raise DataFileError(
            f"{src}: {what} declares {nbytes} bytes of data but has only {room}: "
            "the file is truncated or its header lies"
        )


def _check_npy(path: Path, src: str) -> dict:
    with open(path, "rb") as fh:
        shape, dtype = _header(fh, src, "the array")
        room = os.fstat(fh.fileno()).st_size - fh.tell()
    _check_fits(src, "the array", _nbytes(shape, dtype, MAX_ARRAY_BYTES), room)
    return {None: (shape, dtype)}


def _check_npz(path: Path, src: str) -> dict:
    out, total = {}, 0
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            key = info.filename.removesuffix(".npy")
            what = f"array {key!r:.80}"
            if info.file_size > MAX_ARRAY_BYTES + 2**16:  # before decompressing
                _check_fits(src, what, info.file_size, info.file_size)
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > LARGE_MEMBER_BYTES and ratio > MAX_COMPRESSION_RATIO:
                raise DataFileError(
                    f"{src}: {what} declares {info.file_size:,} bytes from "
                    f"{info.compress_size:,} compressed ({ratio:,.0f} times); expected "
                    f"at most {MAX_COMPRESSION_RATIO} times for an array over "
                    f"{LARGE_MEMBER_BYTES:,} bytes (a zip bomb?)"
                )
            with zf.open(info) as fh:
                shape, dtype = _header(fh, src, what)
                room = info.file_size - fh.tell()
            nbytes = _nbytes(shape, dtype, MAX_ARRAY_BYTES)
            _check_fits(src, what, nbytes, room)
            total += nbytes
            _check_fits(src, "its arrays together", total, total)
            out[key] = (shape, dtype)
    return out


def check_numpy_file(path: str | os.PathLike) -> dict:
    """Every array's (shape, dtype) from its header, after the checks above.

    Returns
    -------
    dict
        NPY: ``{None: (shape, dtype)}``; NPZ: ``{key: (shape, dtype)}``.

    Raises
    ------
    DataFileError
        Unreadable, corrupt, an object dtype, a lying header or too large.
    """
    p, src = Path(path), str(path)
    try:
        if p.suffix.lower() == ".npz":
            return _check_npz(p, src)
        return _check_npy(p, src)
    except DataFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError) as exc:
        raise DataFileError(f"{src}: not a readable NPZ archive ({exc})") from None
    except (OSError, EOFError, ValueError, RuntimeError) as exc:
        raise DataFileError(f"{src}: not a readable NumPy file ({exc})") from None


__all__ = [
    "LARGE_MEMBER_BYTES",
    "MAX_ARRAY_BYTES",
    "MAX_COMPRESSION_RATIO",
    "check_numpy_file",
]
