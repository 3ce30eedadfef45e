"""Measure the playground in headless Chromium: load time and edit-to-update time.

Run: ``.venv/bin/python scripts/measure_playground.py [EXAMPLE] [REPEATS]``.
It serves EXAMPLE (default ``tutorial-part4``) from a thread, then reports
the median and the range of

- the page's load time: from navigation to the page having drawn the state
  (``body[data-ready]``, set after the first ``/api/state`` is drawn);
- the edit time: from pressing Enter on a new value of ``W1[0,0]`` to the
  derivation showing the recomputed ``J`` (the round trip, the server's
  ``explain`` and MathML, and the redraw).

This is a measurement, not a test: the numbers depend on the machine.
"""

import statistics
import sys
import time

from playground_page import playground_page
from playwright.sync_api import expect


def summary(name: str, seconds: list[float]) -> str:
    ms = sorted(1000 * s for s in seconds)
    return (
        f"{name}: median {statistics.median(ms):.1f} ms, "
        f"min {ms[0]:.1f}, max {ms[-1]:.1f} (n={len(ms)})"
    )


def main(example: str = "tutorial-part4", repeats: int = 20) -> None:
    loads, edits = [], []
    with playground_page(example, 1400, 860, load=False) as (page, url):
        for _ in range(repeats):
            t0 = time.perf_counter()
            page.goto(url)
            page.wait_for_selector("body[data-ready=true]")
            loads.append(time.perf_counter() - t0)
        J = page.locator('#steps [data-symbol="J"]')
        W = page.locator(
            '#steps button.editable:has([data-symbol="W1"][data-index="0,0"])'
        )
        for k in range(repeats):
            before = J.get_attribute("data-value")
            W.click()
            page.fill("#editor-input", str(0.5 + 0.01 * (k + 1)))
            t0 = time.perf_counter()
            page.keyboard.press("Enter")
            expect(J).not_to_have_attribute("data-value", before)
            edits.append(time.perf_counter() - t0)
    print(f"example {example}, Chromium headless, server in the same process")
    print(summary("page load", loads))
    print(summary("weight edit to updated numbers", edits))


if __name__ == "__main__":
    main(*(sys.argv[1:2] or ["tutorial-part4"]), *map(int, sys.argv[2:3]))
