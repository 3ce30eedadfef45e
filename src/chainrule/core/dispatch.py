"""Which path runs a small network's step: compiled (numba) or NumPy.

The compiled kernels of :mod:`chainrule.core.compiled` need the optional extra
``chainrule[fast]`` (numba). They are imported on first use, compiled once and
cached on disk by numba (``cache=True``). A compilation (the first use on a
machine, or after an upgrade) is announced once, by a :class:`CompileNotice`
warning with the time it took; later processes load the cache silently.

The rule: a float64 network whose activations and cost the kernels cover
(everything but ``tanh``, ``softmax`` and ``cce``), and whose step is small,
``m · n_params ≤ SMALL_WORK`` for ``m`` examples; above it the two paths
spend their time in the same BLAS products (see ``docs/performance.md``).
Setting the environment variable ``CHAINRULE_COMPILED=0`` (or calling
:func:`use_compiled` with ``False``) keeps every network on NumPy.

Examples
--------
>>> from chainrule.core import dispatch
>>> dispatch.covers(["sigmoid", "sigmoid"], "sse", "float64")
True
>>> dispatch.covers(["tanh", "identity"], "mse", "float64")
False
"""

from __future__ import annotations

import os
import time
import warnings
from types import ModuleType

import numpy as np

from chainrule.core import activations as _acts

#: Largest ``m · n_params`` (examples × parameters) run by the compiled step.
#: Measured on the 2-core machine (docs/performance.md): the compiled step took
#: 0.12-0.26 of NumPy's time up to 3,000, 0.4-0.7 up to 600,000, and 0.83 at
#: 3-5 million, where the products dominate and both paths call BLAS for them;
#: the rule keeps a margin below that.
SMALL_WORK = 1_000_000

_COVERED_ACTS = frozenset({"identity", "sigmoid", "relu", "leaky_relu"})
# The registry is the source of f and f': an entry replaced at run time (a
# user's own sigmoid) is not what the kernels compute, so it runs on NumPy.
# (Network.step makes its choice once per batch size: a replacement is seen
# by the next fit, or by step after use_compiled() or a new batch size.)
_STOCK = {name: _acts.ACTIVATIONS[name] for name in _COVERED_ACTS}
_COVERED_LOSSES = frozenset({"sse", "mse", "bce"})
_state: dict[str, object] = {"module": None, "tried": False}
_enabled = [os.environ.get("CHAINRULE_COMPILED", "1") != "0"]
_version = [0]


class CompileNotice(UserWarning):
    """Said once per process when the compiled kernels are first compiled."""


def use_compiled(enabled: bool) -> bool:
    """Allow (``True``) or forbid the compiled path; returns the previous setting."""
    previous = _enabled[0]
    _enabled[0] = bool(enabled)
    _version[0] += 1
    return previous


def version() -> int:
    """A number that changes with every :func:`use_compiled` call: a choice of
    path made under another number is to be made again."""
    return _version[0]


def kernels() -> ModuleType | None:
    """:mod:`chainrule.core.compiled`, or ``None`` without numba or when disabled."""
    if not _enabled[0]:
        return None
    if not _state["tried"]:
        _state["tried"] = True
        try:
            from chainrule.core import compiled
        except ImportError:  # numba is the optional extra chainrule[fast]
            compiled = None
        if compiled is not None:
            _compile_once(compiled)
        _state["module"] = compiled
    return _state["module"]  # type: ignore[return-value]


def covers(activations, loss: str, dtype) -> bool:
    """Whether the kernels implement this configuration (any depth)."""
    return (
        np.dtype(dtype) == np.float64
        and loss in _COVERED_LOSSES
        and all(_STOCK.get(a) is _acts.ACTIVATIONS[a] for a in activations)
    )


def compiled_for(activations, loss: str, dtype, m: int, n_params: int):
    """The kernels module when this step should run compiled, else ``None``."""
    if m * n_params > SMALL_WORK or not covers(activations, loss, dtype):
        return None
    return kernels()


def _compile_once(compiled: ModuleType) -> None:
    """Compile (or load from numba's disk cache) every kernel; say so if compiled."""
    start = time.perf_counter()
    compiled.warm_up()
    took = time.perf_counter() - start
    if compiled.cache_misses():
        warnings.warn(
            f"chainrule: compiled the fast kernels in {took:.1f} s (numba, once); "
            f"they are cached on disk in {compiled.cache_dir()}",
            CompileNotice,
            stacklevel=4,
        )
