"""The network as an inline SVG: units, biases, weights, one example's values.

Unit 1 of each layer is at the top, as textbooks draw it; the layers go from
left (the input) to right (ŷ). Each edge is labelled with its weight when the
network is small enough to read (at most :data:`LABELLED` edges between two
layers); each unit shows its value for one example and, below it, its δ (the
backward pass); a bias is a unit ``1`` above its layer, joined by dashed edges
to every unit it feeds. Formatting only.

Examples
--------
>>> from chainrule.explainer.problems.files import load_example
>>> from chainrule.explainer.render.walk import diagram
>>> svg = to_svg(diagram(load_example("seed004").explain()), 6)
>>> svg.startswith("<svg"), svg.count("<circle")
(True, 3)
"""

from __future__ import annotations

import html

import numpy as np

from chainrule.explainer.notation.numbers import num

LABELLED = 16  # edges between two layers beyond which weights are not written
_COL, _ROW, _TOP, _LEFT, _R = 190, 76, 64, 60, 22


def _y(i: int) -> float:
    return _TOP + _ROW * (i + 1)


def _text(x: float, y: float, s: str, cls: str, anchor: str = "middle") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" class="{cls}" text-anchor="{anchor}">'
        f"{html.escape(s)}</text>"
    )


def _edges(d, l: int, precision: int) -> list[str]:
    """The weights from layer ``l`` (0 = input) to ``l + 1``, and the bias."""
    W, b = np.atleast_2d(d.weights[l]), d.biases[l]
    x0, x1 = _LEFT + _COL * l, _LEFT + _COL * (l + 1)
    labelled = W.size <= LABELLED
    out = []
    sources = [(i, _y(i), W[i]) for i in range(W.shape[0])]
    if b is not None:
        sources.append((-1, _y(-1), np.ravel(b)))
    for i, y0, row in sources:
        for j, w in enumerate(row):
            y1 = _y(j)
            cls = "edge bias" if i < 0 else "edge"
            out.append(
                f'<line x1="{x0 + _R}" y1="{y0:.1f}" x2="{x1 - _R}" y2="{y1:.1f}" '
                f'class="{cls}"><title>{html.escape(num(w, precision))}</title></line>'
            )
            if labelled:
                t = 0.3 if i < 0 else 0.25 + 0.5 * (j + 1) / (W.shape[1] + 1)
                x, y = x0 + _R + t * (x1 - x0 - 2 * _R), y0 + t * (y1 - y0)
                out.append(_text(x, y - 3, num(w, 3), "w"))
    return out


def _units(d, l: int, precision: int) -> list[str]:
    x = _LEFT + _COL * l
    out = []
    if l < len(d.biases) and d.biases[l] is not None:
        out.append(f'<circle cx="{x}" cy="{_y(-1)}" r="{_R}" class="unit bias"/>')
        out.append(_text(x, _y(-1) + 5, "1", "v"))
    for i, v in enumerate(d.units[l]):
        out.append(f'<circle cx="{x}" cy="{_y(i):.1f}" r="{_R}" class="unit"/>')
        out.append(_text(x, _y(i) + 4, num(v, 3), "v"))
        if d.deltas[l] is not None:
            delta = "δ " + num(d.deltas[l][i], 3)
            out.append(_text(x, _y(i) + _R + 13, delta, "d"))
    top = len(d.sizes) - 1
    label = "x" if l == 0 else ("ŷ" if l == top else f"layer {l + d.first_layer}")
    out.append(_text(x, _TOP - _R - 10, label, "h"))
    return out


def to_svg(d, precision: int) -> str:
    """An SVG element drawing the :class:`~chainrule.explainer.render.walk.Diagram`."""
    width = 2 * _LEFT + _COL * (len(d.sizes) - 1)
    height = _TOP + _ROW * (max(d.sizes) + 1)
    body = []
    for l in range(len(d.sizes) - 1):
        body += _edges(d, l, precision)
    for l in range(len(d.sizes)):
        body += _units(d, l, precision)
    style = (
        ".edge{stroke:#888;stroke-width:1.2}.bias{stroke-dasharray:4 3}"
        ".unit{fill:#fff;stroke:#333;stroke-width:1.5}.unit.bias{fill:#eee}"
        ".w{font-size:11px;fill:#a33;paint-order:stroke;stroke:#fff;stroke-width:3px}"
        ".v{font-size:11px}.d{font-size:10px;fill:#2a5db0}.h{font-size:12px;fill:#555}"
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-label="the network with its weights">'
        f"<style>{style}</style>{''.join(body)}</svg>"
    )
