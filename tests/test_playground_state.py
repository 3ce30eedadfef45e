"""The playground's state, sources, views and guard, without a browser or a server.

Every refused change must leave the state exactly as it was; every accepted
one must give what the library gives for the same network (the oracle:
``Network.step``, ``Network.trace``, ``cr.explain``, ``cr.check``).
"""

import json

import numpy as np
import pytest

import chainrule as cr
from chainrule.errors import ChainruleError, DataFileError, InvalidValueError
from chainrule.explainer.problems import load_example
from chainrule.playground import state as limits
from chainrule.playground.sources import MAX_UPLOAD_BYTES, from_csv_text, from_example
from chainrule.playground.views import export_bytes, grade, parse_answer


def snapshot(pg):
    return (
        {k: v.copy() for k, v in pg.net.params.items()},
        pg.X.copy(),
        pg.y.copy(),
        pg.settings(),
        list(pg.costs),
    )


def assert_same(a, b):
    assert a[0].keys() == b[0].keys()
    for k in a[0]:
        np.testing.assert_array_equal(a[0][k], b[0][k])
    np.testing.assert_array_equal(a[1], b[1])
    np.testing.assert_array_equal(a[2], b[2])
    assert a[3:] == b[3:]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda pg: pg.set_param("W3", [0, 0], 1.0), "name: expected one of"),
        (lambda pg: pg.set_param("W1", [0, 1], 1.0), "index: expected [row, column]"),
        (lambda pg: pg.set_param("W1", [0], 1.0), "index"),
        (lambda pg: pg.set_param("W1", [0, 0], float("nan")), "finite"),
        (lambda pg: pg.set_param("W1", [0, 0], "1"), "expected a number"),
        (lambda pg: pg.set_param("W1", [0, 0], True), "expected a number"),
        (lambda pg: pg.set_data("Z", [0, 0], 1.0), "expected 'X' or 'y'"),
        (lambda pg: pg.set_data("X", [1, 0], 1.0), "index"),
        (lambda pg: pg.configure({"sizes": [1, 9, 1]}), "at most 8 units"),
        (lambda pg: pg.configure({"sizes": [1] * 6}), "at most 4 weight layers"),
        (lambda pg: pg.configure({"sizes": [2, 1]}), "the data has 1 inputs"),
        (lambda pg: pg.configure({"speed": 1}), "unknown key 'speed'"),
        (lambda pg: pg.configure({"learning_rate": 0}), "learning_rate"),
        (lambda pg: pg.configure({"notation": "column"}), "notation"),
        (lambda pg: pg.configure({"activation": "nope"}), "nope"),
        (lambda pg: pg.train(0), "steps: expected an integer from 1"),
        (lambda pg: pg.train(limits.MAX_TRAIN_STEPS + 1), "steps"),
    ],
)
def test_refused_changes_name_the_problem_and_change_nothing(call, message):
    pg = from_example("seed004")
    before = snapshot(pg)
    with pytest.raises(ChainruleError, match=None) as info:
        call(pg)
    assert message in str(info.value)
    assert_same(before, snapshot(pg))


def test_edits_give_the_trace_of_the_edited_network():
    pg = from_example("tutorial-part4")
    pg.set_param("W2", [1, 0], -0.25)
    pg.set_data("X", [2, 1], 0.5)
    net = load_example("tutorial-part4").network
    W2 = net.params["W2"].copy()
    W2[1, 0] = -0.25
    net.set_params({**net.params, "W2": W2})
    X, y = cr.datasets.test_scores()
    X[2, 1] = 0.5
    t = net.trace(X, y)
    ex = pg.explanation()
    for symbol in ("z2", "a2", "yHat", "delta3", "dJdW2", "delta2", "dJdW1"):
        np.testing.assert_array_equal(ex[symbol].value, t[symbol])
    assert ex["J"].value == t["J"]


def test_step_and_train_are_network_step():
    pg = from_example("seed004")
    J0, J1 = pg.step()
    assert (round(J0, 12), round(J1, 10)) == (0.32, 0.0040572032)  # seed 004
    net = load_example("seed004").network
    X, y = [[3.0]], [[2.0]]
    expected = [net.step(X, y, 0.1) for _ in range(11)]
    assert pg.costs + pg.train(10) == expected
    assert pg.costs == expected
    pg.reset()
    assert pg.costs == [] and pg.net.params["W1"].tolist() == [[0.5]]


def test_settings_keep_weights_of_the_same_shapes_only():
    pg = from_example("tutorial-part4")
    W1 = pg.net.params["W1"].copy()
    pg.configure({"activation": ["tanh", "sigmoid"], "notation": "bracket"})
    np.testing.assert_array_equal(pg.net.params["W1"], W1)
    assert pg.explanation().notation == "bracket"
    pg.train(2)
    pg.configure({"sizes": [2, 4, 1]})
    assert pg.net.params["W1"].shape == (2, 4) and pg.costs == []
    pg.configure({"sizes": [2, 4, 3, 1]})  # the hidden activation is repeated
    assert pg.net.activations == ["tanh", "tanh", "sigmoid"]
    pg.configure({"learning_rate": 2.5})
    assert pg.explanation().learning_rate == 2.5


def test_csv_upload_regression_and_classification():
    pg = from_csv_text("a,b,label\n1,2,no\n2,1,yes\n4,0,yes\n", "label")
    assert pg.net.sizes == [2, 3, 2] and pg.net.loss == "cce"
    np.testing.assert_array_equal(pg.y, [[1, 0], [0, 1], [0, 1]])
    np.testing.assert_array_equal(pg.X, [[0.25, 1.0], [0.5, 0.5], [1.0, 0.0]])
    assert pg.explanation()["J"].value > 0


