"""``Network``: the user's object, configuration plus parameters.

The mathematics lives in pure functions (:mod:`chainrule.core.forward`,
:mod:`chainrule.core.backward`, :mod:`chainrule.core.trace`); a ``Network`` only holds
the configuration, the parameters, and checks what it is given.

The class is written in three parts: its configuration and parameters here,
the data checks and the passes (``forward``, ``cost``, ``gradients``,
``trace``) in :mod:`chainrule.network.passes`, and the training and the file
(``step``, ``fit``, ``save``) in :mod:`chainrule.network.training`.

Layer: may import :mod:`chainrule.core`, :mod:`chainrule.train`,
:mod:`chainrule.persist`, :mod:`chainrule.data` and everything below them
(errors, validation); not the explainer, the estimators or the command line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from chainrule.core import activations as _acts
from chainrule.core import losses as _losses
from chainrule.core.params import (
    check_flat,
    check_params,
    flatten,
    init_params,
    n_params,
    param_shapes,
    unflatten,
)
from chainrule.errors import ConfigError, ShapeError
from chainrule.network.passes import NetworkPasses
from chainrule.network.training import NetworkTraining
from chainrule.validation import (
    check_bias,
    check_device,
    check_dtype,
    check_non_negative,
    check_output_units,
    check_seed,
    check_sizes,
)

Array = np.ndarray


def _read_only(a: Array) -> Array:
    view = a.view()
    view.flags.writeable = False
    return view


class Network(NetworkPasses, NetworkTraining):
    """A feed-forward network trained by backpropagation.

    Parameters
    ----------
    sizes : sequence of int
        Units per layer, input first: ``[2, 3, 1]`` is the tutorial's network.
    activation : str or sequence of str
        One name for every weight layer, or one per weight layer. Names:
        ``sigmoid``, ``tanh``, ``relu``, ``leaky_relu``, ``identity``
        (alias ``linear``), ``softmax`` (output layer only).
    output_activation : str, optional
        Overrides the last layer's activation.
    loss : {"sse", "mse", "bce", "cce"}
        The cost; see :mod:`chainrule.core.losses`.
    bias : bool or sequence of bool
        Whether each weight layer has a bias ``b{l}`` of shape (1, n_out).
    l2 : float
        λ of the penalty ``(λ/2) Σ ‖W{l}‖²`` (biases not penalised).
    seed : int or None
        Seed of ``numpy.random.default_rng`` for the initial weights.
    dtype : {"float64", "float32"}
    init : {"auto", "normal", "xavier", "he"}
        ``auto`` uses He for the ReLU family and Xavier otherwise; ``normal``
        draws N(0, 1) as the tutorial does.
    device : {"cpu", "cuda"}
        ``cpu`` computes with NumPy; ``cuda`` needs the extra
        ``chainrule[cuda]`` (CuPy) and is not available in this version.

    Examples
    --------
    >>> import chainrule as cr
    >>> net = cr.Network([2, 3, 1], activation="sigmoid", loss="sse", seed=0)
    >>> {k: v.shape for k, v in net.params.items()}
    {'W1': (2, 3), 'b1': (1, 3), 'W2': (3, 1), 'b2': (1, 1)}
    >>> X, y = cr.datasets.test_scores()
    >>> net.forward(X).shape
    (3, 1)
    >>> isinstance(net.cost(X, y), float)
    True
    """

    def __init__(
        self,
        sizes: Sequence[int],
        activation: str | Sequence[str] = "sigmoid",
        output_activation: str | None = None,
        loss: str = "sse",
        bias: bool | Sequence[bool] = True,
        l2: float = 0.0,
        seed: int | None = 0,
        dtype: str = "float64",
        init: str = "auto",
        device: str = "cpu",
    ) -> None:
        self.device = check_device(device)
        self.sizes = check_sizes(sizes)
        L = len(self.sizes) - 1
        self.activations = _acts.layer_activations(activation, output_activation, L)
        self.loss = _losses.canonical_name(loss)
        _losses.check_pairing(self.loss, self.activations[-1])
        if self.loss == "cce" and self.sizes[-1] < 2:
            raise ConfigError(
                "sizes: loss='cce' needs at least 2 outputs (one per class), got "
                f"{self.sizes[-1]}; for two classes use one sigmoid output and "
                "loss='bce'"
            )
        self.bias = check_bias(bias, L)
        self.l2 = check_non_negative("l2", l2)
        self.dtype = check_dtype(dtype)
        self.seed = check_seed(seed)
        self.init = init
        check_output_units(self.activations[-1], self.sizes[-1])
        self._shapes = param_shapes(self.sizes, self.bias)
        self._params = init_params(
            self.sizes, self.bias, self.activations, init, seed, self.dtype
        )
        self._version = 0

    # ------------------------------------------------------------------ config
    @property
    def n_layers(self) -> int:
        """``L``, the number of weight layers."""
        return len(self.sizes) - 1

    @property
    def n_inputs(self) -> int:
        return self.sizes[0]

    @property
    def n_outputs(self) -> int:
        return self.sizes[-1]

    @property
    def n_params(self) -> int:
        """The number of scalar parameters."""
        return n_params(self._shapes)

    def config(self) -> dict[str, Any]:
        """The constructor's arguments, JSON-serialisable."""
        return {
            "sizes": list(self.sizes),
            "activation": list(self.activations),
            "loss": self.loss,
            "bias": list(self.bias),
            "l2": self.l2,
            "dtype": self.dtype.name,
            "seed": self.seed,
            "init": self.init,
        }

    def __repr__(self) -> str:
        return (
            f"Network(sizes={self.sizes}, activation={self.activations}, "
            f"loss={self.loss!r}, bias={self.bias}, l2={self.l2}, "
            f"dtype={self.dtype.name!r})"
        )

    # -------------------------------------------------------------- parameters
    @property
    def params(self) -> dict[str, Array]:
        """The parameters by name, ``W1``, ``b1``, ``W2``, ... in layer order.

        Read-only views: writing into one raises ``ValueError``; change the
        parameters through :meth:`set_params` (checked) instead. A view sees
        later in-place updates (training); copy it to keep its values.

        Examples
        --------
        >>> import chainrule as cr
        >>> net = cr.Network([2, 3, 1], seed=0)
        >>> net.params["W1"][0, 0] = 1.0
        Traceback (most recent call last):
        ...
        ValueError: assignment destination is read-only
        """
        return {k: _read_only(v) for k, v in self._params.items()}

    @property
    def shapes(self) -> dict[str, tuple]:
        """The shape of every parameter, by name."""
        return dict(self._shapes)

    @property
    def params_version(self) -> int:
        """A counter that moves on each time the parameter arrays are replaced.

        :meth:`set_params`, :meth:`set_flat` and :meth:`adopt_params` replace
        them (:meth:`step` adopts its runner's flat vector on first use); the
        in-place updates of a training loop or of :meth:`step` on adopted
        arrays do not count.
        """
        return self._version

    def _replace_params(self, params: dict[str, Array]) -> None:
        self._params = params
        self._version += 1

    def set_params(self, params: Mapping[str, object]) -> None:
        """Replace some or all parameters; names, shapes and values are checked.

        ``{"W1": ...}`` changes ``W1`` only; the values are copied.

        Raises
        ------
        ShapeError
            An unknown name, or a shape that differs.
        InvalidValueError
            A value is NaN or infinite.

        Examples
        --------
        >>> import chainrule as cr
        >>> net = cr.Network([1, 1, 1], bias=False)
        >>> net.set_params({"W2": [[0.8]]})
        >>> net.params["W2"]
        array([[0.8]])
        """
        if isinstance(params, Mapping):
            unknown = [k for k in params if k not in self._shapes]
            if unknown:
                raise ShapeError(
                    f"params: unknown names {unknown}; expected some of "
                    f"{list(self._shapes)}"
                )
            shapes = {k: v for k, v in self._shapes.items() if k in params}
            params = {**self._params, **check_params(params, shapes, self.dtype)}
        self._replace_params(check_params(params, self._shapes, self.dtype))

    def adopt_params(self, params: Mapping[str, Array]) -> None:
        """Compute with these arrays from now on, without copying them.

        For training loops, which keep the parameters in one flat vector and
        hand its views over (:func:`chainrule.core.params.flat_views`); the
        loop then updates them in place. Names, shapes and dtype are checked;
        the values are not (the loop checks that the cost stays finite).

        Raises
        ------
        ShapeError
            A name, shape or dtype differs from the network's.
        """
        if list(params) != list(self._shapes) or any(
            not isinstance(v, np.ndarray)
            or v.shape != self._shapes[k]
            or v.dtype != self.dtype
            for k, v in params.items()
        ):
            raise ShapeError(
                f"params: expected {self.dtype.name} arrays of shapes {self._shapes}"
            )
        self._replace_params(dict(params))

    def get_flat(self) -> Array:
        """All parameters as one vector, W1 then b1 then W2 ... (row-major)."""
        return flatten(self._params, self._shapes)

    def set_flat(self, vector: object) -> None:
        """Inverse of :meth:`get_flat`; the length and values are checked."""
        v = check_flat(vector, self._shapes, self.dtype)
        params = unflatten(v, self._shapes, self.dtype)
        self._replace_params(check_params(params, self._shapes, self.dtype))

    def __getstate__(self) -> dict:
        """The configuration and parameters (not the step buffers), for pickle
        and ``copy.deepcopy``."""
        state = dict(self.__dict__)
        state.pop("_runner", None)
        return state

    def copy(self) -> Network:
        """An independent copy (same configuration, copied parameters)."""
        other = object.__new__(Network)
        other._copy_of(self)
        return other

    def _copy_of(self, src: Network) -> None:
        self.__dict__.update(src.__dict__)
        self.__dict__.pop("_runner", None)  # a copy steps with its own buffers
        self.sizes = list(src.sizes)
        self.activations = list(src.activations)
        self.bias = list(src.bias)
        self._shapes = dict(src._shapes)
        self._params = {k: v.copy() for k, v in src._params.items()}
        self._version = 0
