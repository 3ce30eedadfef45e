"""A derivation evaluated: its expressions at a network's parameters and the data.

Computation, not formatting: :meth:`Derivation.evaluate` calls :func:`evaluate`.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from chainrule.errors import ConfigError, ShapeError


def evaluate(d, net, X, y) -> dict:
    """``d.expr`` at ``net``'s parameters and the data (see Derivation.evaluate)."""
    mine = d.network
    theirs = {
        "sizes": net.sizes,
        "activation": net.activations,
        "loss": net.loss,
        "bias": net.bias,
    }
    for k, v in theirs.items():
        if list(v) != list(mine[k]) if isinstance(v, list) else v != mine[k]:
            raise ConfigError(
                f"net: expected {k} = {mine[k]!r} as in the derivation, got {v!r}"
            )
    Xa, ya = net.check_data(X, y)
    if Xa.shape[0] != mine["examples"]:
        raise ShapeError(
            f"X: expected {mine['examples']} rows (the derivation's examples), "
            f"got {Xa.shape[0]}"
        )
    numbers = {"X": Xa, "y": ya, **net.params}
    if d.convention == "column":  # CS230's orientation: examples in columns
        numbers = {k: np.asarray(v).T for k, v in numbers.items()}
    subs = {}
    for k, m in d.symbols.items():
        subs.update(
            zip(m, np.asarray(numbers[k], dtype=np.float64).reshape(-1), strict=True)
        )
    symbols = list(subs)
    values = [subs[s] for s in symbols]
    out = {}
    for k, e in d.expr.items():
        fn = sp.lambdify(symbols, e, "numpy")
        v = fn(*values)
        out[k] = float(v) if k == "J" else np.array(v, dtype=np.float64)
    return out
