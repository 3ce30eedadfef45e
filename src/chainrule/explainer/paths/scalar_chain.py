"""The elementary table and chain-rule products of a scalar chain.

When every layer is one unit wide and there is one example, the derivation
can be written with scalars, as seed 004 does (problems 3 and 4): a table of
the elementary functions and their local derivatives, then, for each weight,
the product of local derivatives from ``J`` down to that weight.

The table numbers the layers from the first hidden unit (``x``, ``z1``,
``a1``, ``z2``, ``ŷ``, weights ``w1``, ``w2``) and
:attr:`ScalarChain.mapping` says which Welch (or bracket) name each one is.
Every value is the value of an existing step (``symbol``), never recomputed.
The headings and the mapping's first words are generic unless the caller
words them (``chain_wording``: a problem file's ``[chain_wording]`` table
gives its source's own, see :data:`WORDING`).
"""

from __future__ import annotations

import re

import numpy as np

from chainrule.core.activations import get_activation
from chainrule.errors import InvalidTypeError, UnknownNameError
from chainrule.explainer.model.chain import (
    RULE_TITLE,
    TABLE_TITLE,
    ChainLink,
    ChainRow,
    ScalarChain,
)
from chainrule.explainer.notation.forms import cost_templates, gradient_templates
from chainrule.explainer.notation.formulas import activation_formula
from chainrule.explainer.notation.names import Names

#: What ``chain_wording`` may set, and the generic wording of each.
WORDING = {
    "table_title": TABLE_TITLE,
    "rule_title": RULE_TITLE,
    "mapping_lead": "The table numbers the layers from the first hidden unit",
}


def check_wording(wording: object, name: str = "chain_wording") -> dict[str, str]:
    """``wording`` (a mapping of some :data:`WORDING` keys to strings), completed.

    Examples
    --------
    >>> check_wording({"rule_title": "Problem 4"})["rule_title"]
    'Problem 4'
    >>> check_wording({"title": "x"})
    Traceback (most recent call last):
    ...
    chainrule.errors.UnknownNameError: chain_wording: unknown key 'title'; ...
    """
    if wording is None:
        return dict(WORDING)
    if not isinstance(wording, dict):
        raise InvalidTypeError(
            f"{name}: expected a dict of strings, got {type(wording).__name__}"
        )
    for key, text in wording.items():
        if key not in WORDING:
            raise UnknownNameError(
                f"{name}: unknown key {key!r}; expected one of {list(WORDING)}"
            )
        if not isinstance(text, str):
            raise InvalidTypeError(f"{name}.{key}: expected a string, got {text!r}")
    return {**WORDING, **wording}


def _tex(name: str) -> str:
    if name == "ŷ":
        return r"\hat{y}"
    m = re.fullmatch(r"([a-z])(\d+)", name)
    return f"{m.group(1)}_{{{m.group(2)}}}" if m else name


def _d(top: str, bottom: str) -> tuple[str, str]:
    """``dtop/dbottom`` in plain text and LaTeX."""
    return f"d{top}/d{bottom}", rf"\frac{{d{_tex(top)}}}{{d{_tex(bottom)}}}"


def _a(k: int, L: int) -> str:
    """The table's name of the activation of layer ``k`` (``a0`` is ``x``)."""
    return "x" if k == 0 else "ŷ" if k == L else f"a{k}"


def is_scalar_chain(net, n_examples: int) -> bool:
    """One example, one unit per layer, element-wise activations, no L2."""
    return (
        n_examples == 1
        and all(s == 1 for s in net.sizes)
        and all(get_activation(a).elementwise for a in net.activations)
        and net.l2 == 0
    )


def _cost_row(loss: str, value) -> ChainRow:
    """``J(ŷ)`` and ``dJ/dŷ``, from the cost's formulas."""
    texts = [*cost_templates(loss)[:2], *gradient_templates(loss)[:2]]
    for i, t in enumerate(texts):
        texts[i] = t.replace("<y>", "y").replace("<yHat>", r"\hat{y}" if i % 2 else "ŷ")
    dj = _d("J", "ŷ")
    return ChainRow(
        f"J(ŷ) = {texts[0]}",
        rf"J(\hat{{y}}) = {texts[1]}",
        f"{dj[0]} = {texts[2]}",
        f"{dj[1]} = {texts[3]}",
        "dJdyHat",
        value("dJdyHat"),
    )


