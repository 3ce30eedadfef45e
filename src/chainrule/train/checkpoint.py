"""Training checkpoints: save the whole training state, resume it exactly.

A checkpoint is a safetensors file (nothing is ever pickled). Its tensors:

- the parameters by name, ``W1``, ``b1``, ... (as in a model file);
- ``optimizer.<field>``: the optimizer's arrays over the flat parameter
  vector (``velocity`` for sgd with momentum, ``m`` and ``v`` for Adam);
- ``best``: the best parameters so far when early stopping is on.

Its string metadata holds one key, ``"chainrule"``, a JSON document::

    {"format": "chainrule.checkpoint", "version": 1, "config": {...},
     "epoch": 12, "optimizer": {"name": "adam", "learning_rate": 0.01,
     "count": 5640, "hyper": {...}}, "batch_size": 128, "shuffle": true,
     "update_biases": true, "seed": 0, "rng": {...}, "history": {...},
     "early_stopping": {...}}

``rng`` is the state of NumPy's bit generator, so that the next epoch's
shuffle is the one the uninterrupted run would have drawn.

Examples
--------
>>> import os, tempfile
>>> import chainrule as cr
>>> X, y = cr.datasets.test_scores()
>>> path = os.path.join(tempfile.mkdtemp(), "ckpt.safetensors")
>>> a = cr.Network([2, 3, 1], seed=0)
>>> _ = a.fit(X, y, optimizer="adam", epochs=10)
>>> b = cr.Network([2, 3, 1], seed=0)
>>> _ = b.fit(X, y, optimizer="adam", epochs=4, checkpoint=path)
>>> hist = b.fit(X, y, optimizer="adam", epochs=10, resume=path)
>>> len(hist.cost), bool((a.get_flat() == b.get_flat()).all())
(10, True)
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from safetensors.numpy import load as _st_load
from safetensors.numpy import save as _st_save

from chainrule.errors import ChainruleError, ConfigError, ModelFileError
from chainrule.persist.atomic import atomic_write_bytes
from chainrule.persist.model import MAX_FILE_BYTES
from chainrule.persist.safetensors import parse_header, strict_json
from chainrule.train import optimizers as _opt
from chainrule.train.optimizers import Optimizer, OptState
from chainrule.train.options import History, Settings, State
from chainrule.train.protocol import TrainableNetwork

FORMAT = "chainrule.checkpoint"
VERSION = 1
#: Config keys that must match between the checkpoint and the network.
ARCHITECTURE = ("sizes", "activation", "loss", "bias", "l2", "dtype")
HISTORY = ("cost", "val_cost", "time", "learning_rate")


def _arrays(opt_state: OptState) -> dict[str, np.ndarray]:
    """The optimizer state's arrays over the flat vector, by field name."""
    return {
        f"optimizer.{f}": arrays["theta"]
        for f, arrays in _opt.state_arrays(opt_state).items()
    }


def save_state(
    path: str | os.PathLike[str],
    net: TrainableNetwork,
    opt: Optimizer,
    s: Settings,
    st: State,
) -> None:
    """Write the training state ``st`` of ``net`` to ``path`` atomically."""
    tensors = {k: np.ascontiguousarray(v) for k, v in net.params.items()}
    tensors.update(_arrays(st.opt_state))
    if st.best is not None:
        tensors["best"] = st.best
    doc = {
        "format": FORMAT,
        "version": VERSION,
        "config": net.config(),
        "epoch": st.epoch,
        "elapsed": st.elapsed,
        "optimizer": {
            "name": s.optimizer,
            "learning_rate": opt.learning_rate,
            "count": st.opt_state.count,
            "hyper": opt.hyper,
        },
        "batch_size": s.batch_size,
        "shuffle": s.shuffle,
        "update_biases": s.update_biases,
        "seed": s.seed,
        "rng": st.rng.bit_generator.state,
        "history": {k: getattr(st.hist, k) for k in HISTORY},
        "early_stopping": {
            "best_cost": None if st.best is None else st.best_cost,
            "best_epoch": st.hist.best_epoch,
            "waited": st.waited,
        },
    }
    data = _st_save(tensors, metadata={"chainrule": json.dumps(doc)})
    atomic_write_bytes(path, data)


