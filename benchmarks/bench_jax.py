"""JAX on the CPU, the whole step under ``jax.jit``."""

import os
import sys

from common import threads

if threads() == 1:
    os.environ["XLA_FLAGS"] = (
        "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    )
os.environ.setdefault("JAX_PLATFORMS", "cpu")

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from common import (  # noqa: E402
    BATCH_L,
    BATCH_M,
    L_SIZES,
    L_STEPS,
    LR,
    LR_S,
    M_N,
    M_SIZES,
    REPEATS,
    S_STEPS,
    classification_data,
    report,
    s_data,
    s_weights,
    timed,
)

jax.config.update("jax_enable_x64", True)


def case_s():
    Xn, yn = s_data()
    X, y = jnp.asarray(Xn), jnp.asarray(yn)

    def cost(params):
        W1, W2 = params
        yhat = jax.nn.sigmoid(jax.nn.sigmoid(X @ W1) @ W2)
        return 0.5 * jnp.sum((y - yhat) ** 2)

    @jax.jit
    def step(params):
        g = jax.grad(cost)(params)
        return tuple(p - LR_S * gp for p, gp in zip(params, g, strict=True))

    state = {"p": tuple(jnp.asarray(w) for w in s_weights())}

    def run():
        p = state["p"]
        for _ in range(S_STEPS):
            p = step(p)
        jax.block_until_ready(p)
        state["p"] = p

    report("jax", "S", [t / S_STEPS for t in timed(run, REPEATS["S"])])


def _init(sizes):
    rng = np.random.default_rng(0)
    return [
        (
            jnp.asarray(
                (rng.standard_normal((a, b)) * np.sqrt(2 / a)).astype(np.float32)
            ),
            jnp.zeros((b,), jnp.float32),
        )
        for a, b in zip(sizes[:-1], sizes[1:], strict=True)
    ]


def _loss(params, x, labels):
    for W, b in params[:-1]:
        x = jax.nn.relu(x @ W + b)
    W, b = params[-1]
    logp = jax.nn.log_softmax(x @ W + b)
    return -jnp.mean(jnp.take_along_axis(logp, labels[:, None], axis=1))


@jax.jit
def _step(params, x, labels):
    g = jax.grad(_loss)(params, x, labels)
    return jax.tree_util.tree_map(lambda p, gp: p - LR * gp, params, g)


def _epoch_fn(Xn, labels, sizes, batch):
    X, lab = jnp.asarray(Xn), jnp.asarray(labels.astype(np.int32))
    state = {"p": _init(sizes), "key": jax.random.PRNGKey(0)}
    n = X.shape[0]

    def epoch():
        state["key"], sub = jax.random.split(state["key"])
        order = jax.random.permutation(sub, n)
        p = state["p"]
        for lo in range(0, n - batch + 1, batch):
            idx = order[lo : lo + batch]
            p = _step(p, X[idx], lab[idx])
        jax.block_until_ready(p)
        state["p"] = p

    return epoch


def case_m():
    Xn, labels, _ = classification_data(M_N, M_SIZES[0])
    report(
        "jax",
        "M",
        timed(_epoch_fn(Xn, labels, M_SIZES, BATCH_M), REPEATS["M"]),
        note="full batches only (468 of 469; the last, partial one is dropped "
        "to avoid a second compilation)",
    )


def case_l():
    Xn, labels, _ = classification_data(BATCH_L * L_STEPS, L_SIZES[0])
    secs = timed(_epoch_fn(Xn, labels, L_SIZES, BATCH_L), REPEATS["L"])
    report("jax", "L", [t / L_STEPS for t in secs])


if __name__ == "__main__":
    {"S": case_s, "M": case_m, "L": case_l}[sys.argv[1]]()
