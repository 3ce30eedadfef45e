"""The compiled kernels' state: absent, cold, loading, ready; and what they cost.

The kernels of :mod:`chainrule.accel.kernels` need the optional extra
``chainrule[fast]`` (numba). Making them ready costs time once per process:
importing numba and loading the kernels from numba's disk cache (about a
second), or compiling them when the cache is empty (15-30 s). Nothing here
runs on import: :func:`chainrule.accel.paths` asks for the kernels only for a
loop whose estimated saving repays that cost (:func:`cost_estimate`), and
:func:`prepare` makes them ready on demand. A compilation (not a load from
the cache) is announced once by a :class:`CompileNotice` warning with the time
it took.

Setting the environment variable ``CHAINRULE_COMPILED=0`` (or calling
:func:`use_compiled` with ``False``) keeps every call on NumPy.

Examples
--------
>>> from chainrule.accel import loader
>>> loader.ready() is None or loader.ready().__name__
True
"""

from __future__ import annotations

import glob
import importlib.util
import os
import threading
import time
import warnings
from types import ModuleType

#: Seconds to import numba and load the kernels from a warm disk cache
#: (measured 0.6-1.0 s on the 2-core machine, docs/performance.md).
LOAD_SECONDS = 1.0
#: Seconds to compile the kernels into an empty cache (measured 15-30 s).
COMPILE_SECONDS = 30.0


class CompileNotice(UserWarning):
    """Said once per process when the compiled kernels are compiled (not when
    they are loaded from numba's disk cache)."""


class _Kernels:
    """The one state of the compiled kernels in this process (they are a
    process-wide resource: numba compiles and loads them per process)."""

    def __init__(self) -> None:
        self.enabled = os.environ.get("CHAINRULE_COMPILED", "1") != "0"
        self.module: ModuleType | None = None
        self.failed = False
        self.notice: str | None = None  # a compilation to announce
        self.thread: threading.Thread | None = None
        self.lock = threading.Lock()


_KERNELS = _Kernels()


def available() -> bool:
    """Whether numba is installed and the compiled path is allowed."""
    return (
        _KERNELS.enabled
        and not _KERNELS.failed
        and importlib.util.find_spec("numba") is not None
    )


def use_compiled(enabled: bool) -> bool:
    """Allow (``True``) or forbid the compiled path; returns the previous setting."""
    previous, _KERNELS.enabled = _KERNELS.enabled, bool(enabled)
    return previous


def ready() -> ModuleType | None:
    """:mod:`chainrule.accel.compiled` when loaded and allowed, else ``None``
    (never loads anything; a pending compile notice is said here, in the
    caller's thread)."""
    if not _KERNELS.enabled or _KERNELS.module is None:
        return None
    if _KERNELS.notice is not None:
        message, _KERNELS.notice = _KERNELS.notice, None
        warnings.warn(message, CompileNotice, stacklevel=3)
    return _KERNELS.module


def prepare() -> ModuleType | None:
    """Make the kernels ready now (import, load or compile); returns them, or
    ``None`` without numba or when the compiled path is forbidden.

    Examples
    --------
    A benchmark or a long interactive session calls it once, so that the
    first loop does not wait::

        import chainrule as cr
        cr.accel.prepare()
    """
    if not available():
        return None
    _load()
    return ready()


def prepare_in_background() -> None:
    """Start making the kernels ready in a daemon thread (at most once); the
    caller goes on with NumPy and sees them through :func:`ready` when done."""
    with _KERNELS.lock:
        if _KERNELS.module is not None or _KERNELS.thread is not None:
            return
        if not available():
            return
        _KERNELS.thread = threading.Thread(
            target=_load, name="chainrule-compile", daemon=True
        )
        _KERNELS.thread.start()


def wait() -> None:
    """Wait for a background preparation to end (if one was started)."""
    thread = _KERNELS.thread
    if thread is not None:
        thread.join()


def loading() -> bool:
    """Whether a background preparation is running."""
    thread = _KERNELS.thread
    return thread is not None and thread.is_alive()


def forget() -> None:
    """Drop the loaded kernels from this state (tests: the next call plans as
    in a fresh process; numba's own cache stays)."""
    with _KERNELS.lock:
        if _KERNELS.thread is not None:
            _KERNELS.thread.join()
        _KERNELS.module, _KERNELS.thread, _KERNELS.notice = None, None, None


def _load() -> None:
    with _KERNELS.lock:
        if _KERNELS.module is not None:
            return
        start = time.perf_counter()
        try:
            from chainrule.accel import compiled as kernels

            before = kernels.cache_misses()
            kernels.warm_up()
        except ImportError:  # numba missing or broken: NumPy from now on
            _KERNELS.failed = True
            return
        took = time.perf_counter() - start
        if kernels.cache_misses() > before:
            _KERNELS.notice = (
                f"chainrule: compiled the fast kernels in {took:.1f} s (numba, "
                f"once); they are cached on disk in {kernels.cache_dir()}"
            )
        _KERNELS.module = kernels


def cache_present() -> bool:
    """Whether numba's disk cache seems to hold the kernels (no import: the
    cache's index files are looked for where numba writes them)."""
    here = os.path.dirname(os.path.abspath(__file__))
    patterns = [os.path.join(here, "__pycache__", "kernels.step-*.nbi")]
    user = os.environ.get("NUMBA_CACHE_DIR")
    if user:
        patterns.append(os.path.join(user, "**", "kernels.step-*.nbi"))
    return any(glob.glob(p, recursive=True) for p in patterns)


def cost_estimate() -> float:
    """Seconds until the kernels are ready: 0 when they are, else a load from
    the disk cache or a compilation (``inf`` when they cannot be had)."""
    if _KERNELS.module is not None and _KERNELS.enabled:
        return 0.0
    if not available():
        return float("inf")
    return LOAD_SECONDS if cache_present() else COMPILE_SECONDS
