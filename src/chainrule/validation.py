"""Checks of user input, made before any work is done.

Every error names the argument, what was expected and what was found. A
check either returns a clean value or raises; it never changes its input.

Examples
--------
>>> from chainrule.validation import check_positive
>>> check_positive("learning_rate", 0.5)
0.5
>>> check_positive("learning_rate", -1)
Traceback (most recent call last):
    ...
chainrule.errors.InvalidValueError: learning_rate: expected a number > 0, got -1
>>> check_positive("epochs", True, integer=True)
Traceback (most recent call last):
    ...
chainrule.errors.InvalidTypeError: epochs: expected an integer > 0, got True (bool)
"""

from __future__ import annotations

import importlib.util
import math
import numbers
from collections.abc import Iterable, Mapping

import numpy as np

from chainrule.errors import (
    ConfigError,
    InvalidTypeError,
    InvalidValueError,
    ShapeError,
    UnknownNameError,
)

Array = np.ndarray
DTYPES = ("float64", "float32")
_KIND = {
    "b": "booleans",
    "c": "complex numbers",
    "O": "Python objects",
    "U": "strings",
    "S": "bytes",
}


def _where(a: Array, idx: tuple) -> str:
    if a.ndim == 2:
        return f"row {idx[0]}, column {idx[1]}"
    return f"index {idx[0]}" if a.ndim == 1 else "the value"


def _first_bad(a: Array) -> str:
    idx = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0])
    return f"{_where(a, idx)} ({float(a[idx])})"


def _first(a: Array) -> object:
    x = a.reshape(-1)[0]
    return x.item() if isinstance(x, np.generic) else x


