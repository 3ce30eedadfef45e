"""The playground in a real browser, and its server's rules.

One server per module (a thread, a random free port, stopped at the end)
and the session's headless Chromium (the ``browser`` fixture of
tests/conftest.py). Every number the page shows is compared with the
library's own: seed 004's J = 0.32 and, after one step, 0.0040572 (seed 004,
section 5), and ``Network.trace`` of the edited network.
"""

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from urllib.parse import urlsplit

import numpy as np
import pytest

pytest.importorskip("starlette", reason="the playground extra is not installed")
pytest.importorskip("uvicorn", reason="the playground extra is not installed")

import chainrule as cr  # noqa: E402
from chainrule.explainer.problems import load_example  # noqa: E402
from chainrule.playground.server import running  # noqa: E402
from chainrule.playground.sources import from_example  # noqa: E402


@pytest.fixture(scope="module")
def url():
    with running(from_example("seed004")) as address:
        yield address


def request(url, path, method="GET", body=None, headers=None):
    """(status, body bytes) of one request with exactly the given headers."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    data = None if body is None else json.dumps(body).encode()
    hdrs = {"Content-Type": "application/json"} if body is not None else {}
    hdrs.update(headers or {})
    conn.request(method, path, body=data, headers=hdrs)
    r = conn.getresponse()
    out = r.status, r.read()
    conn.close()
    return out


def load_seed004(url):
    status, _ = request(url, "/api/example", "POST", {"name": "seed004"})
    assert status == 200


@pytest.fixture
def page(browser, url):
    load_seed004(url)
    p = browser.new_page()
    p.requests = []
    p.on("request", lambda r: p.requests.append(r.url))
    p.goto(url)
    p.wait_for_selector("body[data-ready=true]")
    yield p
    p.close()
    # whatever a test did, the page asked no other host for anything
    assert all(u.startswith(url) for u in p.requests), p.requests


def session(page):
    """The query string naming the page's own state on the server."""
    sid = page.locator('meta[name="chainrule-session"]').get_attribute("content")
    return f"?session={sid}"


def expect(locator):
    from playwright.sync_api import expect as _expect

    return _expect(locator)


def shown(page, symbol):
    """The text of the derivation's value element of ``symbol``."""
    return page.locator(f'#steps [data-symbol="{symbol}"]').first.text_content()


def seed004_net(W1=0.5, W2=0.8):
    net = cr.Network([1, 1, 1], activation="relu", loss="mse", bias=False)
    net.set_params({"W1": [[W1]], "W2": [[W2]]})
    return net


# ------------------------------------------------------------------- the page
def test_seed004_cost_and_one_step(page):
    assert shown(page, "J") == "0.32"
    page.get_by_role("button", name="Step").click()
    expect(page.locator('#steps [data-symbol="J"]')).to_have_text("0.0040572")
    assert page.locator("#cost-count").text_content() == "1"


def test_editing_W1_updates_every_value_as_trace_does(page):
    page.locator('#steps button.editable:has([data-symbol="W1"])').click()
    page.fill("#editor-input", "0.7")
    page.keyboard.press("Enter")
    W1 = page.locator('#steps [data-symbol="W1"]')
    expect(W1).to_have_attribute("data-value", "0.7")
    t = seed004_net(W1=0.7).trace([[3.0]], [[2.0]])
    compared = 0
    for e in page.locator("#steps [data-symbol][data-value]").all():
        symbol = e.get_attribute("data-symbol")
        if symbol not in t:
            continue
        index = e.get_attribute("data-index")
        want = (
            t[symbol] if index is None else t[symbol][tuple(map(int, index.split(",")))]
        )
        assert float(e.get_attribute("data-value")) == float(want), symbol
        assert float(e.text_content()) == pytest.approx(float(want), rel=1e-5)
        compared += 1
    assert compared >= 9  # X y W1 W2 z2 a2 z3 yHat J, and the gradients


