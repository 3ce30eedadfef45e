"""Adding an option of fit is one entry in the spec, train.options.OPTIONS.

A throwaway entry, added with ``options.extended`` and nothing else, is known
to ``Settings``, to ``Network.fit`` (its signature, docstring, keyword, check
and refusals) and to ``chainrule train`` (its ``--help``, its refusals, and
the value handed to fit). Each test fails if one of them were written by
hand instead of made from the spec.
"""

import inspect

import pytest

import chainrule as cr
from chainrule.cli import main
from chainrule.train.fit import settings
from chainrule.train.optimizers import FIRST_ORDER, TABLE
from chainrule.train.options import OPTIONS, Flag, Option, extended

X, Y = cr.datasets.test_scores()


def check_colour(name, value):
    """The entry's check: names the option; its result is what Settings holds."""
    if value not in ("plain", "red", "blue"):
        raise cr.InvalidValueError(f"{name}: expected plain, red or blue: {value!r}")
    return value.upper()


COLOUR = Option(
    "colour",
    "'plain', 'red' or 'blue'",
    "plain",
    FIRST_ORDER,
    "The colour of nothing at all, a throwaway option.",
    check_colour,
    str,
    Flag(),
)


@pytest.fixture
def colour():
    with extended(COLOUR) as spec:
        assert spec["colour"] is COLOUR
        yield


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def table(tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("a,b,t\n0,1,1\n1,0,2\n1,1,3\n0,0,4\n")
    return data


def test_settings_hold_the_new_option_as_checked(colour):
    assert settings("adam", {"colour": "red"}, 0).colour == "RED"
    assert settings("adam", {}, 0).colour == "PLAIN"  # the default, checked too
    with pytest.raises(cr.InvalidValueError, match="colour: expected plain"):
        settings("adam", {"colour": "green"}, 0)


def test_network_fit_takes_the_new_option(colour):
    p = inspect.signature(cr.Network.fit).parameters["colour"]
    assert (p.kind, p.default, p.annotation) == (p.KEYWORD_ONLY, "plain", str)
    doc = cr.Network.fit.__doc__
    assert "colour : 'plain', 'red' or 'blue', default 'plain'" in doc
    net = cr.Network([2, 3, 1], seed=0)
    assert len(net.fit(X, Y, optimizer="adam", epochs=2, colour="red").cost) == 2
    with pytest.raises(cr.InvalidValueError, match="colour: expected plain"):
        net.fit(X, Y, optimizer="adam", colour="green")
    with pytest.raises(cr.ConfigError, match="colour: the optimizer 'lbfgs' does not"):
        net.fit(X, Y, optimizer="lbfgs", colour="red")
    with pytest.raises(cr.ConfigError, match="color: .* did you mean `colour`"):
        net.fit(X, Y, optimizer="adam", color="red")


def test_chainrule_train_offers_the_new_option(colour, capsys, table, tmp_path):
    code, out, _ = run(capsys, "train", "--help")
    assert code == 0 and "--colour" in out and "throwaway" in out
    model = tmp_path / "m.safetensors"
    argv = ["train", table, "--target", "t", "--out", model, "--epochs", "2"]
    # refused for an optimizer that does not use it, as fit refuses it
    code, _, err = run(capsys, *argv, "--optimizer", "lbfgs", "--colour", "red")
    assert code == 2 and "--colour: the optimizer 'lbfgs' does not use it" in err
    # the value reaches Network.fit, whose check names it
    code, _, err = run(capsys, *argv, "--colour", "green")
    assert code == 2 and "colour: expected plain, red or blue" in err
    assert not model.exists()
    code, _, err = run(capsys, *argv, "--colour", "blue")
    assert code == 0 and model.exists(), err


def test_the_spec_is_whole_again_after_the_block(capsys):
    with extended(COLOUR):
        assert "colour" in OPTIONS
    assert "colour" not in OPTIONS
    assert "colour" not in inspect.signature(cr.Network.fit).parameters
    assert "colour :" not in cr.Network.fit.__doc__
    with pytest.raises(cr.ConfigError, match="colour: not an option of fit"):
        settings("adam", {"colour": "red"}, 0)
    assert "--colour" not in run(capsys, "train", "--help")[1]


def test_an_option_is_added_once():
    with pytest.raises(cr.ConfigError, match="tol"), extended(OPTIONS["tol"]):
        pass
    assert list(OPTIONS)[-1] == "sample_weight"


# ------------------------------------------------------- one optimizer table
def test_the_optimizer_table_gives_each_hyperparameter_its_optimizers():
    for name, option in OPTIONS.items():
        carriers = [n for n, e in TABLE.items() if name in e.hyper]
        assert option.hyper == bool(carriers), name
        if carriers:
            assert list(option.optimizers) == carriers, name
    assert {n: e.learning_rate for n, e in TABLE.items()} == {
        "gd": 0.5,
        "sgd": 0.05,
        "adam": 0.01,
        "bfgs": None,
        "lbfgs": None,
    }
    assert cr.optimizers.make("sgd").learning_rate == 0.05
    assert "gd 0.5, sgd 0.05, adam 0.01" in OPTIONS["learning_rate"].help