def _describe(value: object) -> str:
    text = repr(value)
    text = text if len(text) <= 60 else text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def as_array(
    name: str,
    value: object,
    dtype: np.dtype | str,
    ndims: tuple = (1, 2),
    *,
    copy: bool = True,
) -> Array:
    """``value`` as a non-empty, finite array of ``dtype``.

    Parameters
    ----------
    name : str
        The argument's name, used in messages.
    value : array_like of real numbers
    dtype : dtype or str
    ndims : tuple of int
        The accepted numbers of dimensions.
    copy : bool
        Always return a new array. With ``False``, an array that already has
        ``dtype`` is returned as it is (data is read, never written, so a
        large ``X`` is not copied).

    Raises
    ------
    InvalidTypeError
        Strings, booleans, complex numbers, objects (``None``, dicts, ...).
    ShapeError
        Ragged rows, a wrong number of dimensions, no values.
    InvalidValueError
        NaN or infinity (the first one is named), or a value too large for
        ``dtype``.
    """
    if isinstance(value, (str, bytes)):
        raise InvalidTypeError(
            f"{name}: expected an array of numbers, got {_describe(value)}"
        )
    try:
        a = np.asarray(value)
    except ValueError as exc:
        raise ShapeError(
            f"{name}: expected a rectangular array (every row the same length), "
            f"got ragged input ({exc})"
        ) from None
    except Exception as exc:  # an array_like that fails to convert
        raise InvalidTypeError(
            f"{name}: expected an array of numbers, got {_describe(value)} ({exc})"
        ) from None
    if a.dtype.kind not in "iuf":
        what = _KIND.get(a.dtype.kind, f"values of dtype {a.dtype}")
        raise InvalidTypeError(
            f"{name}: expected an array of real numbers, got {what} "
            f"(dtype {a.dtype}, e.g. {_describe(_first(a) if a.size else value)})"
        )
    if a.ndim not in ndims:
        dims = " or ".join(f"{d}-D" for d in ndims)
        raise ShapeError(f"{name}: expected a {dims} array, got shape {a.shape}")
    if a.size == 0:
        raise ShapeError(f"{name}: expected at least one value, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise InvalidValueError(f"{name}: contains NaN or infinity at {_first_bad(a)}")
    if a.dtype == np.dtype(dtype):
        return a.copy() if copy else a
    with np.errstate(over="ignore"):
        out = np.array(a, dtype=dtype)
    if not np.all(np.isfinite(out)):
        idx = tuple(int(i) for i in np.argwhere(~np.isfinite(out))[0])
        raise InvalidValueError(
            f"{name}: the value {float(a[idx])!r} at {_where(a, idx)} is too large for "
            f"{np.dtype(dtype).name}"
        )
    return out


def as_matrix(name: str, value: object, dtype: np.dtype) -> Array:
    """``value`` as a finite array of ``dtype`` with one or two dimensions."""
    return as_array(name, value, dtype, (1, 2), copy=False)


def check_X(X: object, n_inputs: int, dtype: np.dtype) -> Array:
    """``X`` as (n, n_inputs); a 1-D ``X`` of length ``n_inputs`` is one example."""
    a = as_matrix("X", X, dtype)
    if a.ndim == 1:
        if a.shape[0] != n_inputs:
            raise ShapeError(
                f"X: a 1-D X is one example and needs {n_inputs} values, "
                f"got shape {a.shape}"
            )
        a = a.reshape(1, -1)
    if a.shape[1] != n_inputs:
        raise ShapeError(
            f"X: expected shape (n_examples, {n_inputs}) for a network with "
            f"{n_inputs} inputs, got {a.shape}"
        )
    return a


def check_y(y: object, n_examples: int, n_outputs: int, dtype: np.dtype) -> Array:
    """``y`` as (n_examples, n_outputs); 1-D is accepted for one output or one row."""
    a = as_matrix("y", y, dtype)
    if a.ndim == 1:
        if n_outputs == 1 and a.shape[0] == n_examples:
            a = a.reshape(-1, 1)
        elif n_examples == 1 and a.shape[0] == n_outputs:
            a = a.reshape(1, -1)
        else:
            raise ShapeError(
                f"y: expected shape ({n_examples}, {n_outputs}) (one row per row "
                f"of X, one column per output), got {a.shape}"
            )
    if a.shape != (n_examples, n_outputs):
        raise ShapeError(
            f"y: expected shape ({n_examples}, {n_outputs}) (one row per row of X,"
            f" one column per output), got {a.shape}"
        )
    return a


def check_targets_for_loss(y: Array, loss: str) -> None:
    """Targets that fit the cost.

    ``bce`` needs every target in [0, 1]. ``cce`` needs every row of ``y`` to
    be a probability distribution: non-negative, summing to 1 within
    ``sqrt(eps)`` of the dtype (one-hot rows, or smoothed labels).
    """
    if loss == "bce" and (np.any(y < 0) or np.any(y > 1)):
        bad = tuple(int(i) for i in np.argwhere((y < 0) | (y > 1))[0])
        raise InvalidValueError(
            f"y: loss='bce' needs targets in [0, 1], got {float(y[bad])} at "
            f"{_where(y, bad)}"
        )
    if loss == "cce":
        if np.any(y < 0):
            bad = tuple(int(i) for i in np.argwhere(y < 0)[0])
            raise InvalidValueError(
                f"y: loss='cce' needs non-negative targets (one-hot rows), got "
                f"{float(y[bad])} at {_where(y, bad)}"
            )
        sums = y.sum(axis=1)
        off = np.abs(sums - 1) > np.sqrt(np.finfo(y.dtype).eps)
        if np.any(off):
            row = int(np.argmax(off))
            raise InvalidValueError(
                f"y: loss='cce' needs rows that sum to 1 (one-hot or probabilities),"
                f" got a sum of {float(sums[row])!r} at row {row}"
            )


def _number(name: str, value: object, integer: bool, bound: str) -> None:
    kind = numbers.Integral if integer else numbers.Real
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, kind):
        what = "an integer" if integer else "a number"
        raise InvalidTypeError(
            f"{name}: expected {what} {bound}, got {_describe(value)}"
        )


def _finite(value: numbers.Real) -> bool:
    try:
        return math.isfinite(float(value))
    except OverflowError:  # an int or a Fraction too large for a float
        return False


def check_positive(name: str, value: object, *, integer: bool = False) -> float | int:
    """A strictly positive, finite number (an integer when ``integer``)."""
    _number(name, value, integer, "> 0")
    if not _finite(value):
        raise InvalidValueError(
            f"{name}: expected a finite number > 0, got {value!r:.60}"
        )
    if value <= 0:
        what = "an integer" if integer else "a number"
        raise InvalidValueError(f"{name}: expected {what} > 0, got {value!r}")
    return int(value) if integer else float(value)


def check_non_negative(name: str, value: object) -> float:
    """A finite number >= 0."""
    _number(name, value, False, ">= 0")
    if not _finite(value) or value < 0:
        raise InvalidValueError(
            f"{name}: expected a finite number >= 0, got {value!r:.60}"
        )
    return float(value)


