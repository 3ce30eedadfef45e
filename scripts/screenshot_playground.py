"""Make docs/playground.png: the playground page on the tutorial's 2-3-1 network.

Run: ``.venv/bin/python scripts/screenshot_playground.py [OUT.png]`` (needs the
``playground`` and ``dev`` extras and Chromium). The server runs in a thread
on a free port and stops at the end; nothing but the PNG is written.
"""

import shutil
import sys
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

from chainrule.playground.server import running
from chainrule.playground.sources import from_example

OUT = Path(__file__).resolve().parent.parent / "docs" / "playground.png"
FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]


def main(out: Path = OUT) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("Chromium is not installed (apt-get install chromium)")
    with running(from_example("tutorial-part4")) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 860})
        page.goto(url)
        page.wait_for_selector("body[data-ready=true]")
        page.fill("#train-steps", "300")
        page.get_by_role("button", name="Train").click()
        expect(page.locator("#cost-count")).to_have_text("300", timeout=60_000)
        expect(page.locator("#btn-train")).to_have_attribute("aria-pressed", "false")
        for _ in range(3):
            page.get_by_role("button", name="Backward").click()
        page.screenshot(path=str(out))
        browser.close()
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
