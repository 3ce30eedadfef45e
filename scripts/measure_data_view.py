"""Measure the playground's Data view in headless Chromium: its frame rate.

Run: ``.venv/bin/python scripts/measure_data_view.py [FRAMES] [EPOCHS]``.
It serves the playground from a thread, opens the Data view, chooses the
spiral (200 points, half for training) and a 2-8-8-1 network, sets EPOCHS
epochs per frame (default 2) and presses Play until FRAMES frames (default
40) have been drawn, then reports

- the frame time: from sending a train request to the regions and the loss
  curves drawn with its answer (the page's own ``dv.frames``: the server's
  ``Network.fit`` of EPOCHS epochs, ``Network.predict`` on the 50 × 50 grid,
  the JSON both ways and the drawing), median and range;
- the frame rate: frames drawn per second of playing (which also counts the
  wait for the browser's next animation frame between two frames).

This is a measurement, not a test: the numbers depend on the machine (note
its load, ``uptime``).
"""

import shutil
import statistics
import sys
import time

from playwright.sync_api import expect, sync_playwright

from chainrule.playground.server import running
from chainrule.playground.sources import from_example

FLAGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]


def main(frames: int = 40, epochs: int = 2) -> None:
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
        page.fill("#dv-hidden", "8, 8")
        page.locator("#dv-hidden").press("Enter")
        expect(page.locator("#dv-form")).to_have_attribute("data-pending", "0")
        expect(page.locator("#dv-shape")).to_have_text("2-8-8-1")
        page.fill("#dv-epochs", str(epochs))
        t0 = time.perf_counter()
        page.get_by_role("button", name="Play").click()
        page.wait_for_function(
            f"() => dv.frames.length >= {frames}", timeout=600_000, polling=20
        )
        elapsed = time.perf_counter() - t0
        page.get_by_role("button", name="Pause").click()
        ms = page.evaluate("dv.frames.slice()")[:frames]
        drawn = page.evaluate("dv.frames.length")
        loss = page.locator("#dv-train-loss").text_content()
        browser.close()
    ms.sort()
    print(
        f"spiral, 2-8-8-1, {epochs} epochs of 100 training points per frame, "
        "Chromium headless, server in the same process"
    )
    print(
        f"frame (train request + draw): median {statistics.median(ms):.1f} ms, "
        f"min {ms[0]:.1f}, max {ms[-1]:.1f} (n={len(ms)}); "
        f"{1000 / statistics.median(ms):.1f} frames/s at that median"
    )
    print(
        f"playing: {drawn} frames in {elapsed:.2f} s = {drawn / elapsed:.1f} "
        f"frames/s (page load of the view excluded); training loss then {loss}"
    )


if __name__ == "__main__":
    main(*map(int, sys.argv[1:3]))