@pytest.mark.parametrize(
    ("text", "target", "error", "message"),
    [
        ("a,b\n1,2\n3\n", "b", DataFileError, "row 2 expected 2 non-empty cells"),
        ("a,b\n1,\n", "b", DataFileError, "non-empty"),
        ("a,a\n1,2\n", "a", DataFileError, "distinct"),
        ("a,b\n", "b", DataFileError, "header row and rows"),
        ("a,b\n1,2\n", "", InvalidValueError, "target: expected a column"),
        (
            "a,b\n" + "1,2\n" * (limits.MAX_ROWS + 1),
            "b",
            InvalidValueError,
            "at most 200 rows",
        ),
        ("a,b\n" + "1,2\n" * MAX_UPLOAD_BYTES, "b", InvalidValueError, "bytes"),
        (
            ",".join(f"c{i}" for i in range(10)) + "\n" + ",".join("1" * 10) + "\n",
            "c0",
            InvalidValueError,
            "at most 8 input columns",
        ),
    ],
)
def test_csv_upload_refusals(text, target, error, message):
    with pytest.raises(error) as info:
        from_csv_text(text, target)
    assert message in str(info.value)


def test_quiz_uses_check_on_the_current_explanation():
    pg = from_example("seed004")
    report = grade(pg, {"dJdW1": "-1.92", "dJdW2": "1.2", "z2": "[[1.5]]"})
    assert report["score"] == pytest.approx(2 / 3)
    verdicts = {it["symbol"]: it["verdict"] for it in report["items"]}
    assert verdicts == {"dJdW1": "right", "dJdW2": "wrong sign", "z2": "right"}
    pg.set_param("W1", [0, 0], 1.0)  # now dJdW1 is something else
    assert grade(pg, {"dJdW1": "-1.92"})["score"] == 0.0
    with pytest.raises(InvalidValueError, match="answers"):
        grade(pg, {})


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0.5", 0.5),
        ("-1e-3", -0.001),
        ("[[1, 2], [3, 4]]", [[1.0, 2.0], [3.0, 4.0]]),
        ("[1, 2]", [[1.0, 2.0]]),
        ("1 2; 3 4", [[1.0, 2.0], [3.0, 4.0]]),
        ("1, 2", [[1.0, 2.0]]),
    ],
)
def test_typed_answers(text, value):
    assert parse_answer(text) == value


@pytest.mark.parametrize("text", ["", "abc", "[[1, 'x']]", "nan", "1 inf", 3, None])
def test_typed_answers_refused(text):
    with pytest.raises(InvalidValueError, match="answer"):
        parse_answer(text)


def test_exports(tmp_path):
    pg = from_example("seed004")
    ex = load_example("seed004").explain()
    data, name, media = export_bytes(pg, "html")
    assert data.decode() == ex.to_html() and name == "derivation.html"
    data, name, _ = export_bytes(pg, "safetensors")
    (tmp_path / name).write_bytes(data)
    loaded = cr.load(tmp_path / name)
    assert (
        loaded.params["W1"].tolist() == [[0.5]] and loaded.config() == pg.net.config()
    )
    with pytest.raises(InvalidValueError, match="format"):
        export_bytes(pg, "pdf")


def test_guard_rules():
    pytest.importorskip("starlette", reason="the playground extra is not installed")
    from chainrule.playground.server import MAX_BODY_BYTES, Guard

    g = Guard(None, ["127.0.0.1:8000", "localhost:8000"])
    ok = {"host": "127.0.0.1:8000", "content-type": "application/json"}
    assert g.refusal("GET", {"host": "localhost:8000"}) is None
    assert g.refusal("POST", {**ok, "origin": "http://localhost:8000"}) is None
    assert g.refusal("POST", ok) is None  # no Origin: not a browser's page
    assert g.refusal("GET", {"host": "evil.example:8000"})[0] == 403
    assert g.refusal("GET", {})[0] == 403
    assert g.refusal("POST", {**ok, "origin": "http://127.0.0.1:8001"})[0] == 403
    assert g.refusal("POST", {**ok, "origin": "null"})[0] == 403
    assert g.refusal("POST", {**ok, "sec-fetch-site": "cross-site"})[0] == 403
    assert g.refusal("POST", {**ok, "content-type": "text/plain"})[0] == 415
    big = {**ok, "content-length": str(MAX_BODY_BYTES + 1)}
    assert g.refusal("POST", big)[0] == 413


def test_wildcard_address_is_refused():
    pytest.importorskip("starlette", reason="the playground extra is not installed")
    from chainrule.errors import ConfigError
    from chainrule.playground.server import bind

    with pytest.raises(ConfigError, match="--host"):
        bind("0.0.0.0", 0)


def test_explanation_json_round_trips():
    pg = from_example("seed001")
    text = pg.explanation().to_json()
    assert json.loads(text)["schema"] == "chainrule.explain/1"
    assert cr.Explanation.from_json(text).to_json() == text


def test_command_names_the_extra_when_uvicorn_is_missing(monkeypatch, capsys):
    from chainrule.cli.app import main

    monkeypatch.setitem(__import__("sys").modules, "uvicorn", None)
    assert main(["playground", "--no-browser"]) == 2
    err = capsys.readouterr().err
    assert "pip install 'chainrule[playground]'" in err
