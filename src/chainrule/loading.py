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
    if isinstance(extra, dict) and extra.get("classes") is not None:
        check_classes(where, extra["classes"], net)
    return net, extra


def check_classes(where: str, classes: object, net: Network) -> None:
    """Class labels in a model's metadata fit its output layer.

    A classifier's outputs are probabilities, one per class: a softmax (or
    sigmoid) unit per label, or one sigmoid unit for two labels. Labels on
    any other network (a regression's identity output) would be printed as
    predictions the network never made.

    Raises
    ------
    ModelFileError
        ``classes`` is not a list of distinct strings, or does not fit the
        output layer.
    """
    n_out, act = net.n_outputs, net.activations[-1]
    if (
        not isinstance(classes, list)
        or not all(isinstance(c, str) for c in classes)
        or len(set(classes)) != len(classes)
        or len(classes) < 2
    ):
        raise ModelFileError(
            f"{where}: metadata 'classes' should be 2 or more distinct strings, "
            f"got {classes!r:.200}"
        )
    fits = (act in ("softmax", "sigmoid") and n_out == len(classes)) or (
        act == "sigmoid" and n_out == 1 and len(classes) == 2
    )
    if not fits:
        raise ModelFileError(
            f"{where}: metadata has {len(classes)} classes, but the output layer "
            f"has {n_out} {act} unit{'s' * (n_out != 1)}"
            + (" (a regression network)" if act not in ("softmax", "sigmoid") else "")
            + "; the file was altered or put together by hand"
        )


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
