"""The tutorial's 2-3-1 network, written literally, equation by equation.

This is the ``Neural_Network`` class of "Neural Networks Demystified"
(parts 2 to 7), kept as close to its equations as the row-vector notation
allows: sigmoid everywhere, no biases, cost ``J = ½ Σ (y − ŷ)²`` (or, with
``Lambda``, part 7's ``J = ½ Σ (y − ŷ)² / N + (λ/2)(Σ W1² + Σ W2²)``). It is
the oracle that the general code in :mod:`chainrule.core.forward` and
:mod:`chainrule.core.backward` is tested against, and a page to read beside the
tutorial.

Examples
--------
>>> import numpy as np
>>> from chainrule.reference import Neural_Network
>>> NN = Neural_Network(W1=np.ones((2, 3)), W2=np.ones((3, 1)))
>>> X = np.array([[3.0, 5.0]])
>>> dJdW1, dJdW2 = NN.costFunctionPrime(X, np.array([[0.75]]))
>>> dJdW1.shape, dJdW2.shape
((2, 3), (3, 1))
"""

from __future__ import annotations

import numpy as np

Array = np.ndarray


class Neural_Network:  # noqa: N801 - the tutorial's name
    """The tutorial's network: 2 inputs, 3 hidden units, 1 output."""

    def __init__(
        self,
        W1: Array | None = None,
        W2: Array | None = None,
        Lambda: float = 0.0,
        seed: int = 0,
    ) -> None:
        self.inputLayerSize = 2
        self.outputLayerSize = 1
        self.hiddenLayerSize = 3
        rng = np.random.default_rng(seed)
        self.W1 = (
            np.array(W1, dtype=float)
            if W1 is not None
            else rng.standard_normal((self.inputLayerSize, self.hiddenLayerSize))
        )
        self.W2 = (
            np.array(W2, dtype=float)
            if W2 is not None
            else rng.standard_normal((self.hiddenLayerSize, self.outputLayerSize))
        )
        self.Lambda = Lambda

    def forward(self, X: Array) -> Array:
        """z2 = X W1, a2 = f(z2), z3 = a2 W2, yHat = f(z3)."""
        self.z2 = np.dot(X, self.W1)
        self.a2 = self.sigmoid(self.z2)
        self.z3 = np.dot(self.a2, self.W2)
        yHat = self.sigmoid(self.z3)
        return yHat

    def sigmoid(self, z: Array) -> Array:
        """f(z) = 1 / (1 + e^−z)."""
        return 1 / (1 + np.exp(-z))

    def sigmoidPrime(self, z: Array) -> Array:
        """f′(z) = e^−z / (1 + e^−z)²."""
        return np.exp(-z) / ((1 + np.exp(-z)) ** 2)

    def costFunction(self, X: Array, y: Array) -> float:
        """J = ½ Σ (y − ŷ)²; with λ: J = ½ Σ (y − ŷ)² / N + (λ/2)(ΣW1² + ΣW2²)."""
        self.yHat = self.forward(X)
        if self.Lambda:
            return float(
                0.5 * np.sum((y - self.yHat) ** 2) / X.shape[0]
                + (self.Lambda / 2) * (np.sum(self.W1**2) + np.sum(self.W2**2))
            )
        return float(0.5 * np.sum((y - self.yHat) ** 2))

    def costFunctionPrime(self, X: Array, y: Array) -> tuple[Array, Array]:
        """δ3 = −(y − ŷ) f′(z3), dJdW2 = a2ᵀ δ3, δ2 = δ3 W2ᵀ f′(z2), dJdW1 = Xᵀ δ2."""
        self.yHat = self.forward(X)
        delta3 = np.multiply(-(y - self.yHat), self.sigmoidPrime(self.z3))
        dJdW2 = np.dot(self.a2.T, delta3)
        delta2 = np.dot(delta3, self.W2.T) * self.sigmoidPrime(self.z2)
        dJdW1 = np.dot(X.T, delta2)
        if self.Lambda:
            dJdW2 = dJdW2 / X.shape[0] + self.Lambda * self.W2
            dJdW1 = dJdW1 / X.shape[0] + self.Lambda * self.W1
        self.delta3, self.delta2 = delta3, delta2
        return dJdW1, dJdW2

    def getParams(self) -> Array:
        """W1 and W2 rolled into one vector."""
        return np.concatenate((self.W1.ravel(), self.W2.ravel()))

    def setParams(self, params: Array) -> None:
        """Unroll one vector into W1 and W2."""
        W1_end = self.hiddenLayerSize * self.inputLayerSize
        self.W1 = np.reshape(
            params[0:W1_end], (self.inputLayerSize, self.hiddenLayerSize)
        )
        W2_end = W1_end + self.hiddenLayerSize * self.outputLayerSize
        self.W2 = np.reshape(
            params[W1_end:W2_end], (self.hiddenLayerSize, self.outputLayerSize)
        )

    def computeGradients(self, X: Array, y: Array) -> Array:
        """dJdW1 and dJdW2 rolled into one vector."""
        dJdW1, dJdW2 = self.costFunctionPrime(X, y)
        return np.concatenate((dJdW1.ravel(), dJdW2.ravel()))


def computeNumericalGradient(
    N: Neural_Network, X: Array, y: Array, e: float = 1e-4
) -> Array:
    """The tutorial's part-5 central differences, one parameter at a time."""
    paramsInitial = N.getParams()
    numgrad = np.zeros(paramsInitial.shape)
    perturb = np.zeros(paramsInitial.shape)
    for p in range(len(paramsInitial)):
        perturb[p] = e
        N.setParams(paramsInitial + perturb)
        loss2 = N.costFunction(X, y)
        N.setParams(paramsInitial - perturb)
        loss1 = N.costFunction(X, y)
        numgrad[p] = (loss2 - loss1) / (2 * e)
        perturb[p] = 0
    N.setParams(paramsInitial)
    return numgrad
