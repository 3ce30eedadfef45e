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

import statistics
import sys
import time

from playground_page import playground_page, spiral_network


def main(frames: int = 40, epochs: int = 2) -> None:
    with playground_page("seed004", 1200, 900) as (page, _):
        spiral_network(page)
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
