"""The terminal rendering, with Rich: colours on a terminal, plain text elsewhere.

:func:`renderables` builds Rich objects from the steps (it formats, never
computes); :func:`to_text` prints them to a colourless console of fixed width
and returns the text.
"""

from __future__ import annotations

import io

from rich import box
from rich.console import Console, RenderableType
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from chainrule.explainer.numbers import (
    block,
    check_precision,
    inline,
    num,
    shape_text,
    substitute,
)
from chainrule.explainer.render.details import detail_text

WIDTH = 100
HEADINGS = {
    "given": "Given",
    "forward": "Forward",
    "backward": "Backward",
    "update": "Update: gradient descent",
    "forward_again": "Forward again, with the new parameters",
    "descent": "Several steps of gradient descent",
}


def network_line(ex) -> str:
    """One line describing the network and the settings."""
    net = ex.network
    bias = [f"b{i + 1}" for i, b in enumerate(net["bias"]) if b]
    parts = [
        "sizes " + "-".join(str(s) for s in net["sizes"]),
        "activations " + ", ".join(net["activation"]),
        f"cost {net['loss']}",
        "biases " + (", ".join(bias) if bias else "none"),
        f"notation {ex.notation}",
    ]
    if net.get("l2"):
        parts.append(f"λ = {net['l2']:g}")
    if ex.learning_rate is not None:
        parts.append(f"α = {ex.learning_rate:g}")
    return " · ".join(parts)


def _given(ex, precision: int) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for col in ("symbol", "shape", "value"):
        table.add_column(col)
    for s in ex.phase("given"):
        value = "\n".join(block(s.value, precision))
        table.add_row(Text(s.name, style="bold cyan"), shape_text(s.shape), value)
    return table


def _step(ex, s, precision: int) -> Text:
    def value(key: str) -> str:
        return inline(ex[key].value, precision, paren_negative=True)

    out = Text(no_wrap=True)
    out.append(s.name, style="bold cyan")
    out.append(s.formula[len(s.name) :])
    out.append(f"   shape {shape_text(s.shape)}", style="dim")
    if s.note:
        out.append(f"   ({s.note})", style="dim italic")
    pad = " " * len(s.name)
    assign = " = "
    if s.substitution:
        out.append(f"\n{pad}{assign}{substitute(s.substitution, value)}")
    lines = block(s.value, precision)
    mid = (len(lines) - 1) // 2
    for i, line in enumerate(lines):
        lead = assign if i == mid else " " * len(assign)
        out.append(f"\n{pad}{lead}")
        out.append(line, style="bold")
    for d in s.details:
        out.append(f"\n{pad}   {detail_text(d, precision)}", style="dim")
    return out


def _chain(ex, precision: int) -> list[RenderableType]:
    chain = ex.chain
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("function")
    table.add_column("derivative")
    table.add_column("value", justify="right")
    for r in chain.rows:
        table.add_row(r.function, r.derivative, num(r.value, precision))
    out: list[RenderableType] = [
        Rule("Elementary functions and their derivatives (seed 004, problem 3)"),
        Text(chain.mapping, style="dim"),
        table,
        Rule("The chain rule, link by link (seed 004, problem 4)"),
    ]
    for target, links in chain.products:
        text = Text(no_wrap=True)
        text.append(f"∂J/∂{target}\n", style="bold magenta")
        for link in links:
            text.append(f"  {link.name}", style="bold magenta")
            if link.product:
                text.append(f" = {link.product}")
            text.append(" = ")
            text.append(num(link.value, precision), style="bold")
            text.append("\n")
        out.append(text)
    return out


def renderables(ex, precision: int = 6) -> list[RenderableType]:
    """The rendering as a list of Rich objects, for any console."""
    precision = check_precision(precision)
    out: list[RenderableType] = [Text(ex.title, style="bold")]
    if ex.description:
        out.append(Text(ex.description))
    out.append(Text(network_line(ex), style="dim"))
    for phase in ex.phases:
        out.append(Rule(HEADINGS[phase]))
        if phase == "given":
            out.append(_given(ex, precision))
            continue
        for s in ex.phase(phase):
            out.append(_step(ex, s, precision))
        if phase == "backward" and ex.chain is not None:
            out.extend(_chain(ex, precision))
    return out


def print_all(console: Console, items: list[RenderableType]) -> None:
    """Print; equations (``no_wrap`` texts) are never folded, prose is."""
    for item in items:
        console.print(item, soft_wrap=isinstance(item, Text) and bool(item.no_wrap))


def to_text(ex, precision: int = 6) -> str:
    """Plain text: the Rich rendering without colours, ``WIDTH`` columns."""
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=WIDTH,
        color_system=None,
        force_terminal=False,
        highlight=False,
        emoji=False,
        markup=False,
    )
    print_all(console, renderables(ex, precision))
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"
