"""The playground's Data view in a real browser: decision regions redrawn
while the server trains, the losses, the seed's points, and the derivation of
the current minibatch, whose numbers are Network.trace's.

One server for the module and the session's headless Chromium (tests/conftest.py); each
test opens its own page, so each has a state of its own.
"""

import json
import re

import numpy as np
import pytest
from test_playground_view import expect, open_page, request, sid

pytest.importorskip("starlette", reason="the playground extra is not installed")
pytest.importorskip("uvicorn", reason="the playground extra is not installed")

import chainrule as cr  # noqa: E402
from chainrule.playground.server import running  # noqa: E402
from chainrule.playground.sources import from_example  # noqa: E402


@pytest.fixture(scope="module")
def url():
    with running(from_example("seed004")) as address:
        yield address


@pytest.fixture
def page(browser, url):
    p = open_page(browser, url)
    p.get_by_role("tab", name="Data").click()
    p.wait_for_selector("#data-view[data-ready=true]")
    yield p
    p.close()


def server_view(url, page):
    return json.loads(request(url, f"/api/regions?session={sid(page)}")[1])


def settled(page):
    expect(page.locator("#dv-form")).to_have_attribute("data-pending", "0")


def choose_spiral_2_8_8_1(page):
    page.select_option("#dv-dataset", "spiral")  # a change sent at once,
    page.fill("#dv-hidden", "8, 8")  # and one typed while it runs
    page.locator("#dv-hidden").press("Enter")
    settled(page)
    expect(page.locator("#dv-shape")).to_have_text("2-8-8-1")
    expect(page.locator("#dv-hidden")).to_have_value("8, 8")
    expect(page.locator("#dv-dataset")).to_have_value("spiral")


KEEP = """() => { const c = document.getElementById("regions");
  window.kept = c.getContext("2d").getImageData(0, 0, c.width, c.height).data; }"""
CHANGED = """() => { const c = document.getElementById("regions");
  const now = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 0; i < now.length; i += 4) {
    if (now[i] !== window.kept[i] || now[i + 1] !== window.kept[i + 1] ||
        now[i + 2] !== window.kept[i + 2]) n += 1;
  }
  return n; }"""


def frame(page):
    return int(page.locator("#regions").get_attribute("data-frame") or 0)


