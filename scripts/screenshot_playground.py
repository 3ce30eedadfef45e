"""Make docs/playground.png: the playground page on the tutorial's 2-3-1 network.

Run: ``.venv/bin/python scripts/screenshot_playground.py [OUT.png]`` (needs the
``playground`` and ``dev`` extras and Chromium). The server runs in a thread
on a free port and stops at the end; nothing but the PNG is written.
"""

import sys
from pathlib import Path

from playground_page import playground_page
from playwright.sync_api import expect

OUT = Path(__file__).resolve().parent.parent / "docs" / "playground.png"


def main(out: Path = OUT) -> None:
    with playground_page("tutorial-part4", 1400, 860) as (page, _):
        page.fill("#train-steps", "300")
        page.get_by_role("button", name="Train").click()
        expect(page.locator("#cost-count")).to_have_text("300", timeout=60_000)
        expect(page.locator("#btn-train")).to_have_attribute("aria-pressed", "false")
        for _ in range(3):
            page.get_by_role("button", name="Backward").click()
        page.screenshot(path=str(out))
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
