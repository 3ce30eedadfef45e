"""Make docs/playground-data.png: the playground's Data view on the spiral.

Run: ``.venv/bin/python scripts/screenshot_data_view.py [OUT.png]`` (needs the
``playground`` and ``dev`` extras and Chromium). The server runs in a thread
on a free port and stops at the end; nothing but the PNG is written. The
picture: the spiral (200 points, noise 0.05, seed 1), a 2-8-8-1 ReLU network
after 300 epochs of minibatch SGD (learning rate 0.3, batches of 10), 1200
pixels wide.
"""

import shutil
import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from chainrule.playground.server import running
from chainrule.playground.sources import from_example

OUT = Path(__file__).resolve().parent.parent / "docs" / "playground-data.png"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]


def main(out: Path = OUT) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("Chromium is not installed (apt-get install chromium)")
    with running(from_example("seed004")) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(url)
        page.wait_for_selector("body[data-ready=true]")
        page.get_by_role("tab", name="Data").click()
        page.wait_for_selector("#data-view[data-ready=true]")
        page.select_option("#dv-dataset", "spiral")
        page.select_option("#dv-activation", "relu")
        page.fill("#dv-hidden", "8, 8")
        page.locator("#dv-hidden").press("Enter")
        expect(page.locator("#dv-form")).to_have_attribute("data-pending", "0")
        expect(page.locator("#dv-shape")).to_have_text("2-8-8-1")
        page.fill("#dv-epochs", "10")
        step = page.get_by_role("button", name="Step one frame")
        for k in range(1, 31):
            step.click()
            expect(page.locator("#dv-epoch")).to_have_text(str(10 * k))
        page.screenshot(path=str(out))
        browser.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