def test_play_redraws_the_regions_and_the_training_loss_falls(page, url):
    choose_spiral_2_8_8_1(page)
    train, test = page.locator("#dv-train-loss"), page.locator("#dv-test-loss")
    first = float(train.get_attribute("data-value"))
    assert page.locator("#dv-epoch").text_content() == "0"
    page.get_by_role("button", name="Play").click()
    expect(page.locator("#dv-play")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#dv-epoch")).not_to_have_text("0")
    changed = []
    for _ in range(3):  # between two frames the picture differs
        page.evaluate(KEEP)
        seen = frame(page)
        page.wait_for_function(
            f"() => Number(document.getElementById('regions').dataset.frame) > {seen}"
        )
        changed.append(page.evaluate(CHANGED))
    assert max(changed) > 100, changed
    page.wait_for_function(  # a few seconds of training: 60 epochs
        "() => Number(document.getElementById('dv-epoch').textContent) >= 60",
        timeout=60_000,
    )
    page.get_by_role("button", name="Pause").click()
    expect(page.locator("#dv-play")).to_have_text("Play")
    # the frame asked for before the pause is drawn when it comes: then the
    # loop ends and says so (read earlier, the page's losses lag the server's)
    expect(page.locator("#dv-status")).to_contain_text("Paused at epoch")
    last = float(train.get_attribute("data-value"))
    assert last < first - 0.01, (first, last)
    doc = server_view(url, page)  # the page shows the server's losses
    assert doc["sizes"] == [2, 8, 8, 1] and doc["settings"]["dataset"] == "spiral"
    assert float(test.get_attribute("data-value")) == doc["losses"]["test"][-1]
    assert re.fullmatch(r"0\.\d+", test.text_content())
    assert page.locator("polyline.loss-test").get_attribute("data-count") == str(
        len(doc["losses"]["test"])
    )
    assert page.locator("#dv-message").text_content() == ""


def test_changing_the_seed_changes_the_points(page, url):
    before = server_view(url, page)
    page.evaluate(KEEP)
    seen = frame(page)
    page.fill("#dv-seed", "7")
    page.locator("#dv-seed").press("Enter")
    settled(page)
    page.wait_for_function(
        f"() => Number(document.getElementById('regions').dataset.frame) > {seen}"
    )
    after = server_view(url, page)
    assert after["settings"]["seed"] == 7 and before["settings"]["seed"] != 7
    assert after["train"] != before["train"] and after["test"] != before["test"]
    assert page.evaluate(CHANGED) > 100
    assert page.evaluate("dv.doc.train") == after["train"]  # the points drawn


def test_a_refused_setting_says_why_and_the_form_shows_what_holds(page, url):
    page.fill("#dv-hidden", "9")
    page.locator("#dv-hidden").press("Enter")
    expect(page.locator("#dv-message")).to_contain_text(
        "hidden: expected a list of at most 3 layer sizes, each from 1 to 8"
    )
    expect(page.locator("#dv-hidden")).to_have_value("4, 4")
    assert server_view(url, page)["sizes"] == [2, 4, 4, 1]
    page.fill("#dv-lr", "fast")  # sent as typed, refused by name
    page.locator("#dv-lr").press("Enter")
    expect(page.locator("#dv-message")).to_contain_text(
        "learning_rate: expected a number above 0 to 10, got 'fast'"
    )
    expect(page.locator("#dv-lr")).to_have_value("0.3")


def test_the_minibatch_derivation_is_network_trace_of_those_examples(page, url):
    choose_spiral_2_8_8_1(page)
    for _ in range(2):
        seen = frame(page)
        page.get_by_role("button", name="Step one frame").click()
        page.wait_for_function(
            f"() => Number(document.getElementById('regions').dataset.frame) > {seen}"
        )
    page.get_by_role("button", name="Derivation of the current minibatch").click()
    expect(page.get_by_role("tab", name="Derivation")).to_have_attribute(
        "aria-selected", "true"
    )
    status = page.locator("#status")
    expect(status).to_contain_text("the first 4 of the 10 in the current minibatch")
    shown = re.search(r"examples ([\d, ]+):", status.text_content())[1]
    rows = [int(r) - 1 for r in shown.split(", ")]  # 1-based in the text
    view = server_view(url, page)
    ex = json.loads(request(url, f"/api/explanation?session={sid(page)}")[1])
    given = {s["symbol"]: np.array(s["value"]) for s in ex["steps"]}
    X, y = given["X"], given["y"]
    train = np.array(view["train"])
    assert X.shape == (4, 2) and np.allclose(X, train[rows, :2], atol=1e-5)
    assert np.array_equal(y[:, 0], train[rows, 2])
    net = cr.Network([2, 8, 8, 1], "tanh", "sigmoid", loss="bce")
    net.set_params({k: np.array(v) for k, v in view["params"].items()})
    trace = net.trace(X, y)
    compared = 0
    for s in ex["steps"]:
        if s["phase"] in ("forward", "backward") and s["symbol"] in trace:
            want = trace[s["symbol"]]
            np.testing.assert_allclose(s["value"], want, rtol=1e-12, atol=1e-15)
            compared += 1
    assert compared >= 15  # z, a, ŷ, J, the deltas and every gradient
    J = page.locator('#steps [data-symbol="J"]').first
    assert float(J.get_attribute("data-value")) == pytest.approx(trace["J"], 1e-15)
    # the main view's own controls work on it: Step applies that update
    page.get_by_role("button", name="Step").click()
    expect(page.locator("#cost-count")).to_have_text("1")
