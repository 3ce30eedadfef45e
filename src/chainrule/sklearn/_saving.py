"""A fitted estimator in a model file: safetensors and JSON, never a pickle.

The file is chainrule's model file (:mod:`chainrule.persist.model`, written
atomically, never through a symbolic link): the fitted network's parameters
are its tensors, and its metadata's ``extra`` holds one key, ``"sklearn"``::

    {"format": "chainrule.sklearn", "version": 1,
     "estimator": "MLPClassifier", "chainrule": "0.x",
     "params": {...get_params()...},
     "classes": {"dtype": "<U3", "values": ["no", "yes"]},
     "target": "binary",
     "n_features_in": 2, "feature_names_in": ["a", "b"],
     "fitted": {"loss_curve_": [...], "n_iter_": 200, ...}}

Values that JSON would change are tagged: a tuple is ``{"tuple": [...]}``,
a dict with labels as keys (``class_weight``) is ``{"dict": [[label,
value], ...]}``. ``random_state`` given as a ``RandomState`` or a
``Generator`` is saved as ``None`` (its state is not a setting). Reading
checks every entry against what the estimator and the network need, with
errors that name the file and the entry.

:class:`EstimatorFile` gives the estimators ``save`` and ``load``.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from chainrule.errors import ChainruleError, InvalidTypeError, ModelFileError
from chainrule.loading import load_with_metadata
from chainrule.network import Network
from chainrule.sklearn._checks import check_fitted
from chainrule.version import VERSION

FORMAT = "chainrule.sklearn"
FORMAT_VERSION = 1
#: The fitted attributes saved besides the network, with their kinds.
FITTED = {
    "loss_curve_": "floats",
    "n_iter_": "int",
    "t_": "int",
    "loss_": "float?",
    "best_loss_": "float?",
    "validation_scores_": "floats?",
    "best_validation_score_": "float?",
}
#: Label dtypes a classifier's ``classes_`` may have in a file.
LABEL_KINDS = {"i": int, "u": int, "b": bool, "f": float, "U": str, "O": str}


def _plain(value: object) -> object:
    """A NumPy scalar as the Python value it holds."""
    return value.item() if isinstance(value, np.generic) else value


def encode_param(name: str, value: object) -> object:
    """One parameter of ``get_params()`` as JSON (tagged where JSON would
    change it).

    Raises
    ------
    InvalidTypeError
        A value that has no JSON form (naming the parameter).
    """
    value = _plain(value)
    if value is None or isinstance(value, (bool, int, float, str)):
        if isinstance(value, float) and not np.isfinite(value):
            raise InvalidTypeError(f"{name}: {value!r} has no JSON form")
        return value
    if name == "random_state" and isinstance(
        value, (np.random.RandomState, np.random.Generator)
    ):
        return None  # a generator's state is not a setting
    if isinstance(value, (tuple, list)):
        items = [encode_param(name, v) for v in value]
        return {"tuple": items} if isinstance(value, tuple) else items
    if isinstance(value, Mapping):
        return {"dict": [[encode_param(name, k), encode_param(name, v)]
                         for k, v in value.items()]}  # fmt: skip
    raise InvalidTypeError(
        f"{name}: a {type(value).__name__} cannot be saved in a model file "
        "(JSON: numbers, strings, booleans, None, lists, tuples and dicts)"
    )


def decode_param(value: object) -> object:
    """The inverse of :func:`encode_param`."""
    if isinstance(value, list):
        return [decode_param(v) for v in value]
    if isinstance(value, dict):
        if set(value) == {"tuple"} and isinstance(value["tuple"], list):
            return tuple(decode_param(v) for v in value["tuple"])
        if set(value) == {"dict"} and isinstance(value["dict"], list):
            return {decode_param(k): decode_param(v) for k, v in value["dict"]}
        raise ModelFileError(f"a parameter's value is not of the format: {value!r:.80}")
    return value


def encode_classes(classes: np.ndarray) -> dict[str, object]:
    """``classes_`` with its dtype: integers, booleans, floats or strings.

    Raises
    ------
    InvalidTypeError
        Labels of another kind (an object array of non-strings).
    """
    kind = classes.dtype.kind
    values = [_plain(c) for c in classes.tolist()]
    if kind not in LABEL_KINDS or (
        kind == "O" and not all(isinstance(v, str) for v in values)
    ):
        raise InvalidTypeError(
            f"classes_: labels of dtype {classes.dtype} cannot be saved; "
            "expected integers, booleans, floats or strings"
        )
    return {"dtype": "object" if kind == "O" else classes.dtype.str, "values": values}


def decode_classes(doc: object, where: str) -> np.ndarray:
    """``classes_`` as it was saved, after checking its entry."""
    if not isinstance(doc, dict) or set(doc) != {"dtype", "values"}:
        raise ModelFileError(f"{where}: 'classes' must hold 'dtype' and 'values'")
    values = doc["values"]
    try:
        dtype = np.dtype(doc["dtype"])
    except (TypeError, ValueError):
        raise ModelFileError(
            f"{where}: 'classes' has an unknown dtype {doc['dtype']!r:.40}"
        ) from None
    kind = LABEL_KINDS.get(dtype.kind)
    ok = isinstance(values, list) and kind is not None and len(values) >= 1
    if ok:  # JSON keeps bool, int, float and str apart (bool before int)
        ok = all(
            isinstance(v, kind) and (kind is bool or not isinstance(v, bool))
            for v in values
        ) and len(set(values)) == len(values)
    if not ok:
        raise ModelFileError(
            f"{where}: 'classes' should be distinct labels of dtype {dtype}, "
            f"got {values!r:.120}"
        )
    return np.array(values, dtype=dtype)


def state_of(est: Any) -> dict[str, object]:
    """What a fitted estimator's file holds besides the network (see module)."""
    doc: dict[str, object] = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "estimator": type(est).__name__,
        "chainrule": VERSION,
        "params": {k: encode_param(k, v) for k, v in est.get_params(False).items()},
        "n_features_in": int(est.n_features_in_),
        "fitted": {k: _fitted_value(getattr(est, k, None)) for k in FITTED},
    }
    if hasattr(est, "feature_names_in_"):
        doc["feature_names_in"] = [str(c) for c in est.feature_names_in_]
    return doc


