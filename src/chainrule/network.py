"""``Network``: the user's object, configuration plus parameters.

The mathematics lives in pure functions (:mod:`chainrule.core.forward`,
:mod:`chainrule.core.backward`, :mod:`chainrule.core.trace`); a ``Network`` only holds
the configuration, the parameters, and checks what it is given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from chainrule.core import activations as _acts
from chainrule.core import losses as _losses
from chainrule.core.backward import backward
from chainrule.core.fast_step import runner_for
from chainrule.core.forward import forward, total_cost
from chainrule.core.params import (
    check_flat,
    check_params,
    flatten,
    init_params,
    n_params,
    param_shapes,
    unflatten,
)
from chainrule.core.trace import Trace, run_trace
from chainrule.errors import ConfigError
from chainrule.validation import (
    check_bias,
    check_bool,
    check_callbacks,
    check_dtype,
    check_non_negative,
    check_seed,
    check_sizes,
    check_targets_for_loss,
    check_validation_data,
    check_X,
    check_y,
)

if TYPE_CHECKING:
    from chainrule.train.fit import History

Array = np.ndarray


def _layer_activations(
    activation: str | Sequence[str], output_activation: str | None, n_layers: int
) -> list[str]:
    if isinstance(activation, (str, bytes)) or not hasattr(activation, "__len__"):
        names = [activation] * n_layers
    else:
        names = list(activation)
        if len(names) != n_layers:
            raise ConfigError(
                f"activation: expected one name or a list of {n_layers} names (one "
                f"per weight layer), got {len(names)}"
            )
    names = [_acts.canonical_name(n) for n in names]
    if output_activation is not None:
        names[-1] = _acts.canonical_name(output_activation)
    if "softmax" in names[:-1]:
        raise ConfigError(
            "activation: 'softmax' is only valid for the output layer "
            "(use output_activation='softmax')"
        )
    return names


class Network:
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
    ) -> None:
        self.sizes = check_sizes(sizes)
        L = len(self.sizes) - 1
        self.activations = _layer_activations(activation, output_activation, L)
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
        self._shapes = param_shapes(self.sizes, self.bias)
        self._params = init_params(
            self.sizes, self.bias, self.activations, init, seed, self.dtype
        )

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
        """The parameters by name, ``W1``, ``b1``, ``W2``, ... in layer order."""
        return dict(self._params)

    @property
    def shapes(self) -> dict[str, tuple]:
        """The shape of every parameter, by name."""
        return dict(self._shapes)

    def set_params(self, params: Mapping[str, object]) -> None:
        """Replace the parameters; names, shapes and finiteness are checked.

        Raises
        ------
        ShapeError
            A name is missing or unknown, or a shape differs.
        InvalidValueError
            A value is NaN or infinite.
        """
        self._params = check_params(params, self._shapes, self.dtype)

    def get_flat(self) -> Array:
        """All parameters as one vector, W1 then b1 then W2 ... (row-major)."""
        return flatten(self._params, self._shapes)

    def set_flat(self, vector: object) -> None:
        """Inverse of :meth:`get_flat`; the length and values are checked."""
        v = check_flat(vector, self._shapes, self.dtype)
        params = unflatten(v, self._shapes, self.dtype)
        self._params = check_params(params, self._shapes, self.dtype)

    def copy(self) -> Network:
        """An independent copy (same configuration, copied parameters)."""
        other = object.__new__(Network)
        other.__dict__.update(self.__dict__)
        other.sizes = list(self.sizes)
        other.activations = list(self.activations)
        other.bias = list(self.bias)
        other._shapes = dict(self._shapes)
        other._params = {k: v.copy() for k, v in self._params.items()}
        return other

    # -------------------------------------------------------------------- data
    def check_X(self, X: object) -> Array:
        """``X`` validated as (n, n_inputs) in this network's dtype."""
        return check_X(X, self.n_inputs, self.dtype)

    def check_data(self, X: object, y: object) -> tuple[Array, Array]:
        """``X`` and ``y`` validated against the network and the cost."""
        Xa = self.check_X(X)
        ya = check_y(y, Xa.shape[0], self.n_outputs, self.dtype)
        check_targets_for_loss(ya, self.loss)
        return Xa, ya

    # -------------------------------------------------------------------- math
    def forward(self, X: object) -> Array:
        """Predictions ``yHat``, shape (n, n_outputs).

        Parameters
        ----------
        X : (n, n_inputs) array_like, or (n_inputs,) for one example
        """
        yhat, _ = forward(self._params, self.check_X(X), self.activations)
        return yhat

    predict = forward

    def cost(self, X: object, y: object) -> float:
        """The cost ``J`` (with its L2 term) as a Python float."""
        Xa, ya = self.check_data(X, y)
        _, cache = forward(self._params, Xa, self.activations)
        return total_cost(self._params, cache, ya, self.activations, self.loss, self.l2)

    def gradients(self, X: object, y: object) -> dict[str, Array]:
        """``dJ/dparam`` for every parameter: same keys and shapes as ``params``."""
        Xa, ya = self.check_data(X, y)
        _, cache = forward(self._params, Xa, self.activations)
        return backward(self._params, cache, ya, self.activations, self.loss, self.l2)

    def cost_and_gradients(
        self, X: object, y: object
    ) -> tuple[float, dict[str, Array]]:
        """``J`` and the gradients from one forward and one backward pass."""
        Xa, ya = self.check_data(X, y)
        _, cache = forward(self._params, Xa, self.activations)
        J = total_cost(self._params, cache, ya, self.activations, self.loss, self.l2)
        g = backward(self._params, cache, ya, self.activations, self.loss, self.l2)
        return J, g

    def trace(self, X: object, y: object) -> Trace:
        """Every intermediate of one forward and backward pass (see :class:`Trace`)."""
        Xa, ya = self.check_data(X, y)
        return run_trace(self._params, Xa, ya, self.activations, self.loss, self.l2)

    def step(self, X: object, y: object, learning_rate: float = 0.1) -> float:
        """One gradient-descent step ``W := W − α ∂J/∂W``; returns ``J`` before it.

        Examples
        --------
        Seed 004: after one step with α = 0.1, w1 = 0.692 and w2 = 0.92.

        >>> import chainrule as cr
        >>> net = cr.Network([1, 1, 1], activation="relu", loss="mse", bias=False)
        >>> net.set_params({"W1": [[0.5]], "W2": [[0.8]]})
        >>> round(net.step([[3.0]], [[2.0]], learning_rate=0.1), 12)
        0.32
        >>> net.params["W1"].round(12), net.params["W2"].round(12)
        (array([[0.692]]), array([[0.92]]))

        The parameters are updated in place, and the buffers of the pass are
        reused from call to call (see :mod:`chainrule.core.fast_step`).
        """
        runner = runner_for(self)
        if runner.params is not self._params:
            self._params = runner.adopt(self._params)
        return runner.step(X, y, learning_rate, self.check_data)

    # ------------------------------------------------------------ training, io
    def fit(
        self,
        X: object,
        y: object,
        optimizer: str = "bfgs",
        epochs: int = 200,
        learning_rate: float | None = None,
        batch_size: int | None = None,
        validation_data: tuple | None = None,
        early_stopping: bool = False,
        callbacks: Sequence = (),
        progress: bool = False,
        **options: Any,
    ) -> History:
        """Train the network; see :func:`chainrule.train.fit.fit`.

        The arguments are checked before training starts; a failing check
        leaves the parameters unchanged.
        """
        from chainrule.train.fit import fit

        check_validation_data(validation_data)
        check_bool("early_stopping", early_stopping)
        check_bool("progress", progress)
        check_callbacks(callbacks)
        return fit(
            self,
            X,
            y,
            optimizer=optimizer,
            epochs=epochs,
            learning_rate=learning_rate,
            batch_size=batch_size,
            validation_data=validation_data,
            early_stopping=early_stopping,
            callbacks=callbacks,
            progress=progress,
            **options,
        )

    def save(self, path: str, *, metadata: Mapping[str, object] | None = None) -> None:
        """Write the model as safetensors (weights) plus JSON metadata, atomically."""
        from chainrule.persist.model import save

        save(self, path, metadata=metadata)
