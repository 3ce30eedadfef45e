"""The playground's operation view in a real browser: the values drawn are the
server's, a weight's paths sum to its gradient, each gate shows its rule, the
boxes never meet, a network past the limit is refused in words.

One server for the module and the session's headless Chromium (tests/conftest.py); each
test opens its own page, so each starts from a state of its own.
"""

import http.client
import json
from itertools import pairwise
from urllib.parse import urlsplit

import pytest

pytest.importorskip("starlette", reason="the playground extra is not installed")
pytest.importorskip("uvicorn", reason="the playground extra is not installed")

from chainrule.explainer.problems import list_examples, load_example  # noqa: E402
from chainrule.playground.graph import MAX_OPERATIONS  # noqa: E402
from chainrule.playground.server import running  # noqa: E402
from chainrule.playground.sources import from_example  # noqa: E402

TOL = 1e-12


@pytest.fixture(scope="module")
def url():
    with running(from_example("seed004")) as address:
        yield address


@pytest.fixture
def page(browser, url):
    p = browser.new_page(viewport={"width": 1200, "height": 800})
    p.goto(url)
    p.wait_for_selector("body[data-ready=true]")
    yield p
    p.close()


def expect(locator):
    from playwright.sync_api import expect as _expect

    _expect.set_options(timeout=30_000)  # a shared, busy machine: a bound, not a limit
    return _expect(locator)


def get(url, path):
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request("GET", path)
    r = conn.getresponse()
    out = r.status, json.loads(r.read())
    conn.close()
    return out


def sid(page):
    return page.locator('meta[name="chainrule-session"]').get_attribute("content")


def load(page, name):
    page.select_option("#example", name)
    page.get_by_role("button", name="Load example").click()
    title = load_example(name).title or list_examples()[name]
    expect(page.locator("#title")).to_have_text(title)


def operations(page):
    """Open the operation view; wait for its boxes."""
    if page.locator("#btn-ops").get_attribute("aria-pressed") != "true":
        page.get_by_role("button", name="Operations").click()
    expect(page.locator("#ops-graph .op-node").first).to_be_visible()


def graph_of(page, url, row=0):
    status, doc = get(url, f"/api/graph?session={sid(page)}&row={row}")
    assert status == 200
    return doc


def drawn(page, cls):
    """``{node id: number}`` of the drawn texts of class ``cls``."""
    attr = "data-value" if cls == "op-value" else "data-grad"
    return page.evaluate(
        """([cls, attr]) => Object.fromEntries([...document.querySelectorAll(
        `#ops-graph text.${cls}[${attr}]`)].map((t) => [t.dataset.node,
        Number(t.getAttribute(attr))]))""",
        [cls, attr],
    )


def assert_drawn_as_served(page, doc, state):
    values, grads = drawn(page, "op-value"), drawn(page, "op-grad")
    assert set(values) == {n["id"] for n in doc["nodes"]}
    steps = {s["symbol"]: s["value"] for s in state["explanation"]["steps"]}
    row = doc["example"]
    for n in doc["nodes"]:
        assert values[n["id"]] == n["value"], n["id"]
        if n["grad"] is not None:
            assert grads[n["id"]] == n["grad"], n["id"]
        # the add and activation nodes are the explanation's z and a
        if n["op"] == "add" and n["id"].startswith("z"):
            layer, unit = map(int, n["id"][1:].split("_"))
            assert n["value"] == steps[f"z{layer}"][row][unit]
            delta = steps[f"delta{layer}"][row][unit]
            assert abs(n["grad"] - delta) <= TOL * max(1, abs(delta))


@pytest.mark.parametrize("name", ["seed004", "tutorial-part4"])
def test_the_view_draws_the_served_values_and_gradients(page, url, name):
    load(page, name)
    operations(page)
    state = get(url, f"/api/state?session={sid(page)}")[1]
    assert_drawn_as_served(page, graph_of(page, url), state)
    expect(page.locator("#diagram-box")).to_be_hidden()
    if name == "tutorial-part4":  # another example: another graph
        page.select_option("#row", "2")
        expect(page.locator("#ops-head")).to_contain_text("Example 3 of 3")
        assert_drawn_as_served(page, graph_of(page, url, 2), state)
    page.get_by_role("button", name="Network diagram").click()
    expect(page.locator("#diagram-box")).to_be_visible()
    expect(page.locator("#ops-box")).to_be_hidden()


@pytest.mark.parametrize(
    ("name", "weight", "k"),
    [("seed004", "W1_0_0", 1), ("classic-2-2-2", "W1_0_0", 2),
     ("tutorial-part4", "W1_1_2", 1), ("seed001", "W1_0_0", 2)],
)  # fmt: skip
def test_a_weight_highlights_its_paths_whose_products_sum_to_its_gradient(
    page, url, name, weight, k
):
    load(page, name)
    operations(page)
    page.locator(f'#ops-graph [data-id="{weight}"]').click()
    paths = page.locator("#ops-paths li.path")
    expect(paths).to_have_count(k)
    products = [float(p.get_attribute("data-path-value")) for p in paths.all()]
    others = [
        float(o.get_attribute("data-sum"))
        for o in page.locator("#ops-paths li.other").all()
    ]
    total = page.locator("#ops-sum")
    shown = float(total.get_attribute("data-total"))
    gradient = float(total.get_attribute("data-gradient"))
    assert abs(sum(products) + sum(others) - shown) <= TOL * max(1, abs(shown))
    assert abs(shown - gradient) <= TOL * max(1, abs(gradient))
    # the derivation's ∂J/∂W at that element
    steps = get(url, f"/api/state?session={sid(page)}")[1]["explanation"]["steps"]
    layer, i, j = map(int, weight[1:].split("_"))
    dJdW = next(s for s in steps if s["symbol"] == f"dJdW{layer}")["value"]
    assert gradient == dJdW[i][j]
    assert len(others) == len(load_example(name).X) - 1
    # the highlighted nodes: the weight, its product, ..., the cost
    lit = page.evaluate(
        """() => [...document.querySelectorAll('#ops-graph .op-node.on-path')]
        .map((g) => g.dataset.id)"""
    )
    doc = graph_of(page, url)
    assert weight in lit and doc["nodes"][-1]["id"] in lit
    chain = get(url, f"/api/graph?session={sid(page)}&row=0&chain={weight}")[1]["chain"]
    assert set(lit) == {n for p in chain["paths"] for n in p["nodes"]}
    edges = page.locator("#ops-graph path.op-edge.on-path")
    n_edges = len({pair for p in chain["paths"] for pair in pairwise(p["nodes"])})
    expect(edges).to_have_count(n_edges)
    expect(page.locator("#ops-sum")).to_contain_text(f"{k}" if k > 1 else "=")


