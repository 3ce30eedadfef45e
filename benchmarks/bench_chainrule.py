"""chainrule through its public API: ``Network.fit`` (and ``Network.step``)."""

import os
import subprocess
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


def case_s():
    """Steady state: the kernels are made ready first (``cr.accel.prepare()``,
    as JAX's functions are compiled by the warm-up call)."""
    X, y = s_data()
    W1, W2 = s_weights()
    compiled = cr.accel.prepare() is not None
    for suffix, allowed in (("", True), ("-numpy", False)):
        if suffix and not compiled:
            break  # without numba the first pass already was the NumPy path
        cr.accel.use_compiled(allowed)
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
            "from chainrule.accel import prepare\n"
            "assert prepare() is not None\n"
            "print(time.perf_counter() - t)\n"
        )

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


def _wall(args, env, repeats: int) -> float:
    """The best wall-clock seconds of a whole process over ``repeats`` runs."""
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        subprocess.run(args, env=env, capture_output=True, check=True)
        best = min(best, time.perf_counter() - t)
    return best


def _first_response(env) -> float:
    """Seconds from starting ``chainrule playground`` to its first answers:
    the page's state, then one step (a POST)."""
    import json
    import urllib.request

    t = time.perf_counter()
    proc = subprocess.Popen(
        [CLI, "playground", "--no-browser", "--port", "0"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    try:
        url = proc.stdout.readline().strip()
        urllib.request.urlopen(url + "api/state", timeout=60).read()
        body = json.dumps({}).encode()
        request = urllib.request.Request(
            url + "api/step", data=body, method="POST",
            headers={"Content-Type": "application/json"},
        )  # fmt: skip
        urllib.request.urlopen(request, timeout=60).read()
        return time.perf_counter() - t
    finally:
        proc.terminate()
        proc.wait(10)


CLI = str(Path(sys.executable).parent / "chainrule")
README_TRACE = (
    "import chainrule as cr\n"
    "X, y = cr.datasets.test_scores()\n"
    "net = cr.Network([2, 3, 1], activation='sigmoid', loss='sse', bias=False)\n"
    "net.set_params({'W1': [[.1, .2, .3], [.4, .5, .6]], 'W2': [[.7], [.8], [.9]]})\n"
    "t = net.trace(X, y)\n"
)


def case_latency():
    """A learner's first calls, each a fresh process with an empty numba cache:
    ``import chainrule`` (its own import time, ``-X importtime``), a process
    that imports it and uses ``chainrule.Network``, ``chainrule --help``, the
    README's first trace, ``chainrule explain --example seed004`` and the
    playground's first answers; best of 5 (3 for the playground)."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        # As an installed package runs: with its bytecode written (a first
        # run writes it where an editable install has none yet).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        subprocess.run([CLI, "explain", "--example", "seed004"], env=env,
                       capture_output=True, check=True)  # fmt: skip
        imports = []
        for _ in range(5):
            out = subprocess.run(
                [sys.executable, "-X", "importtime", "-c", "import chainrule"],
                env=env, capture_output=True, text=True, check=True,
            )  # fmt: skip
            line = [x for x in out.stderr.splitlines() if x.endswith("| chainrule")]
            imports.append(int(line[-1].split("|")[1]) / 1e6)
        extra = {
            "import_s": min(imports),
            "network_s": _wall(
                [sys.executable, "-c", "import chainrule; chainrule.Network"], env, 5
            ),
            "help_s": _wall([CLI, "--help"], env, 5),
            "trace_s": _wall([sys.executable, "-c", README_TRACE], env, 5),
            "explain_s": _wall([CLI, "explain", "--example", "seed004"], env, 5),
            "playground_s": min(_first_response(env) for _ in range(3)),
            "cache_files": sum(1 for f in Path(cache).rglob("*") if f.is_file()),
        }
    report("chainrule", "LATENCY", [extra["trace_s"]], **extra)


def _blas_clock():
    """Wrap the fused step's gemm calls with a clock; returns the seconds list."""
    from chainrule.accel import fused

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
    cr.accel.prepare()  # steady state: the element-wise kernels ready
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
    cases["LATENCY"] = case_latency
    cases[sys.argv[1]]()
