"""Checks of a model file's bytes, made before anything is decoded.

A safetensors file is an 8-byte little-endian header length ``n``, ``n``
bytes of JSON, then the tensors' bytes. The JSON maps each tensor name to
``{"dtype", "shape", "data_offsets": [start, end]}`` (offsets relative to the
end of the header) and ``"__metadata__"`` to a dict of strings
(https://github.com/huggingface/safetensors, "Format"). This module parses and
checks all of it in Python, with sizes bounded by the file's own length, so
that a hostile header (a huge declared shape, overlapping offsets, deeply
nested JSON) is refused before any array is allocated.

Every problem raises :class:`~chainrule.errors.ModelFileError`.

Examples
--------
>>> from chainrule.persist.safetensors import parse_header
>>> parse_header(b"\\x02\\x00\\x00\\x00\\x00\\x00\\x00\\x00{}", "m")
({}, {})
>>> parse_header((2**40).to_bytes(8, "little") + b"{}", "m")
Traceback (most recent call last):
    ...
chainrule.errors.ModelFileError: m: not a safetensors file: its header claims ...
"""

from __future__ import annotations

import json
from typing import NamedTuple

from chainrule.errors import ModelFileError

#: The largest JSON header accepted (bytes); chainrule's own are a few KiB.
MAX_HEADER_BYTES = 16 * 2**20
#: safetensors dtype name -> (NumPy dtype name, bytes per value).
DTYPES = {"F64": ("float64", 8), "F32": ("float32", 4)}
DOC_KEYS = {"format", "version", "config", "extra"}
CONFIG_TYPES = {
    "sizes": list,
    "activation": list,
    "loss": str,
    "bias": list,
    "l2": (int, float),
    "dtype": str,
    "seed": (int, type(None)),
    "init": str,
}


class TensorInfo(NamedTuple):
    """What the header declares about one tensor."""

    dtype: str
    shape: tuple
    start: int
    end: int


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _unique(pairs: list) -> dict:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate keys in {sorted(keys)[:10]}")
    return dict(pairs)


def strict_json(text: str | bytes, where: str, what: str) -> object:
    """``json.loads`` refusing NaN, duplicate keys and nesting that is too deep."""
    try:
        return json.loads(text, parse_constant=_no_constant, object_pairs_hook=_unique)
    except RecursionError:
        raise ModelFileError(f"{where}: {what} is nested too deeply") from None
    except (ValueError, TypeError) as exc:  # JSONDecodeError, UnicodeDecodeError
        raise ModelFileError(f"{where}: {what} is not valid JSON ({exc})") from None


