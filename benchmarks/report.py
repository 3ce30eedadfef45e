"""Render ``results.json`` (written by ``run.py``) as ``RESULTS.md``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from common import (
    BATCH_L,
    BATCH_M,
    BATCH_XL,
    L_SIZES,
    L_STEPS,
    M_N,
    M_SIZES,
    REPEATS,
    S_STEPS,
    XL_SIZES,
    XL_STEPS,
    xl_flops_per_step,
)
from common import l_flops_per_step as l_flops

ROWS = [
    "chainrule",
    "chainrule-step",
    "chainrule-numpy",
    "chainrule-step-numpy",
    "numpy",
    "torch-raw",
    "torch-module",
    "torch",
    "jax",
    "sklearn",
]


def _get(results, fw, case, threads):
    for r in results:
        if r["framework"] == fw and r["case"] == case and r["threads"] == threads:
            return r
    return None


def _fmt(x, spec):
    return "–" if x is None else format(x, spec)


def table(results, threads) -> list[str]:
    lines = [
        f"### {threads} BLAS thread{'s' if threads > 1 else ''}",
        "",
        "Medians, with the best repetition in parentheses.",
        "",
        "| framework | S µs/step | M s/epoch | M examples/s | M peak RSS MB "
        "| L steps/s | L GFLOP/s | XL GFLOP/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for fw in ROWS:
        got = {c: _get(results, fw, c, threads) for c in ("S", "M", "L", "XL")}
        if fw in ("torch-raw", "torch-module"):
            got["M"] = None
        if not any(got.values()):
            continue

        def cell(case, f, spec, got=got):
            r = got[case]
            if r is None:
                return "–"
            return f"{f(r['median_s']):{spec}} ({f(r['best_s']):{spec}})"

        m = got["M"]
        lines.append(
            f"| {fw} | {cell('S', lambda t: t * 1e6, '.1f')} "
            f"| {cell('M', lambda t: t, '.3f')} "
            f"| {cell('M', lambda t: M_N / t, ',.0f')} "
            f"| {_fmt(m and m['peak_rss_mb'], '.0f')} "
            f"| {cell('L', lambda t: 1 / t, '.2f')} "
            f"| {cell('L', lambda t: l_flops() / t / 1e9, '.0f')} "
            f"| {cell('XL', lambda t: xl_flops_per_step() / t / 1e9, '.0f')} |"
        )
    for fw, case, what in (
        ("numpy", "CEIL", "float32 matmul ceiling (2048³)"),
        ("torch", "CEIL", "float32 matmul ceiling (2048³)"),
        ("numpy", "CEIL-L", "L's matrix products alone"),
    ):
        c = _get(results, fw, case, threads)
        if c:
            lines.append(
                f"| {fw}: {what}, best | | | | | {1 / c['best_s']:.2f} | "
                f"{c['flops'] / c['best_s'] / 1e9:.0f} | |"
            )
    return lines


def ratios(results, threads) -> list[str]:
    def pair(f, *runs):
        """``f`` of the medians, and of the best repetitions."""
        if not all(runs):
            return None
        a = f(*(r["median_s"] for r in runs))
        b = f(*(r["best_s"] for r in runs))
        return f"**{a:.2f}** ({b:.2f} on the best repetitions)"

    def get(fw, case):
        return _get(results, fw, case, threads)

    out = [f"Ratios with {threads} thread{'s' if threads > 1 else ''}:", ""]
    targets = {"jax": " — target ≤ 0.20 (with numba)"}
    for peer in ("jax", "torch-raw", "torch-module", "numpy", "sklearn"):
        v = pair(lambda c, p: c / p, get("chainrule", "S"), get(peer, "S"))
        if v:
            out.append(
                f"- S: chainrule fit(gd) time ÷ {peer} time = {v}"
                f"{targets.get(peer, '')}"
            )
    v = pair(lambda c, p: c / p, get("chainrule-step", "S"), get("jax", "S"))
    if v:
        out.append(f"- S: Network.step time ÷ jax time = {v} — target ≤ 0.5")
    v = pair(
        lambda c, p: c / p,
        get("chainrule-step-numpy", "S"),
        get("chainrule-numpy", "S"),
    )
    if v:
        out.append(
            f"- S without numba: Network.step ÷ fit(gd) step = {v} — target ≤ 1.5"
        )
    for peer in ("torch", "sklearn", "jax", "numpy"):
        v = pair(lambda c, p: p / c, get("chainrule", "M"), get(peer, "M"))
        if v:
            target = " — target ≥ 2.0" if peer == "torch" else ""
            if peer == "torch" and threads >= 16:
                target = " — target ≥ 2.0 (≥ 1.0 on 16 cores)"
            out.append(f"- M: chainrule examples/s ÷ {peer}'s = {v}{target}")
    rc, rt = get("chainrule", "M"), get("torch", "M")
    if rc and rt:
        a, b = rc["peak_rss_mb"], rt["peak_rss_mb"]
        out.append(
            f"- M peak RSS: chainrule {a:.0f} MB ÷ torch {b:.0f} MB = "
            f"**{a / b:.2f}** — target ≤ 0.6"
        )
    cl, ceil, shaped = (
        get("chainrule", "L"),
        get("numpy", "CEIL"),
        get("numpy", "CEIL-L"),
    )
    if cl and ceil:
        # the ceiling: the most NumPy reached on any float32 product in this run
        top = max(r["flops"] / r["best_s"] for r in (ceil, shaped) if r)
        v = pair(lambda c: l_flops() / c / top, cl)
        goal = {1: " — target ≥ 0.92", 2: " — target ≥ 0.90"}.get(threads, "")
        out.append(
            f"- L: chainrule GFLOP/s ÷ NumPy's ceiling ({top / 1e9:.0f} GFLOP/s, the "
            f"best product of this run) = {v}{goal}"
        )
        if "outside_blas" in cl:
            out.append(
                f"- L: share of chainrule's step outside BLAS (gemm calls clocked "
                f"in a separate run) = **{cl['outside_blas']:.3f}**"
            )
        if shaped:
            sh = shaped["flops"] / shaped["best_s"]
            out.append(
                f"- L: the same matrix products alone reach {sh / top:.2f} of the "
                f"ceiling; chainrule reaches {pair(lambda c: l_flops() / c / sh, cl)}"
                " of that"
            )
        for peer in ("torch", "jax"):
            v = pair(lambda c, p: p / c, cl, get(peer, "L"))
            if v:
                goal = " — target ≥ 1.0 (16 cores)" if threads >= 16 else ""
                out.append(f"- L: chainrule steps/s ÷ {peer}'s = {v}{goal}")
        tceil = get("torch", "CEIL")
        if tceil:
            t = tceil["flops"] / tceil["best_s"]
            out.append(
                f"- L, the BLAS part: torch's own matmul ceiling ÷ NumPy's = "
                f"**{t / top:.2f}**"
            )
    v = pair(lambda c, p: p / c, get("chainrule", "XL"), get("torch", "XL"))
    if v:
        goal = " — target ≥ 1.0 (16 cores)" if threads >= 16 else ""
        out.append(f"- XL: chainrule steps/s ÷ torch's = {v}{goal}")
    comp = get("chainrule", "COMPILE")
    if comp:
        out.append(
            f"- The compiled path's first use: {comp['median_s']:.1f} s to compile "
            f"into an empty cache of {comp['cache_kb']:.0f} KiB; "
            f"{comp['load_s']:.2f} s to import and load it in a later process"
        )
    lat = get("chainrule", "LATENCY")
    if lat:
        out.append(
            "- A learner's first calls, fresh process, empty numba cache (best "
            f"of 5): `import chainrule` {lat['import_s']:.2f} s (target ≤ 0.3), "
            + (
                f"a process that imports it and uses `chainrule.Network` "
                f"{lat['network_s']:.2f} s, "
                if "network_s" in lat
                else ""
            )
            + f"`chainrule --help` {lat['help_s']:.2f} s (≤ 0.5), the README's "
            f"first trace {lat['trace_s']:.2f} s (< 1), `chainrule explain "
            f"--example seed004` {lat['explain_s']:.2f} s (< 2), the "
            f"playground's first state and step {lat['playground_s']:.2f} s "
            f"(< 2); {lat['cache_files']} files written to the numba cache"
        )
    return out + [""]


def render(meta, results, prepare=None) -> str:
    threads = sorted({r["threads"] for r in results})
    kernels = sorted(
        {
            f"{b.get('internal_api')} {b.get('version')} "
            f"{b.get('architecture') or ''}".strip()
            for r in results
            for b in r["blas"]
        }
    )
    blas_threads = {
        t: sorted(
            {b["num_threads"] for r in results if r["threads"] == t for b in r["blas"]}
        )
        for t in threads
    }
    v = meta["versions"]
    load = ""
    if "load_before" in meta:
        load = (
            f"- Load average (1, 5, 15 min) before the run: "
            f"{', '.join(f'{x:.1f}' for x in meta['load_before'])}; after: "
            f"{', '.join(f'{x:.1f}' for x in meta['load_after'])}."
        )
    xl = (
        f"- XL: {'-'.join(map(str, XL_SIZES))}, float32, batch {BATCH_XL}, "
        f"{XL_STEPS} steps per repetition; {xl_flops_per_step() / 1e9:.0f} GFLOP "
        "a step" + ("." if meta.get("xl") else "; not run (fewer than 8 cores).")
    )
    head = [
        "# Benchmarks",
        "",
        "Written by `python benchmarks/run.py` (`make bench`); the numbers below are",
        "from one run, and the notes after them are the analysis of that run.",
        "",
        f"- Date: {meta['date']}; whole run {meta['wall_s']:.0f} s.",
        f"- Machine: {meta['machine']}.",
        *([load] if load else []),
        "- Versions: " + ", ".join(f"{k} {val}" for k, val in v.items()) + ".",
        f"- BLAS libraries seen by threadpoolctl: {'; '.join(kernels)}.",
        "- Threads per run (as reported by threadpoolctl): "
        + ", ".join(f"{t} → {blas_threads[t]}" for t in threads)
        + ".",
        "- Each framework and case ran in its own process pinned to as many cores",
        "  as threads; `OPENBLAS_CORETYPE` and `OPENBLAS_L2_SIZE` were unset for it.",
        f"- Medians of {REPEATS['S']} (S), {REPEATS['M']} (M), {REPEATS['L']} (L) "
        "repetitions after one warm-up; the matrix-product ceilings are the best",
        f"  of {REPEATS['CEIL']} (noise from other processes only lowers them).",
        "- S: the tutorial's 2-3-1 sigmoid network (no biases, sse), the 3 examples,",
        f"  one full-batch gradient step, timed over {S_STEPS} steps. chainrule is",
        '  `Network.fit(optimizer="gd", epochs=N)` (one step per epoch, cost and',
        "  history recorded) and, as `chainrule-step`, a loop of `Network.step`",
        "  (which checks its input on every call).",
        f"- M: {'-'.join(map(str, M_SIZES))}, ReLU, softmax + cross-entropy, float32,",
        f"  plain SGD, batch {BATCH_M}, one epoch over {M_N:,} random examples;",
        "  chainrule is `Network.fit(..., epochs=1)` per epoch (input validation",
        "  included). Peak RSS is the process's maximum, data included.",
        f"- L: {'-'.join(map(str, L_SIZES))}, float32, batch {BATCH_L}, "
        f"{L_STEPS} steps per repetition; {l_flops() / 1e9:.2f} GFLOP of matrix",
        "  products per step. chainrule runs it with the fused step",
        "  (`chainrule.accel.fused`).",
        xl,
        "- `-numpy` rows: chainrule with the compiled path switched off.",
        "",
    ]
    body = []
    for t in threads:
        body += table(results, t) + [""] + ratios(results, t)
    if prepare:
        from bench_prepare import table as prepare_table

        body += prepare_table(prepare)
    notes = Path(__file__).with_name("analysis.md")
    if notes.exists():
        body += [notes.read_text()]
    return "\n".join(head + body)


if __name__ == "__main__":
    data = json.loads(Path(sys.argv[1]).read_text())
    print(render(data["meta"], data["results"], data.get("prepare")))
