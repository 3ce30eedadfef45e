"""One playground state per page: sessions keyed by a random id.

Every load of the page starts a session, a copy of the playground the server
was started with, under an id of 128 random bits that the page sends with
every request (the ``session`` query parameter). Sessions are bounded in
number (``MAX_SESSIONS``; a new one evicts the one idle longest) and expire
when idle for ``IDLE_SECONDS``; each holds one small network and at most
``MAX_ROWS`` examples and ``MAX_COSTS`` costs
(:mod:`chainrule.playground.state`), and a view's own state
(:meth:`Sessions.view`, the Data view's: :mod:`chainrule.playground.regions`)
is bounded likewise and goes with its session, so their memory is bounded
too. A
request without a session id uses the server's own playground (scripts, the
endpoint table of docs/playground.md), which never expires.

Examples
--------
>>> from chainrule.playground.sources import from_example
>>> pages = Sessions(from_example("seed004"), limit=2)
>>> a, b = pages.new(), pages.new()
>>> pages.get(a).set_param("W1", (0, 0), 0.7)
>>> float(pages.get(a).net.params["W1"][0, 0]), float(pages.get(b).net.params["W1"][0, 0])
(0.7, 0.5)
>>> c = pages.new()  # a third: the one idle longest (a) goes
>>> pages.get(a)
Traceback (most recent call last):
...
chainrule.errors.InvalidValueError: session: this page's state has expired (idle for more than 30 minutes, or more than 2 pages opened since): reload the page
"""  # noqa: E501

from __future__ import annotations

import secrets
import time
from collections import OrderedDict
from collections.abc import Callable

from chainrule.errors import InvalidValueError
from chainrule.playground.state import Playground

MAX_SESSIONS = 32
IDLE_SECONDS = 30 * 60.0


class Sessions:
    """The playgrounds of the pages open, by session id.

    Parameters
    ----------
    start : Playground
        What a new page starts from (copied; its own state is the one used
        by requests without a session id).
    limit : int
        The most sessions kept; a new one evicts the one idle longest.
    idle : float
        Seconds after its last request that a session expires.
    clock : callable
        Seconds, monotonic (a test's clock).
    """

    def __init__(
        self,
        start: Playground,
        limit: int = MAX_SESSIONS,
        idle: float = IDLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.default = start
        self.template = start.snapshot()
        self.limit, self.idle, self.clock = limit, idle, clock
        self._open: OrderedDict[str, tuple[Playground, float]] = OrderedDict()
        self._views: dict[str | None, dict[str, object]] = {}

    def __len__(self) -> int:
        self._expire()
        return len(self._open)

    def _expire(self) -> None:
        now = self.clock()
        for sid in [s for s, (_, t) in self._open.items() if now - t > self.idle]:
            del self._open[sid]
            self._views.pop(sid, None)

    def new(self) -> str:
        """A new session, a copy of the starting playground; its id."""
        self._expire()
        while len(self._open) >= self.limit:
            old, _ = self._open.popitem(last=False)  # idle longest: least recently used
            self._views.pop(old, None)
        sid = secrets.token_urlsafe(16)
        self._open[sid] = (self.template.snapshot(), self.clock())
        return sid

    def get(self, sid: str | None) -> Playground:
        """The playground of session ``sid`` (``None``: the server's own).

        Raises
        ------
        InvalidValueError
            No such session: it expired, was evicted, or never was.
        """
        if sid is None:
            return self.default
        self._expire()
        if sid not in self._open:
            raise InvalidValueError(
                "session: this page's state has expired (idle for more than "
                f"{self.idle / 60:g} minutes, or more than {self.limit} pages "
                "opened since): reload the page"
            )
        pg, _ = self._open.pop(sid)
        self._open[sid] = (pg, self.clock())
        return pg

    def view(self, sid: str | None, name: str, make: Callable[[], object]) -> object:
        """A view's own state in session ``sid`` (``None``: the server's), made
        by ``make()`` on first use; it goes when the session goes.

        Raises
        ------
        InvalidValueError
            No such session (as :meth:`get`).
        """
        self.get(sid)
        views = self._views.setdefault(sid, {})
        if name not in views:
            views[name] = make()
        return views[name]
