"""The playground's second version in a real browser: a state per page, the
progressive reveal and its wording, the diagram's layout, the cost curve's
log scale and the notes.

One server for the module and one headless Chromium (tests/browser.py); each
test opens its own pages, so each starts from a state of its own.
"""

import http.client
import json
from urllib.parse import urlsplit

import pytest
from browser import chromium

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


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


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