def _is_int(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _tensor_info(name: str, entry: object, where: str) -> TensorInfo:
    if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
        raise ModelFileError(
            f"{where}: tensor {name!r}: expected the keys dtype, shape and "
            f"data_offsets, got {entry!r:.200}"
        )
    dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
    if not isinstance(dtype, str) or dtype not in DTYPES:
        raise ModelFileError(
            f"{where}: tensor {name!r}: dtype {dtype!r:.40} is not one of "
            f"{list(DTYPES)}"
        )
    if not isinstance(shape, list) or not all(_is_int(d) and d >= 0 for d in shape):
        raise ModelFileError(
            f"{where}: tensor {name!r}: shape {shape!r:.80} is not a list of "
            "non-negative integers"
        )
    if (
        not isinstance(offsets, list)
        or len(offsets) != 2
        or not all(_is_int(o) for o in offsets)
    ):
        raise ModelFileError(
            f"{where}: tensor {name!r}: data_offsets {offsets!r:.80} is not "
            "[start, end]"
        )
    return TensorInfo(dtype, tuple(shape), offsets[0], offsets[1])


def _short(v: int) -> str:
    """An integer for a message: huge ones by their size (str() refuses them)."""
    return str(v) if abs(v) < 10**30 else f"<an integer of {v.bit_length()} bits>"


def _nbytes(shape: tuple, itemsize: int, cap: int) -> int:
    """The bytes a shape declares, or ``cap + 1`` as soon as it exceeds ``cap``.

    Stopping early keeps the work linear in the length of the shape (the
    product of a long list of Python integers grows, and each multiplication
    with it), and the number small enough to print.
    """
    total = itemsize
    for d in shape:
        total *= d
        if total > cap:
            return cap + 1
    return total


def _check_layout(infos: dict[str, TensorInfo], n_data: int, where: str) -> None:
    """Tensors tile the data exactly: in order, no overlap, no gap, no excess.

    Linear in the header's size (after one sort by offset).
    """
    pos = 0
    for name, t in sorted(infos.items(), key=lambda kv: (kv[1].start, kv[1].end)):
        nbytes = _nbytes(t.shape, DTYPES[t.dtype][1], n_data)
        if t.start != pos or t.end - t.start != nbytes or t.end > n_data:
            size = f"{nbytes} bytes" if nbytes <= n_data else "more than the data"
            raise ModelFileError(
                f"{where}: tensor {name!r:.80}: declares shape {t.shape!r:.80} "
                f"{t.dtype} ({size}) at offsets [{_short(t.start)}, "
                f"{_short(t.end)}], but the data is {n_data} bytes and the "
                f"previous tensor ends at {pos}"
            )
        pos = t.end
    if pos != n_data:
        raise ModelFileError(
            f"{where}: {n_data - pos} bytes after the last tensor are not declared"
        )


def header_length(first8: bytes, file_size: int, where: str) -> int:
    """The header length from a file's first 8 bytes, checked against its size.

    Raises
    ------
    ModelFileError
        Fewer than 8 bytes, or a length beyond the file or beyond
        :data:`MAX_HEADER_BYTES`.
    """
    if len(first8) < 8:
        raise ModelFileError(
            f"{where}: not a safetensors file: {len(first8)} bytes, shorter than "
            "its 8-byte header length"
        )
    n = int.from_bytes(first8[:8], "little")
    if n > file_size - 8 or n > MAX_HEADER_BYTES:
        raise ModelFileError(
            f"{where}: not a safetensors file: its header claims {n} bytes (the "
            f"file has {file_size - 8} after the length; the limit is "
            f"{MAX_HEADER_BYTES})"
        )
    return n


def parse_header(data: bytes, where: str) -> tuple[dict[str, TensorInfo], dict]:
    """The tensors declared by a safetensors file and its string metadata.

    Parameters
    ----------
    data : bytes
        The whole file.
    where : str
        How to name the file in messages.

    Returns
    -------
    infos : dict of str to TensorInfo
    metadata : dict of str to str
    """
    n = header_length(data[:8], len(data), where)
    return parse_header_json(data[8 : 8 + n], len(data) - 8 - n, where)


def parse_header_json(
    header_bytes: bytes, n_data: int, where: str
) -> tuple[dict[str, TensorInfo], dict]:
    """Like :func:`parse_header`, from the header's JSON and the data's length.

    So that a file is read no further than its header before it is checked.
    """
    header = strict_json(header_bytes, where, "the safetensors header")
    if not isinstance(header, dict):
        raise ModelFileError(f"{where}: the safetensors header is not a JSON object")
    meta = header.pop("__metadata__", {})
    if not isinstance(meta, dict) or not all(isinstance(v, str) for v in meta.values()):
        raise ModelFileError(f"{where}: __metadata__ is not a dict of strings")
    infos = {name: _tensor_info(name, e, where) for name, e in header.items()}
    _check_layout(infos, n_data, where)
    return infos, meta


def parse_document(meta: dict, where: str, fmt: str, version: int) -> dict:
    """chainrule's JSON document from the metadata, with its schema checked."""
    if "chainrule" not in meta:
        raise ModelFileError(
            f"{where}: not a chainrule model (no 'chainrule' key in its metadata)"
        )
    doc = strict_json(meta["chainrule"], where, "the chainrule metadata")
    if not isinstance(doc, dict) or doc.get("format") != fmt:
        raise ModelFileError(f"{where}: not a chainrule model (format is not {fmt!r})")
    if doc.get("version") != version or not _is_int(doc.get("version")):
        raise ModelFileError(
            f"{where}: format version {doc.get('version')!r:.40} is not supported "
            f"(this chainrule reads version {version})"
        )
    if set(doc) != DOC_KEYS:
        raise ModelFileError(
            f"{where}: metadata keys should be {sorted(DOC_KEYS)}, got {sorted(doc)}"
        )
    if not isinstance(doc["extra"], dict):
        raise ModelFileError(f"{where}: metadata 'extra' is not a JSON object")
    check_config(doc["config"], where)
    return doc


def check_config(cfg: object, where: str) -> None:
    """Every key of the saved configuration present, with the right JSON type."""
    if not isinstance(cfg, dict) or set(cfg) != set(CONFIG_TYPES):
        got = sorted(cfg) if isinstance(cfg, dict) else type(cfg).__name__
        raise ModelFileError(
            f"{where}: config should have the keys {sorted(CONFIG_TYPES)}, got {got}"
        )
    for key, kind in CONFIG_TYPES.items():
        value = cfg[key]
        if not isinstance(value, kind) or isinstance(value, bool):
            raise ModelFileError(
                f"{where}: config {key!r} has the wrong type: {value!r:.80}"
            )


def check_tensors(
    infos: dict[str, TensorInfo], shapes: dict[str, tuple], dtype: str, where: str
) -> None:
    """The declared tensors are exactly the architecture's, in name, shape, dtype."""
    missing = [k for k in shapes if k not in infos]
    extra = [k for k in infos if k not in shapes]
    if missing or extra:
        raise ModelFileError(
            f"{where}: the tensors do not fit the architecture: missing {missing}, "
            f"unexpected {extra[:10]}"
        )
    for name, shape in shapes.items():
        t = infos[name]
        if t.shape != tuple(shape) or DTYPES[t.dtype][0] != dtype:
            raise ModelFileError(
                f"{where}: tensor {name!r} should be {tuple(shape)} {dtype}, is "
                f"{t.shape} {DTYPES[t.dtype][0]}"
            )
