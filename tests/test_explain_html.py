"""The HTML page in a real browser: it renders, offline, with its math.

Headless Chromium (Debian package ``chromium``) driven by Playwright
(``pip install playwright``; no ``playwright install`` needed: the test uses
the system browser), started once for the session (tests/conftest.py).
Every request the page makes is recorded: the only one allowed is the page
itself.
"""

import os
import shutil
from pathlib import Path

import pytest
from explain_samples import PROBLEMS, explanation

from chainrule.explainer.problems import load_example


def test_seed004_page_renders_offline_with_mathml(browser, tmp_path):
    page_file = tmp_path / "seed004.html"
    page_file.write_text(load_example("seed004").explain().to_html(), encoding="utf-8")
    page = browser.new_page()
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_file.as_uri(), wait_until="load")
    assert requests == [page_file.as_uri()]
    assert page.title().startswith("Seed 004")
    assert page.locator("math").count() > 50
    assert page.locator("math mtable").count() > 0  # the relu derivative's cases
    # the math is laid out by the browser: the equations have a real size
    box = page.locator("#dJdW1 .eq math").last.bounding_box()
    assert box is not None and box["width"] > 50 and box["height"] > 10
    assert "1.92" in page.locator("#dJdW1").inner_text()
    shot = tmp_path / "seed004.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    # CHAINRULE_SCREENSHOT_DIR=folder keeps the screenshot for a look
    keep = os.environ.get("CHAINRULE_SCREENSHOT_DIR")
    if keep:
        shutil.copy(shot, Path(keep) / shot.name)
    page.close()


# Every element whose content is wider or taller than its box (the box would
# clip it or show a scroll bar), and the page itself if it scrolls sideways.
OVERFLOWS = """() => {
  const bad = [];
  for (const el of document.querySelectorAll("body, body *")) {
    const style = getComputedStyle(el);
    if (style.display === "inline" || el.clientWidth === 0) continue;
    const wide = el.scrollWidth > el.clientWidth + 1;
    const tall = style.overflowY !== "visible" && el.scrollHeight > el.clientHeight + 1;
    if (wide || tall) {
      bad.push(`${el.tagName}#${el.id} ${el.scrollWidth}x${el.scrollHeight}` +
               ` in ${el.clientWidth}x${el.clientHeight}`);
    }
  }
  const page = document.scrollingElement;
  if (page.scrollWidth > window.innerWidth) bad.push(`page ${page.scrollWidth}`);
  return bad;
}"""


@pytest.mark.parametrize("name", PROBLEMS)
def test_nothing_is_clipped_at_1200_px(browser, tmp_path, name):
    page_file = tmp_path / f"{name}.html"
    ex = explanation(name)
    page_file.write_text(ex.to_html(), encoding="utf-8")
    page = browser.new_page()
    page.set_viewport_size({"width": 1200, "height": 900})
    page.goto(page_file.as_uri(), wait_until="load")
    assert page.evaluate(OVERFLOWS) == []
    # the contents link to the phases, and the diagram is drawn at the top
    hrefs = page.locator("nav a").evaluate_all("els => els.map(e => e.hash)")
    assert "#given" in hrefs and "#backward" in hrefs
    assert all(page.locator(h).count() == 1 for h in hrefs)
    assert page.locator("figure svg circle").count() >= sum(ex.network["sizes"])
    keep = os.environ.get("CHAINRULE_SCREENSHOT_DIR")
    if keep:
        page.screenshot(path=str(Path(keep) / f"{name}.png"), full_page=True)
    page.close()
