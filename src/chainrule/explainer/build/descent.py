"""Several gradient-descent steps in one explanation, downhill or uphill.

``explain(..., learning_rate=α, steps=N)`` writes out the first update and
adds a ``"costs"`` step: ``J`` before the first update and after each of the
``N``, and a sentence saying whether ``J`` went down. With ``uphill=True`` the
learning rate may be negative, so that ``W := W − α ∂J/∂W`` moves *along* the
gradient: the tutorial's part 4 (seed 003, cells 13 and 14) adds 3 times the
gradient to the weights and sees the cost rise.

Examples
--------
>>> import chainrule as cr
>>> net = cr.Network([1, 1, 1], activation="relu", loss="mse", bias=False)
>>> net.set_params({"W1": [[0.5]], "W2": [[0.8]]})
>>> ex = cr.explain(net, [[3.0]], [[2.0]], learning_rate=0.1, steps=3)
>>> [round(float(J), 9) for J in ex["costs"].value[0]]
[0.32, 0.004057203, 0.000175905, 1.1183e-05]
>>> ex["costs"].note
'J went down at every step: from 0.32 to 1.11829e-05 after 3 steps'
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from chainrule.errors import InvalidTypeError, InvalidValueError
from chainrule.explainer.model.step import Detail, Step
from chainrule.validation import check_bool, check_positive

#: More updates than this are training, not an explanation: use ``fit``.
MAX_STEPS = 1000


def check_descent(
    learning_rate: object, steps: object, uphill: object
) -> tuple[float | None, int]:
    """The learning rate and the number of steps, checked together."""
    uphill = check_bool("uphill", uphill)
    n = check_positive("steps", steps, integer=True)
    if n > MAX_STEPS:
        raise InvalidValueError(
            f"steps: expected at most {MAX_STEPS} updates (use Network.fit for "
            f"training), got {n}"
        )
    if learning_rate is None:
        if n > 1 or uphill:
            what = f"steps={n}" if n > 1 else "uphill=True"
            raise InvalidValueError(
                f"learning_rate: {what} takes gradient-descent steps, which need a "
                "learning_rate; got None"
            )
        return None, n
    if not uphill:
        return check_positive("learning_rate", learning_rate), n
    if (
        isinstance(learning_rate, bool)
        or not isinstance(learning_rate, numbers.Real)
        or not math.isfinite(learning_rate)
    ):
        raise InvalidTypeError(
            f"learning_rate: expected a finite number, got {learning_rate!r}"
        )
    if learning_rate >= 0:
        raise InvalidValueError(
            "learning_rate: uphill=True moves along the gradient, which needs a "
            f"negative learning_rate (W := W − α ∂J/∂W with α < 0); got {learning_rate}"
        )
    return float(learning_rate), n


def costs(
    net,
    X: np.ndarray,
    y: np.ndarray,
    learning_rate: float,
    n: int,
    update_biases: bool = True,
) -> list:
    """``J`` before the first update and after each of ``n`` (a copy is updated).

    With ``update_biases=False`` the biases keep their values, as in the
    written-out update.
    """
    work = net.copy()
    out = []
    for _ in range(n):
        t = work.trace(X, y)
        out.append(float(t["J"]))
        work.set_params(
            {
                k: v - learning_rate * t.gradients[k]
                if update_biases or k[0] == "W"
                else v
                for k, v in work.params.items()
            }
        )
    out.append(float(work.trace(X, y)["J"]))
    return out


def sentence(values: list[float]) -> str:
    """Whether ``J`` went down, in words."""
    diffs = np.diff(values)
    n = len(diffs)
    span = f"from {values[0]:.6g} to {values[-1]:.6g} after {n} step{'s' * (n != 1)}"
    if np.all(diffs < 0):
        return f"J went down at every step: {span}"
    if np.all(diffs > 0):
        return f"J went up at every step: {span}"
    ups = [str(i + 1) for i, d in enumerate(diffs) if d >= 0]
    overall = "down" if values[-1] < values[0] else "not down"
    return (
        f"J went {overall} overall, {span}, but did not fall at step {', '.join(ups)}"
    )


def descent_step(
    net, X, y, learning_rate: float, n: int, update_biases: bool = True
) -> Step:
    """The ``"costs"`` step: a row of ``n + 1`` costs and one line each."""
    values = costs(net, X, y, learning_rate, n, update_biases)
    rows = [
        Detail(
            "cost", "before the first step: J", r"\text{before: } J", value=values[0]
        )
    ]
    for k in range(1, n + 1):
        rows.append(
            Detail(
                "cost",
                f"after step {k}: J",
                rf"\text{{after step {k}: }} J",
                value=values[k],
            )
        )
    return Step(
        symbol="costs",
        formula=f"J before and after each of {n} step{'s' * (n != 1)}, "
        f"α = {learning_rate:g}",
        shape=(1, n + 1),
        value=np.array([values]),
        name="J",
        name_latex="J",
        formula_latex=rf"J_k,\ k = 0, \dots, {n}",
        uses=("J", "J'"),  # its first two costs are those steps' values
        phase="descent",
        note=sentence(values),
        details=tuple(rows),
    )
