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
>>> bool((cr.load(path).get_flat() == net.get_flat()).all())
True
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np
from safetensors.numpy import load as _st_load
from safetensors.numpy import save as _st_save

from chainrule.errors import ChainruleError, ModelFileError

FORMAT = "chainrule.model"
VERSION = 1
#: Refuse files larger than this before reading them (bytes).
MAX_FILE_BYTES = 2**31


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old file intact.

    The bytes go to a temporary file in the same folder, which is flushed,
    fsynced and then renamed over ``path`` (``os.replace`` is atomic on POSIX
    and Windows).
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def model_bytes(net, metadata: Mapping[str, object] | None = None) -> bytes:
    """The safetensors bytes of ``net`` with chainrule's JSON metadata."""
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "config": net.config(),
        "extra": dict(metadata or {}),
    }
    try:
        header = json.dumps(doc, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ModelFileError(f"metadata: not JSON-serialisable: {exc}") from None
    tensors = {k: np.ascontiguousarray(v) for k, v in net.params.items()}
    return _st_save(tensors, metadata={"chainrule": header})


def save(
    net, path: str | os.PathLike, *, metadata: Mapping[str, object] | None = None
) -> None:
    """Save ``net`` to ``path`` atomically (see :func:`atomic_write_bytes`)."""
    folder = Path(path).parent
    if str(folder) and not folder.is_dir():
        raise ModelFileError(f"path: the folder {str(folder)!r} does not exist")
    atomic_write_bytes(path, model_bytes(net, metadata))


def _header(data: bytes) -> dict:
    if len(data) < 8:
        raise ModelFileError("not a safetensors file: shorter than its 8-byte header")
    n = int.from_bytes(data[:8], "little")
    if n > len(data) - 8 or n > 100_000_000:
        raise ModelFileError(
            f"not a safetensors file: header of {n} bytes in a file of {len(data)}"
        )
    try:
        return json.loads(data[8 : 8 + n])
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"not a safetensors file: bad header ({exc})") from None


def load_with_metadata(path: str | os.PathLike):
    """Load a model and the ``extra`` metadata saved with it.

    Returns
    -------
    net : Network
    extra : dict
    """
    from chainrule.network import Network

    p = Path(path)
    if not p.is_file():
        raise ModelFileError(f"path: no such model file {str(p)!r}")
    size = p.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ModelFileError(f"{str(p)!r}: {size} bytes is too large for a model")
    data = p.read_bytes()
    header = _header(data)
    meta = header.get("__metadata__") if isinstance(header, dict) else None
    if not isinstance(meta, dict) or "chainrule" not in meta:
        raise ModelFileError(f"{str(p)!r}: not a chainrule model (no metadata)")
    try:
        doc = json.loads(meta["chainrule"])
    except (TypeError, json.JSONDecodeError) as exc:
        raise ModelFileError(f"{str(p)!r}: metadata is not JSON ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ModelFileError(f"{str(p)!r}: not a chainrule model (format)")
    if doc.get("version") != VERSION:
        raise ModelFileError(
            f"{str(p)!r}: format version {doc.get('version')!r} is not supported "
            f"(this chainrule reads version {VERSION})"
        )
    cfg = doc.get("config")
    if not isinstance(cfg, dict):
        raise ModelFileError(f"{str(p)!r}: metadata has no config")
    try:
        net = Network(
            cfg["sizes"],
            activation=cfg["activation"],
            loss=cfg["loss"],
            bias=cfg["bias"],
            l2=cfg.get("l2", 0.0),
            seed=cfg.get("seed"),
            dtype=cfg["dtype"],
            init=cfg.get("init", "auto"),
        )
    except (KeyError, TypeError) as exc:
        raise ModelFileError(f"{str(p)!r}: config is incomplete ({exc})") from None
    except ChainruleError as exc:
        raise ModelFileError(f"{str(p)!r}: config is invalid ({exc})") from None
    try:
        tensors = _st_load(data)
    except Exception as exc:  # safetensors raises its own SafetensorError
        raise ModelFileError(f"{str(p)!r}: corrupted tensors ({exc})") from None
    for name, shape in net.shapes.items():
        t = tensors.get(name)
        if t is None:
            raise ModelFileError(f"{str(p)!r}: tensor {name!r} is missing")
        if t.shape != shape or t.dtype != net.dtype:
            raise ModelFileError(
                f"{str(p)!r}: tensor {name!r} should be {shape} {net.dtype.name}, "
                f"is {t.shape} {t.dtype.name}"
            )
    extra_names = sorted(set(tensors) - set(net.shapes))
    if extra_names:
        raise ModelFileError(f"{str(p)!r}: unexpected tensors {extra_names}")
    try:
        net.set_params(tensors)
    except ChainruleError as exc:
        raise ModelFileError(f"{str(p)!r}: {exc}") from None
    extra = doc.get("extra") or {}
    if not isinstance(extra, dict):
        raise ModelFileError(f"{str(p)!r}: metadata 'extra' is not an object")
    return net, extra


def load(path: str | os.PathLike):
    """Load a :class:`~chainrule.Network` saved by :meth:`Network.save`.

    Raises
    ------
    ModelFileError
        The file is missing, not a chainrule model, of another version,
        truncated, corrupted, or its tensors do not fit its architecture.
    """
    return load_with_metadata(path)[0]
