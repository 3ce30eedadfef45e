"""Make docs/playground-data.png: the playground's Data view on the spiral.

Run: ``.venv/bin/python scripts/screenshot_data_view.py [OUT.png]`` (needs the
``playground`` and ``dev`` extras and Chromium). The server runs in a thread
on a free port and stops at the end; nothing but the PNG is written. The
picture: the spiral (200 points, noise 0.05, seed 1), a 2-8-8-1 ReLU network
after 300 epochs of minibatch SGD (learning rate 0.3, batches of 10), 1200
pixels wide.
"""

import sys
from pathlib import Path

from playground_page import playground_page, spiral_network
from playwright.sync_api import expect

OUT = Path(__file__).resolve().parent.parent / "docs" / "playground-data.png"


def main(out: Path = OUT) -> None:
    with playground_page("seed004", 1200, 900) as (page, _):
        spiral_network(page, activation="relu")
        page.fill("#dv-epochs", "10")
        step = page.get_by_role("button", name="Step one frame")
        for k in range(1, 31):
            step.click()
            expect(page.locator("#dv-epoch")).to_have_text(str(10 * k))
        page.screenshot(path=str(out))
    print(f"wrote {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
