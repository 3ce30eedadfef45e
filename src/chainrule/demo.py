"""``chainrule demo``: the tutorial's network trained with BFGS, end to end."""

from __future__ import annotations

import numpy as np

import chainrule as cr


def run_demo(print_fn=print) -> cr.Network:
    """Train the 2-3-1 network on the test-score data and print the story."""
    X, y = cr.datasets.test_scores()
    Xr, yr = cr.datasets.test_scores(raw=True)
    print_fn("Test-score data (hours of sleep, hours of study -> score):")
    for (sleep, study), score in zip(Xr, yr[:, 0], strict=True):
        print_fn(f"  {sleep:5.1f} {study:5.1f} -> {score:5.1f}")
    net = cr.Network([2, 3, 1], activation="sigmoid", loss="sse", seed=0)
    print_fn(
        f"Network {net.sizes}: "
        + ", ".join(f"{k} {v.shape}" for k, v in net.params.items())
    )
    chk = cr.gradcheck(net, X, y)
    print_fn(
        f"Gradient check: relative error {chk.relative_error:.3e} "
        f"({'ok' if chk.ok else 'FAILED'})"
    )
    hist = net.fit(X, y, optimizer="bfgs", epochs=200)
    print_fn(
        f"BFGS: {hist.epochs} iterations, J {hist.cost[0]:.6g} -> {hist.cost[-1]:.3e}"
    )
    yhat = net.forward(X)
    print_fn("Predicted vs actual score:")
    for p, t in zip(100 * yhat[:, 0], yr[:, 0], strict=True):
        print_fn(f"  {p:7.2f}  {t:7.2f}")
    assert np.all(np.isfinite(yhat))
    return net