def test_forward_and_backward_walk_the_steps_with_highlights(page):
    ex = load_example("seed004").explain()
    forward = [s.symbol for s in ex.phase("forward")]
    backward = [s.symbol for s in ex.phase("backward")]
    current = page.locator('.step[aria-current="step"]')
    for symbol in forward:
        page.get_by_role("button", name="Forward").click()
        assert current.get_attribute("data-step") == symbol
    # z2 = X W1: the inputs, the weights W1 and layer 2 are highlighted
    for _ in forward[1:]:
        page.keyboard.press("ArrowLeft")
    assert current.get_attribute("data-step") == "z2"
    lit = {e.get_attribute("data-part") for e in page.locator("#diagram .hl").all()}
    assert lit == {"L1", "E1", "L2"}
    page.keyboard.press("ArrowRight")
    assert current.get_attribute("data-step") == "a2"
    for symbol in backward:
        page.get_by_role("button", name="Backward").click()
        assert current.get_attribute("data-step") == symbol
    page.get_by_role("button", name="Backward").click()  # at the end: stays
    assert current.get_attribute("data-step") == backward[-1]
    assert "backward pass is done" in page.locator("#status").text_content()
    # dJdW1 = Xᵀ delta2: in the backward phase the edges show ∂J/∂W
    assert page.locator('#diagram [data-symbol="dJdW1"]').count() == 1


def test_train_draws_a_falling_cost_as_repeated_steps_do(page, url):
    page.fill("#train-steps", "60")
    page.get_by_role("button", name="Train").click()
    expect(page.locator("#cost-count")).to_have_text("60", timeout=60_000)
    expect(page.locator("#btn-train")).to_have_attribute("aria-pressed", "false")
    _, body = request(url, "/api/state" + session(page))
    costs = json.loads(body)["costs"]
    net = seed004_net()
    expected = [net.step([[3.0]], [[2.0]], 0.1) for _ in range(60)]
    assert costs == expected  # the page's updates are Network.step's
    assert costs[-1] < costs[0]
    assert page.locator("#cost-curve").get_attribute("data-count") == "60"


def test_quiz_grades_a_right_and_a_wrong_answer(page):
    page.get_by_label("Quiz mode").check()
    assert not page.locator('#step-dJdW1 [data-symbol="dJdW1"]').is_visible()
    page.get_by_label("answer for dJdW1").fill("-1.92")  # seed 004, problem 4
    page.get_by_label("answer for dJdW2").fill("1.2")  # the sign is wrong
    page.get_by_role("button", name="Check answers").click()
    expect(page.locator("#quiz-score")).to_contain_text("Score: 50%")
    ok = page.locator('[data-verdict="dJdW1"]')
    wrong = page.locator('[data-verdict="dJdW2"]')
    assert "ok" in ok.get_attribute("class")
    assert "wrong" in wrong.get_attribute("class")


def test_a_too_large_network_is_refused_with_a_message(page):
    page.fill("#set-sizes", "1, 9, 1")
    page.click("#btn-apply")
    expect(page.locator("#message")).to_contain_text("at most 8 units")
    assert shown(page, "J") == "0.32"  # nothing changed


def test_the_page_asks_no_other_host(page, url):
    page.get_by_role("button", name="Step").click()
    page.get_by_role("button", name="Forward").click()
    page.wait_for_timeout(200)
    assert page.requests
    assert all(u.startswith(url) for u in page.requests), page.requests


# ------------------------------------------------------------------ the server
def test_the_page_forbids_itself_other_sources(url):
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", "/")
    r = conn.getresponse()
    csp = r.getheader("Content-Security-Policy")
    assert r.status == 200 and b'id="diagram"' in r.read()
    conn.close()
    assert "default-src 'none'" in csp and "connect-src 'self'" in csp


def test_explanation_endpoint_is_explain_json(url):
    load_seed004(url)
    status, body = request(url, "/api/explanation")
    assert status == 200
    assert body.decode() == load_example("seed004").explain().to_json()