def _layer_rows(net, k: int, value) -> list[ChainRow]:
    """Layer ``k`` (the table's numbering): ``da/dz``, ``dz/dw``, ``dz/da``."""
    L = net.n_layers
    a, prev, z, w = _a(k, L), _a(k - 1, L), f"z{k}", f"w{k}"
    act = get_activation(net.activations[k - 1])
    op = act.name.replace("_", r"\_")
    form = activation_formula(act.name)
    fp = re.sub(r"\bz\b", z, form.prime_formula.split(" = ")[0])
    fp_tex = re.sub(r"\bz\b", _tex(z).replace("\\", "\\\\"), form.prime_latex)
    b, b_tex = (f" + b{k}", f" + b_{{{k}}}") if net.bias[k - 1] else ("", "")
    lin, lin_tex = f"{w} {prev}{b}", f"{_tex(w)} {_tex(prev)}{b_tex}"
    da, dw, dp = _d(a, z), _d(z, w), _d(z, prev)
    src = "X" if k == 1 else f"a{k}"
    rows = [
        (
            f"{a}({z}) = {act.name}({z})",
            rf"{_tex(a)}({_tex(z)}) = \operatorname{{{op}}}({_tex(z)})",
            f"{da[0]} = {fp}",
            f"{da[1]} = {fp_tex}",
            f"fprime{k + 1}",
        ),
        (
            f"{z}({w}) = {lin}",
            f"{_tex(z)}({_tex(w)}) = {lin_tex}",
            f"{dw[0]} = {prev}",
            f"{dw[1]} = {_tex(prev)}",
            src,
        ),
    ]
    if k > 1:
        rows.append(
            (
                f"{z}({prev}) = {lin}",
                f"{_tex(z)}({_tex(prev)}) = {lin_tex}",
                f"{dp[0]} = {w}",
                f"{dp[1]} = {_tex(w)}",
                f"W{k}",
            )
        )
    return [ChainRow(*r, value(r[-1])) for r in rows]


def _rows(net, value) -> list[ChainRow]:
    rows = [_cost_row(net.loss, value)]
    for k in range(net.n_layers, 0, -1):
        rows += _layer_rows(net, k, value)
    return rows


def _link(name: tuple, product: str, product_tex: str, symbol: str, value):
    return ChainLink(name[0], name[1], product, product_tex, symbol, value(symbol))


def _products(net, value) -> list:
    L = net.n_layers
    out = []
    params = [(f"w{k}", k, f"dJdW{k}") for k in range(L, 0, -1)]
    params += [(f"b{k}", k, f"dJdb{k}") for k in range(L, 0, -1) if net.bias[k - 1]]
    for target, k, symbol in params:
        links = [_link(_d("J", "ŷ"), "", "", "dJdyHat", value)]
        pairs = [(_d("J", "ŷ"), _d("ŷ", f"z{L}"), _d("J", f"z{L}"), f"delta{L + 1}")]
        for j in range(L, k, -1):
            a = _a(j - 1, L)
            pairs.append((_d("J", f"z{j}"), _d(f"z{j}", a), _d("J", a), f"dJda{j}"))
            pairs.append(
                (_d("J", a), _d(a, f"z{j - 1}"), _d("J", f"z{j - 1}"), f"delta{j}")
            )
        last = _d(f"z{k}", target)
        pairs.append((_d("J", f"z{k}"), last, _d("J", target), symbol))
        for up, local, name, sym in pairs:
            links.append(
                _link(
                    name,
                    f"{up[0]} · {local[0]}",
                    rf"{up[1]} \cdot {local[1]}",
                    sym,
                    value,
                )
            )
        out.append((target, tuple(links)))
    return out


def _mapping(net, names: Names, lead: str) -> tuple[str, str]:
    L = net.n_layers
    pairs = [("x", "X")]
    for k in range(1, L + 1):
        pairs += [(f"z{k}", f"z{k + 1}"), (_a(k, L), f"a{k + 1}")]
    pairs += [(f"w{k}", f"W{k}") for k in range(1, L + 1)]
    pairs += [(f"b{k}", f"b{k}") for k in range(1, L + 1) if net.bias[k - 1]]

    def spell(key: str, latex: bool) -> str:
        if key == f"a{L + 1}":
            key = "yHat" if names.notation == "bracket" else key
        return names.latex(key) if latex else names.text(key)

    pairs = [(s, k) for s, k in pairs if s != spell(k, False)]
    head = f"{lead}: "
    text = head + ", ".join(f"{s} = {spell(k, False)}" for s, k in pairs)
    tex = head + ", ".join(f"${_tex(s)} = {spell(k, True)}$" for s, k in pairs)
    return text, tex


def scalar_chain(
    net, names: Names, steps: list, wording: dict | None = None
) -> ScalarChain | None:
    """The table and products when ``net`` on these steps is a scalar chain.

    ``wording``: the headings and the mapping's lead (:func:`check_wording`).
    """
    wording = check_wording(wording)
    by_symbol = {s.symbol: s for s in steps}
    examples = np.size(by_symbol["X"].value) // net.sizes[0]  # either convention
    if not is_scalar_chain(net, examples):
        return None

    def value(symbol: str) -> float:
        return float(by_symbol[symbol].value.reshape(()))

    mapping, mapping_tex = _mapping(net, names, wording["mapping_lead"])
    return ScalarChain(
        tuple(_rows(net, value)),
        tuple(_products(net, value)),
        mapping,
        mapping_tex,
        wording["table_title"],
        wording["rule_title"],
    )
