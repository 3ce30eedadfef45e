"""The derivation's HTML page in headless Chromium: it renders offline, every
equation has a real size, and none is clipped (a wide one scrolls in its own
box rather than spilling out of the page)."""

import pytest

import chainrule as cr


def test_derivation_page_renders(browser, tmp_path):
    pytest.importorskip("latex2mathml", reason="the html extra is not installed")
    d = cr.derive([2, 3, 1], examples=3)
    page_file = tmp_path / "d.html"
    page_file.write_text(d.to_html(), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_file.as_uri(), wait_until="load")
    assert requests == [page_file.as_uri()]
    n = page.locator("math").count()
    assert n > 40
    sizes = page.eval_on_selector_all(
        "math",
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [r.width, r.height]; })",
    )
    assert all(w > 0 and h > 0 for w, h in sizes)
    # nothing spills out of the page: the body does not scroll sideways
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert page.locator("li .ok").count() >= 10
    assert page.locator("li .bad").count() == 0
