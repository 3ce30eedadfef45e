"""``chainrule demo``: the tutorial's story end to end.

The test-score data, the 2-3-1 network and its shapes, the gradient check,
BFGS training, the predictions, one gradient-descent step explained, and the
plots written as PNG files.

Examples
--------
>>> import io, tempfile
>>> from rich.console import Console
>>> console = Console(file=io.StringIO(), width=100)
>>> net = run_demo(out=tempfile.mkdtemp(), console=console)
>>> net.sizes
[2, 3, 1]
>>> "Gradient check" in console.file.getvalue()
True
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from chainrule.core.trace import Trace
from chainrule.data import datasets
from chainrule.errors import ConfigError
from chainrule.explainer import explain
from chainrule.gradient_check import gradcheck
from chainrule.network import Network
from chainrule.persist.paths import check_outputs
from chainrule.train.options import History
from chainrule.train.progress import ProgressBar

Array = np.ndarray
#: The learning rate of the explained gradient-descent step.
STEP_LEARNING_RATE = 1.0


def _data_table(Xr: Array, yr: Array, X: Array, y: Array) -> Table:
    t = Table(title="Test scores (part 1): X = (sleep, study), y = score")
    for name in ("hours of sleep", "hours of study", "score", "X (scaled)", "y"):
        t.add_column(name, justify="right")
    for i in range(len(Xr)):
        t.add_row(
            f"{Xr[i, 0]:g}",
            f"{Xr[i, 1]:g}",
            f"{yr[i, 0]:g}",
            f"{X[i, 0]:.2f}  {X[i, 1]:.2f}",
            f"{y[i, 0]:.2f}",
        )
    return t


_MEANING = {
    "X": "inputs, one row per example",
    "y": "targets",
    "W": "weights, inputs x outputs of a layer",
    "z": "activity z = a W",
    "a": "activation a = f(z)",
    "yHat": "prediction",
    "delta": "dJ/dz, the error back-propagated",
    "dJdW": "gradient, same shape as W",
}


def _shape_table(net: Network, trace: Trace) -> Table:
    t = Table(title=f"The {'-'.join(map(str, net.sizes))} network and its shapes")
    t.add_column("array")
    t.add_column("shape", justify="right")
    t.add_column("meaning")
    L = net.n_layers
    for name, shape in trace.shapes().items():
        kind = name.rstrip("0123456789")
        if kind in _MEANING and name not in ("a1", f"a{L + 1}"):
            t.add_row(name, str(shape), _MEANING[kind])
    return t


def explain_step(
    net: Network,
    X: Array,
    y: Array,
    console: Console,
    learning_rate: float = STEP_LEARNING_RATE,
) -> float:
    """Print one gradient-descent step, derived: every z, a, δ and ∂J/∂W.

    The derivation is :func:`chainrule.explain`'s, whose values come from
    ``net.trace(X, y)``, the pass that training uses. ``net`` is not changed.

    Parameters
    ----------
    net : Network
    X : (n, n_inputs) array
    y : (n, n_outputs) array
    console : rich.console.Console
    learning_rate : float
        α of ``W := W − α ∂J/∂W``.

    Returns
    -------
    float
        The cost after the step.
    """
    from chainrule.explainer.render.text import print_all, renderables

    ex = explain(net, X, y, learning_rate=learning_rate)
    console.rule(f"One gradient-descent step from these weights, α = {learning_rate:g}")
    print_all(console, renderables(ex, precision=4))
    return float(ex["J'"].value)


def _train(net: Network, X: Array, y: Array, console: Console) -> History:
    console.rule("Training with BFGS (part 6)")
    with ProgressBar(total=200, description="BFGS", console=console) as bar:
        hist = net.fit(X, y, optimizer="bfgs", epochs=200, callbacks=[bar])
    marks = sorted({1, 2, 3, 5, 10, 20, hist.epochs} & set(range(1, hist.epochs + 1)))
    console.print(
        "J by iteration: " + ", ".join(f"{i}: {hist.cost[i - 1]:.3g}" for i in marks),
        highlight=False,
    )
    console.print(f"{hist.epochs} iterations; {hist.message}")
    return hist


def _predictions(net: Network, Xr: Array, yr: Array, X: Array) -> Table:
    yhat = datasets.MAX_SCORE * net.forward(X)
    t = Table(title="Predicted vs actual score")
    for name in ("sleep", "study", "predicted", "actual"):
        t.add_column(name, justify="right")
    for i in range(len(X)):
        t.add_row(
            f"{Xr[i, 0]:g}", f"{Xr[i, 1]:g}", f"{yhat[i, 0]:.2f}", f"{yr[i, 0]:g}"
        )
    return t


#: The plots ``demo`` writes into its folder.
PLOTS = ("cost.png", "sigmoid.png", "network.png", "surface.png")


def plot_files(out: Path, force: bool = False) -> list[Path]:
    """The plots' paths in ``out``, created if missing, checked before any work.

    Each file passes :func:`chainrule.persist.paths.check_outputs`: not a
    link, not a special file, not read-only (unless ``force``).
    """
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out: {str(out)!r} exists and is not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"--out: cannot create the folder {str(out)!r} ({exc.strerror or exc})"
        ) from None
    files = [out / n for n in PLOTS]
    check_outputs({f"--out ({f.name})": f for f in files}, force=force)
    return files


def _plots(files: list[Path], net0, net, hist, X, y, data) -> list[Path]:
    from chainrule import plot

    plot.cost_curve(hist, path=files[0])
    plot.activation("sigmoid", path=files[1])
    plot.network(net0, net0.trace(X, y), path=files[2])
    plot.prediction_surface(net, data=data, path=files[3])
    return files


def run_demo(
    out: str | os.PathLike = "chainrule-demo",
    console: Console | None = None,
    force: bool = False,
) -> Network:
    """Tell the tutorial's story and write its plots to ``out``; return the network.

    Parameters
    ----------
    out : str or path
        Folder for ``cost.png``, ``sigmoid.png``, ``network.png`` and
        ``surface.png`` (created if missing).
    console : rich.console.Console, optional
        Where to print; standard output by default.
    force : bool
        Replace read-only plots.

    Raises
    ------
    ConfigError
        ``out`` is not a folder, or a plot's path is a link, a special file
        or read-only (before any work).
    """
    console = console or Console(highlight=False, soft_wrap=True)
    out = Path(out)
    files = plot_files(out, force)
    X, y = datasets.test_scores()
    Xr, yr = datasets.test_scores(raw=True)
    console.rule("chainrule demo: Neural Networks Demystified, end to end")
    console.print(_data_table(Xr, yr, X, y))
    net = Network([2, 3, 1], activation="sigmoid", loss="sse", bias=False, seed=0)
    console.print(_shape_table(net, net.trace(X, y)))
    chk = gradcheck(net, X, y)
    console.print(
        f"Gradient check (part 5): ‖g − n‖/‖g + n‖ = {chk.relative_error:.3e} "
        f"(tolerance {chk.tolerance:g}): {'ok' if chk.ok else 'FAILED'}"
    )
    net0 = net.copy()
    hist = _train(net, X, y, console)
    console.print(_predictions(net, Xr, yr, X))
    console.print("Back to the initial weights, to see where the gradient comes from:")
    explain_step(net0, X, y, console)
    _plots(files, net0, net, hist, X, y, (Xr, yr))
    console.rule("Plots")
    for f in files:
        console.print(f"  {f}")
    console.print(f"Open the PNG files in {out.resolve()} to see them.")
    return net
