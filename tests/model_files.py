"""Build model files by hand, honest or not, for the loader's tests.

The safetensors layout (8-byte little-endian header length, JSON header,
data) is written here directly so that a test can make the header lie.
"""

import json

import numpy as np

import chainrule as cr
from chainrule.persist.model import model_bytes

CODES = {"float64": "F64", "float32": "F32"}


def good_doc(**config):
    """The document of a [2, 3, 1] float64 network, with ``config`` overriding."""
    cfg = {**cr.Network([2, 3, 1]).config(), **config}
    return {"format": "chainrule.model", "version": 1, "config": cfg, "extra": {}}


def craft(tensors, doc=None, *, meta=None, header_extra=None, raw_header=None):
    """Bytes of a safetensors file.

    tensors : dict name -> array, or name -> (dtype code, shape, data bytes,
        offsets or None) to declare anything at all.
    doc : the chainrule document (JSON-encoded into the metadata), or a str.
    """
    header, blobs, pos = {}, [], 0
    for name, t in tensors.items():
        if isinstance(t, np.ndarray):
            a = np.ascontiguousarray(t)
            t = (
                CODES[a.dtype.name],
                list(a.shape),
                a.astype(f"<{a.dtype.str[1:]}").tobytes(),
                None,
            )
        code, shape, data, offsets = t
        header[name] = {
            "dtype": code,
            "shape": list(shape),
            "data_offsets": list(offsets) if offsets else [pos, pos + len(data)],
        }
        blobs.append(data)
        pos += len(data)
    if meta is None:
        meta = (
            {}
            if doc is None
            else {"chainrule": doc if isinstance(doc, str) else json.dumps(doc)}
        )
    header = {"__metadata__": meta, **header, **(header_extra or {})}
    text = raw_header if raw_header is not None else json.dumps(header).encode()
    return len(text).to_bytes(8, "little") + text + b"".join(blobs)


def good_file(sizes=(2, 3, 1), dtype="float64", seed=0, extra=None):
    net = cr.Network(list(sizes), dtype=dtype, seed=seed)
    return net, model_bytes(net.config(), net.params, extra)
