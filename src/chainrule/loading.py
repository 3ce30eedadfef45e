"""Loading a model file into a :class:`~chainrule.network.Network`.

:mod:`chainrule.persist.model` reads and checks the file (configuration,
tensors, extra metadata); this module builds the network from them, so that
the file layer never imports the network.

Examples
--------
>>> import os, tempfile
>>> import chainrule as cr
>>> net = cr.Network([2, 3, 1], seed=0)
>>> path = os.path.join(tempfile.mkdtemp(), "model.safetensors")
>>> net.save(path, metadata={"note": "tutorial"})
>>> back, extra = load_with_metadata(path)
>>> bool((back.get_flat() == net.get_flat()).all()), extra
(True, {'note': 'tutorial'})
"""

from __future__ import annotations

import os
from pathlib import Path

from chainrule.errors import ChainruleError, ModelFileError
from chainrule.network import Network
from chainrule.persist.model import read_model


def load_with_metadata(path: str | os.PathLike) -> tuple[Network, dict]:
    """Load a model and the ``extra`` metadata saved with it.

    The file is checked by :func:`chainrule.persist.model.read_model` (size,
    header, metadata, tensors against the architecture); then the network is
    built from the configuration and the values are checked (finite).

    Returns
    -------
    net : Network
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
    cfg, tensors, extra = read_model(path)
    where = repr(str(Path(path)))
    try:
        net = Network(
            cfg["sizes"],
            activation=cfg["activation"],
            loss=cfg["loss"],
            bias=cfg["bias"],
            l2=cfg["l2"],
            seed=cfg["seed"],
            dtype=cfg["dtype"],
            init=cfg["init"],
        )
    except ChainruleError as exc:
        raise ModelFileError(f"{where}: config is invalid ({exc})") from None
    try:
        net.set_params(tensors)
    except ChainruleError as exc:
        raise ModelFileError(f"{where}: {exc}") from None
    return net, extra


def load(path: str | os.PathLike) -> Network:
    """Load a :class:`~chainrule.Network` saved by :meth:`Network.save`.

    Raises
    ------
    ModelFileError
        The file is missing, not a chainrule model, of another version,
        truncated, corrupted, or its tensors do not fit its architecture.
    InvalidTypeError
        If ``path`` is not a str or a path.
    """
    return load_with_metadata(path)[0]
