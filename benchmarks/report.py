"""Render ``results.json`` (written by ``run.py``) as ``RESULTS.md``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from common import BATCH_L, BATCH_M, L_SIZES, L_STEPS, M_N, M_SIZES, REPEATS, S_STEPS
from common import l_flops_per_step as l_flops

ROWS = [
    "chainrule",
    "chainrule-step",
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
        "| framework | S µs/step | M s/epoch | M examples/s | M peak RSS MB "
        "| L steps/s | L GFLOP/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for fw in ROWS:
        s = _get(results, fw, "S", threads)
        m = _get(
            results,
            fw if fw not in ("torch-raw", "torch-module") else "_",
            "M",
            threads,
        )
        lc = _get(results, fw, "L", threads)
        if not (s or m or lc):
            continue
        S = s and s["median_s"] * 1e6
        M = m and m["median_s"]
        L = lc and lc["median_s"]
        lines.append(
            f"| {fw} | {_fmt(S, '.1f')} | {_fmt(M, '.3f')} | "
            f"{_fmt(M and M_N / M, ',.0f')} | {_fmt(m and m['peak_rss_mb'], '.0f')} | "
            f"{_fmt(L and 1 / L, '.2f')} | {_fmt(L and l_flops() / L / 1e9, '.0f')} |"
        )
    for fw, case, what in (
        ("numpy", "CEIL", "float32 matmul ceiling (2048³)"),
        ("torch", "CEIL", "float32 matmul ceiling (2048³)"),
        ("numpy", "CEIL-L", "L's matrix products alone"),
    ):
        c = _get(results, fw, case, threads)
        if c:
            lines.append(
                f"| {fw}: {what} (best) | | | | | {1 / c['best_s']:.2f} | "
                f"{c['flops'] / c['best_s'] / 1e9:.0f} |"
            )
    return lines


def ratios(results, threads) -> list[str]:
    def med(fw, case):
        r = _get(results, fw, case, threads)
        return r and r["median_s"]

    out = [f"Ratios with {threads} thread{'s' if threads > 1 else ''}:", ""]
    cs = med("chainrule", "S")
    for peer, target in (
        ("torch-raw", "≤ 0.20 (target)"),
        ("jax", "the one to beat"),
        ("torch-module", ""),
        ("numpy", ""),
        ("sklearn", ""),
    ):
        p = med(peer, "S")
        if cs and p:
            out.append(f"- S: chainrule time / {peer} time = **{cs / p:.2f}** {target}")
    cm = med("chainrule", "M")
    for peer, target in (
        ("torch", "≥ 1.0 (target)"),
        ("sklearn", "≥ 1.6 (target)"),
        ("jax", ""),
        ("numpy", ""),
    ):
        p = med(peer, "M")
        if cm and p:
            out.append(
                f"- M: chainrule examples/s ÷ {peer} = **{p / cm:.2f}** {target}"
            )
    rc, rt = (
        _get(results, "chainrule", "M", threads),
        _get(results, "torch", "M", threads),
    )
    if rc and rt:
        a, b = rc["peak_rss_mb"], rt["peak_rss_mb"]
        out.append(
            f"- M peak RSS: chainrule {a:.0f} MB vs torch {b:.0f} MB = "
            f"**{a / b:.2f}** (target < 1)"
        )
    cl, ceil = med("chainrule", "L"), _get(results, "numpy", "CEIL", threads)
    tceil = _get(results, "torch", "CEIL", threads)
    if cl and ceil:
        got, top = l_flops() / cl / 1e9, ceil["flops"] / ceil["best_s"] / 1e9
        out.append(
            f"- L: chainrule {got:.0f} GFLOP/s ÷ NumPy's ceiling {top:.0f} = "
            f"**{got / top:.2f}** (target ≥ 0.90)"
        )
        shaped = _get(results, "numpy", "CEIL-L", threads)
        if shaped:
            sh = shaped["flops"] / shaped["best_s"] / 1e9
            out.append(
                f"- L: the same matrix products alone in NumPy reach {sh:.0f} GFLOP/s"
                f" = {sh / top:.2f} of the ceiling; chainrule reaches "
                f"**{got / sh:.2f}** of that"
            )
        for peer in ("torch", "jax"):
            p = med(peer, "L")
            if p:
                out.append(f"- L: chainrule steps/s ÷ {peer} = **{p / cl:.2f}**")
        if tceil:
            t = tceil["flops"] / tceil["best_s"] / 1e9
            out.append(
                f"- L, the BLAS part of the gap: torch's own matmul ceiling "
                f"{t:.0f} GFLOP/s ÷ NumPy's {top:.0f} = **{t / top:.2f}**"
            )
    return out + [""]


def render(meta, results) -> str:
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
    head = [
        "# Benchmarks",
        "",
        "Written by `python benchmarks/run.py` (`make bench`); the numbers below are",
        "from one run, and the notes after them are the analysis of that run.",
        "",
        f"- Date: {meta['date']}; whole run {meta['wall_s']:.0f} s.",
        f"- Machine: {meta['machine']}.",
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
        "  history recorded) and, as `chainrule-step`, `Network.step` (which",
        "  validates its input on every call).",
        f"- M: {'-'.join(map(str, M_SIZES))}, ReLU, softmax + cross-entropy, float32,",
        f"  plain SGD, batch {BATCH_M}, one epoch over {M_N:,} random examples;",
        "  chainrule is `Network.fit(..., epochs=1)` per epoch (input validation",
        "  included). Peak RSS is the process's maximum, data included.",
        f"- L: {'-'.join(map(str, L_SIZES))}, float32, batch {BATCH_L}, "
        f"{L_STEPS} steps per repetition; {l_flops() / 1e9:.2f} GFLOP of matrix",
        "  products per step.",
        "",
    ]
    body = []
    for t in threads:
        body += table(results, t) + [""] + ratios(results, t)
    return "\n".join(head + body)


if __name__ == "__main__":
    data = json.loads(Path(sys.argv[1]).read_text())
    print(render(data["meta"], data["results"]))
