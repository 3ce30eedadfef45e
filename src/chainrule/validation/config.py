"""Checks of a network's configuration and of ``fit``'s structured options.

Layer sizes, biases, the dtype, the device, registry names (activations,
costs, with their aliases), the output units a softmax needs, validation data
and callbacks: each check returns the clean value or raises an error that
names the argument, what was expected and what was found.

Examples
--------
>>> from chainrule.validation.config import check_sizes
>>> check_sizes((2, 3, 1))
[2, 3, 1]
>>> check_sizes([2])
Traceback (most recent call last):
    ...
chainrule.errors.ConfigError: sizes: expected a list of at least two positive ...
"""

from __future__ import annotations

import importlib.util
import numbers
import os
from collections.abc import Iterable, Mapping

import numpy as np

from chainrule.errors import ConfigError, InvalidTypeError, UnknownNameError
from chainrule.validation.scalars import check_bool, describe

DTYPES = ("float64", "float32")


def check_validation_data(value: object) -> None:
    """``None`` or a pair ``(X_val, y_val)``; the arrays are checked later."""
    if value is not None and (not isinstance(value, (tuple, list)) or len(value) != 2):
        raise InvalidTypeError(
            f"validation_data: expected None or a pair (X_val, y_val), got "
            f"{describe(value)}"
        )


def check_callbacks(callbacks: object) -> list:
    """A sequence of callables (``callback(epoch, history, net)``)."""
    if callable(callbacks) or not hasattr(callbacks, "__iter__"):
        raise InvalidTypeError(
            f"callbacks: expected a list of callables, got {describe(callbacks)}"
        )
    out = list(callbacks)
    for i, cb in enumerate(out):
        if not callable(cb):
            raise InvalidTypeError(
                f"callbacks[{i}]: expected a callable, got {describe(cb)}"
            )
    return out


def check_sizes(sizes: object) -> list[int]:
    """Units per layer: a sequence of at least two integers >= 1."""
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise InvalidTypeError(
            f"sizes: expected a list of integers (inputs, ..., outputs), got "
            f"{describe(sizes)}"
        )
    sizes = list(sizes)
    for i, s in enumerate(sizes):
        if isinstance(s, (bool, np.bool_)) or not isinstance(s, numbers.Integral):
            raise InvalidTypeError(
                f"sizes[{i}]: expected an integer >= 1, got {describe(s)}"
            )
    if len(sizes) < 2 or min(sizes) < 1:
        raise ConfigError(
            "sizes: expected a list of at least two positive integers (inputs, "
            f"..., outputs), got {sizes!r}"
        )
    sizes = [int(s) for s in sizes]
    check_memory(sizes)
    return sizes


def memory_total() -> int | None:
    """Bytes of memory of this machine (``None`` where it cannot be read)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def check_memory(sizes: list[int], itemsize: int = 8, copies: int = 1) -> None:
    """Refuse, before allocating, a network whose parameters (weights and
    biases, ``itemsize`` bytes each, ``copies`` times) would not fit in this
    machine's memory.

    Building a network needs one copy; training several (parameters,
    gradient, optimizer state, the best epoch's parameters).

    Raises
    ------
    ConfigError
        Naming ``sizes``, the parameters, the bytes and the memory.
    """
    n_params = sum((a + 1) * b for a, b in zip(sizes, sizes[1:], strict=False))
    need = n_params * itemsize * copies
    total = memory_total()
    if total is not None and need > total:
        times = f" times {copies}" if copies > 1 else ""
        raise ConfigError(
            f"sizes: {sizes!r:.80} has {n_params:,} parameters, "
            f"{need / 2**30:,.1f} GiB at {itemsize} bytes each{times}; this "
            f"machine has {total / 2**30:,.1f} GiB of memory: expected a smaller "
            "network"
        )


def check_bias(bias: object, n_layers: int) -> list[bool]:
    """One bool for every layer, or a list of ``n_layers`` bools."""
    if isinstance(bias, (bool, np.bool_)):
        return [bool(bias)] * n_layers
    if isinstance(bias, (str, bytes)) or not hasattr(bias, "__len__"):
        raise InvalidTypeError(
            f"bias: expected True, False or a list of {n_layers} bools, got "
            f"{describe(bias)}"
        )
    out = [check_bool(f"bias[{i}]", b) for i, b in enumerate(bias)]
    if len(out) != n_layers:
        raise ConfigError(
            f"bias: expected one bool or a list of {n_layers} bools (one per "
            f"weight layer), got {len(out)}"
        )
    return out


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


def check_output_units(activation: str, n_outputs: int) -> None:
    """A softmax output needs two units or more (one unit would always be 1)."""
    if activation == "softmax" and n_outputs < 2:
        raise ConfigError(
            f"output_activation: 'softmax' over {n_outputs} unit always gives 1; "
            "use 'sigmoid' (with loss 'bce') for a single output, or 2+ units"
        )