def check_bool(name: str, value: object) -> bool:
    """``True`` or ``False`` (NumPy booleans included), nothing else."""
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidTypeError(
            f"{name}: expected True or False, got {_describe(value)}"
        )
    return bool(value)


def check_validation_data(value: object) -> None:
    """``None`` or a pair ``(X_val, y_val)``; the arrays are checked later."""
    if value is not None and (not isinstance(value, (tuple, list)) or len(value) != 2):
        raise InvalidTypeError(
            f"validation_data: expected None or a pair (X_val, y_val), got "
            f"{_describe(value)}"
        )


def check_callbacks(callbacks: object) -> list:
    """A sequence of callables (``callback(epoch, history, net)``)."""
    if callable(callbacks) or not hasattr(callbacks, "__iter__"):
        raise InvalidTypeError(
            f"callbacks: expected a list of callables, got {_describe(callbacks)}"
        )
    out = list(callbacks)
    for i, cb in enumerate(out):
        if not callable(cb):
            raise InvalidTypeError(
                f"callbacks[{i}]: expected a callable, got {_describe(cb)}"
            )
    return out


def check_sizes(sizes: object) -> list[int]:
    """Units per layer: a sequence of at least two integers >= 1."""
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise InvalidTypeError(
            f"sizes: expected a list of integers (inputs, ..., outputs), got "
            f"{_describe(sizes)}"
        )
    sizes = list(sizes)
    for i, s in enumerate(sizes):
        if isinstance(s, (bool, np.bool_)) or not isinstance(s, numbers.Integral):
            raise InvalidTypeError(
                f"sizes[{i}]: expected an integer >= 1, got {_describe(s)}"
            )
    if len(sizes) < 2 or min(sizes) < 1:
        raise ConfigError(
            "sizes: expected a list of at least two positive integers (inputs, "
            f"..., outputs), got {sizes!r}"
        )
    return [int(s) for s in sizes]


def check_bias(bias: object, n_layers: int) -> list[bool]:
    """One bool for every layer, or a list of ``n_layers`` bools."""
    if isinstance(bias, (bool, np.bool_)):
        return [bool(bias)] * n_layers
    if isinstance(bias, (str, bytes)) or not hasattr(bias, "__len__"):
        raise InvalidTypeError(
            f"bias: expected True, False or a list of {n_layers} bools, got "
            f"{_describe(bias)}"
        )
    out = [check_bool(f"bias[{i}]", b) for i, b in enumerate(bias)]
    if len(out) != n_layers:
        raise ConfigError(
            f"bias: expected one bool or a list of {n_layers} bools (one per "
            f"weight layer), got {len(out)}"
        )
    return out


def check_seed(seed: object) -> int | None:
    """``None`` or an integer >= 0 (a seed of ``numpy.random.default_rng``)."""
    if seed is None:
        return None
    if isinstance(seed, (bool, np.bool_)) or not isinstance(seed, numbers.Integral):
        raise InvalidTypeError(
            f"seed: expected None or an integer >= 0, got {_describe(seed)}"
        )
    if seed < 0:
        raise InvalidValueError(f"seed: expected an integer >= 0, got {seed!r}")
    return int(seed)


def check_dtype(dtype: object) -> np.dtype:
    """``"float64"`` or ``"float32"`` (or the NumPy types of those names)."""
    try:
        name = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
    except TypeError:
        name = None
    if dtype is None or name not in DTYPES:
        raise UnknownNameError(
            f"dtype: unknown name {dtype!r}; expected one of {list(DTYPES)}"
        )
    return np.dtype(name)


def resolve_name(
    argument: str, name: object, names: Iterable[str], aliases: Mapping[str, str]
) -> str:
    """The registry key for ``name`` (case-insensitive, aliases resolved).

    Raises
    ------
    UnknownNameError
        ``name`` is not a string or not a known name; the message lists every
        accepted name, aliases included.
    """
    valid = sorted([*names, *aliases])
    if not isinstance(name, str):
        raise UnknownNameError(
            f"{argument}: expected one of {valid}, got {name!r} ({type(name).__name__})"
        )
    key = aliases.get(name.lower(), name.lower())
    if key not in names:
        raise UnknownNameError(
            f"{argument}: unknown name {name!r}; expected one of {valid}"
        )
    return key


#: The devices a network computes on; "cuda" needs the extra chainrule[cuda].
DEVICES = ("cpu", "cuda")


