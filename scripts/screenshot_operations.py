"""Make docs/playground-operations.png: the operation view of seed 004's 1-1-1
network at 1200 px, the path of its first weight highlighted.

Run: ``.venv/bin/python scripts/screenshot_operations.py [OUT.png]`` (needs the
``playground`` and ``dev`` extras and Chromium). The server runs in a thread
on a free port and stops at the end; nothing but the PNG is written.
"""

import shutil
import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from chainrule.playground.server import running
from chainrule.playground.sources import from_example

OUT = Path(__file__).resolve().parent.parent / "docs" / "playground-operations.png"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]


def main(out: Path = OUT) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("Chromium is not installed (apt-get install chromium)")
    with running(from_example("seed004")) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=FLAGS)
        # 1200 px wide, drawn at twice the pixels so that the small text stays sharp
        page = browser.new_page(
            viewport={"width": 1200, "height": 760}, device_scale_factor=2
        )
        page.goto(url)
        page.wait_for_selector("body[data-ready=true]")
        page.get_by_role("button", name="Operations").click()
        weight = page.locator('#ops-graph [data-id="W1_0_0"]')
        expect(weight).to_be_visible()
        page.select_option("#ops-zoom", "fit")
        weight.click()
        expect(page.locator("#ops-paths li.path")).to_have_count(1)
        page.screenshot(path=str(out))
        browser.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
