"""The session's browser, and Hypothesis's profiles.

Hypothesis profiles: derandomized in CI, random (but reproducible) locally.

CI sets ``CI=true``: the ``ci`` profile derandomizes Hypothesis (examples
drawn from a fixed seed, no example database), so that two CI runs of the
fuzz tests draw the same inputs and count the same outcomes. Locally the
``dev`` profile draws new examples each run; a failure prints the seed to
reproduce it (``@seed``). ``HYPOTHESIS_PROFILE`` picks a profile by name.

How many examples: ``ci`` draws Hypothesis's default 100 (the same 100 on
every run, so they are all CI ever tries); ``dev`` 30 a run, new ones each
time, so that successive runs keep covering new ground; ``fuzz`` (``make
fuzz``) 500. A test that needs another number says so with its own
``@settings``.
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
settings.register_profile("fuzz", max_examples=500, deadline=None)
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


#: The fuzz campaigns' reports (how many inputs, how each ended), printed in
#: the terminal summary; under pytest-xdist each worker sends its own to the
#: controller when it finishes (``workeroutput``), which prints them all.
_CAMPAIGNS = pytest.StashKey[list]()


@pytest.fixture(scope="session")
def campaign_report(request):
    """``campaign_report(lines)``: print these lines at the end of the run."""
    return request.config.stash.setdefault(_CAMPAIGNS, []).extend


def pytest_sessionfinish(session):
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller prints them
        workeroutput["campaigns"] = session.config.stash.get(_CAMPAIGNS, [])


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    lines = getattr(node, "workeroutput", {}).get("campaigns", [])
    node.config.stash.setdefault(_CAMPAIGNS, []).extend(lines)


def pytest_terminal_summary(terminalreporter, config):
    lines = [] if hasattr(config, "workeroutput") else config.stash.get(_CAMPAIGNS, [])
    for line in lines:
        terminalreporter.write_line(line)
