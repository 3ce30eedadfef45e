"""Minibatches of ``(X, y)`` (and sample weights), gathered into reused buffers.

Examples
--------
>>> import numpy as np
>>> from chainrule.train.batches import Batches
>>> X, y = np.arange(10.0).reshape(5, 2), np.arange(5.0).reshape(5, 1)
>>> batches = Batches(X, y, batch_size=2, shuffle=True)
>>> [yb.ravel().tolist() for _, yb in batches(np.random.default_rng(0))]
[[2.0, 4.0], [3.0, 0.0], [1.0]]
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np

Array = np.ndarray


class Batches:
    """Minibatches of ``(X, y)``, gathered into two reused buffers.

    With sample weights ``w`` (n,), each minibatch is ``(Xb, yb, wb)``, the
    weights gathered with their rows; without, ``(Xb, yb)``. A sparse (CSR)
    ``X`` is sliced by rows (``X[idx]``), never densified.
    """

    def __init__(
        self,
        X: Array,
        y: Array,
        batch_size: int | None,
        shuffle: bool,
        w: Array | None = None,
    ) -> None:
        self.X, self.y, self.w, self.n = X, y, w, X.shape[0]
        self.size = self.n if batch_size is None else min(batch_size, self.n)
        self.shuffle = shuffle and self.size < self.n
        self.dense = isinstance(X, np.ndarray)
        if self.shuffle:
            if self.dense:
                self.Xb = np.empty((self.size, X.shape[1]), X.dtype)
            self.yb = np.empty((self.size, y.shape[1]), y.dtype)

    def __call__(self, rng: np.random.Generator) -> Iterable[tuple[Array, ...]]:
        """Minibatch views for one epoch (the permutation from ``rng``)."""
        if self.size == self.n:
            return ((self.X, self.y) if self.w is None else (self.X, self.y, self.w),)
        return self._minibatches(rng)

    def _gather(self, idx: Array) -> tuple[Array, ...]:
        m = idx.shape[0]
        Xb = (
            np.take(self.X, idx, axis=0, out=self.Xb[:m]) if self.dense else self.X[idx]
        )
        yb = np.take(self.y, idx, axis=0, out=self.yb[:m])
        return (Xb, yb) if self.w is None else (Xb, yb, self.w[idx])

    def _minibatches(self, rng: np.random.Generator) -> Iterator[tuple[Array, ...]]:
        if not self.shuffle:
            for lo in range(0, self.n, self.size):
                part = slice(lo, lo + self.size)
                if self.w is None:
                    yield self.X[part], self.y[part]
                else:
                    yield self.X[part], self.y[part], self.w[part]
            return
        order = rng.permutation(self.n)
        for lo in range(0, self.n, self.size):
            yield self._gather(order[lo : lo + self.size])
