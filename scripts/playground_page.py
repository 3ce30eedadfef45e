"""The playground in headless Chromium, for the scripts that picture or time it.

:func:`playground_page` serves a built-in example from a thread on a free
port, opens one page on it in the system's Chromium (Playwright) and waits
for its first state to be drawn; :func:`spiral_network` sets the Data view
to the spiral and a network of two hidden layers. Nothing is written.
"""

import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Page, expect, sync_playwright

from chainrule.playground.server import running
from chainrule.playground.sources import from_example

FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]


@contextmanager
def playground_page(
    example: str, width: int, height: int, scale: float = 1, load: bool = True
) -> Iterator[tuple[Page, str]]:
    """``(page, url)``: a page of ``width`` × ``height`` CSS pixels (drawn at
    ``scale`` device pixels each) on the playground of ``example``, loaded
    and ready unless ``load`` is false; the browser and server stop after."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("Chromium is not installed (apt-get install chromium)")
    with running(from_example(example)) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=FLAGS)
        try:
            page = browser.new_page(
                viewport={"width": width, "height": height},
                device_scale_factor=scale,
            )
            if load:
                page.goto(url)
                page.wait_for_selector("body[data-ready=true]")
            yield page, url
        finally:
            browser.close()


def spiral_network(page: Page, activation: str | None = None) -> None:
    """The Data view on the spiral with a 2-8-8-1 network (``activation``
    for its hidden layers, else the view's default)."""
    page.get_by_role("tab", name="Data").click()
    page.wait_for_selector("#data-view[data-ready=true]")
    page.select_option("#dv-dataset", "spiral")
    if activation is not None:
        page.select_option("#dv-activation", activation)
    page.fill("#dv-hidden", "8, 8")
    page.locator("#dv-hidden").press("Enter")
    expect(page.locator("#dv-form")).to_have_attribute("data-pending", "0")
    expect(page.locator("#dv-shape")).to_have_text("2-8-8-1")
