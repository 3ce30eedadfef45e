"""The playground's second version in a real browser: a state per page, the
progressive reveal and its wording, the diagram's layout, the cost curve's
log scale and the notes.

One server for the module and the session's headless Chromium (tests/conftest.py); each
test opens its own pages, so each starts from a state of its own.
"""

import http.client
import json
import random
from urllib.parse import urlsplit

import pytest

pytest.importorskip("starlette", reason="the playground extra is not installed")
pytest.importorskip("uvicorn", reason="the playground extra is not installed")

from chainrule.explainer.problems import list_examples, load_example  # noqa: E402
from chainrule.playground.server import running  # noqa: E402
from chainrule.playground.sessions import Sessions  # noqa: E402
from chainrule.playground.sources import from_example  # noqa: E402


@pytest.fixture(scope="module")
def url():
    with running(from_example("seed004")) as address:
        yield address


def request(url, path, method="GET", body=None):
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    data = None if body is None else json.dumps(body).encode()
    hdrs = {"Content-Type": "application/json"} if body is not None else {}
    conn.request(method, path, body=data, headers=hdrs)
    r = conn.getresponse()
    out = r.status, r.read()
    conn.close()
    return out


def open_page(browser, url, width=1200, height=800):
    p = browser.new_page(viewport={"width": width, "height": height})
    p.goto(url)
    p.wait_for_selector("body[data-ready=true]")
    return p


@pytest.fixture
def page(browser, url):
    p = open_page(browser, url)
    yield p
    p.close()


def expect(locator):
    from playwright.sync_api import expect as _expect

    _expect.set_options(timeout=30_000)  # a shared, busy machine: a bound, not a limit
    return _expect(locator)


def sid(page):
    return page.locator('meta[name="chainrule-session"]').get_attribute("content")


def load(page, name):
    page.select_option("#example", name)
    page.get_by_role("button", name="Load example").click()
    title = list_examples()[name]
    expect(page.locator("#title")).to_have_text(load_example(name).title or title)


def J_shown(page):
    return page.locator('#steps [data-symbol="J"]').first.text_content()


# ------------------------------------------------------------ sessions
def test_an_edit_in_one_page_leaves_another_as_it_was(browser, url):
    a, b = open_page(browser, url), open_page(browser, url)  # two contexts
    try:
        assert sid(a) != sid(b) and len(sid(a)) >= 20
        a.locator('#steps button.editable:has([data-symbol="W1"])').click()
        a.fill("#editor-input", "0.7")
        a.keyboard.press("Enter")
        expect(a.locator('#steps [data-symbol="J"]').first).to_have_text("0.0512")
        b.get_by_role("button", name="Step").click()
        expect(b.locator("#cost-count")).to_have_text("1")
        assert a.locator("#cost-count").text_content() == "0"
        # each page's state on the server is its own; the server's own too
        for page, W1, n in ((a, 0.7, 0), (b, None, 1)):
            status, body = request(url, f"/api/state?session={sid(page)}")
            doc = json.loads(body)
            assert status == 200 and len(doc["costs"]) == n
            W = [s for s in doc["explanation"]["steps"] if s["symbol"] == "W1"]
            assert W1 is None or W[0]["value"] == [[W1]]
        doc = json.loads(request(url, "/api/state")[1])
        assert doc["costs"] == [] and J_shown(b) != J_shown(a)
        # a reload is a new page: a new state, from the start
        a.reload()
        a.wait_for_selector("body[data-ready=true]")
        assert J_shown(a) == "0.32"
    finally:
        a.close()
        b.close()


def test_an_unknown_session_is_refused_with_a_message(url):
    status, body = request(url, "/api/step?session=nope", "POST", {})
    assert status == 400 and "reload the page" in json.loads(body)["error"]
    assert request(url, "/api/state?session=nope")[0] == 400