def test_a_gate_shows_its_rule_with_the_numbers_on_hover_and_click(page):
    load(page, "tutorial-part4")
    operations(page)
    rule = page.locator("#ops-rule")
    page.locator('#ops-graph [data-id="a2_0"]').hover()
    expect(rule).to_contain_text("σ(1 − σ)")
    expect(rule).to_contain_text("backward:")
    page.locator('#ops-graph [data-id="m1_0_0"]').hover()
    expect(rule).to_contain_text("multiply swaps")
    expect(rule).to_contain_text("to W₁,₁⁽¹⁾: x₁ · ∂J/∂(×) = 0.3 ·")
    page.locator(
        '#ops-graph [data-id="z2_0"]'
    ).click()  # pinned: hover elsewhere keeps it
    page.locator('#ops-graph [data-id="s_0"]').hover()
    expect(rule).to_contain_text("add distributes the gradient unchanged")
    page.locator('#ops-graph [data-id="z2_0"]').click()
    page.locator('#ops-graph [data-id="s_0"]').hover()
    expect(rule).to_contain_text("the local derivative of u² is 2u")
    load(page, "seed004")  # relu routes
    page.locator('#ops-graph [data-id="a2_0"]').hover()
    expect(rule).to_contain_text("max(0, z) routes: z = 1.5 > 0")


def test_walking_reveals_values_then_gradients(page):
    operations(page)
    page.get_by_role("button", name="Forward").click()  # z⁽²⁾ only
    expect(page.locator('#ops-graph text.op-value[data-node="z2_0"]')).to_have_text(
        "1.5"
    )
    expect(page.locator('#ops-graph text.op-value[data-node="a2_0"]')).to_have_text("·")
    expect(page.locator("#ops-graph text.op-grad")).to_have_count(0)
    for _ in range(4):
        page.get_by_role("button", name="Forward").click()
    page.get_by_role("button", name="Backward").click()  # ∂J/∂ŷ
    expect(page.locator('#ops-graph text.op-grad[data-node="a3_0"]')).to_have_text(
        "∂ -0.8"
    )
    expect(page.locator('#ops-graph text.op-grad[data-node="z2_0"]')).to_have_count(0)


def test_a_network_past_the_limit_is_refused_in_words(page):
    load(page, "tutorial-part4")
    page.fill("#set-sizes", "2, 8, 8, 1")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#set-sizes")).to_have_value("2, 8, 8, 1")
    operations_button = page.get_by_role("button", name="Operations")
    operations_button.click()
    refused = page.locator("#ops-refused")
    expect(refused).to_contain_text(f"at most {MAX_OPERATIONS} operations")
    expect(refused).to_contain_text("2-8-8-1 network has")
    expect(page.locator("#ops-graph .op-node")).to_have_count(0)
    page.fill("#set-sizes", "2, 3, 1")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#ops-graph .op-node").first).to_be_visible()


BOXES = """() => [...document.querySelectorAll('#ops-graph .op-node')].map((g) => {
  const r = g.querySelector('rect').getBoundingClientRect();
  const texts = [...g.querySelectorAll('text')].map((t) => {
    const b = t.getBoundingClientRect();
    return [b.left, b.right, b.top, b.bottom];
  });
  return { id: g.dataset.id, box: [r.left, r.right, r.top, r.bottom], texts };
})"""


def test_no_two_boxes_meet_and_every_text_fits_its_box_for_every_example(page):
    operations(page)
    for name in list_examples():
        load(page, name)
        expect(page.locator("#ops-head")).to_contain_text("operations")
        for row in range(min(2, len(load_example(name).X))):
            page.select_option("#row", str(row))
            expect(page.locator("#ops-head")).to_contain_text(f"Example {row + 1}")
            nodes = page.evaluate(BOXES)
            assert nodes, name
            for k, a in enumerate(nodes):
                l0, r0, t0, b0 = a["box"]
                for L, R, T, B in a["texts"]:  # inside its own box
                    assert l0 <= L and R <= r0 and t0 <= T and B <= b0, (name, a["id"])
                for b in nodes[k + 1 :]:
                    l1, r1, t1, b1 = b["box"]
                    meet = l0 < r1 and l1 < r0 and t0 < b1 and t1 < b0
                    assert not meet, (name, a["id"], b["id"])


def test_quiz_mode_hides_the_operation_view(page):
    operations(page)
    page.get_by_label("Quiz mode").check()
    expect(page.locator("#ops-head")).to_contain_text("off in quiz mode")
    assert page.locator("#ops-graph [data-value]").count() == 0
    page.get_by_label("Quiz mode").uncheck()
    expect(page.locator("#ops-graph .op-node").first).to_be_visible()
