"""``Trace``: every named intermediate of one forward and backward pass.

A trace is the single record that training, gradient checking and
explanation share. It holds, in the tutorial's ("Welch") names:

- the data and parameters: ``X``, ``y``, ``W1``, ``b1``, ...
- the forward pass: ``a1`` (= X), ``z2``, ``a2``, ..., ``yHat``, ``J``
- the backward pass: ``dJdyHat``, ``delta{L+1}`` ... ``delta2``, the
  gradients ``dJdW{l}``, ``dJdb{l}`` and ``dJda{l}`` (= dJ/da for hidden
  layers).
- with dropout masks (:mod:`chainrule.core.dropout`), after each hidden
  ``a{l}``: the mask ``m{l}`` (0 or 1 per example and unit) and the
  activation the next product reads, ``am{l} = a{l} ∘ m{l} / (1 − p)``;
  ``dJda{l}`` is then masked and scaled the same way.

Seed 001's bracket notation is a second view of the same arrays: ``a[0]``
is ``a1``, ``z[l]`` is ``z{l+1}``, ``g[lz]`` is ``delta{l+1}``, ``g[lW]`` is
``dJdW{l}``, ``g[lb]`` is ``dJdb{l}``, ``g[la]`` is dJ/da[l].

Examples
--------
>>> import chainrule as cr
>>> net = cr.Network([2, 3, 1], seed=0)
>>> X, y = cr.datasets.test_scores()
>>> t = net.trace(X, y)
>>> t.shapes()["dJdW1"], t["delta3"].shape, t["delta2"].shape
((2, 3), (3, 1), (3, 3))
>>> t.bracket()["g[1W]"] is t["dJdW1"]
True
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from chainrule.core.dropout import Masks
from chainrule.errors import UnknownNameError

Array = np.ndarray

NOTATIONS = ("welch", "bracket")


@functools.lru_cache(maxsize=4096)  # a handful of names per depth, asked per trace
def welch_to_bracket(name: str, n_layers: int) -> str | None:
    """The bracket-notation name of a Welch-notation key, or ``None``.

    Examples
    --------
    >>> welch_to_bracket("z2", 2), welch_to_bracket("delta3", 2)
    ('z[1]', 'g[2z]')
    >>> welch_to_bracket("dJdyHat", 2), welch_to_bracket("dJda2", 2)
    ('g[2a]', 'g[1a]')
    """
    if name == "dJdyHat":
        return f"g[{n_layers}a]"
    if name in ("X", "y", "J", "yHat"):
        return {"X": "a[0]", "y": "y", "J": "L", "yHat": "ŷ"}[name]
    m = re.fullmatch(r"(a|z|delta|dJdW|dJdb|dJda|W|b|m|am)(\d+)", name)
    if m is None:
        return None
    kind, i = m.group(1), int(m.group(2))
    return {
        "a": f"a[{i - 1}]",
        "z": f"z[{i - 1}]",
        "delta": f"g[{i - 1}z]",
        "dJda": f"g[{i - 1}a]",
        "dJdW": f"g[{i}W]",
        "dJdb": f"g[{i}b]",
        "W": f"W[{i}]",
        "b": f"b[{i}]",
        "m": f"m[{i - 1}]",
        "am": f"ã[{i - 1}]",
    }[kind]


class Trace(Mapping):
    """Read-only mapping of names to the arrays of one pass.

    Parameters
    ----------
    values : dict of str to array or float
        Welch-notation names.
    n_layers : int
        ``L``, the number of weight layers.
    activations : list of str
    loss : str
    l2 : float
    dropout : float
        ``p`` of the masks ``m{l}`` the pass applied (0: none).

    Notes
    -----
    ``t[name]`` accepts both notations: ``t["z2"]`` and ``t["z[1]"]`` are the
    same array.
    """

    def __init__(
        self,
        values: dict[str, Any],
        n_layers: int,
        activations: list[str],
        loss: str,
        l2: float = 0.0,
        dropout: float = 0.0,
    ) -> None:
        self._values = values
        self.n_layers = n_layers
        self.activations = list(activations)
        self.loss = loss
        self.l2 = l2
        self.dropout = dropout

    @functools.cached_property
    def _bracket(self) -> dict[str, str]:
        """Bracket name -> Welch name, made on the first use of the bracket view."""
        names: dict[str, str] = {}
        for k in self._values:
            b = welch_to_bracket(k, self.n_layers)
            if b is not None and b not in names:
                names[b] = k
        return names

    def __getitem__(self, key: str) -> Any:
        if key in self._values:
            return self._values[key]
        if key in self._bracket:
            return self._values[self._bracket[key]]
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    @property
    def J(self) -> float:
        """The cost, a Python float."""
        return float(self._values["J"])

    @property
    def gradients(self) -> dict[str, Array]:
        """The gradients, keyed like the parameters (``W1``, ``b1``, ...)."""
        return {
            k[3:]: v for k, v in self._values.items() if k.startswith(("dJdW", "dJdb"))
        }

    def shapes(self) -> dict[str, tuple]:
        """The shape of every array, in order; ``J`` is ``()``."""
        return {k: tuple(np.shape(v)) for k, v in self._values.items()}

    def bracket(self) -> dict[str, Any]:
        """The same values keyed in seed 001's bracket notation."""
        return {b: self._values[k] for b, k in self._bracket.items()}

    def view(self, notation: str = "welch") -> dict[str, Any]:
        """``dict(self)`` for ``"welch"``, :meth:`bracket` for ``"bracket"``."""
        if notation == "welch":
            return dict(self._values)
        if notation == "bracket":
            return self.bracket()
        raise UnknownNameError(
            f"notation: unknown name {notation!r}; expected one of {NOTATIONS}"
        )

    def __repr__(self) -> str:
        body = ", ".join(f"{k}: {s}" for k, s in self.shapes().items())
        return f"Trace({body})"

    # Notebook displays: plain HTML and Markdown tables built here, so that
    # core imports nothing above it (the explainer's MathML is for Explanation).
    def _rows(self) -> Iterator[tuple[str, str, str, Any]]:
        brackets = {k: b for b, k in self._bracket.items()}
        for k, v in self._values.items():
            shape = np.shape(v)
            yield k, brackets.get(k, ""), "scalar" if shape == () else str(shape), v

    def _repr_html_(self) -> str:
        """A table of every name, its bracket name, shape and value."""
        head = "<tr><th>name</th><th>bracket</th><th>shape</th><th>value</th></tr>"
        rows = "".join(
            f"<tr><td>{k}</td><td>{html.escape(b)}</td><td>{s}</td>"
            f"<td>{_html_matrix(v)}</td></tr>"
            for k, b, s, v in self._rows()
        )
        style = (
            "<style>.cr-m td{padding:0 .4em;text-align:right;border:0}"
            ".cr-m{border-left:1px solid;border-right:1px solid;"
            "border-collapse:separate}</style>"
        )
        return f'{style}<table class="cr-trace">{head}{rows}</table>'

    def _repr_markdown_(self) -> str:
        """The same table in Markdown, values written ``[1 2; 3 4]``."""
        lines = ["| name | bracket | shape | value |", "|---|---|---|---|"]
        for k, b, s, v in self._rows():
            alias = f"`{b}`" if b else ""
            lines.append(f"| `{k}` | {alias} | {s} | `{_inline(v)}` |")
        return "\n".join(lines) + "\n"


