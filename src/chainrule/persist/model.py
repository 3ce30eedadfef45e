"""Saving and loading models: safetensors for the arrays, JSON for the rest.

A model file is a plain safetensors file. Its tensors are the parameters by
name (``W1``, ``b1``, ...); its string metadata holds one key,
``"chainrule"``, whose value is a JSON document::

    {"format": "chainrule.model", "version": 1,
     "config": {"sizes": [...], "activation": [...], "loss": ..., "bias": [...],
                "l2": ..., "dtype": ..., "seed": ..., "init": ...},
     "extra": {...}}

``extra`` carries what the caller adds (scaling of inputs and targets, class
labels, how the model was trained). Nothing is ever unpickled.

Examples
--------
>>> import os, tempfile
>>> import chainrule as cr
>>> net = cr.Network([2, 3, 1], seed=0)
>>> path = os.path.join(tempfile.mkdtemp(), "model.safetensors")
>>> net.save(path)
>>> from chainrule.persist.model import read_model
>>> config, tensors, extra = read_model(path)
>>> config["sizes"], sorted(tensors), extra
([2, 3, 1], ['W1', 'W2', 'b1', 'b2'], {})
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from safetensors.numpy import load as _st_load
from safetensors.numpy import save as _st_save

from chainrule.core.params import param_shapes
from chainrule.errors import ChainruleError, InvalidTypeError, ModelFileError
from chainrule.persist.atomic import atomic_write_bytes
from chainrule.persist.safetensors import (
    MAX_HEADER_BYTES,
    check_tensors,
    header_length,
    parse_document,
    parse_header_json,
)
from chainrule.validation import check_bias, check_sizes

FORMAT = "chainrule.model"
VERSION = 1
#: Refuse files larger than this before reading them (bytes).
MAX_FILE_BYTES = 2**31


def _string_keys(value: object, where: str) -> None:
    """JSON would turn a key 1 into "1": refuse what would not load back equal."""
    if isinstance(value, Mapping):
        for k, v in value.items():
            if not isinstance(k, str):
                raise ModelFileError(
                    f"{where}: keys must be strings, got {k!r:.40} ({type(k).__name__})"
                )
            _string_keys(v, f"{where}[{k!r:.40}]")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _string_keys(v, f"{where}[{i}]")


def model_bytes(
    config: Mapping[str, object],
    params: Mapping[str, np.ndarray],
    metadata: Mapping[str, object] | None = None,
) -> bytes:
    """The safetensors bytes of a model: ``params`` as tensors, the rest as JSON.

    Parameters
    ----------
    config : dict
        The network's configuration (``Network.config()``).
    params : dict of str to array
        The parameters by name.
    metadata : dict, optional
        Saved as ``extra``; JSON-serialisable with string keys.
    """
    try:
        _string_keys(metadata or {}, "metadata")
    except RecursionError:
        raise ModelFileError("metadata: nested too deeply") from None
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "config": dict(config),
        "extra": dict(metadata or {}),
    }
    try:
        header = json.dumps(doc, allow_nan=False)
    except RecursionError:
        raise ModelFileError("metadata: nested too deeply") from None
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"metadata: not JSON-serialisable: {exc}") from None
    tensors = {k: np.ascontiguousarray(v) for k, v in params.items()}
    data = _st_save(tensors, metadata={"chainrule": header})
    n = int.from_bytes(data[:8], "little")
    if n > MAX_HEADER_BYTES:  # the loader would refuse it: never write it
        raise ModelFileError(
            f"metadata: the file's header would be {n} bytes, more than the "
            f"{MAX_HEADER_BYTES} a model file may have "
            "(chainrule.persist.safetensors.MAX_HEADER_BYTES); shorten the "
            "metadata (column names, labels)"
        )
    return data


def save(
    config: Mapping[str, object],
    params: Mapping[str, np.ndarray],
    path: str | os.PathLike,
    *,
    metadata: Mapping[str, object] | None = None,
) -> None:
    """Save a model to ``path`` atomically (see :func:`atomic_write_bytes`).

    ``config``, ``params`` and ``metadata`` are as in :func:`model_bytes`.

    The path and the metadata are checked and the bytes built before any
    file is created: a failing save leaves the folder as it was.

    Raises
    ------
    InvalidTypeError
        ``path`` is not a str or a path, or ``metadata`` is not a mapping.
    ModelFileError
        The folder does not exist, ``path`` is a folder, or ``metadata`` is
        not JSON-serialisable (NaN and infinity included).
    """
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidTypeError(f"path: expected a str or a path, got {path!r:.80}")
    if metadata is not None and not isinstance(metadata, Mapping):
        raise InvalidTypeError(
            f"metadata: expected a dict or None, got {type(metadata).__name__}"
        )
    target = Path(path)
    if target.is_dir():
        raise ModelFileError(f"path: {str(target)!r} is a folder, not a file name")
    folder = target.parent
    if str(folder) and not folder.is_dir():
        raise ModelFileError(f"path: the folder {str(folder)!r} does not exist")
    atomic_write_bytes(target, model_bytes(config, params, metadata))


def _open(path: object) -> tuple[Path, str]:
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidTypeError(f"path: expected a str or a path, got {path!r:.80}")
    p = Path(path)
    where = repr(str(p))
    if p.is_dir():
        raise ModelFileError(f"path: {where} is a folder, not a model file")
    if not p.is_file():
        raise ModelFileError(f"path: no such model file {where}")
    return p, where


def _read_checked(path: object):
    """The header checked first (8 bytes, then the JSON), then the tensors.

    The file is read no further than needed: a wrong length or a header
    that does not tile the file is refused before the data is read.
    """
    p, where = _open(path)
    try:
        with open(p, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > MAX_FILE_BYTES:
                raise ModelFileError(
                    f"{where}: {size} bytes is too large for a model (the limit "
                    f"is {MAX_FILE_BYTES} bytes, "
                    "chainrule.persist.model.MAX_FILE_BYTES)"
                )
            first8 = fh.read(8)
            n = header_length(first8, size, where)
            head = fh.read(n)
            infos, meta = parse_header_json(head, size - 8 - n, where)
            doc = parse_document(meta, where, FORMAT, VERSION)
            shapes = _architecture(doc["config"], where)
            check_tensors(infos, shapes, doc["config"]["dtype"], where)
            data = first8 + head + fh.read(size - 8 - n)
    except OSError as exc:
        raise ModelFileError(f"{where}: cannot be read ({exc.strerror})") from None
    if len(data) != size:
        raise ModelFileError(f"{where}: the file changed while it was read")
    return data, doc, where


def _architecture(cfg: dict, where: str) -> dict[str, tuple]:
    """The parameter shapes the saved config implies (no array allocated)."""
    try:
        sizes = check_sizes(cfg["sizes"])
        bias = check_bias(cfg["bias"], len(sizes) - 1)
    except ChainruleError as exc:
        raise ModelFileError(f"{where}: config is invalid ({exc})") from None
    return param_shapes(sizes, bias)


def read_model(path: str | os.PathLike) -> tuple[dict, dict[str, np.ndarray], dict]:
    """The configuration, the tensors and the ``extra`` metadata of a model file.

    Everything is checked before use, in this order: the file's size, the
    safetensors header (its length, its JSON, every tensor's dtype, shape and
    offsets against the file's length), chainrule's metadata (format,
    version, the config's keys and types), the tensors against the
    architecture the config describes. Building the network (which checks
    the config's values and the tensors' values) is :func:`chainrule.load`'s.

    Returns
    -------
    config : dict
    tensors : dict of str to array
        By parameter name, with the shapes the config implies.
    extra : dict

    Raises
    ------
    ModelFileError
        For any file that is missing, not a chainrule model, of another
        version, truncated, corrupted, or whose tensors do not fit its
        architecture.
    InvalidTypeError
        If ``path`` is not a str or a path.
    """
    data, doc, where = _read_checked(path)
    cfg = doc["config"]
    try:
        tensors = _st_load(data)
    except Exception as exc:  # safetensors raises its own SafetensorError
        raise ModelFileError(f"{where}: corrupted tensors ({exc})") from None
    return cfg, tensors, doc["extra"]