def _fitted_value(value: object) -> object:
    if value is None:
        return None
    if isinstance(value, (list, tuple, np.ndarray)):
        return [float(v) for v in value]
    return _plain(value)


def save(est: Any, extra: Mapping[str, object], path: str | os.PathLike) -> None:
    """Write ``est.network_`` with ``{"sklearn": extra}`` (atomically)."""
    est.network_.save(path, metadata={"sklearn": dict(extra)})


def read(path: str | os.PathLike, name: str) -> tuple[Network, dict, str]:
    """The network and the checked ``"sklearn"`` entry of a file saved by
    an estimator of class ``name`` (``None``: any); with the file's name."""
    net, extra = load_with_metadata(path)
    where = repr(str(Path(path)))
    doc = extra.get("sklearn") if isinstance(extra, dict) else None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ModelFileError(
            f"{where}: not a saved chainrule.sklearn estimator (a network "
            "saved by Network.save or chainrule train: load it with "
            "chainrule.load)"
        )
    if doc.get("version") != FORMAT_VERSION:
        raise ModelFileError(
            f"{where}: estimator format version {doc.get('version')!r:.20}; this "
            f"chainrule reads version {FORMAT_VERSION}"
        )
    if name is not None and doc.get("estimator") != name:
        raise ModelFileError(
            f"{where}: holds a {doc.get('estimator')!r:.40}, not a {name}; load "
            "it with chainrule.sklearn.load(path)"
        )
    n_in = doc.get("n_features_in")
    if n_in != net.n_inputs:
        raise ModelFileError(
            f"{where}: n_features_in is {n_in!r:.20} but the network has "
            f"{net.n_inputs} inputs"
        )
    names = doc.get("feature_names_in")
    if names is not None and (
        not isinstance(names, list)
        or len(names) != n_in
        or not all(isinstance(c, str) for c in names)
    ):
        raise ModelFileError(
            f"{where}: feature_names_in should be {n_in} column names, got "
            f"{names!r:.80}"
        )
    _check_fitted(doc.get("fitted"), where)
    if not isinstance(doc.get("params"), dict):
        raise ModelFileError(f"{where}: 'params' must be a dict of parameters")
    return net, doc, where


def _check_fitted(fitted: object, where: str) -> None:
    if not isinstance(fitted, dict) or set(fitted) != set(FITTED):
        raise ModelFileError(f"{where}: 'fitted' must hold {sorted(FITTED)}")
    for k, kind in FITTED.items():
        v = fitted[k]
        number = isinstance(v, numbers.Real) and not isinstance(v, bool)
        ok = {
            "int": isinstance(v, int) and not isinstance(v, bool) and v >= 0,
            "float?": v is None or number,
            "floats": isinstance(v, list)
            and all(isinstance(x, float | int) for x in v),
            "floats?": v is None
            or (isinstance(v, list) and all(isinstance(x, float | int) for x in v)),
        }[kind]
        if not ok:
            raise ModelFileError(f"{where}: fitted {k} is not {kind}: {v!r:.60}")


