"""Headless Chromium for the browser tests, started the same way everywhere.

The system's Chromium (Debian package ``chromium``) driven by Playwright
(``pip install playwright``; no ``playwright install``: the test uses the
system browser). A test that needs it skips, saying why, where either is
missing.
"""

import asyncio
import shutil
from asyncio.events import _set_running_loop  # in asyncio.events.__all__
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


@contextmanager
def shared_chromium():
    """One Playwright ``Browser`` for the whole test session, and a way to lend it.

    Yields ``lend``, a context manager that yields the browser to one test.
    Playwright's sync API marks its event loop as the thread's running loop
    after every call, for as long as it runs; left marked between tests, every
    later test of the session would be refused ``asyncio.run()`` (and what is
    built on it). So the mark is held only while a
    test has the browser: taken off when the test returns it, put back when
    the next one borrows it, and for closing. Each test's pages and contexts
    are closed when it returns the browser: the next test meets none of them.
    """
    with chromium() as browser:
        loop = asyncio.get_running_loop()  # Playwright's, marked by launch()
        _set_running_loop(None)

        @contextmanager
        def lend():
            _set_running_loop(loop)
            before = set(browser.contexts)
            try:
                yield browser
            finally:
                for context in browser.contexts:
                    if context not in before:
                        context.close()
                _set_running_loop(None)

        try:
            yield lend
        finally:
            _set_running_loop(loop)  # for closing the browser and the driver
