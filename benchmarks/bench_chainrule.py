"""chainrule through its public API: ``Network.fit`` (and ``Network.step``)."""

import os
import sys
import tempfile
import time
from pathlib import Path

from common import (
    BATCH_L,
    BATCH_M,
    BATCH_XL,
    L_SIZES,
    L_STEPS,
    LR,
    LR_S,
    M_N,
    M_SIZES,
    REPEATS,
    S_STEPS,
    XL_REPEATS,
    XL_SIZES,
    XL_STEPS,
    classification_data,
    report,
    s_data,
    s_weights,
    timed,
)

import chainrule as cr
from chainrule.core import dispatch


def case_s():
    X, y = s_data()
    W1, W2 = s_weights()
    compiled = dispatch.kernels() is not None
    for suffix, allowed in (("", True), ("-numpy", False)):
        if suffix and not compiled:
            break  # without numba the first pass already was the NumPy path
        dispatch.use_compiled(allowed)
        net = cr.Network([2, 3, 1], activation="sigmoid", loss="sse", bias=False)
        net.set_params({"W1": W1, "W2": W2})

        def run_fit(net=net):
            net.fit(X, y, optimizer="gd", epochs=S_STEPS, learning_rate=LR_S)

        def run_step(net=net):
            for _ in range(S_STEPS):
                net.step(X, y, learning_rate=LR_S)

        fit_s = [t / S_STEPS for t in timed(run_fit, REPEATS["S"])]
        step_s = [t / S_STEPS for t in timed(run_step, REPEATS["S"])]
        path = "compiled (numba)" if allowed and compiled else "NumPy"
        report(f"chainrule{suffix}", "S", fit_s, variant=f"fit(gd), {path}")
        report(f"chainrule-step{suffix}", "S", step_s, variant=f"step, {path}")


def case_compile():
    """First-use compile time of the kernels in an empty cache, its size, and
    the time to load them from it (a second process)."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        code = (
            "import time; t = time.perf_counter()\n"
            "from chainrule.core import dispatch\n"
            "assert dispatch.kernels() is not None\n"
            "print(time.perf_counter() - t)\n"
        )
        import subprocess

        def once():
            out = subprocess.run(
                [sys.executable, "-W", "ignore", "-c", code],
                env=env, capture_output=True, text=True, check=True,
            )  # fmt: skip
            return float(out.stdout.split()[-1])

        first = once()
        size = sum(f.stat().st_size for f in Path(cache).rglob("*") if f.is_file())
        loads = [once() for _ in range(3)]
    report("chainrule", "COMPILE", [first], cache_kb=size / 1024, load_s=min(loads))


def _classifier(sizes):
    return cr.Network(
        sizes,
        activation="relu",
        output_activation="softmax",
        loss="cce",
        dtype="float32",
        seed=0,
    )


def case_m():
    X, _, Y = classification_data(M_N, M_SIZES[0])
    net = _classifier(M_SIZES)

    def epoch():
        net.fit(X, Y, optimizer="sgd", epochs=1, learning_rate=LR, batch_size=BATCH_M)

    report(
        "chainrule", "M", timed(epoch, REPEATS["M"]), dtype=str(net.params["W1"].dtype)
    )


def _blas_clock():
    """Wrap the fused step's gemm calls with a clock; returns the seconds list."""
    from chainrule.train import fused

    spent = [0.0]
    real = fused._blas

    class Clocked:
        def __getattr__(self, name):
            fn = getattr(real, name)

            def timed_gemm(*args, **kw):
                t = time.perf_counter()
                out = fn(*args, **kw)
                spent[0] += time.perf_counter() - t
                return out

            return timed_gemm

    fused._blas = Clocked()
    return spent


def _big(case, sizes, batch, steps, repeats):
    X, _, Y = classification_data(batch * steps, sizes[0])
    net = _classifier(sizes)

    def run():
        net.fit(X, Y, optimizer="sgd", epochs=1, learning_rate=LR, batch_size=batch)

    secs = [t / steps for t in timed(run, repeats)]
    spent = _blas_clock()  # a separate, clocked run: the share outside BLAS
    t = time.perf_counter()
    run()
    total = time.perf_counter() - t
    report("chainrule", case, secs, outside_blas=1 - spent[0] / total)


def case_l():
    _big("L", L_SIZES, BATCH_L, L_STEPS, REPEATS["L"])


def case_xl():
    _big("XL", XL_SIZES, BATCH_XL, XL_STEPS, XL_REPEATS)


if __name__ == "__main__":
    cases = {"S": case_s, "M": case_m, "L": case_l, "XL": case_xl}
    cases["COMPILE"] = case_compile
    cases[sys.argv[1]]()