def test_sessions_are_bounded_and_expire_when_idle():
    now = [0.0]
    pages = Sessions(from_example("seed004"), limit=3, idle=60, clock=lambda: now[0])
    ids = [pages.new() for _ in range(3)]
    now[0] = 10
    pages.get(ids[0])  # used: the least recently used is now ids[1]
    pages.new()
    assert len(pages) == 3
    with pytest.raises(Exception, match="expired"):
        pages.get(ids[1])
    pages.get(ids[0])
    now[0] = 100  # idle for more than a minute: all gone
    assert len(pages) == 0
    with pytest.raises(Exception, match="expired"):
        pages.get(ids[0])
    assert pages.get(None) is pages.default  # the server's own never expires


# ------------------------------------------- progressive reveal and wording
CODE_NAME = r"\b(?:dJd\w+|fprime\d|delta\d|yHat|[zaWb]\d)\b"


def visible_value(page, symbol):
    return page.locator(f'#step-{symbol} .value [data-symbol="{symbol}"]').first


def test_walking_reveals_values_in_order_and_speaks_the_notation(page):
    import re

    load(page, "classic-2-2-2")
    ex = load_example("classic-2-2-2").explain()
    order = [s.symbol for s in ex.steps if s.phase in ("forward", "backward")]
    assert visible_value(page, "J").is_visible()  # before the walk: everything
    status = page.locator("#status")
    for k, symbol in enumerate(order):
        phase = ex[symbol].phase
        page.get_by_role(
            "button", name="Forward" if phase == "forward" else "Backward"
        ).click()
        assert (
            page.locator('.step[aria-current="step"]').get_attribute("data-step")
            == symbol
        )
        # shown: every value computed so far; not shown: any computed later
        for done in order[: k + 1]:
            assert visible_value(page, done).is_visible(), (symbol, done)
        for later in order[k + 1 :]:
            assert not visible_value(page, later).is_visible(), (symbol, later)
            assert page.locator(f"#step-{later} .pending").is_visible()
            assert (
                page.locator(f'#diagram [data-symbol="{later}"][data-value]').count()
                == 0
            )
        text = status.text_content()
        assert ex[symbol].formula in text and not re.search(CODE_NAME, text), text
    page.locator("#step-delta3").click()
    expect(status).to_contain_text("from ∂J/∂ŷ, f′(z⁽³⁾)")
    # the diagram's values of the backward pass so far: δ⁽³⁾ yes, δ⁽²⁾ not yet
    assert page.locator('#diagram [data-symbol="delta3"][data-value]').count() == 2
    assert page.locator('#diagram [data-symbol="delta2"][data-value]').count() == 0


def test_editor_labels_train_message_and_reset_speak_plainly(page):
    load(page, "classic-2-2-2")
    page.locator('#diagram [data-symbol="W1"][data-index="0,1"]').click()
    expect(page.locator("#editor-label")).to_have_text("W⁽¹⁾[1,2] = ")
    page.get_by_role("button", name="Cancel").click()
    page.fill("#train-steps", "20")
    page.get_by_role("button", name="Train").click()
    expect(page.locator("#cost-count")).to_have_text("20", timeout=60_000)
    status = page.locator("#status")
    expect(status).to_contain_text(
        "20 updates done: J went from 0.298371 to ", timeout=60_000
    )
    assert "before the last" not in status.text_content()
    page.get_by_role("button", name="Forward").click()
    page.get_by_role("button", name="Reset").click()
    expect(page.locator("#cost-count")).to_have_text("0")
    expect(status).to_contain_text("Press Forward")
    assert page.locator('.step[aria-current="step"]').count() == 0
    assert visible_value(page, "J").is_visible()