def test_foreign_host_is_refused(url):
    port = urlsplit(url).port
    status, _ = request(url, "/api/state", headers={"Host": f"evil.example:{port}"})
    assert status == 403
    status, _ = request(url, "/", headers={"Host": f"localhost:{port + 1}"})
    assert status == 403
    assert request(url, "/api/state")[0] == 200


def test_foreign_origin_and_other_unsafe_posts_are_refused(url):
    load_seed004(url)
    evil = {"Origin": "http://evil.example"}
    assert request(url, "/api/step", "POST", {}, evil)[0] == 403
    assert request(url, "/api/step", "GET")[0] == 405
    plain = {"Content-Type": "text/plain"}
    assert request(url, "/api/step", "POST", {}, plain)[0] == 415
    big = {"csv": "a,b\n" + "1,2\n" * 30_000, "target": "b"}
    assert request(url, "/api/upload", "POST", big)[0] == 413
    _, body = request(url, "/api/state")
    assert json.loads(body)["costs"] == []  # no step was taken


def test_upload_and_refusals_name_the_problem(url):
    text = "sleep,study,score\n3,5,75\n5,1,82\n10,2,93\n"
    status, body = request(url, "/api/upload", "POST", {"csv": text, "target": "x"})
    assert status == 400 and "no column 'x'" in json.loads(body)["error"]
    status, body = request(url, "/api/upload", "POST", {"csv": text, "target": "score"})
    doc = json.loads(body)
    assert status == 200 and doc["settings"]["sizes"] == [2, 3, 1]
    X = [s["value"] for s in doc["explanation"]["steps"] if s["symbol"] == "X"][0]
    assert np.allclose(X, np.array([[3, 5], [5, 1], [10, 2]]) / [10, 5])
    status, body = request(
        url, "/api/param", "POST", {"name": "W1", "index": [5, 0], "value": 1}
    )
    assert status == 400 and "index" in json.loads(body)["error"]
    load_seed004(url)


def test_downloads_are_the_renderings_and_the_model(url, tmp_path):
    load_seed004(url)
    ex = load_example("seed004").explain()
    assert request(url, "/api/export/markdown")[1].decode() == ex.to_markdown()
    assert request(url, "/api/export/latex")[1].decode() == ex.to_latex()
    status, data = request(url, "/api/export/safetensors")
    assert status == 200
    path = tmp_path / "model.safetensors"
    path.write_bytes(data)
    assert cr.load(path).params["W2"].tolist() == [[0.8]]
    assert request(url, "/api/export/pdf")[0] == 400


