"""Every layer number in the prose is the notation's own.

Welch notation numbers the input layer 1 (``W⁽ˡ⁾`` maps layer l to l + 1);
seed 001's bracket notation and CS230's column convention number it 0
(``W[l]`` maps layer l − 1 to l). The shapes' prose ("a[2] is examples ×
layer-2 units"), the diagram's labels and ``--chain``'s closing line must
agree with the symbols they sit next to. The checks parse the prose of every
built-in example in every notation and of a deeper problem, so a prose
written in another notation's numbers fails them.
"""

import re

import numpy as np
import pytest

import chainrule as cr
from chainrule.cli.app import main
from chainrule.explainer.problems import list_examples, load_example

STYLES = [("welch", "row"), ("bracket", "row"), ("welch", "column")]
_SUP = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def index_of(symbol: str) -> int | None:
    """The layer index a printed symbol carries: ``a⁽³⁾`` → 3, ``g[2z]`` → 2."""
    m = re.search(r"⁽([⁰¹²³⁴⁵⁶⁷⁸⁹]+)⁾", symbol)
    if m:
        return int(m.group(1).translate(_SUP))
    m = re.search(r"\[(\d+)", symbol)
    return int(m.group(1)) if m else None


def first_layer(ex) -> int:
    return 1 if (ex.notation, ex.convention) == ("welch", "row") else 0


def deep_problem() -> tuple:
    """A 2-3-2-2-1 network: three hidden layers, so every number is written."""
    net = cr.Network([2, 3, 2, 2, 1], seed=3)
    return net, [[0.5, -1.0]], [[0.25]]


def explanations():
    for name in list_examples():
        for notation, convention in STYLES:
            ex = load_example(name).explain(notation, convention=convention)
            yield f"{name}-{notation}-{convention}", ex
    net, X, y = deep_problem()
    for notation, convention in STYLES:
        yield (
            f"deep-{notation}-{convention}",
            cr.explain(net, X, y, notation=notation, convention=convention),
        )


def prose(ex) -> list[str]:
    return [d.text for s in ex.steps for d in s.details if d.kind == "transpose"]


CASES = list(explanations())


@pytest.mark.parametrize(("label", "ex"), CASES, ids=[c[0] for c in CASES])
def test_layer_numbers_in_the_shapes_prose(label, ex):
    L = len(ex.network["sizes"]) - 1
    first = first_layer(ex)
    hidden = set(range(first + 1, first + L))  # the layers between input and output
    for line in prose(ex):
        for n in re.findall(r"layer-(\d+) units", line):
            assert int(n) in hidden, (label, line)
        # "a[2] is examples × layer-2 units": the activity's own layer
        for sym, n in re.findall(r"(\S+) is examples × layer-(\d+) units", line):
            assert index_of(sym) == int(n), (label, line)
        # "W[3], layer-2 units × ...": the weights read layer l − 1 (input 0)
        # or layer l (input 1), the notation's numbering
        for sym, n in re.findall(r"(\S+?),? (?:is )?layer-(\d+) units ×", line):
            if sym.startswith("W"):
                assert index_of(sym) - 1 + first == int(n), (label, line)
        for sym, n in re.findall(r"(W\S+?),? (?:is )?\S+ × layer-(\d+) units", line):
            assert index_of(sym) + first == int(n), (label, line)


def test_the_deep_problem_writes_layer_numbers():
    """The prose test above reads numbers: the deep problem writes some."""
    by = dict(CASES)
    welch = " ".join(prose(by["deep-welch-row"]))
    bracket = " ".join(prose(by["deep-bracket-row"]))
    assert "layer-4 units" in welch and "layer-4 units" not in bracket
    assert "layer-1 units" in bracket and "layer-1 units" not in welch


def test_seed001_in_brackets_says_what_seed001_says(capsys):
    """seed 001: a[2] is the second hidden layer, W[3] maps layer 2 to the output."""
    args = ["explain", "-e", "seed001", "--notation", "bracket", "-f", "markdown"]
    assert main(args) == 0
    out = capsys.readouterr().out.replace("\\[", "[").replace("\\]", "]")
    assert "layer-3" not in out
    assert "a[2] is examples × layer-2 units" in out
    assert "W[3], layer-2 units × outputs" in out


def test_seed001_worksheet_in_brackets(capsys):
    assert main(["worksheet", "seed001", "-f", "markdown"]) == 0
    out = capsys.readouterr().out.replace("\\[", "[").replace("\\]", "]")
    assert "layer-3" not in out
    assert "W[2], layer-1 units × layer-2 units" in out


@pytest.mark.parametrize(("notation", "convention"), STYLES)
@pytest.mark.parametrize("target", ["W1[0,0]", "W2[1,0]", "b1[1]"])
def test_chain_names_the_gradient_in_the_notation(notation, convention, target):
    net, X, y = deep_problem()
    ex = cr.explain(net, X, y, notation=notation, convention=convention)
    chain = ex.chain(target)
    kind, l = target[0], int(target[1])
    name = ex[f"dJd{kind}{l}"].name
    last = chain.to_text().splitlines()[-1]
    assert f"({name}" in last and "in the explanation" in last
    assert chain.gradient_name.startswith(name)
    assert "∂J/∂W in" not in last
    np.testing.assert_allclose(chain.total, chain.gradient, rtol=1e-12)


@pytest.mark.parametrize(("notation", "convention"), STYLES)
def test_diagram_labels_in_the_notation(notation, convention):
    net, X, y = deep_problem()
    ex = cr.explain(net, X, y, notation=notation, convention=convention)
    labels = set(re.findall(r'class="h"[^>]*>layer (\d+)<', ex.to_html()))
    first = first_layer(ex)
    assert labels == {str(first + k) for k in (1, 2, 3)}
