"""``chainrule gradcheck``: backpropagation against central differences."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.table import Table as RichTable

from chainrule.cli.common import ExitCode, console, model_and_data
from chainrule.gradient_check import MAX_PARAMS, check_work
from chainrule.gradient_check import gradcheck as check_gradients
from chainrule.network import Network
from chainrule.validation import check_positive

EPILOG = "Example: chainrule gradcheck model.safetensors scores.csv --target score"


#: Below this norm of the numerical gradient, central differences with
#: ε = 1e-4 (truncation error of order ε² ≈ 1e-8 per component) cannot give a
#: relative error under 1e-7: a trained minimum is not a point to check at.
FLAT_GRADIENT = 1e-3


def run_gradcheck(
    model: Path,
    data: Path,
    targets: list[str] | None,
    eps: float,
    rows: int,
    at_init: bool = False,
    max_params: int = MAX_PARAMS,
) -> bool:
    """Print the gradient check of a model on (the first rows of) a table.

    Returns ``False`` only when the check fails where it is conclusive.
    """
    check_positive("--rows", rows, integer=True)
    check_positive("--eps", eps)
    check_positive("--max-params", max_params, integer=True)
    net, _, _, d = model_and_data(model, data, targets, with_y=True)
    check_work(net.n_params, max_params)
    if at_init:
        net = Network(**net.config())
    X, y = d.X[:rows], d.y[:rows]
    chk = check_gradients(net, X, y, eps=eps, max_params=None)
    con = console()
    where = "a fresh initialisation" if at_init else "the saved weights"
    t = RichTable(title=f"Gradient check at {where}, {len(X)} rows (ε = {eps:g})")
    for col in ("parameter", "shape", "max |g − n|", "relative error"):
        t.add_column(col, justify="right" if col != "parameter" else "left")
    for name, p in chk.per_param.items():
        t.add_row(
            name,
            str(net.shapes[name]),
            f"{p['max_abs_error']:.3e}",
            f"{p['relative_error']:.3e}",
        )
    con.print(t)
    norm = float(np.sqrt(sum(np.sum(v**2) for v in chk.numerical.values())))
    flat = not chk.ok and norm < FLAT_GRADIENT
    verdict = "ok" if chk.ok else ("inconclusive" if flat else "FAILED")
    con.print(
        f"relative error ‖g − n‖/‖g + n‖ = {chk.relative_error:.3e} "
        f"(tolerance {chk.tolerance:g}; ‖n‖ = {norm:.3e}): {verdict}"
    )
    if flat:
        con.print(
            "The gradient is nearly zero here (a trained minimum), below what "
            "finite differences resolve; check with --at-init."
        )
    return chk.ok or flat


def gradcheck(
    model: Annotated[Path, typer.Argument(help="A model file.")],
    data: Annotated[Path, typer.Argument(help="CSV, Parquet, NPY or NPZ.")],
    target: Annotated[
        str | None, typer.Option(help="Target column(s); default: the model's.")
    ] = None,
    eps: Annotated[float, typer.Option(help="The perturbation ε.")] = 1e-4,
    rows: Annotated[int, typer.Option(help="Check on the first ROWS rows.")] = 100,
    at_init: Annotated[
        bool, typer.Option("--at-init", help="Check a fresh initialisation.")
    ] = False,
    max_params: Annotated[
        int,
        typer.Option(
            "--max-params",
            help="Refuse a model with more parameters (2 passes over the rows each).",
        ),
    ] = MAX_PARAMS,
) -> None:
    """Compare backpropagation's gradient with central differences.

    Exit code 1 when the relative error is above the tolerance. At a trained
    minimum the gradient is too small for the check: it then says
    "inconclusive" (exit code 0); use --at-init.
    """

    targets = None if target is None else [t.strip() for t in target.split(",")]
    if not run_gradcheck(model, data, targets, eps, rows, at_init, max_params):
        raise typer.Exit(ExitCode.ERROR)
