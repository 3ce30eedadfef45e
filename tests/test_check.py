"""cr.check: a student's answers graded against an explanation.

The key's numbers are the explanation's own (Network.trace); the answers
below are written from them, rounded as a student would, or spoiled in one
way each (sign, shape, transpose, one entry), and each test names the verdict
a wrong grader would miss.
"""

import json

import numpy as np
import pytest

import chainrule as cr
from chainrule.explainer.assess.grading import RTOL
from chainrule.explainer.problems import load_example

# Seed 000 question 15 (W1, W2 all ones; X = [[3, 5], [5, 1], [5, 10]]; the
# example's y = [0.75, 0.82, 0.93]), rounded to 4 significant figures by hand
# from the values printed by `chainrule explain seed000-q15`.
Q15_ROUNDED = {
    "yHat": [[0.9525], [0.9522], [0.9526]],
    "J": 0.02951,
    "delta3": [[0.009158], [0.006014], [0.001020]],
    "dJdW2": [[0.01617], [0.01617], [0.01617]],
    "dJdW1": [[8.338e-5, 8.338e-5, 8.338e-5], [3.019e-5, 3.019e-5, 3.019e-5]],
}


@pytest.fixture(scope="module")
def q15():
    return load_example("seed000-q15").explain()


@pytest.fixture(scope="module")
def seed004():
    net = cr.Network([1, 1, 1], activation="relu", loss="mse", bias=False)
    net.set_params({"W1": [[0.5]], "W2": [[0.8]]})
    return cr.explain(net, [[3.0]], [[2.0]], learning_rate=0.1)


def test_rounded_answers_of_q15_are_right(q15):
    rep = cr.check(q15, Q15_ROUNDED)
    assert [i.verdict for i in rep.items] == ["right"] * 5
    assert rep.score == 1.0 and rep.ok


def test_three_figures_pass_two_figures_fail(q15):
    # 0.0162 is 0.0161741 to 3 figures (0.16 % off); 0.016 is 1.1 % off:
    # right to the two figures given, too coarse for the tolerance
    assert cr.check(q15, {"dJdW2": [[0.0162]] * 3}).ok
    rep = cr.check(q15, {"dJdW2": [[0.016]] * 3})
    assert rep.items[0].verdict == "rounded" and not rep.ok
    assert "give 3 significant digits" in rep.items[0].reason
    rep = cr.check(q15, {"dJdW2": [[0.017]] * 3})  # not a rounding of it
    assert rep.items[0].verdict == "wrong value"
    assert "expected 0.0161741, got 0.017" in rep.items[0].reason


def test_rtol_is_the_worst_case_of_rounding_to_three_figures():
    # x = 1.005: rounding to 3 figures gives 1.00 or 1.01, both must pass.
    key = {"v": 1.005}
    assert cr.check(key, {"v": 1.00}).ok and cr.check(key, {"v": 1.01}).ok
    assert RTOL == 5e-3
    assert not cr.check(key, {"v": 0.99}).ok


def test_wrong_sign_whole(seed004):
    rep = cr.check(seed004, {"dJdW1": [[1.92]]})
    assert rep.items[0].verdict == "wrong sign" and not rep.ok
    assert rep.score == 0.0


def test_wrong_sign_of_small_values_is_caught(q15):
    # dJdW1 entries are ~3e-5 to 8e-5: the absolute tolerance must not hide it
    neg = (-np.array(Q15_ROUNDED["dJdW1"])).tolist()
    item = cr.check(q15, {"dJdW1": neg}).items[0]
    assert item.verdict == "wrong sign"
    zeros = cr.check(q15, {"dJdW1": [[0, 0, 0], [0, 0, 0]]}).items[0]
    assert zeros.verdict == "wrong value"


def test_wrong_sign_of_one_entry(q15):
    ans = [[0.01617], [-0.01617], [0.01617]]
    item = cr.check(q15, {"dJdW2": ans}).items[0]
    assert item.verdict == "wrong sign"
    assert "row 2, column 1" in item.reason and "other entries are right" in item.reason


def test_transposed_answer(q15):
    item = cr.check(q15, {"dJdW2": [[0.01617, 0.01617, 0.01617]]}).items[0]
    assert item.verdict == "transposed" and not item.ok
    assert item.expected_shape == (3, 1) and item.given_shape == (1, 3)
    assert "expected 3×1, got 1×3" in item.reason


def test_transposed_square_matrix():
    key = {"W": [[1.0, 2.0], [3.0, 4.0]]}
    item = cr.check(key, {"W": [[1.0, 3.0], [2.0, 4.0]]}).items[0]
    assert item.verdict == "transposed"