# --------------------------------------------------------------- layout
OVERLAPS = """() => {
  const boxes = [...document.querySelectorAll('#diagram text')]
    .map((t) => [t.textContent, t.getBoundingClientRect()])
    .filter(([, r]) => r.width > 0);
  const bad = [];
  for (let a = 0; a < boxes.length; a++) for (let b = a + 1; b < boxes.length; b++) {
    const [s, p] = boxes[a], [u, q] = boxes[b];
    if (p.left < q.right - 0.5 && q.left < p.right - 0.5 &&
        p.top < q.bottom - 0.5 && q.top < p.bottom - 0.5) bad.push(`${s} / ${u}`);
  }
  return [boxes.length, bad];
}"""
UNLABELLED = "() => document.getElementById('edge-legend').textContent"


def assert_no_label_meets_another(page, what):
    """In the forward view, a backward step's and the update's: every text of
    the diagram clear of every other."""
    for button in (None, "Backward", "Forward"):
        if button == "Backward":
            page.get_by_role("button", name="Backward").click()
            page.get_by_role("button", name="Backward").click()
        elif button == "Forward":  # to the update (weights W′)
            page.locator(".step[data-phase=update]").first.click()
        # the diagram is redrawn after the click: look again while it settles
        for _ in range(25):
            n, bad = page.evaluate(OVERLAPS)
            if n > 5 and not bad:
                break
            page.wait_for_timeout(200)
        assert n > 5 and not bad, (what, button, bad[:5])
    page.get_by_role("button", name="Reset").click()
    expect(page.locator("#status")).to_contain_text("Press Forward")


def apply_sizes(page, sizes):
    page.fill("#set-sizes", ", ".join(map(str, sizes)))
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("#set-sizes")).to_have_value(", ".join(map(str, sizes)))
    expect(page.locator("#diagram .node[data-part=L1] circle")).to_have_count(sizes[0])


def upload(page, n_in, n_out):
    """A CSV of ``n_in`` input columns and a category target of ``n_out`` classes
    (``n_out`` = 1: a number), so that the network is n_in-3-n_out."""
    rows = [[(7 * r + 3 * c) % 11 - 5 for c in range(n_in)] for r in range(n_out + 2)]
    head = ",".join(f"x{c}" for c in range(n_in)) + ",t\n"
    target = [str(r) if n_out == 1 else f"k{r % n_out}" for r in range(n_out + 2)]
    body = "".join(
        ",".join(map(str, r)) + f",{t}\n" for r, t in zip(rows, target, strict=True)
    )
    page.set_input_files(
        "#csv-file",
        files=[
            {"name": "d.csv", "mimeType": "text/csv", "buffer": (head + body).encode()}
        ],
    )
    page.fill("#csv-target", "t")
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#set-sizes")).to_have_value(f"{n_in}, 3, {n_out}")


def test_no_label_meets_another_for_every_example_and_random_sizes(page):
    for name in list_examples():
        load(page, name)
        assert_no_label_meets_another(page, name)
        assert "no room" not in page.evaluate(UNLABELLED), name
    rng = random.Random(25)
    shapes = [(8, 8), (2, 1), (5, 3)]
    for n_in, n_out in shapes:
        upload(page, n_in, n_out)
        for _ in range(3):
            hidden = [rng.randint(1, 8) for _ in range(rng.randint(0, 3))]
            sizes = [n_in, *hidden, n_out]
            apply_sizes(page, sizes)
            assert_no_label_meets_another(page, sizes)
        if n_in == 8:
            apply_sizes(page, [8, 8, 8, 8, 8])  # the largest allowed
            assert_no_label_meets_another(page, "8-8-8-8-8")


def test_edges_are_drawn_by_size_and_sign_and_their_numbers_named(page):
    load(page, "classic-2-2-2")
    legend = page.locator("#edge-legend")
    expect(legend).to_contain_text("On the edges: the weights w")
    W1 = load_example("classic-2-2-2").network.params["W1"]
    lines = page.locator("#diagram [data-part=E1] line")
    widths = [float(e.get_attribute("stroke-width")) for e in lines.all()]
    order = sorted(range(4), key=lambda k: abs(W1.ravel()[k]))
    assert [widths[k] for k in order] == sorted(widths)  # thicker: larger |w|
    signs = {e.get_attribute("class") for e in lines.all()}
    assert signs <= {"pos", "neg"} and signs
    page.get_by_role("button", name="Backward").click()
    expect(legend).to_contain_text("the gradients ∂J/∂w")
    # in quiz mode a hidden value's edge tells nothing: plain, one width
    page.get_by_label("Quiz mode").check()
    plain = page.locator("#diagram [data-part=E2] line")
    assert {e.get_attribute("class") for e in plain.all()} == {"plain"}