def _subclasses(cls: type) -> dict[str, type]:
    found = {}
    for sub in cls.__subclasses__():
        found[sub.__name__] = sub
        found.update(_subclasses(sub))
    return found


class EstimatorFile:
    """``save`` and ``load`` of the estimators (a part of them, not a class
    to use alone: it reads ``get_params``, ``network_``, the fitted
    attributes, ``_check_params`` and ``_output_layer``)."""

    def save(self, path: str | os.PathLike) -> None:
        """Write the fitted estimator to ``path``: safetensors and JSON, no pickle.

        The network's parameters are the file's tensors; its metadata holds
        ``get_params()``, ``n_features_in_``, ``feature_names_in_`` (when
        set), the loss curve and the other fitted attributes, the labels
        (``classes_`` with their dtype) and the chainrule version
        (:mod:`chainrule.sklearn._saving` describes the format). The file is
        written atomically and never through a symbolic link; ``chainrule
        info`` reads it as any model file. The optimizer's state is not
        saved: ``partial_fit`` after :meth:`load` starts a new one.

        Raises
        ------
        NotFittedError
            The estimator is not fitted.
        InvalidTypeError
            A parameter with no JSON form (``random_state`` given as a
            ``RandomState`` is saved as ``None``).
        ConfigError, FileWriteError, ModelFileError
            ``path`` is a link, a folder, or cannot be written.
        """
        check_fitted(self)
        save(self, self._saved_state(), path)

    def _saved_state(self) -> dict:
        return state_of(self)

    @classmethod
    def load(cls, path: str | os.PathLike) -> Any:
        """The estimator saved at ``path`` by :meth:`save`, fitted.

        ``MLPClassifier.load`` accepts only a classifier's file (and so on);
        ``chainrule.sklearn.load`` accepts either. Every entry is checked
        against the network: the inputs, the hidden layers and activation of
        the parameters, the output layer of the task, the labels.

        Raises
        ------
        ModelFileError
            Naming the file and what does not fit.
        """
        kinds = {
            k: v
            for k, v in _subclasses(EstimatorFile).items()
            if v._restore_target is not EstimatorFile._restore_target
        }
        saved_as = cls.__name__ if cls.__name__ in kinds else None
        net, doc, where = read(path, saved_as)
        est_cls = kinds.get(str(doc.get("estimator")))
        if est_cls is None:
            raise ModelFileError(
                f"{where}: holds an estimator {doc.get('estimator')!r:.40}; "
                f"expected one of {sorted(kinds)}"
            )
        est = est_cls()
        est._restore(net, doc, where)
        return est

    def _restore(self, net: Network, doc: dict, where: str) -> None:
        """Become the estimator of a file's network and ``"sklearn"`` entry."""
        try:
            params = {k: decode_param(v) for k, v in doc["params"].items()}
            self.set_params(**params)  # type: ignore[attr-defined]
            hidden, act = self._check_params()  # type: ignore[attr-defined]
        except (ChainruleError, ValueError, TypeError) as exc:
            raise ModelFileError(f"{where}: params: {exc}") from None
        if net.sizes[1:-1] != hidden or set(net.activations[:-1]) - {act}:
            raise ModelFileError(
                f"{where}: the network's hidden layers {net.sizes[1:-1]} "
                f"({net.activations[0]}) are not hidden_layer_sizes "
                f"{list(hidden)} ({act})"
            )
        self.network_ = net
        self.n_features_in_ = net.n_inputs
        if doc.get("feature_names_in") is not None:
            self.feature_names_in_ = np.asarray(doc["feature_names_in"], dtype=object)
        for k, v in doc["fitted"].items():
            setattr(self, k, v)
        self._optimizer_state = None
        self._restore_target(doc, where)

    def _restore_target(self, doc: dict, where: str) -> None:
        """Check the output layer against the task; set the labels (classifier)."""
        raise NotImplementedError

    def _check_output(self, where: str, n_outputs: int | None = None) -> None:
        """The network's output layer is the one the task needs."""
        out, loss = self._output_layer()  # type: ignore[attr-defined]
        net = self.network_
        if (
            net.activations[-1] != out
            or net.loss != loss
            or (n_outputs is not None and net.n_outputs != n_outputs)
        ):
            want = f"{n_outputs or ''} {out} + {loss}".strip()
            raise ModelFileError(
                f"{where}: the output layer is {net.n_outputs} "
                f"{net.activations[-1]} + {net.loss}; {type(self).__name__} "
                f"needs {want}"
            )
