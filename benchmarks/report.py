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
        "Medians, with the best repetition in parentheses.",
        "",
        "| framework | S µs/step | M s/epoch | M examples/s | M peak RSS MB "
        "| L steps/s | L GFLOP/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for fw in ROWS:
        got = {c: _get(results, fw, c, threads) for c in ("S", "M", "L")}
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
            f"| {cell('L', lambda t: l_flops() / t / 1e9, '.0f')} |"
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
                f"{c['flops'] / c['best_s'] / 1e9:.0f} |"
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
    targets = {"torch-raw": " — target ≤ 0.20", "jax": " — the one to beat"}
    for peer in ("torch-raw", "jax", "torch-module", "numpy", "sklearn"):
        v = pair(lambda c, p: c / p, get("chainrule", "S"), get(peer, "S"))
        if v:
            out.append(
                f"- S: chainrule time ÷ {peer} time = {v}{targets.get(peer, '')}"
            )
    targets = {"torch": " — target ≥ 1.0", "sklearn": " — target ≥ 1.6"}
    for peer in ("torch", "sklearn", "jax", "numpy"):
        v = pair(lambda c, p: p / c, get("chainrule", "M"), get(peer, "M"))
        if v:
            out.append(
                f"- M: chainrule examples/s ÷ {peer}'s = {v}{targets.get(peer, '')}"
            )
    rc, rt = get("chainrule", "M"), get("torch", "M")
    if rc and rt:
        a, b = rc["peak_rss_mb"], rt["peak_rss_mb"]
        out.append(
            f"- M peak RSS: chainrule {a:.0f} MB ÷ torch {b:.0f} MB = "
            f"**{a / b:.2f}** — target < 1"
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
        out.append(
            f"- L: chainrule GFLOP/s ÷ NumPy's ceiling ({top / 1e9:.0f} GFLOP/s, the "
            f"best product of this run) = {v} — target ≥ 0.90"
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
                out.append(f"- L: chainrule steps/s ÷ {peer}'s = {v}")
        tceil = get("torch", "CEIL")
        if tceil:
            t = tceil["flops"] / tceil["best_s"]
            out.append(
                f"- L, the BLAS part: torch's own matmul ceiling ÷ NumPy's = "
                f"**{t / top:.2f}**"
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
    notes = Path(__file__).with_name("analysis.md")
    if notes.exists():
        body += [notes.read_text()]
    return "\n".join(head + body)


if __name__ == "__main__":
    data = json.loads(Path(sys.argv[1]).read_text())
    print(render(data["meta"], data["results"]))
