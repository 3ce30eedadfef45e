"""Plain NumPy, written the way the tutorial writes it: the reference point."""

import sys

import numpy as np
from common import (
    BATCH_L,
    BATCH_M,
    CEIL_L_STEPS,
    L_SIZES,
    LR,
    LR_S,
    M_N,
    M_SIZES,
    REPEATS,
    S_STEPS,
    classification_data,
    l_flops_per_step,
    report,
    s_data,
    s_weights,
    timed,
)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def sigmoid_prime(z):
    return np.exp(-z) / ((1 + np.exp(-z)) ** 2)


def case_s():
    X, y = s_data()
    W1, W2 = s_weights()

    def run():
        nonlocal W1, W2
        for _ in range(S_STEPS):
            z2 = X @ W1
            a2 = sigmoid(z2)
            z3 = a2 @ W2
            yhat = sigmoid(z3)
            delta3 = -(y - yhat) * sigmoid_prime(z3)
            dJdW2 = a2.T @ delta3
            delta2 = (delta3 @ W2.T) * sigmoid_prime(z2)
            dJdW1 = X.T @ delta2
            W1 = W1 - LR_S * dJdW1
            W2 = W2 - LR_S * dJdW2

    report("numpy", "S", [t / S_STEPS for t in timed(run, REPEATS["S"])])


def case_m():
    X, _, Y = classification_data(M_N, M_SIZES[0])
    rng = np.random.default_rng(0)
    Ws = [
        (rng.standard_normal((a, b)) * np.sqrt(2 / a)).astype(np.float32)
        for a, b in zip(M_SIZES[:-1], M_SIZES[1:], strict=True)
    ]
    bs = [np.zeros((1, b), np.float32) for b in M_SIZES[1:]]

    def epoch():
        order = rng.permutation(M_N)
        for lo in range(0, M_N, BATCH_M):
            idx = order[lo : lo + BATCH_M]
            a1, y = X[idx], Y[idx]
            z2 = a1 @ Ws[0] + bs[0]
            a2 = np.maximum(z2, 0)
            z3 = a2 @ Ws[1] + bs[1]
            a3 = np.maximum(z3, 0)
            z4 = a3 @ Ws[2] + bs[2]
            e = np.exp(z4 - z4.max(axis=1, keepdims=True))
            p = e / e.sum(axis=1, keepdims=True)
            d4 = (p - y) / len(idx)
            d3 = (d4 @ Ws[2].T) * (z3 > 0)
            d2 = (d3 @ Ws[1].T) * (z2 > 0)
            grads = [
                (a1.T @ d2, d2.sum(0)),
                (a2.T @ d3, d3.sum(0)),
                (a3.T @ d4, d4.sum(0)),
            ]
            for (gW, gb), W, b in zip(grads, Ws, bs, strict=True):
                W -= LR * gW
                b -= LR * gb

    report("numpy", "M", timed(epoch, REPEATS["M"]))


def case_ceil():
    """NumPy's own float32 matrix-product ceiling on this machine."""
    rng = np.random.default_rng(0)
    n = 2048
    A = rng.standard_normal((n, n), dtype=np.float32)
    B = rng.standard_normal((n, n), dtype=np.float32)
    C = np.empty((n, n), np.float32)
    secs = timed(lambda: np.matmul(A, B, out=C), REPEATS["CEIL"])
    report("numpy", "CEIL", secs, flops=2.0 * n**3)


def case_ceil_l():
    """The matrix products of one L step alone, in NumPy: what BLAS gives for
    these shapes (the first layer's dJ/da is not needed)."""
    rng = np.random.default_rng(0)
    sizes, B = L_SIZES, BATCH_L
    a = [rng.standard_normal((B, n), dtype=np.float32) for n in sizes]
    Ws = [
        rng.standard_normal((m, n), dtype=np.float32)
        for m, n in zip(sizes[:-1], sizes[1:], strict=True)
    ]
    gW = [np.empty_like(W) for W in Ws]
    out = [np.empty_like(x) for x in a]

    def products():
        for l, W in enumerate(Ws):
            np.matmul(a[l], W, out=out[l + 1])
        for l in range(len(Ws) - 1, -1, -1):
            np.matmul(a[l].T, a[l + 1], out=gW[l])
            if l:
                np.matmul(a[l + 1], Ws[l].T, out=out[l])

    secs = [
        t / CEIL_L_STEPS
        for t in timed(
            lambda: [products() for _ in range(CEIL_L_STEPS)], REPEATS["CEIL"]
        )
    ]
    report("numpy", "CEIL-L", secs, flops=l_flops_per_step())


if __name__ == "__main__":
    {"S": case_s, "M": case_m, "CEIL": case_ceil, "CEIL-L": case_ceil_l}[sys.argv[1]]()
