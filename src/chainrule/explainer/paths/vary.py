"""One weight varied: ``J`` and ``∂J/∂W`` at that element for each value.

:func:`vary` sets one parameter element to each value in turn (the others as
they are) and records the cost and the gradient at that element from
:meth:`chainrule.Network.trace`; :func:`parse_vary` reads the command line's
``"W2[0,0]=1,2,-1"``.

Examples
--------
>>> import chainrule as cr
>>> net = cr.Network([1, 1], activation="identity", loss="sse", bias=False)
>>> net.set_params({"W1": [[2.0]]})
>>> v = vary(net, [[3.0]], [[5.0]], "W1[0,0]", [1, 2, 5 / 3])
>>> [(r.value, round(r.J, 12), round(r.gradient, 12)) for r in v.rows]
[(1.0, 2.0, -6.0), (2.0, 0.5, 3.0), (1.6666666666666667, 0.0, 0.0)]
>>> print(v.to_text(precision=4))
W1[0,0]       J  ∂J/∂W1[0,0]
      1       2           -6
      2     0.5            3
  1.667       0            0
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from chainrule.errors import InvalidValueError
from chainrule.explainer.notation.names import check_convention
from chainrule.explainer.paths.weight_chain import parse_target
from chainrule.network import Network


@dataclass(frozen=True)
class VariedRow:
    """The cost and the gradient at the element when it holds ``value``."""

    value: float
    J: float
    gradient: float


@dataclass(frozen=True)
class Variation:
    """:func:`vary`'s table: one row per value, in the order given."""

    target: str
    rows: tuple

    def to_text(self, precision: int = 6) -> str:
        """Three right-aligned columns: the value, ``J`` and ``∂J/∂W``."""
        head = [self.target, "J", f"∂J/∂{self.target}"]
        body = [
            [f"{x:.{precision}g}" for x in (r.value, r.J, r.gradient)]
            for r in self.rows
        ]
        widths = [max(len(c) for c in col) for col in zip(head, *body, strict=True)]
        lines = [
            "  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True))
            for row in [head, *body]
        ]
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict:
        """Plain Python values, for JSON."""
        rows = [{"value": r.value, "J": r.J, "gradient": r.gradient} for r in self.rows]
        return {"target": self.target, "rows": rows}


def _check_values(values: object) -> list[float]:
    try:
        out = [float(v) for v in values]  # type: ignore[union-attr]
    except (TypeError, ValueError):
        out = []
    if not out or not all(np.isfinite(out)):
        raise InvalidValueError(
            f"values: expected one or more finite numbers, got {values!r}"
        )
    return out


def vary(
    net: Network,
    X: object,
    y: object,
    target: str,
    values: object,
    *,
    convention: str = "row",
) -> Variation:
    """``J`` and ``∂J/∂target`` with ``target`` set to each of ``values``.

    Parameters
    ----------
    net : Network
        Not changed: each value is tried on a copy.
    X : (n, n_inputs) array_like
    y : (n, n_outputs) array_like
    target : str
        A parameter element, 0-based: ``"W2[0,0]"``, ``"b1[0,2]"``; in the
        column convention it indexes the (outputs × inputs) matrix.
    values : sequence of float
    convention : {"row", "column"}

    Returns
    -------
    Variation

    Raises
    ------
    InvalidValueError
        A bad ``target`` or ``values`` (before any work).
    """
    column = check_convention(convention) == "column"
    kind, l, i, j = parse_target(target, net.shapes, column)
    vals = _check_values(values)
    X, y = net.check_data(X, y)
    key = f"{kind}{l}"
    trial = net.copy()
    rows = []
    for v in vals:
        params = net.params
        params[key] = params[key].copy()
        params[key][i, j] = v
        trial.set_params(params)
        t = trial.trace(X, y)
        rows.append(VariedRow(v, float(t.J), float(t.gradients[key][i, j])))
    return Variation(target, tuple(rows))


def parse_vary(text: str) -> tuple[str, list[float]]:
    """``"W2[0,0]=1,2,-1"`` as ``("W2[0,0]", [1.0, 2.0, -1.0])``.

    >>> parse_vary("W2[0,0]=1,2,-1")
    ('W2[0,0]', [1.0, 2.0, -1.0])
    """
    target, sep, rest = str(text).partition("=")
    try:
        values = [float(v) for v in rest.split(",")] if sep else []
    except ValueError:
        values = []
    if not values or not target.strip():
        raise InvalidValueError(
            f"--vary: expected ELEMENT=VALUES such as 'W2[0,0]=1,2,-1', got {text!r}"
        )
    return target.strip(), values
