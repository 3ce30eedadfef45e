"""explain(..., dropout=p, seed=s): the masks as steps of the derivation.

Oracle: Network.trace with the same masks (Masks.draw from the same seed),
the pass that training runs; the unmasked explanation, which must differ.
"""

import json

import numpy as np
import pytest

import chainrule as cr
from chainrule.errors import ConfigError, InvalidValueError
from chainrule.explainer.problems import load_example

X, Y = cr.datasets.test_scores()


def _net():
    return cr.Network([2, 3, 2, 1], seed=0)


def _masks(p=0.5, seed=1):
    return cr.Masks.draw(np.random.default_rng(seed), [2, 3, 2, 1], 3, p)


def test_the_text_shows_the_mask_the_masked_activation_and_the_masked_delta():
    text = cr.explain(_net(), X, Y, dropout=0.5, seed=1).to_text()
    for line in (
        "m⁽²⁾ = Bernoulli(1 − p)",
        "(dropout p = 0.5: one draw per example and unit,",
        "ã⁽²⁾ = a⁽²⁾ ∘ m⁽²⁾ / (1 − p)",
        "z⁽³⁾ = ã⁽²⁾ W⁽²⁾ + b⁽²⁾",
        "z⁽⁴⁾ = ã⁽³⁾ W⁽³⁾ + b⁽³⁾",
        "∂J/∂W⁽²⁾ = (ã⁽²⁾)ᵀ δ⁽³⁾",
        "∂J/∂a⁽³⁾ = (δ⁽⁴⁾ (W⁽³⁾)ᵀ) ∘ m⁽³⁾ / (1 − p)",
        "(ã⁽²⁾)ᵀ δ⁽³⁾: (3×3)ᵀ(3×2) → (3×2)",
    ):
        assert line in text, line
    assert "∂J/∂W⁽¹⁾ = Xᵀ δ⁽²⁾" in text  # the input is never masked
    plain = cr.explain(_net(), X, Y).to_text()
    assert "m⁽²⁾" not in plain and "ã" not in plain


def test_the_values_are_the_masked_training_pass():
    ex = cr.explain(_net(), X, Y, dropout=0.5, seed=1)
    masks = _masks()
    t = _net().trace(X, Y, masks=masks)
    for l in (2, 3):
        np.testing.assert_array_equal(ex[f"m{l}"].value, masks.keep[f"m{l}"])
        np.testing.assert_array_equal(ex[f"am{l}"].value, t[f"am{l}"])
        np.testing.assert_array_equal(ex[f"dJda{l}"].value, t[f"dJda{l}"])
    for k in ("W1", "b1", "W2", "W3"):
        np.testing.assert_array_equal(ex[f"dJd{k}"].value, t[f"dJd{k}"])
    assert ex["J"].value == t["J"] != _net().cost(X, Y)
    other = cr.explain(_net(), X, Y, dropout=0.5, seed=2)
    assert not np.array_equal(other["m2"].value, ex["m2"].value)


def test_the_forward_pass_again_uses_the_same_masks():
    ex = cr.explain(_net(), X, Y, learning_rate=0.5, dropout=0.3, seed=4)
    m2 = ex["m2"].value
    np.testing.assert_allclose(ex["am2'"].value, ex["a2'"].value * m2 / 0.7)
    assert "m2'" not in [s.symbol for s in ex.steps]


def test_latex_and_json_show_the_masks():
    ex = cr.explain(_net(), X, Y, dropout=0.25, seed=0)
    tex = ex.to_latex()
    assert r"\tilde{a}^{(2)} = a^{(2)} \circ m^{(2)} / (1 - p)" in tex
    assert r"m^{(3)} = \mathrm{Bernoulli}(1 - p)" in tex
    doc = json.loads(ex.to_json())
    steps = {s["symbol"]: s for s in doc["steps"]}
    assert np.array_equal(steps["m2"]["value"], ex["m2"].value)
    assert steps["am3"]["formula"] == "ã⁽³⁾ = a⁽³⁾ ∘ m⁽³⁾ / (1 − p)"


@pytest.mark.parametrize(
    "kw, names",
    [
        (
            dict(notation="bracket"),
            ["m[1] = Bernoulli", "ã[1] = a[1] ∘ m[1] / (1 − p)"],
        ),
        (
            dict(convention="column"),
            ["M[1] = Bernoulli", "Ã[1] = A[1] ∘ M[1] / (1 − p)"],
        ),
    ],
)
def test_each_notation_names_the_masks(kw, names):
    text = cr.explain(_net(), X, Y, dropout=0.5, seed=1, **kw).to_text()
    for name in names:
        assert name in text


def test_dropout_is_checked():
    with pytest.raises(InvalidValueError, match=r"dropout: expected a probability"):
        cr.explain(_net(), X, Y, dropout=1.0)
    with pytest.raises(ConfigError, match="seed: draws the dropout masks"):
        cr.explain(_net(), X, Y, seed=3)
    with pytest.raises(ConfigError, match="steps=1"):
        cr.explain(_net(), X, Y, learning_rate=0.1, steps=3, dropout=0.5)
    with pytest.raises(ConfigError, match="level='matrix'"):
        cr.explain(_net(), X, Y, dropout=0.5, level="element")
    ex = cr.explain(_net(), X, Y, dropout=0.5, seed=1)
    with pytest.raises(ConfigError, match="chain: the paths are written without"):
        ex.chain("W2[0,0]")


def test_the_trace_names_the_masks_in_bracket_notation():
    t = _net().trace(X, Y, masks=_masks())
    b = t.bracket()
    assert b["m[1]"] is t["m2"] and b["ã[2]"] is t["am3"]


def _cli(capsys, *args):
    from chainrule.cli.app import main

    code = main(["explain", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_line_explains_the_pass_the_library_explains(capsys):
    code, out, err = _cli(capsys, "-e", "tutorial-part4", "--dropout", "0.5",
                          "--dropout-seed", "3", "-f", "json")  # fmt: skip
    assert code == 0, err
    p = load_example("tutorial-part4")
    want = cr.explain(p.network, p.X, p.y, dropout=0.5, seed=3, title=p.title,
                      description=p.description, notation=p.notation)  # fmt: skip
    got = json.loads(out)
    assert got == json.loads(want.to_json())
    assert "m2" in {s["symbol"] for s in got["steps"]}
    assert got != json.loads(p.explain().to_json())


@pytest.mark.parametrize(
    "args,message",
    [
        (["--dropout-seed", "3"], "--dropout-seed: draws the dropout masks"),
        (["--dropout", "1"], "--dropout: expected a probability in [0, 1)"),
        (["--dropout", "0.2", "--steps", "3"], "not with --steps"),
        (["--dropout", "0.2", "--level", "element"], "--level matrix only"),
        (["--dropout", "0.2", "--chain", "W1[0,0]"], "--dropout: --chain writes"),
        (["--dropout", "0.2", "--vary", "W1[0,0]=1,2"], "--dropout: --vary writes"),
    ],
)
def test_the_command_line_refuses_dropout_where_it_would_mislead(capsys, args, message):
    code, out, err = _cli(capsys, "-e", "tutorial-part4", *args)
    assert code == 2 and out == "" and message in err, err
