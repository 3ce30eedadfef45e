"""explain's options and vary(): bad input says no before any work; vary
leaves the network as it was."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.errors import ConfigError, InvalidValueError
from chainrule.explainer.paths.vary import parse_vary, vary
from chainrule.explainer.problems import load_example


def q15():
    return load_example("seed000-q15")


@pytest.mark.parametrize("bad", ["no", 0, None])
def test_update_biases_must_be_a_bool(bad):
    p = q15()
    with pytest.raises(
        InvalidValueError, match="update_biases: expected True or False"
    ):
        cr.explain(p.network, p.X, p.y, update_biases=bad)


def test_frozen_biases_that_would_change_nothing_say_no():
    p = q15()  # no biases
    with pytest.raises(ConfigError, match="the network has no biases"):
        cr.explain(p.network, p.X, p.y, 0.1, update_biases=False)
    s001 = load_example("seed001")
    with pytest.raises(ConfigError, match="no update without a learning_rate"):
        cr.explain(s001.network, s001.X, s001.y, update_biases=False)


@pytest.mark.parametrize("bad", [-1, 3, 1.0, True, "0"])
def test_example_index_must_be_in_the_batch(bad):
    p = q15()
    with pytest.raises(InvalidValueError, match="example_index: expected an integer"):
        p.explain(example_index=bad)


def test_example_index_is_the_example_alone():
    p = q15()
    one = p.explain(example_index=1)
    alone = cr.explain(p.network, p.X[1:2], p.y[1:2])
    for a, b in zip(one, alone, strict=True):
        np.testing.assert_array_equal(a.value, b.value)
    assert one["J"].note == "N = 1 example"


def test_vary_leaves_the_network_and_checks_its_input():
    p = load_example("classic-2-2-2")
    before = {k: v.copy() for k, v in p.network.params.items()}
    v = vary(p.network, p.X, p.y, "b2[1]", [0.6, 1.0])
    for k, w in p.network.params.items():
        np.testing.assert_array_equal(w, before[k])
    # 0.6 is the example's own b2: the explanation's J and ∂J/∂b
    ex = p.explain()
    assert v.rows[0].J == ex["J"].value
    assert v.rows[0].gradient == ex["dJdb2"].value[0, 1]
    assert v.rows[1].J != v.rows[0].J
    for bad in ([], ["a"], [np.nan], 3):
        with pytest.raises(InvalidValueError, match="values"):
            vary(p.network, p.X, p.y, "W1[0,0]", bad)
    with pytest.raises(InvalidValueError, match="target"):
        vary(p.network, p.X, p.y, "W1[5,0]", [1])


def test_vary_in_the_column_convention_indexes_the_column_matrix():
    p = load_example("seed000-q15")
    col = vary(p.network, p.X, p.y, "W1[2,1]", [0.5], convention="column")
    row = vary(p.network, p.X, p.y, "W1[1,2]", [0.5])
    assert col.rows == row.rows


def test_parse_vary_says_no():
    for bad in ["W1[0,0]", "=1,2", "W1[0,0]=a,b", "W1[0,0]="]:
        with pytest.raises(InvalidValueError, match="--vary"):
            parse_vary(bad)