def test_wrong_shape(q15):
    item = cr.check(q15, {"dJdW1": [[8.338e-5, 8.338e-5, 8.338e-5]]}).items[0]
    assert item.verdict == "wrong shape"
    assert item.reason == "wrong shape: expected 2×3, got 1×3"
    flat = cr.check(q15, {"dJdW2": [0.01617, 0.01617, 0.01617]}).items[0]
    assert flat.verdict == "wrong shape" and "a flat list of 3" in flat.reason


def test_transposed_shape_with_wrong_values_is_a_wrong_shape(q15):
    item = cr.check(q15, {"dJdW2": [[1.0, 2.0, 3.0]]}).items[0]
    assert item.verdict == "wrong shape"


def test_one_wrong_entry_is_named(q15):
    ans = np.array(Q15_ROUNDED["dJdW1"])
    ans[1, 2] = 4e-5
    item = cr.check(q15, {"dJdW1": ans}).items[0]
    assert item.verdict == "wrong value"
    assert "1 of 6 entries differ; row 2, column 3" in item.reason


def test_number_for_a_one_by_one_matrix(seed004):
    rep = cr.check(seed004, {"dJdW1": -1.92, "J": [[0.32]], "W1'": 0.692})
    assert rep.ok, rep.to_text()


def test_not_numbers_is_graded_not_raised(seed004):
    rep = cr.check(seed004, {"dJdW1": "minus 1.92", "dJdW2": [[True]]})
    assert [i.verdict for i in rep.items] == ["not numbers", "not numbers"]
    assert rep.items[0].given_shape is None


def test_bracket_names_are_accepted(seed004):
    rep = cr.check(seed004, {"g[1W]": [[-1.92]], "g[2z]": [[-0.8]]})
    assert [i.symbol for i in rep.items] == ["dJdW1", "delta3"] and rep.ok


def test_unknown_names_are_listed_and_the_rest_graded(q15):
    rep = cr.check(q15, {"dJdw1": [[0]], "dJdW2": Q15_ROUNDED["dJdW2"], "delta33": 1})
    assert [i.symbol for i in rep.items] == ["dJdW2"] and rep.ok
    assert "did you mean 'dJdW1'" in rep.unknown["dJdw1"]
    assert "did you mean 'delta3'" in rep.unknown["delta33"]
    text = rep.to_text()
    assert "? dJdw1" in text and "not graded" in text
    assert json.loads(rep.to_json())["unknown"][0]["name"] == "dJdw1"


def test_missing_answers_count_as_wrong(seed004):
    rep = cr.check(seed004, {"dJdW1": [[-1.92]]}, required=["dJdW1", "delta2"])
    assert [i.verdict for i in rep.items] == ["right", "missing"]
    assert rep.score == 0.5 and not rep.ok
    assert "missing: no answer given" in rep.to_text()
    with pytest.raises(cr.UnknownNameError, match="did you mean 'delta2'"):
        cr.check(seed004, {"J": 0.32}, required=["delta22"])


def test_rounded_says_the_digits_needed(q15):
    # seed 000 q15's delta3, [0.00916, 0.00601, 0.00102], to one figure
    item = cr.check(q15, {"delta3": [[0.009], [0.006], [0.001]]}).items[0]
    assert item.verdict == "rounded" and not item.ok
    assert item.reason.endswith("give 3 significant digits")
    # 0 for 8e-5 gives no digit of it: wrong, not rounded
    zero = cr.check(q15, {"dJdW1": [[0, 0, 0], [0, 0, 0]]}).items[0]
    assert zero.verdict == "wrong value"
    # 0.2 for 0.26 is no rounding of it (half a unit is 0.05)
    assert cr.check({"v": 0.26}, {"v": 0.2}).items[0].verdict == "wrong value"


def test_off_by_the_conventions_factor(q15):
    dw2 = q15["dJdW2"].value
    item = cr.check(q15, {"dJdW2": (3 * dw2).tolist()}).items[0]
    assert item.verdict == "off by a factor"
    assert "factor of N = 3: the answer is 3 times the right one" in item.reason
    col = load_example("seed000-q15").explain(convention="column")
    item = cr.check(col, {"dJdW2": (col["dJdW2"].value / 3).tolist()}).items[0]
    assert "factor of m = 3: the answer is 1/3 of the right one" in item.reason
    # one example: no factor to be off by
    item = cr.check({"v": 2.0}, {"v": 6.0}, examples=3).items[0]
    assert item.verdict == "off by a factor"
    assert cr.check({"v": 2.0}, {"v": 6.0}).items[0].verdict == "wrong value"


def test_a_scalar_wrong_value_says_it_once(seed004):
    item = cr.check(seed004, {"J": 0.5}).items[0]
    assert item.reason == "wrong value: expected 0.32, got 0.5"


