"""Headless Chromium for the browser tests, started the same way everywhere.

The system's Chromium (Debian package ``chromium``) driven by Playwright
(``pip install playwright``; no ``playwright install``: the test uses the
system browser). A test that needs it skips, saying why, where either is
missing.
"""

import shutil
from contextlib import contextmanager

import pytest

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None
)
#: Headless on a machine with no network: no GPU, no sandbox (root), and none
#: of the background requests Chromium would make to its own hosts.
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@contextmanager
def chromium():
    """A Playwright ``Browser`` (closed at the end); skips where none can start."""
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    sync_api = pytest.importorskip(
        "playwright.sync_api",
        reason="Playwright is not installed (pip install playwright)",
    )
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=FLAGS
        )
        try:
            yield browser
        finally:
            browser.close()
