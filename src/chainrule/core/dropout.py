"""Dropout masks: inverted dropout of the hidden layers' activations.

During training, with a dropout probability ``p``, every hidden layer's
activation (``l = 2 .. L``; never the input ``a1 = X``, never ``yHat``) is
replaced, for the product that reads it, by::

    m{l}  ~ Bernoulli(1 − p)           one 0 or 1 per example and unit
    am{l} = a{l} ∘ m{l} / (1 − p)      ("inverted": the kept units scaled up)
    z{l+1} = am{l} W{l} + b{l}

so that the expected value of ``am{l}`` is ``a{l}`` and prediction uses
every unit unscaled. The backward pass goes through the same mask: with
``ã = am{l}``, ``∂J/∂ã = delta{l+1} W{l}ᵀ``, and since ``ã`` is ``a`` times a
constant, ``∂J/∂a{l} = ∂J/∂ã ∘ m{l} / (1 − p)``; ``dJdW{l} = am{l}ᵀ
delta{l+1}``. :func:`chainrule.core.forward.forward` and
:func:`chainrule.core.backward.backward` take the masks as ``masks=``: the
one pass, with the masks as part of its record.

Examples
--------
>>> import numpy as np
>>> masks = Masks.draw(np.random.default_rng(0), [2, 3, 1], n=4, p=0.5)
>>> sorted(masks.keep), masks.keep["m2"].shape, masks.scale
(['m2'], (4, 3), 2.0)
>>> set(np.unique(masks.keep["m2"])) <= {0.0, 1.0}
True
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import DTypeLike

from chainrule.errors import InvalidTypeError, InvalidValueError, ShapeError
from chainrule.validation.scalars import describe

Array = np.ndarray


def check_rate(name: str, value: object) -> float:
    """A dropout probability ``p`` in ``[0, 1)``, as a float.

    Examples
    --------
    >>> check_rate("dropout", 0.25)
    0.25
    >>> check_rate("dropout", 1.0)
    Traceback (most recent call last):
    ...
    chainrule.errors.InvalidValueError: dropout: expected a probability ...
    """
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise InvalidTypeError(
            f"{name}: expected a number in [0, 1), got {describe(value)}"
        )
    if not 0 <= float(value) < 1:
        raise InvalidValueError(
            f"{name}: expected a probability in [0, 1) (1 would drop every "
            f"unit), got {value!r}"
        )
    return float(value)


def hidden_layers(sizes: Sequence[int]) -> range:
    """The layers dropout applies to: ``2 .. L`` (Welch numbering)."""
    return range(2, len(sizes))


@dataclass(frozen=True)
class Masks:
    """The dropout masks of one pass.

    Parameters
    ----------
    p : float
        The dropout probability, in ``[0, 1)``.
    keep : dict of str to array
        ``"m{l}"`` -> (n, n_l) array of 0 and 1 (1: the unit is kept) for
        every hidden layer ``l = 2 .. L``.
    """

    p: float
    keep: Mapping[str, Array]

    @property
    def scale(self) -> float:
        """``1 / (1 − p)``, the factor of the kept units."""
        return 1.0 / (1.0 - self.p)

    def has(self, l: int) -> bool:
        """Whether layer ``l``'s activation is masked."""
        return f"m{l}" in self.keep

    def apply(self, l: int, a: Array, out: Array | None = None) -> Array:
        """``a ∘ m{l} / (1 − p)`` (into ``out`` when given).

        The forward pass applies it to ``a{l}``, the backward pass to
        ``∂J/∂ã{l}`` (the derivative of the same product).
        """
        m = self.keep[f"m{l}"]
        if out is None or not isinstance(a, np.ndarray):
            return a * m * self.scale
        np.multiply(a, m, out=out)
        return np.multiply(out, self.scale, out=out)

    @classmethod
    def draw(
        cls,
        rng: np.random.Generator,
        sizes: Sequence[int],
        n: int,
        p: float,
        dtype: DTypeLike = np.float64,
    ) -> Masks:
        """New masks for ``n`` examples of a network of ``sizes``, from ``rng``:
        each unit kept with probability ``1 − p``, per example."""
        p = check_rate("dropout", p)
        keep = {
            f"m{l}": (rng.random((n, sizes[l - 1])) >= p).astype(dtype)
            for l in hidden_layers(sizes)
        }
        return cls(p, keep)

    @classmethod
    def checked(cls, value: object, sizes: Sequence[int], n: int) -> Masks:
        """``value`` as masks of a network of ``sizes`` on ``n`` examples.

        ``value`` is a :class:`Masks`, or a pair ``(p, keep)``; every hidden
        layer needs its (n, n_l) mask of zeros and ones.

        Raises
        ------
        InvalidTypeError, InvalidValueError, ShapeError
            Naming ``masks`` and what was expected.
        """
        if isinstance(value, Masks):
            p, keep = value.p, value.keep
        elif isinstance(value, tuple) and len(value) == 2:
            p, keep = value
        else:
            raise InvalidTypeError(
                f"masks: expected chainrule.Masks or a pair (p, {{'m2': ...}}), "
                f"got {describe(value)}"
            )
        p = check_rate("masks: p", p)
        if not isinstance(keep, Mapping):
            raise InvalidTypeError(f"masks: expected a dict of masks, got {keep!r:.40}")
        expected = [f"m{l}" for l in hidden_layers(sizes)]
        if sorted(keep) != sorted(expected):
            raise InvalidValueError(
                f"masks: expected one mask per hidden layer, keys {expected}, "
                f"got {sorted(keep)}"
            )
        out = {}
        for l in hidden_layers(sizes):
            k = f"m{l}"
            m = np.asarray(keep[k], dtype=np.float64)
            if m.shape != (n, sizes[l - 1]):
                raise ShapeError(
                    f"masks: {k} must be (examples, units) = ({n}, {sizes[l - 1]}), "
                    f"got {m.shape}"
                )
            if not np.isin(m, (0.0, 1.0)).all():
                raise InvalidValueError(f"masks: {k} must hold only 0 and 1")
            out[k] = m
        return cls(p, out)