def read(path: str | os.PathLike[str]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The JSON document and the tensors of a checkpoint file.

    Raises
    ------
    ModelFileError
        Missing, too large, not safetensors, not a chainrule checkpoint, or
        of another format version.
    """
    p = Path(path)
    if not p.is_file():
        raise ModelFileError(f"resume: no such checkpoint file {str(p)!r}")
    if p.stat().st_size > MAX_FILE_BYTES:
        raise ModelFileError(f"{str(p)!r}: too large for a checkpoint")
    data = p.read_bytes()
    where = repr(str(p))
    # The header's tensor table is checked (names, dtypes, shapes, offsets)
    # before safetensors decodes anything: a hostile header cannot allocate.
    _, meta = parse_header(data, where)
    if "chainrule" not in meta:
        raise ModelFileError(f"{where}: not a chainrule checkpoint (no metadata)")
    doc = strict_json(meta["chainrule"], where, "the checkpoint metadata")
    try:
        tensors = _st_load(data)
    except Exception as exc:  # safetensors raises its own SafetensorError
        raise ModelFileError(f"{where}: corrupted tensors ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ModelFileError(f"{str(p)!r}: not a chainrule checkpoint (format)")
    if doc.get("version") != VERSION:
        raise ModelFileError(
            f"{str(p)!r}: checkpoint version {doc.get('version')!r} is not "
            f"supported (this chainrule reads version {VERSION})"
        )
    return doc, tensors


def _check_match(
    path: str,
    doc: Mapping[str, Any],
    net: TrainableNetwork,
    opt: Optimizer,
    s: Settings,
) -> None:
    cfg, mine = doc.get("config") or {}, net.config()
    for key in ARCHITECTURE:
        if cfg.get(key) != mine[key]:
            raise ConfigError(
                f"resume: {path!r} was made for {key}={cfg.get(key)!r}; this "
                f"network has {key}={mine[key]!r}"
            )
    o = doc.get("optimizer") or {}
    want = {
        "optimizer": s.optimizer,
        "batch_size": s.batch_size,
        "seed": s.seed,
        "shuffle": s.shuffle,
        "update_biases": s.update_biases,
        "learning_rate": opt.learning_rate,
    }
    have = {
        "optimizer": o.get("name"),
        "batch_size": doc.get("batch_size"),
        "seed": doc.get("seed"),
        "shuffle": doc.get("shuffle"),
        "update_biases": doc.get("update_biases", True),  # not in older files
        "learning_rate": o.get("learning_rate"),
    }
    json_hyper = json.loads(json.dumps(opt.hyper))
    for key in want:
        if want[key] != have[key]:
            raise ConfigError(
                f"resume: {path!r} was trained with {key}={have[key]!r}; this "
                f"call asks for {key}={want[key]!r}"
            )
    if o.get("hyper") != json_hyper:
        raise ConfigError(
            f"resume: {path!r} has optimizer options {o.get('hyper')}; this call "
            f"asks for {json_hyper}"
        )


def _tensor(
    path: str,
    tensors: Mapping[str, np.ndarray],
    name: str,
    shape: tuple[int, ...],
    dtype: np.dtype,
) -> np.ndarray:
    t = tensors.get(name)
    if t is None or t.shape != tuple(shape) or t.dtype != dtype:
        found = "missing" if t is None else f"{t.shape} {t.dtype.name}"
        raise ModelFileError(
            f"{path!r}: tensor {name!r} should be {tuple(shape)} {dtype.name}, "
            f"is {found}"
        )
    if not np.all(np.isfinite(t)):
        raise ModelFileError(f"{path!r}: tensor {name!r} is not finite")
    return t


def resume_state(
    net: TrainableNetwork, opt: Optimizer, rng: np.random.Generator, s: Settings
) -> State | None:
    """The :class:`~chainrule.train.options.State` saved at ``s.resume``.

    ``None`` when ``s.resume`` is ``True`` and ``s.checkpoint`` does not
    exist yet (a fresh start). The network, optimizer and batching must be
    those of the checkpoint.
    """
    path = s.checkpoint if s.resume is True else os.fspath(s.resume)
    if s.resume is True and not os.path.exists(path):
        return None
    doc, tensors = read(path)
    _check_match(path, doc, net, opt, s)
    try:
        params = {
            k: _tensor(path, tensors, k, shp, net.dtype)
            for k, shp in net.shapes.items()
        }
        theta = np.concatenate([params[k].ravel() for k in net.shapes])
        state = opt.init({"theta": theta})
        arrays = {
            f: {
                "theta": _tensor(
                    path, tensors, f"optimizer.{f}", theta.shape, net.dtype
                ).copy()
            }
            for f in _opt.state_arrays(state)
        }
        state = _opt.restore_state(state, int(doc["optimizer"]["count"]), arrays)
        rng.bit_generator.state = doc["rng"]
        hist = History(optimizer=s.optimizer)
        for k in HISTORY:  # the lists of History, each a list of float
            getattr(hist, k).extend(float(v) for v in doc["history"][k])
        es = doc["early_stopping"]
        hist.best_epoch = es["best_epoch"]
        best = tensors.get("best")
        if best is not None:
            best = _tensor(path, tensors, "best", theta.shape, net.dtype).copy()
        return State(
            int(doc["epoch"]),
            theta,
            state,
            rng,
            hist,
            best,
            np.inf if es["best_cost"] is None else float(es["best_cost"]),
            int(es["waited"]),
            float(doc["elapsed"]),
        )
    except ChainruleError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(
            f"{path!r}: checkpoint metadata is invalid ({exc})"
        ) from None
