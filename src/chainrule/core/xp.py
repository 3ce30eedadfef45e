"""The array namespace of a pass: NumPy, or another array library's.

The passes (:mod:`chainrule.core.forward`, :mod:`chainrule.core.backward`,
the registries' functions) write their array work against a namespace
``xp``: for NumPy arrays (and SciPy sparse inputs) it is NumPy itself, and
the passes use their reused buffers and in-place kernels; for another
library's arrays (PyTorch tensors, CuPy arrays, the standard's reference
``array_api_strict``) it is that library's array-API namespace, through
``array-api-compat``, and the same passes run without buffers. This is the
seam through which a GPU array library can run the engine; ``tests/
test_array_api.py`` runs it on ``array_api_strict`` arrays (and PyTorch CPU
tensors where installed) against NumPy.

Examples
--------
>>> import numpy as np
>>> from chainrule.core.xp import namespace
>>> namespace(np.ones(2), None) is np
True
"""

from __future__ import annotations

from types import ModuleType

import numpy as np

from chainrule.validation import is_sparse


def _numpy_like(a: object) -> bool:
    """NumPy arrays and scalars, Python numbers, ``None`` and SciPy sparse
    matrices (which enter the first product as they are)."""
    return (
        a is None
        or isinstance(a, np.ndarray | np.generic | int | float)
        or is_sparse(a)
    )


def namespace(*arrays: object) -> ModuleType:
    """The namespace of ``arrays``: ``numpy`` when every one is NumPy-like,
    else the array-API namespace of the others (``array-api-compat``).

    Raises
    ------
    TypeError
        Arrays of two libraries at once (array-api-compat's message).
    """
    for a in arrays:  # the common case, NumPy arrays, in a few hundred ns
        if type(a) is not np.ndarray and not _numpy_like(a):
            break
    else:
        return np
    others = [a for a in arrays if not _numpy_like(a)]
    from array_api_compat import array_namespace

    return array_namespace(*others)
