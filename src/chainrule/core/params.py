"""Parameters: names, shapes, initialisation and the flat vector.

The parameters of a network with ``L`` weight layers are a dict in layer
order, ``{"W1": (n0, n1), "b1": (1, n1), "W2": (n1, n2), ...}``; a layer
without bias has no ``b`` key. Gradients use the same keys.

Examples
--------
>>> from chainrule.core.params import param_shapes
>>> param_shapes([2, 3, 1], [True, True])
{'W1': (2, 3), 'b1': (1, 3), 'W2': (3, 1), 'b2': (1, 1)}
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np

from chainrule.errors import InvalidTypeError, ShapeError, UnknownNameError
from chainrule.validation import as_array

Array = np.ndarray
Params = dict[str, Array]

INITS = ("auto", "normal", "xavier", "he")


def param_shapes(sizes: Sequence[int], bias: Sequence[bool]) -> dict[str, tuple]:
    """The name and shape of every parameter, in layer order.

    Parameters
    ----------
    sizes : sequence of int, length L + 1
        Units per layer, input first.
    bias : sequence of bool, length L
        Whether each weight layer has a bias.

    Returns
    -------
    dict of str to tuple
    """
    shapes: dict[str, tuple] = {}
    for l in range(1, len(sizes)):
        shapes[f"W{l}"] = (int(sizes[l - 1]), int(sizes[l]))
        if bias[l - 1]:
            shapes[f"b{l}"] = (1, int(sizes[l]))
    return shapes


def default_init(activation: str) -> str:
    """``he`` for the ReLU family, ``xavier`` otherwise (Glorot & Bengio, 2010)."""
    return "he" if activation in ("relu", "leaky_relu") else "xavier"


def init_params(
    sizes: Sequence[int],
    bias: Sequence[bool],
    activations: Sequence[str],
    init: str = "auto",
    seed: int | np.random.Generator | None = 0,
    dtype: np.dtype | str = "float64",
) -> Params:
    """Draw initial parameters with ``numpy.random.default_rng(seed)``.

    Parameters
    ----------
    sizes : sequence of int, length L + 1
    bias : sequence of bool, length L
    activations : sequence of str, length L
        Used by ``init="auto"`` to pick a scheme per layer.
    init : {"auto", "normal", "xavier", "he"}
        ``normal`` draws N(0, 1) as the tutorial's ``np.random.randn``;
        ``xavier`` draws N(0, 2 / (n_in + n_out)) (Glorot & Bengio, 2010);
        ``he`` draws N(0, 2 / n_in) (He et al., 2015). Biases start at zero.
    seed : int, Generator or None
    dtype : str or dtype

    Returns
    -------
    dict of str to array
    """
    if not isinstance(init, str) or init not in INITS:
        raise UnknownNameError(f"init: unknown name {init!r}; expected one of {INITS}")
    rng = np.random.default_rng(seed)
    params: Params = {}
    for l in range(1, len(sizes)):
        n_in, n_out = int(sizes[l - 1]), int(sizes[l])
        scheme = default_init(activations[l - 1]) if init == "auto" else init
        if scheme == "normal":
            scale = 1.0
        elif scheme == "xavier":
            scale = np.sqrt(2.0 / (n_in + n_out))
        else:
            scale = np.sqrt(2.0 / n_in)
        params[f"W{l}"] = (rng.standard_normal((n_in, n_out)) * scale).astype(dtype)
        if bias[l - 1]:
            params[f"b{l}"] = np.zeros((1, n_out), dtype=dtype)
    return params


def check_params(
    params: Mapping[str, object], shapes: Mapping[str, tuple], dtype: np.dtype
) -> Params:
    """Validate names, shapes and values; return copies in ``dtype``.

    Raises
    ------
    InvalidTypeError
        ``params`` is not a mapping, or a value is not an array of real
        numbers.
    ShapeError
        A name is missing or unexpected, or an array has the wrong shape.
    InvalidValueError
        A value is NaN or infinite (the first one is named).
    """
    if not isinstance(params, Mapping):
        raise InvalidTypeError(
            f"params: expected a dict of arrays with the names {list(shapes)}, got "
            f"{type(params).__name__}"
        )
    missing = [k for k in shapes if k not in params]
    extra = [k for k in params if k not in shapes]
    if missing or extra:
        raise ShapeError(
            f"params: expected the names {list(shapes)}; missing {missing}, "
            f"unexpected {extra}"
        )
    out: Params = {}
    for name, shape in shapes.items():
        value = as_array(f"params[{name!r}]", params[name], dtype, (0, 1, 2))
        if value.shape != shape:
            raise ShapeError(
                f"params[{name!r}]: expected shape {shape}, got {value.shape}"
            )
        out[name] = value
    return out


def n_params(shapes: Mapping[str, tuple]) -> int:
    """Total number of scalars."""
    return int(sum(np.prod(s) for s in shapes.values()))


def flatten(params: Mapping[str, Array], shapes: Mapping[str, tuple]) -> Array:
    """One flat vector: W1, then b1, then W2, ... each row-major. Shape (P,)."""
    return np.concatenate([np.ravel(params[k]) for k in shapes])


def flat_views(theta: Array, shapes: Mapping[str, tuple]) -> Params:
    """Views of the flat vector ``theta``, one per parameter, in ``shapes`` order.

    Writing into a view writes into ``theta`` and back: the training loops
    keep the parameters in one vector and hand these views to the passes.

    Parameters
    ----------
    theta : (P,) array
        Contiguous, ``P = n_params(shapes)``.
    shapes : dict of str to tuple

    Returns
    -------
    dict of str to array
        ``views[name].shape == shapes[name]``; no copy is made.

    Examples
    --------
    >>> import numpy as np
    >>> theta = np.arange(5.0)
    >>> views = flat_views(theta, {"W1": (2, 2), "b1": (1, 1)})
    >>> views["W1"][1, 0] = -1.0
    >>> theta.tolist(), views["b1"].tolist()
    ([0.0, 1.0, -1.0, 3.0, 4.0], [[4.0]])
    """
    views, start = {}, 0
    for name, shape in shapes.items():
        stop = start + math.prod(shape)
        views[name] = theta[start:stop].reshape(shape)
        start = stop
    return views


def check_flat(vector: object, shapes: Mapping[str, tuple], dtype: np.dtype) -> Array:
    """A user's flat vector: 1-D, finite reals, one value per parameter.

    Raises
    ------
    InvalidTypeError, ShapeError, InvalidValueError
        As :func:`chainrule.validation.as_array`, or a length that is not
        ``n_params(shapes)``.
    """
    expected = n_params(shapes)
    v = as_array("vector", vector, dtype, (1,))
    if v.shape[0] != expected:
        raise ShapeError(
            f"vector: expected a flat vector of shape ({expected},) (one value per "
            f"parameter), got {v.shape}"
        )
    return v


def unflatten(vector: Array, shapes: Mapping[str, tuple], dtype: np.dtype) -> Params:
    """Inverse of :func:`flatten`; checks the length first.

    Raises
    ------
    ShapeError
        If ``vector`` is not one-dimensional of length ``n_params(shapes)``.

    Notes
    -----
    Values are not checked here (optimizers call this in their inner loop);
    :meth:`Network.set_flat` checks them with :func:`check_flat`.
    """
    v = np.asarray(vector)
    expected = n_params(shapes)
    if v.ndim != 1 or v.shape[0] != expected:
        raise ShapeError(f"vector: expected shape ({expected},), got {v.shape}")
    out: Params = {}
    start = 0
    for name, shape in shapes.items():
        size = int(np.prod(shape))
        out[name] = v[start : start + size].reshape(shape).astype(dtype, copy=True)
        start += size
    return out
