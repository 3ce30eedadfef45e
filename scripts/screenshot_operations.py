"""Make docs/playground-operations.png: the operation view of seed 004's 1-1-1
network at 1200 px, the path of its first weight highlighted.

Run: ``.venv/bin/python scripts/screenshot_operations.py [OUT.png]`` (needs the
``playground`` and ``dev`` extras and Chromium). The server runs in a thread
on a free port and stops at the end; nothing but the PNG is written.
"""

import sys
from pathlib import Path

from playground_page import playground_page
from playwright.sync_api import expect

OUT = Path(__file__).resolve().parent.parent / "docs" / "playground-operations.png"


def main(out: Path = OUT) -> None:
    # 1200 px wide, drawn at twice the pixels so that the small text stays sharp
    with playground_page("seed004", 1200, 760, scale=2) as (page, _):
        page.get_by_role("button", name="Operations").click()
        weight = page.locator('#ops-graph [data-id="W1_0_0"]')
        expect(weight).to_be_visible()
        page.select_option("#ops-zoom", "fit")
        weight.click()
        expect(page.locator("#ops-paths li.path")).to_have_count(1)
        page.screenshot(path=str(out))
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
