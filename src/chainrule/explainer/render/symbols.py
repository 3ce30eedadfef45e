"""A symbolic derivation's expressions as printed: names spelled, entries listed.

The derivation's renderers (``derivation_*`` in each format module) read
:func:`entries`, :func:`header` and :func:`grid` from here; SymPy's printers
spell every expression with the derivation's names for the symbols.
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.str import StrPrinter

MAX_BASE = 160  # characters: longer base forms are left to .expr
HEADINGS = {"forward": "Forward pass", "backward": "Backward pass"}
SCHEMA = "chainrule.derive/1"


class _Printer(StrPrinter):
    def __init__(self, pretty: dict) -> None:
        super().__init__()
        self.names = pretty

    def _print_Symbol(self, expr) -> str:
        return self.names.get(expr, (expr.name,))[0]


def show(pretty: dict, expr, latex: bool = False) -> str:
    """``expr`` with each symbol spelled as ``pretty`` says (text or LaTeX)."""
    if latex:
        return sp.latex(expr, symbol_names={s: p[1] for s, p in pretty.items()})
    text = _Printer(pretty).doprint(expr)
    return text.replace("**", "^").replace("*", "·")


def entries(d, step, latex: bool) -> list[tuple[str, str, str]]:
    """``(lhs, element formula, base form or "")`` for every entry."""
    built = d.built
    out = []
    for e in range(len(step.local)):
        if step.symbol == "J":  # J, or seed 001's L
            lhs = built.names.latex("J") if latex else built.names.text("J")
        else:
            lhs = show(built.pretty, built.q[step.symbol][e], latex)
        rhs = show(built.pretty, step.local[e], latex)
        base = ""
        if small(step.base[e]) and step.base[e] != step.local[e]:
            plain = show(built.pretty, step.base[e], False)
            if len(plain) <= MAX_BASE:
                base = show(built.pretty, step.base[e], latex)
        out.append((lhs, rhs, base))
    return out


def small(expr, limit: int = 60) -> bool:
    """``True`` when ``expr`` has at most ``limit`` nodes (stops counting there)."""
    nodes = enumerate(sp.preorder_traversal(expr))
    return all(count < limit for count, _ in nodes)


def shape_words(shape: tuple) -> str:
    return "scalar" if shape == () else f"{shape[0]}×{shape[1]}"


def mark(ok: bool) -> str:
    return "✓" if ok else "✗"


def header(d) -> list[str]:
    net = d.network
    return [
        d.title,
        "=" * len(d.title),
        f"network: sizes {net['sizes']}, activation {net['activation']}, "
        f"loss {net['loss']}, bias {net['bias']}, N = {net['examples']} "
        f"example{'s' if net['examples'] > 1 else ''}",
        f"every check held: {'yes' if d.ok else 'NO'}",
    ]


def grid(m, shape, pretty, small_only: bool = False) -> list:
    """Each entry as SymPy's ``str``, text and LaTeX; ``None`` for a base form
    too large to print (written out, it grows exponentially with the depth;
    ``Derivation.expr`` holds it)."""

    def one(e):
        if small_only and not small(e, 400):
            return None
        return {
            "sympy": str(e),
            "text": show(pretty, e),
            "latex": show(pretty, e, True),
        }

    return [[one(m[i, j]) for j in range(shape[1])] for i in range(shape[0])]
