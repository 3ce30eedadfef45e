"""The data checks and the passes of a :class:`~chainrule.network.Network`.

:class:`NetworkPasses` gives ``Network`` its methods that check data against
the network (``check_X``, ``check_sample_weight``, ``check_data``) and those
that run one forward (and backward) pass over it: ``forward``, ``predict``,
``cost``, ``gradients``, ``cost_and_gradients`` and ``trace``. They read the
network's configuration and its parameters and change neither.
"""

from __future__ import annotations

import numpy as np

from chainrule.core.backward import backward
from chainrule.core.dropout import Masks
from chainrule.core.forward import forward, total_cost
from chainrule.core.trace import Trace, run_trace
from chainrule.validation import (
    check_sample_weight,
    check_sparse_X,
    check_targets_for_loss,
    check_X,
    check_y,
    is_sparse,
)

Array = np.ndarray


class NetworkPasses:
    """The data checks and passes of :class:`~chainrule.network.Network`.

    A part of ``Network``, not a class to use alone: its methods read the
    network's ``sizes``, ``activations``, ``loss``, ``l2``, ``dtype`` and
    parameters.
    """

    # -------------------------------------------------------------------- data
    def check_X(self, X: object) -> Array:
        """``X`` validated as (n, n_inputs) in this network's dtype.

        A SciPy sparse matrix (CSR or CSC) stays sparse, as CSR: the first
        layer's product ``X @ W1`` and ``Xᵀ delta2`` use SciPy's products.
        """
        if is_sparse(X):
            return check_sparse_X(X, self.n_inputs, self.dtype)
        return check_X(X, self.n_inputs, self.dtype)

    def check_sample_weight(self, sample_weight: object, n: int) -> Array | None:
        """``None``, or ``n`` weights ``>= 0`` with a positive sum, in the dtype."""
        if sample_weight is None:
            return None
        return check_sample_weight(sample_weight, n, self.dtype)

    def _checked(self, X, y, sample_weight) -> tuple[Array, Array, Array | None]:
        Xa, ya = self.check_data(X, y)
        return Xa, ya, self.check_sample_weight(sample_weight, Xa.shape[0])

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

    def cost(self, X: object, y: object, sample_weight: object = None) -> float:
        """The cost ``J`` (with its L2 term) as a Python float.

        ``sample_weight`` (n,), optional: one weight ``>= 0`` per example; the
        means (``mse``, ``bce``, ``cce``) become ``Σ wᵢ ℓᵢ / Σ wᵢ`` and ``sse``
        ``Σ wᵢ ℓᵢ``, so an integer weight counts as repeated rows.

        Examples
        --------
        >>> import chainrule as cr
        >>> net = cr.Network([1, 1], activation="identity", loss="mse", bias=False)
        >>> net.set_params({"W1": [[0.0]]})
        >>> net.cost([[1.0], [1.0]], [[1.0], [2.0]], sample_weight=[1, 3])
        1.625
        >>> net.cost([[1.0]] * 4, [[1.0], [2.0], [2.0], [2.0]])
        1.625
        """
        Xa, ya, w = self._checked(X, y, sample_weight)
        _, cache = forward(self._params, Xa, self.activations)
        return total_cost(
            self._params, cache, ya, self.activations, self.loss, self.l2, w
        )

    def forward_and_cost(
        self, X: object, y: object, sample_weight: object = None
    ) -> tuple[Array, float]:
        """``yHat`` (n, n_outputs) and the cost ``J`` from one forward pass:
        :meth:`forward` and :meth:`cost` at once, for scoring a data set.

        Examples
        --------
        >>> import chainrule as cr
        >>> net = cr.Network([1, 1], activation="identity", loss="mse", bias=False)
        >>> net.set_params({"W1": [[2.0]]})
        >>> net.forward_and_cost([[1.0], [2.0]], [[2.0], [2.0]])
        (array([[2.],
               [4.]]), 1.0)
        """
        Xa, ya, w = self._checked(X, y, sample_weight)
        yhat, cache = forward(self._params, Xa, self.activations)
        J = total_cost(self._params, cache, ya, self.activations, self.loss, self.l2, w)
        return yhat, J

    def gradients(
        self, X: object, y: object, sample_weight: object = None
    ) -> dict[str, Array]:
        """``dJ/dparam`` for every parameter: same keys and shapes as ``params``.

        ``sample_weight`` as in :meth:`cost`.
        """
        Xa, ya, w = self._checked(X, y, sample_weight)
        _, cache = forward(self._params, Xa, self.activations)
        return backward(
            self._params, cache, ya, self.activations, self.loss, self.l2, weights=w
        )

    def cost_and_gradients(
        self, X: object, y: object, sample_weight: object = None
    ) -> tuple[float, dict[str, Array]]:
        """``J`` and the gradients from one forward and one backward pass."""
        Xa, ya, w = self._checked(X, y, sample_weight)
        p, acts = self._params, self.activations
        _, cache = forward(p, Xa, acts)
        J = total_cost(p, cache, ya, acts, self.loss, self.l2, w)
        g = backward(p, cache, ya, acts, self.loss, self.l2, weights=w)
        return J, g

    def trace(
        self,
        X: object,
        y: object,
        sample_weight: object = None,
        *,
        masks: object = None,
    ) -> Trace:
        """Every intermediate of one forward and backward pass (see :class:`Trace`).

        ``sample_weight`` as in :meth:`cost`. ``masks``: the dropout masks of
        one training pass (:class:`chainrule.core.dropout.Masks`, or a pair
        ``(p, {"m2": (n, n2) array of 0 and 1, ...})`` with one mask per
        hidden layer); the trace then holds each mask ``m{l}`` and the
        activation the next layer reads, ``am{l} = a{l} ∘ m{l} / (1 − p)``.

        Examples
        --------
        >>> import numpy as np
        >>> import chainrule as cr
        >>> net = cr.Network([2, 3, 1], seed=0)
        >>> X, y = cr.datasets.test_scores()
        >>> m = np.array([[1, 0, 1], [1, 1, 1], [0, 1, 1]])
        >>> t = net.trace(X, y, masks=(0.5, {"m2": m}))
        >>> bool(np.allclose(t["am2"], t["a2"] * m / 0.5))
        True
        """
        Xa, ya, w = self._checked(X, y, sample_weight)
        mk = None if masks is None else Masks.checked(masks, self.sizes, Xa.shape[0])
        return run_trace(
            self._params, Xa, ya, self.activations, self.loss, self.l2, w, mk
        )
