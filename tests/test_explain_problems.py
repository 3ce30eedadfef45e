"""Problem files (TOML) and the built-in examples."""

import pytest

import chainrule as cr
from chainrule.explainer.problems import (
    list_examples,
    load_example,
    load_problem,
    parse_problem,
)

GOOD = """
title = "A 2-3-1 exercise"
learning_rate = 0.5
notation = "bracket"

[network]
sizes = [2, 3, 1]
activation = "sigmoid"
loss = "sse"
bias = [true, false]

[weights]
W1 = [[1, 1, 1], [1, 1, 1]]
b1 = [0.1, 0.2, 0.3]
W2 = [[1], [1], [1]]

[data]
X = [[3, 5]]
y = [[0.75]]
"""


def test_a_good_file(tmp_path):
    path = tmp_path / "p.toml"
    path.write_text(GOOD, encoding="utf-8")
    p = load_problem(path)
    assert p.network.sizes == [2, 3, 1] and p.network.bias == [True, False]
    assert p.network.params["b1"].tolist() == [[0.1, 0.2, 0.3]]
    ex = p.explain()
    assert ex.notation == "bracket" and ex.learning_rate == 0.5
    assert ex.title == "A 2-3-1 exercise"
    assert ex["J"].value == p.network.cost(p.X, p.y)


def test_the_examples():
    names = list_examples()
    assert set(names) == {
        "seed004",
        "seed000-q11",
        "seed000-q15",
        "seed001",
        "tutorial-part4",
        "classic-2-2-2",
        "seed002",
    }
    for name in names:
        p = load_example(name)
        assert p.description and p.explain().steps
    assert load_example("seed001").network.sizes == [4, 3, 2, 1]
    X, y = cr.datasets.test_scores()
    assert (load_example("tutorial-part4").X == X).all()
    # seed 000 gives no y: the example says what it chose
    assert "chooses y" in load_example("seed000-q11").description


def replace(old, new):
    assert old in GOOD
    return GOOD.replace(old, new)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            replace("W1 = [[1, 1, 1], [1, 1, 1]]", "W1 = [[1, 1], [1, 1], [1, 1]]"),
            r"weights\.W1: expected a \(2, 3\) matrix \(2 inputs × 3 units\), got "
            r"shape \(3, 2\)",
        ),
        (
            replace("W2 = [[1], [1], [1]]", "W2 = [[1], [1]]"),
            r"weights\.W2: expected a \(3, 1\) matrix",
        ),
        (
            replace("W1 = [[1, 1, 1], [1, 1, 1]]", "W1 = [[1, 1, 1], [1, 1]]"),
            r"weights\.W1: expected a \(2, 3\) matrix .*rows of numbers",
        ),
        (replace("W2 = [[1], [1], [1]]\n", ""), r"weights\.W2: missing"),
        (
            replace("W2 = [[1], [1], [1]]", "W2 = [[1], [1], [1]]\nW3 = [[1]]"),
            r"weights\.W3: unknown parameter",
        ),
        (
            replace('activation = "sigmoid"', 'activation = "sigmoyd"'),
            r"network\.activation: unknown name 'sigmoyd'",
        ),
        (replace("sizes = [2, 3, 1]", "sizes = [2, 0, 1]"), r"network\.sizes"),
        (replace("sizes = [2, 3, 1]\n", ""), r"network\.sizes: missing"),
        (
            replace('loss = "sse"', 'loss = "sse"\nepochs = 3'),
            r"network\.epochs: unknown key",
        ),
        (replace("X = [[3, 5]]", "X = [[3, 5, 1]]"), r"data\.X: "),
        (replace("y = [[0.75]]", "y = [[0.75], [1]]"), r"data\.y: "),
        (replace("y = [[0.75]]\n", ""), r"data\.y: missing"),
        (
            replace("learning_rate = 0.5", "learning_rate = -1"),
            r"learning_rate: expected a positive number, got -1",
        ),
        (replace('notation = "bracket"', 'notation = "greek"'), r"notation: expected"),
        (replace('title = "A 2-3-1 exercise"', "titel = 1"), r"titel: unknown key"),
        (GOOD + "[extra]\n", r"extra: unknown key"),
        ("[network\n", r"not valid TOML"),
        ("a = " + "[" * 100_000 + "]" * 100_000, r"nested too deeply"),
        (
            "[network]\nsizes = [1, 1]\n[data]\ndataset = 'iris'\n",
            r"data\.dataset: unknown name 'iris'",
        ),
        ("[network]\nsizes = [1, 1]\n", r"data: missing table \[data\]"),
        (
            GOOD + "[chain_wording]\ntitle = 'x'\n",
            r"chain_wording\.title: unknown key; expected one of \['mapping_lead'",
        ),
        (
            GOOD + "[chain_wording]\nrule_title = 4\n",
            r"chain_wording\.rule_title: expected a string: 4",
        ),
    ],
)
def test_errors_name_the_key(text, message):
    with pytest.raises(cr.DataFileError, match=message) as info:
        parse_problem(text, "p.toml")
    assert str(info.value).startswith("p.toml: ")


def test_missing_file(tmp_path):
    with pytest.raises(cr.DataFileError, match="cannot read the problem file"):
        load_problem(tmp_path / "none.toml")


def test_unknown_example():
    with pytest.raises(cr.UnknownNameError, match="seed004"):
        load_example("seed999")
