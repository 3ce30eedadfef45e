"""The session's browser, and Hypothesis's profiles.

Hypothesis profiles: derandomized in CI, random (but reproducible) locally.

CI sets ``CI=true``: the ``ci`` profile derandomizes Hypothesis (examples
drawn from a fixed seed, no example database), so that two CI runs of the
fuzz tests draw the same inputs and count the same outcomes. Locally the
``dev`` profile draws new examples each run; a failure prints the seed to
reproduce it (``@seed``). ``HYPOTHESIS_PROFILE`` picks a profile by name.

How many examples: ``ci`` draws Hypothesis's default 100 (the same 100 on
every run, so they are all CI ever tries); ``dev`` 30 a run, new ones each
time, so that successive runs keep covering new ground. A test that
needs another number says so with its own ``@settings``.
"""

import os

import pytest
from browser import shared_chromium
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=30, deadline=None)
_default = "ci" if os.environ.get("CI", "").lower() in ("1", "true", "yes") else "dev"
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", _default))


@pytest.fixture(scope="session")
def _chromium_for_the_session():
    with shared_chromium() as lend:
        yield lend


@pytest.fixture
def browser(_chromium_for_the_session):
    """Headless Chromium (tests/browser.py), started once for the session.

    Each test opens its own pages (each in a context of its own); those it
    leaves open are closed when it ends.
    """
    with _chromium_for_the_session() as b:
        yield b