_SHOW = 8  # rows and columns a notebook table shows before "…"


def _cells(v: Any) -> list[list[str]]:
    """``v`` as rows of numbers (6 significant digits), cut to ``_SHOW``."""
    m = np.atleast_2d(np.asarray(v, dtype=float))

    def keep(n: int) -> list[int | None]:
        return list(range(n)) if n <= _SHOW else [*range(_SHOW - 2), None, n - 1]

    return [
        ["…" if i is None or j is None else f"{m[i, j]:.6g}" for j in keep(m.shape[1])]
        for i in keep(m.shape[0])
    ]


def _html_matrix(v: Any) -> str:
    if np.ndim(v) == 0:
        return f"{float(v):.6g}"
    rows = "".join(
        "<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in _cells(v)
    )
    return f'<table class="cr-m">{rows}</table>'


def _inline(v: Any) -> str:
    if np.ndim(v) == 0:
        return f"{float(v):.6g}"
    rows = ("…" if set(r) == {"…"} else " ".join(r) for r in _cells(v))
    return "[" + "; ".join(rows) + "]"


def run_trace(
    params: Mapping[str, Array],
    X: Array,
    y: Array,
    activations: list[str],
    loss: str,
    l2: float = 0.0,
    weights: Array | None = None,
    masks: Masks | None = None,
) -> Trace:
    """One forward and one backward pass, every intermediate kept.

    Parameters
    ----------
    params : dict of str to array
    X : (n, n_inputs) array
    y : (n, n_outputs) array
    activations : list of str, length L
    loss : str
    l2 : float
    weights : (n,) array, optional
        Sample weights of the cost (see :mod:`chainrule.core.losses`).
    masks : Masks, optional
        Dropout masks of the hidden layers (:mod:`chainrule.core.dropout`).

    Returns
    -------
    Trace
    """
    from chainrule.core.backward import backward
    from chainrule.core.forward import forward, total_cost

    L = len(activations)
    yhat, cache = forward(params, X, activations, masks=masks)
    J = total_cost(params, cache, y, activations, loss, l2, weights)
    grads, deltas = backward(
        params,
        cache,
        y,
        activations,
        loss,
        l2,
        return_deltas=True,
        weights=weights,
        masks=masks,
    )
    values: dict[str, Any] = {"X": X, "y": y}
    values.update(params)
    for l in range(1, L + 2):
        if l > 1:
            values[f"z{l}"] = cache[f"z{l}"]
        values[f"a{l}"] = cache[f"a{l}"]
        if f"am{l}" in cache:
            values[f"m{l}"], values[f"am{l}"] = cache[f"m{l}"], cache[f"am{l}"]
    values["yHat"] = yhat
    values["J"] = J
    values["dJdyHat"] = deltas["dJdyHat"]
    for l in range(L, 0, -1):
        values[f"delta{l + 1}"] = deltas[f"delta{l + 1}"]
        values[f"dJdW{l}"] = grads[f"W{l}"]
        if f"b{l}" in grads:
            values[f"dJdb{l}"] = grads[f"b{l}"]
        if l > 1:
            values[f"dJda{l}"] = deltas[f"dJda{l}"]
    p = 0.0 if masks is None else masks.p
    return Trace(values, L, list(activations), loss, l2, p)