def check_device(device: object) -> str:
    """``"cpu"``; ``"cuda"`` is refused with the reason (no CuPy, or not built).

    Examples
    --------
    >>> check_device("cpu")
    'cpu'
    """
    if not isinstance(device, str) or device not in DEVICES:
        raise ConfigError(
            f"device: expected one of {list(DEVICES)}, got {device!r:.40}"
        )
    if device == "cuda":
        if importlib.util.find_spec("cupy") is None:
            raise ConfigError(
                "device='cuda': needs CuPy; pip install 'chainrule[cuda]'"
            )
        raise ConfigError("device='cuda': not available in this version; use 'cpu'")
    return device


#: What ``explain`` writes out in full: every matrix of a pass, so its size
#: grows with weights x rows. Beyond these, explain a slice of the data or a
#: smaller network (raise them in Python: ``chainrule.validation.MAX_...``).
MAX_EXPLAIN_WEIGHTS = 10_000
MAX_EXPLAIN_ROWS = 1_000
MAX_EXPLAIN_UNITS = 200


def check_explain_size(sizes: list[int], n_rows: int) -> None:
    """Refuse a derivation too large to read (or to render) before any work.

    Parameters
    ----------
    sizes : list of int
        Layer sizes, input first.
    n_rows : int
        Rows of data.

    Raises
    ------
    ConfigError
        Naming the limit and how to explain a smaller problem.

    Examples
    --------
    >>> check_explain_size([2, 3, 1], 3)
    >>> check_explain_size([300, 300, 300, 10], 20)
    Traceback (most recent call last):
        ...
    chainrule.errors.ConfigError: explain: the network [300, 300, 300, 10] has ...
    """
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    shown = f"{sizes[:8]}" if len(sizes) <= 8 else f"{sizes[:8]}..."
    if weights > MAX_EXPLAIN_WEIGHTS or max(sizes) > MAX_EXPLAIN_UNITS:
        raise ConfigError(
            f"explain: the network {shown} has {weights} weights and up to "
            f"{max(sizes)} units in a layer; a derivation written out in full "
            f"takes at most {MAX_EXPLAIN_WEIGHTS} weights and {MAX_EXPLAIN_UNITS} "
            "units a layer: explain a smaller network"
        )
    if n_rows * max(sizes) > MAX_EXPLAIN_ROWS * 10 or n_rows > MAX_EXPLAIN_ROWS:
        raise ConfigError(
            f"explain: {n_rows} rows of data for a network {shown}: a derivation "
            f"written out in full takes at most {MAX_EXPLAIN_ROWS} rows and "
            f"{MAX_EXPLAIN_ROWS * 10} rows x units; explain a slice of the data "
            "(for example X[:10], y[:10])"
        )


#: The most epochs a run may ask for; beyond it a typo is more likely than a
#: plan (10**7 epochs of one row take hours).
MAX_EPOCHS = 10**7


def check_epochs(name: str, value: object) -> int:
    """A count of epochs: an integer in [1, :data:`MAX_EPOCHS`]."""
    n = check_positive(name, value, integer=True)
    if n > MAX_EPOCHS:
        raise InvalidValueError(
            f"{name}: expected at most {MAX_EPOCHS} epochs, got {value!r:.40}"
        )
    return int(n)


def check_momentum(value: object) -> float:
    """Momentum μ in [0, 1): μ >= 1 makes the velocity grow without bound."""
    mu = check_non_negative("momentum", value)
    if mu >= 1:
        raise InvalidValueError(f"momentum: expected 0 <= value < 1, got {value!r}")
    return mu


def checked_schedule(schedule):
    """A callable schedule whose every value is checked: a finite number > 0."""

    def checked(epoch: int) -> float:
        value = schedule(epoch)
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise InvalidTypeError(
                f"schedule: returned {value!r:.40} ({type(value).__name__}) for "
                f"epoch {epoch}; expected a learning rate, a number > 0"
            )
        if not (_finite(value) and value > 0):
            raise InvalidValueError(
                f"schedule: returned {value!r:.40} for epoch {epoch}; expected a "
                "finite learning rate > 0"
            )
        return float(value)

    return checked


def check_output_units(activation: str, n_outputs: int) -> None:
    """A softmax output needs two units or more (one unit would always be 1)."""
    if activation == "softmax" and n_outputs < 2:
        raise ConfigError(
            f"output_activation: 'softmax' over {n_outputs} unit always gives 1; "
            "use 'sigmoid' (with loss 'bce') for a single output, or 2+ units"
        )