def test_ctrl_c_stops_the_command_cleanly():
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    cmd = [sys.executable, "-m", "chainrule", "playground", "--no-browser"]
    proc = subprocess.Popen(
        [*cmd, "--example", "seed004"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("http://127.0.0.1:"), line
        address = line.strip()
        with urllib.request.urlopen(address + "api/state", timeout=10) as r:
            assert json.load(r)["settings"]["sizes"] == [1, 1, 1]
        proc.send_signal(signal.SIGINT)
        rc = proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert rc == 0, proc.stderr.read()
    assert "stopped" in proc.stderr.read()
    with pytest.raises(OSError):
        urllib.request.urlopen(address, timeout=2)


def test_command_line_refusals():
    from chainrule.cli.app import main

    assert main(["playground", "--data", "x.csv", "--no-browser"]) == 2
    assert main(["playground", "--example", "nope", "--no-browser"]) == 2
    assert main(["playground", "--port", "70000", "--no-browser"]) == 2


def test_train_can_be_paused(page):
    page.fill("#train-steps", "5000")
    page.get_by_role("button", name="Train").click()
    expect(page.locator("#btn-train")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#cost-count")).not_to_have_text("0")
    page.get_by_role("button", name="Pause").click()
    expect(page.locator("#btn-train")).to_have_attribute("aria-pressed", "false")
    count = int(page.locator("#cost-count").text_content())
    assert 0 < count < 5000
    page.wait_for_timeout(300)
    assert int(page.locator("#cost-count").text_content()) == count  # stopped


def test_a_weight_edited_on_the_diagram(page):
    # by keyboard, through its accessible name: focus, Enter, type, Enter
    name = "change W⁽²⁾[1,1], now 0.8"
    page.locator("#diagram").get_by_role("button", name=name).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_label("new value of W⁽²⁾[1,1]")).to_be_focused()
    page.keyboard.press("Control+A")
    page.keyboard.type("1")
    page.keyboard.press("Enter")
    # ŷ = relu(3 · 0.5) · 1 = 1.5 and J = (2 − 1.5)² / 2 = 0.125
    expect(page.locator('#steps [data-symbol="J"]')).to_have_text("0.125")
    assert page.locator('#diagram [data-symbol="yHat"]').text_content() == "1.5"
    # the focus is back on that weight (redrawn), ready for the next change
    expect(
        page.locator('#diagram [data-symbol="W2"][data-index="0,0"]')
    ).to_be_focused()


def test_an_example_and_a_csv_loaded_from_the_page(page):
    page.select_option("#example", "tutorial-part4")
    page.get_by_role("button", name="Load example").click()
    expect(page.locator("#title")).to_contain_text("The tutorial, part 4")
    J = load_example("tutorial-part4").explain()["J"].value
    assert (
        float(page.locator('#steps [data-symbol="J"]').get_attribute("data-value")) == J
    )
    # the diagram shows the example row chosen: row 3 of X is (1, 0.4)
    page.select_option("#row", value="2")
    x = page.locator('#diagram [data-symbol="X"]')
    assert [e.get_attribute("data-index") for e in x.all()] == ["2,0", "2,1"]
    assert [e.text_content() for e in x.all()] == ["1", "0.4"]
    csv = b"sleep,study,score\n3,5,75\n5,1,82\n10,2,93\n"
    page.set_input_files(
        "#csv-file", files=[{"name": "s.csv", "mimeType": "text/csv", "buffer": csv}]
    )
    page.fill("#csv-target", "score")
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#title")).to_have_text("upload: sleep, study → score")
    assert page.locator("#set-sizes").input_value() == "2, 3, 1"
    y = page.locator('#steps [data-symbol="y"]')
    assert [float(e.get_attribute("data-value")) for e in y.all()] == [
        75 / 93,
        82 / 93,
        1.0,
    ]


def test_settings_from_the_page_and_biases_drawn(page):
    page.select_option("#set-notation", "bracket")
    page.select_option("#set-output", "sigmoid")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#step-z2 h3 math")).to_contain_text("z[1]")
    net = cr.Network([1, 1, 1], activation=["relu", "sigmoid"], loss="mse", bias=False)
    net.set_params({"W1": [[0.5]], "W2": [[0.8]]})
    J = net.cost([[3.0]], [[2.0]])
    assert (
        float(page.locator('#steps [data-symbol="J"]').get_attribute("data-value")) == J
    )
    # seed 001 (4-3-2-1, biases in every layer): one bias node per layer,
    # one bias weight per unit of the next layer, each with its value
    page.select_option("#example", "seed001")
    page.get_by_role("button", name="Load example").click()
    expect(page.locator("#set-sizes")).to_have_value("4, 3, 2, 1")
    assert page.locator("#diagram .node.bias").count() == 3
    for name, n in (("b1", 3), ("b2", 2), ("b3", 1)):
        assert page.locator(f'#diagram [data-symbol="{name}"]').count() == n


def test_tall_data_shows_its_first_rows_and_any_row_in_the_diagram(page):
    rows = "".join(f"{i},{i % 3},{2 * i}\n" for i in range(30))
    csv = ("a,b,t\n" + rows).encode()
    page.set_input_files(
        "#csv-file", files=[{"name": "t.csv", "mimeType": "text/csv", "buffer": csv}]
    )
    page.fill("#csv-target", "t")
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#title")).to_have_text("upload: a, b → t")
    assert page.locator('#step-X [data-symbol="X"]').count() == 10 * 2
    assert "first 10 of 30 rows" in page.locator("#step-X").text_content()
    page.select_option("#row", value="29")  # the last example: a = 29, b = 2
    x = page.locator('#diagram [data-symbol="X"]')
    assert [float(e.get_attribute("data-value")) for e in x.all()] == [1.0, 1.0]


# ---------------------------------------------------- the column convention
def assert_shown_values_are(page, t):
    """Every value element of the page equals ``t`` (a trace: one example per
    row, W as inputs × outputs) at its ``data-index``; the number compared."""
    compared = 0
    for e in page.locator("[data-symbol][data-value]").all():
        symbol = e.get_attribute("data-symbol")
        if symbol not in t:
            continue
        index = e.get_attribute("data-index")
        cell = e.get_attribute("data-cell")
        if index is None:
            want = t[symbol]
        else:
            i, j = map(int, index.split(","))
            want = t[symbol][i, j]
            if cell is not None:  # where it is shown: the transpose's element
                assert cell == f"{j},{i}", (symbol, index, cell)
        assert float(e.get_attribute("data-value")) == float(want), (symbol, index)
        compared += 1
    return compared


def test_the_column_convention_shows_transposes_and_edits_the_right_weight(
    page, url, tmp_path
):
    p = load_example("tutorial-part4")
    page.select_option("#example", "tutorial-part4")
    page.get_by_role("button", name="Load example").click()
    expect(page.locator("#title")).to_contain_text("The tutorial, part 4")
    page.select_option("#set-notation", "column")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#step-z2 h3 math")).to_contain_text("Z[1]")
    assert "(3, 2)" in page.locator("#step-W1").text_content()  # outputs × inputs
    assert "dW[1]" in page.locator("#step-dJdW1 h3").text_content()
    # data-symbol keeps the trace's names, data-index the trace's index
    t = p.network.trace(p.X, p.y)
    assert assert_shown_values_are(page, t) > 60
    # shown row 3, column 1 of W[1] (units × inputs) is W1[0, 2] of the network
    cell = page.locator('#step-W1 button.editable:has([data-cell="2,0"])')
    assert cell.get_attribute("aria-label").startswith("change W[1][3,1]")
    cell.click()
    assert page.locator("#editor-label").text_content() == "W[1][3,1] = "
    page.fill("#editor-input", "0.25")
    page.keyboard.press("Enter")
    expect(
        page.locator('#step-W1 [data-symbol="W1"][data-index="0,2"]')
    ).to_have_attribute("data-value", "0.25")
    # focus is back on the element changed, redrawn
    expect(page.locator('#step-W1 button:has([data-cell="2,0"])')).to_be_focused()
    # the server's network changed in that element alone
    path = tmp_path / "model.safetensors"
    path.write_bytes(request(url, "/api/export/safetensors" + session(page))[1])
    edited = cr.load(path)
    W1 = p.network.params["W1"].copy()
    W1[0, 2] = 0.25
    np.testing.assert_array_equal(edited.params["W1"], W1)
    assert assert_shown_values_are(page, edited.trace(p.X, p.y)) > 60
    # the diagram's edge from input 1 to hidden unit 3 is that weight
    w = page.locator('#diagram [data-symbol="W1"][data-index="0,2"]')
    assert w.get_attribute("aria-label") == "change W[1][3,1], now 0.25"
    # the examples are the columns of X: the diagram shows any of them
    page.select_option("#row", value="1")
    x = page.locator('#diagram [data-symbol="X"]')
    assert [e.get_attribute("data-index") for e in x.all()] == ["1,0", "1,1"]
    page.select_option("#set-notation", "welch")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#step-W1")).to_contain_text("(2, 3)")


# ------------------------------------------------------------ the quiz mode
def hidden_values(ex):
    """The computed values of an explanation, by symbol (the quiz hides them)."""
    return {s.symbol: s.value for s in ex.steps if s.phase != "given"}


def assert_nothing_hidden_in_the_page(page, ex):
    html = page.content()  # the DOM: attributes, text, titles, MathML
    for symbol, value in hidden_values(ex).items():
        assert page.locator(f'[data-symbol="{symbol}"][data-value]').count() == 0
        for e in page.locator(f'[data-symbol="{symbol}"]').all():
            assert e.text_content() == "?", symbol  # the diagram's placeholder
        inp = page.locator(f'#steps input[data-answer="{symbol}"]')
        assert inp.count() == 1 and inp.input_value() == "", symbol
        for x in np.ravel(value):
            if float(x).is_integer():  # 0 and 1 are in every name (W⁽¹⁾)
                continue
            for text in {repr(float(x)), f"{x:.6g}", f"{x:.4g}"}:
                pattern = rf"(?<![\d.]){re.escape(text)}(?!\d)"
                assert not re.search(pattern, html), (symbol, text)


def test_quiz_mode_puts_no_hidden_value_in_the_page(page):
    ex = load_example("seed004").explain()
    assert len(hidden_values(ex)) >= 15  # forward, backward, update, again
    page.get_by_role("button", name="Backward").click()  # the diagram shows δ
    page.get_by_label("Quiz mode").check()
    assert_nothing_hidden_in_the_page(page, ex)
    assert page.locator("#step-dJdW1 .eq").count() == 0  # no numbers put in
    assert "∂" in page.locator("#step-dJdW1 .formula").text_content()
    # one step later, the new values are hidden too, the status line included
    page.get_by_role("button", name="Step").click()
    expect(page.locator("#cost-count")).to_have_text("1")
    expect(page.locator("#status")).to_contain_text("hidden in quiz mode")
    net = seed004_net()
    net.step([[3.0]], [[2.0]], 0.1)
    after = cr.explain(net, [[3.0]], [[2.0]], learning_rate=0.1)
    assert_nothing_hidden_in_the_page(page, after)
    # switched off, the values are back and the inputs gone
    page.get_by_label("Quiz mode").uncheck()
    expect(page.locator('#steps [data-symbol="J"]')).to_have_text("0.0040572")
    assert page.locator(".answer-input").count() == 0
    assert page.locator("#step-dJdW1 .eq math").count() == 3  # its three lines
    assert page.locator('#diagram [data-symbol="delta3"]').text_content() != "?"


def test_a_wrong_answer_is_not_told_the_right_one(page):
    page.get_by_label("Quiz mode").check()
    answer = page.get_by_label("answer for dJdW1")
    answer.fill("5")
    answer.press("Enter")  # Enter checks the answers
    expect(page.locator("#quiz-score")).to_contain_text("Score: 0%")
    verdict = page.locator('[data-verdict="dJdW1"]').text_content()
    assert "wrong value" in verdict and "1.92" not in verdict
    expect(page.get_by_label("answer for dJdW1")).to_be_focused()
    expect(page.get_by_label("answer for dJdW1")).to_have_value("5")


def test_mistakes_in_the_page_are_told_in_the_page(page):
    page.fill("#train-steps", "0")
    page.get_by_role("button", name="Train").click()
    expect(page.locator("#message")).to_contain_text("updates: expected a whole")
    expect(page.locator("#train-steps")).to_be_focused()
    csv = b"a,b\n1,2\n"
    page.set_input_files(
        "#csv-file", files=[{"name": "s.csv", "mimeType": "text/csv", "buffer": csv}]
    )
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#message")).to_contain_text("Name the target column")
    expect(page.locator("#csv-target")).to_be_focused()
    page.locator('#steps button.editable:has([data-symbol="W1"])').click()
    page.fill("#editor-input", "lots")
    page.keyboard.press("Enter")
    expect(page.locator("#message")).to_contain_text(
        'W⁽¹⁾[1,1]: expected a number, got "lots"'
    )
    assert page.locator("#cost-count").text_content() == "0"
    # a server that no longer answers is said so, and nothing changes
    page.route(re.compile(r"/api/step(\?|$)"), lambda route: route.abort())
    page.get_by_role("button", name="Step").click()
    expect(page.locator("#message")).to_contain_text("server does not answer")
    assert shown(page, "J") == "0.32"
