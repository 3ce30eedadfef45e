"""What the paths read of a network: :class:`NetworkLike`, for the type checker.

:class:`chainrule.Network` lives in a higher layer (``chainrule.network``),
which the paths may not import; they name what they use of it instead. Any
object with these attributes will do (read only: the paths change nothing of
it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np


class NetworkLike(Protocol):
    """The configuration of a network, as :class:`chainrule.Network` holds it."""

    @property
    def sizes(self) -> Sequence[int]:
        """Units per layer, input first."""
        ...

    @property
    def activations(self) -> Sequence[str]:
        """One registry name per weight layer."""
        ...

    @property
    def loss(self) -> str:
        """The cost's registry name."""
        ...

    @property
    def bias(self) -> Sequence[bool]:
        """Whether each weight layer has a bias."""
        ...

    @property
    def l2(self) -> float:
        """The L2 penalty λ."""
        ...

    @property
    def dtype(self) -> np.dtype:
        """The parameters' dtype."""
        ...

    @property
    def n_layers(self) -> int:
        """``L``, the number of weight layers."""
        ...

    @property
    def n_params(self) -> int:
        """The number of scalar parameters."""
        ...

    @property
    def shapes(self) -> Mapping[str, tuple[int, ...]]:
        """The shape of every parameter, ``W1``, ``b1``, ... in layer order."""
        ...
