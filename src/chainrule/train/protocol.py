"""What training reads and calls of a network: :class:`TrainableNetwork`;
the validation data the loops pass around (:data:`Validation`).

:class:`chainrule.Network` lives in a higher layer (``chainrule.network``),
which training may not import; the loops name what they use of it instead:
the configuration the paths read (:class:`~chainrule.accel.protocol.NetworkLike`),
the parameters (read, and adopted as views of the loop's flat vector), the
checks of the data and the cost.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import numpy as np

from chainrule.accel.protocol import NetworkLike

Array = np.ndarray


class TrainableNetwork(NetworkLike, Protocol):
    """A network that ``fit`` trains in place (:class:`chainrule.Network`)."""

    @property
    def n_inputs(self) -> int:
        """Units of the input layer."""
        ...

    @property
    def n_outputs(self) -> int:
        """Units of the output layer."""
        ...

    @property
    def seed(self) -> int | None:
        """The network's seed (the default seed of a fit)."""
        ...

    @property
    def params(self) -> Mapping[str, Array]:
        """The parameters by name, ``W1``, ``b1``, ... in layer order."""
        ...

    @property
    def params_version(self) -> int:
        """A counter that moves on each time the parameter arrays are replaced."""
        ...

    def get_flat(self) -> Array:
        """All parameters as one new vector, ``W1`` then ``b1`` then ``W2`` ..."""
        ...

    def adopt_params(self, params: Mapping[str, Array]) -> None:
        """Compute with these arrays from now on, without copying them."""
        ...

    def config(self) -> dict[str, Any]:
        """The constructor's arguments, JSON-serialisable."""
        ...

    def check_data(self, X: object, y: object) -> tuple[Array, Array]:
        """``X`` and ``y`` checked and converted to the network's dtype."""
        ...

    def check_sample_weight(self, sample_weight: object, n: int) -> Array | None:
        """``None``, or ``n`` checked weights."""
        ...

    def cost(self, X: object, y: object, sample_weight: object = None) -> float:
        """The cost ``J`` of the data, with the L2 term."""
        ...


#: Validation data as the loops take it: ``(X_val, y_val)``, or
#: ``(X_val, y_val, w_val)`` with sample weights.
Validation = tuple[Array, ...]
