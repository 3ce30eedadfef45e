"""Run every benchmark in its own process and write ``benchmarks/RESULTS.md``.

Usage: ``python benchmarks/run.py [--threads 1 2 all] [--xl | --no-xl]
[--out benchmarks/RESULTS.md]`` (``make bench`` runs it). By default the
threads are 1, 2 and every core (each once), and the XL case runs only on
machines with at least 8 cores. Each framework and case runs in a fresh process,
pinned to as many cores as BLAS threads, with ``OPENBLAS_CORETYPE`` and
``OPENBLAS_L2_SIZE`` removed from its environment (they select a slower
kernel in current NumPy); the BLAS kernel and threads that ran are recorded
through threadpoolctl.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
JOBS = [
    ("numpy", "CEIL"),
    ("torch", "CEIL"),
    ("numpy", "CEIL-L"),
    ("chainrule", "S"),
    ("numpy", "S"),
    ("torch", "S"),
    ("jax", "S"),
    ("sklearn", "S"),
    ("chainrule", "M"),
    ("numpy", "M"),
    ("torch", "M"),
    ("jax", "M"),
    ("sklearn", "M"),
    ("chainrule", "L"),
    ("torch", "L"),
    ("jax", "L"),
]
XL_JOBS = [("chainrule", "XL"), ("torch", "XL")]
#: Run once, with the first thread setting: the compiled path's first use.
ONCE = [("chainrule", "COMPILE"), ("chainrule", "LATENCY")]


def thread_counts(asked: list[str]) -> list[int]:
    """``1``, ``2``, ``all`` ... as distinct counts no larger than the cores."""
    cores = len(os.sched_getaffinity(0))
    counts = {cores if a == "all" else min(int(a), cores) for a in asked}
    return sorted(counts)


def child_env(threads: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
    }
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env[var] = str(threads)
    env["BENCH_THREADS"] = str(threads)
    src = str(HERE.parent / "src")
    env["PYTHONPATH"] = os.pathsep.join([src, str(HERE), env.get("PYTHONPATH", "")])
    return env


def run_job(framework: str, case: str, threads: int) -> list[dict]:
    cores = sorted(os.sched_getaffinity(0))[:threads]
    cmd = [sys.executable, str(HERE / f"bench_{framework}.py"), case]
    t = time.perf_counter()
    proc = subprocess.run(
        cmd,
        env=child_env(threads),
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=lambda: os.sched_setaffinity(0, cores),
    )
    took = time.perf_counter() - t
    if proc.returncode:
        print(f"  {framework} {case}: FAILED\n{proc.stderr[-2000:]}", file=sys.stderr)
        return []
    rows = [json.loads(x) for x in proc.stdout.splitlines() if x.startswith("{")]
    for r in rows:
        print(
            f"  {r['framework']:>15} {case:>4} t={threads}: median "
            f"{r['median_s']:.6g} s ({took:.0f} s wall)",
            file=sys.stderr,
        )
    return rows


def run_prepare(rows: int) -> dict | None:
    """bench_prepare.py's medians (each measurement a fresh process), or
    None when it fails."""
    sys.path.insert(0, str(HERE))
    from bench_prepare import measure

    try:
        return measure(rows, log=lambda line: print(line, file=sys.stderr))
    except (RuntimeError, OSError) as exc:
        print(f"  preparation: FAILED\n{exc}", file=sys.stderr)
        return None


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in (
        "numpy",
        "scipy",
        "torch",
        "jax",
        "jaxlib",
        "scikit-learn",
        "threadpoolctl",
        "numba",
    ):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = "not installed"
    return out


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} logical CPUs, {platform.system()} "
        f"{platform.release()}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--threads", nargs="+", default=["1", "2", "all"])
    parser.add_argument(
        "--xl",
        action=argparse.BooleanOptionalAction,
        default=len(os.sched_getaffinity(0)) >= 8,
        help="run the XL case (default: on with at least 8 cores)",
    )
    parser.add_argument("--out", default=str(HERE / "RESULTS.md"))
    parser.add_argument("--json", default=str(HERE / "results.json"))
    parser.add_argument(
        "--prepare-rows",
        type=int,
        default=1_000_000,
        help="rows of bench_prepare.py's table (0: not run)",
    )
    args = parser.parse_args(argv)
    results = []
    load_before = os.getloadavg()
    start = time.perf_counter()
    counts = thread_counts(args.threads)
    for threads in counts:
        print(f"BLAS threads = {threads}", file=sys.stderr)
        jobs = JOBS + (XL_JOBS if args.xl else [])
        jobs += ONCE if threads == counts[0] else []
        for framework, case in jobs:
            results.extend(run_job(framework, case, threads))
    prepare = None
    if args.prepare_rows:
        print(f"preparation, {args.prepare_rows} rows", file=sys.stderr)
        prepare = run_prepare(args.prepare_rows)
    wall = time.perf_counter() - start
    meta = {
        "machine": machine(),
        "versions": versions(),
        "wall_s": wall,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "load_before": load_before,
        "load_after": os.getloadavg(),
        "xl": args.xl,
    }
    data = {"meta": meta, "results": results}
    if prepare is not None:
        data["prepare"] = prepare
    Path(args.json).write_text(json.dumps(data, indent=1))
    from report import render

    Path(args.out).write_text(render(meta, results, prepare))
    print(f"wrote {args.out} in {wall:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