@pytest.mark.parametrize(
    ("key", "answers", "kwargs", "error", "match"),
    [
        ({"J": 1}, [("J", 1)], {}, cr.InvalidTypeError, "answers: expected a mapping"),
        ({"J": 1}, {}, {}, cr.InvalidValueError, "answers: expected at least one"),
        ([1, 2], {"J": 1}, {}, cr.InvalidTypeError, "key: expected an Explanation"),
        ({"J": "x"}, {"J": 1}, {}, cr.InvalidValueError, r"key\['J'\]"),
        ({"J": 1}, {"J": 1}, {"rtol": -1}, cr.InvalidValueError, "rtol"),
        ({"J": 1}, {"J": 1}, {"atol": float("nan")}, cr.InvalidValueError, "atol"),
    ],
)
def test_bad_input(key, answers, kwargs, error, match):
    with pytest.raises(error, match=match):
        cr.check(key, answers, **kwargs)


def test_trace_is_a_key(q15):
    net = cr.Network([2, 3, 1], bias=False)
    net.set_params({"W1": np.ones((2, 3)), "W2": np.ones((3, 1))})
    t = net.trace(q15["X"].value, q15["y"].value)
    assert cr.check(t, {"dJdW2": Q15_ROUNDED["dJdW2"]}).ok


def test_report_json_and_text(seed004):
    rep = cr.check(seed004, {"dJdW1": [[-1.92]], "J": 0.5})
    d = json.loads(rep.to_json())
    assert d["schema"] == "chainrule.check/1"
    assert d["score"] == 0.5 and d["n_right"] == 1 and d["n_items"] == 2
    assert d["items"][0]["expected"] == seed004["dJdW1"].value.tolist()
    assert d["items"][1]["verdict"] == "wrong value"
    text = rep.to_text()
    assert "✓ ∂J/∂W⁽¹⁾" in text and "✗ J" in text
    assert "score: 1/2 = 50%" in text


def test_symbolic_answers_against_a_derivation():
    pytest.importorskip("sympy")
    d = cr.derive([2, 3, 1], examples=1)
    rep = cr.check(
        d,
        {
            "dJdW2": ["a2_11*delta3_11", "delta3_11*a2_12", "a2_13*delta3_11"],
            "z2": [
                [
                    "x_11*w1_11 + x_12*w1_21",
                    "x_11*w1_12 + x_12*w1_22",
                    "x_11*w1_13 + x_12*w1_23",
                ]
            ],
            "delta3": "(y_11 - yHat_11) * fprime3_11",
            "dJdW1": "x_11",
            "J": "(y_11 - yHat_11)**2 / 2",
        },
    )
    verdicts = [i.verdict for i in rep.items]
    assert verdicts == ["transposed", "right", "wrong sign", "wrong shape", "right"]
    assert not cr.check(d, {"J": "(y_11 - yHat_11)**2"}).ok
    assert cr.check(d, {"J": "nonsense_symbol"}).items[0].verdict == "not numbers"


def test_cs230_names_and_the_factor_hint():
    # CS230 writes dZ[2] = A[2] − Y; chainrule's column convention puts the
    # mean's 1/m into dZ: the answer is named in the course's symbols and
    # graded "off by a factor of m", a hint rather than a bare "wrong value"
    net = cr.Network([2, 2, 1], activation="sigmoid", loss="bce", seed=0)
    X, y = [[0.5, -1.0], [1.5, 0.2], [-0.3, 0.8]], [[1.0], [0.0], [1.0]]
    col = cr.explain(net, X, y, convention="column")
    m = 3
    a_minus_y = col["yHat"].value - col["y"].value
    answers = {
        "dZ2": a_minus_y.tolist(),
        "dW[1]": col["dJdW1"].value.tolist(),
        "db1": col["dJdb1"].value.tolist(),
        "dA1": col["dJda2"].value.tolist(),
        "A2": col["yHat"].value.tolist(),
        "Z1": col["z2"].value.tolist(),
    }
    rep = cr.check(col, answers)
    assert [i.symbol for i in rep.items] == [
        "delta3",
        "dJdW1",
        "dJdb1",
        "dJda2",
        "yHat",
        "z2",
    ]
    assert not rep.unknown
    # CS230 writes dZ[2] = A[2] − Y (the 1/m is in dW and db): graded right
    assert all(i.ok for i in rep.items)
    # chainrule's row-convention δ = (Ŷ − Y)/m is then off by the factor m
    rep = cr.check(col, {"dZ2": (a_minus_y / m).tolist()})
    (first,) = rep.items
    assert first.verdict == "off by a factor"
    assert f"m = {m}" in first.reason
    # a quiz blanks by the course's names too
    from chainrule.explainer.assess.quiz import blank

    assert np.isnan(blank(col, ["dZ[2]", "dW1"])["delta3"].value).all()