def test_the_diagram_stays_in_view_while_the_derivation_scrolls(browser, url):
    p = open_page(browser, url, 1200, 800)
    try:
        load(p, "tutorial-part4")
        for _ in range(12):
            p.get_by_role("button", name="Backward").click()
        p.evaluate("document.getElementById('derivation').scrollTop = 1e6")
        p.evaluate("document.getElementById('left').scrollTop = 1e6")
        box = p.locator("#diagram").bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= 800, box
        assert box["width"] > 400
    finally:
        p.close()


OVERFLOWS = """() => {
  const bad = [];
  for (const e of document.querySelectorAll('#derivation *')) {
    if (e.closest('.scroller') && !e.classList.contains('scroller')) continue;
    const label = e.getAttribute('aria-label');
    const wide = e.scrollWidth > e.clientWidth + 1;
    if (e.classList.contains('scroller') && label && wide) {
      const card = e.closest('.step, td').getBoundingClientRect();
      const r = e.getBoundingClientRect();
      if (r.right > card.right + 0.5) bad.push(`${label} outside its card`);
      continue;  // a labelled line that scrolls inside its card
    }
    if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1)
      bad.push(`${e.tagName}.${e.className} ${e.scrollWidth} > ${e.clientWidth}`);
  }
  const d = document.getElementById('derivation');
  if (d.scrollWidth > d.clientWidth + 1) bad.push('the derivation');
  return [bad, document.querySelectorAll('.scroller[tabindex]').length];
}"""


@pytest.mark.parametrize("width", [1000, 1600])
def test_equations_never_overflow_their_cards(browser, url, width):
    p = open_page(browser, url, width, 900)
    try:
        for name in list_examples():
            load(p, name)
            bad, scrolling = p.evaluate(OVERFLOWS)
            assert not bad, (name, width, bad[:5])
        upload(p, 8, 8)  # the widest allowed: 8 columns everywhere
        apply_sizes(p, [8, 8, 8, 8, 8])
        bad, scrolling = p.evaluate(OVERFLOWS)
        assert not bad and scrolling > 0, (width, bad[:5])
    finally:
        p.close()


# ------------------------------------------------ log scale and the notes
def test_the_cost_curve_has_a_log_scale_and_the_notes_are_folded(page):
    notes = page.locator("#description")
    assert not notes.is_visible()  # seed 004's errata: behind "notes"
    page.get_by_text("notes", exact=True).click()
    expect(notes).to_be_visible()
    assert notes.text_content().strip()
    page.fill("#train-steps", "50")
    page.get_by_role("button", name="Train").click()
    expect(page.locator("#cost-count")).to_have_text("50", timeout=60_000)
    curve = page.locator("#cost-curve")

    def heights():  # above the axis (y = 140), in the chart's units
        pts = curve.get_attribute("points").split()
        return [140 - float(p.split(",")[1]) for p in pts]

    linear = heights()
    assert linear[0] > 120 and max(linear[5:]) < 1  # one spike, then flat
    page.get_by_label("log scale").check()
    expect(curve).to_have_attribute("data-scale", "log")
    logged = heights()
    # the log scale tells the costs apart: 10⁻⁶ above 10⁻¹², above 10⁻²⁶
    assert logged[4] > logged[10] > logged[20] > 10 and logged[0] == linear[0]
    assert "log scale" in page.locator("#cost-chart").text_content()
