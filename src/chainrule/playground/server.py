"""The playground's web server: Starlette routes over one :class:`Playground`.

Security (the server runs on the user's machine, reachable by any page the
browser opens):

- a request whose ``Host`` header is not the served address gets 403, which
  defeats DNS rebinding (a foreign name resolving to 127.0.0.1);
- every change of state is a POST with a JSON body; a POST whose ``Origin``
  is another site, or whose ``Sec-Fetch-Site`` is ``cross-site``, gets 403,
  and one that is not ``application/json`` gets 415 (so a plain form of
  another page cannot post);
- a connection that has not sent a request's headers within
  ``HEADER_TIMEOUT`` seconds is closed (a slow client holds nothing);
- request bodies are capped (413); the network and the data are capped by
  :mod:`chainrule.playground.state`; nothing is written to disk: downloads
  are built in memory.

Examples
--------
>>> from chainrule.playground.sources import from_example
>>> app = create_app(from_example("seed004"), ["127.0.0.1:8000"])
>>> sorted(r.path for r in app.routes)[:4]
['/', '/api/data', '/api/example', '/api/explanation']
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources

from chainrule.errors import ChainruleError, ConfigError, InvalidValueError

try:
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, PlainTextResponse, Response
    from starlette.routing import Route
except ImportError:  # pragma: no cover - depends on the environment
    raise ConfigError(
        "chainrule playground needs Starlette and uvicorn: "
        "pip install 'chainrule[playground]'"
    ) from None

from chainrule.playground import graph_view, regions_api, sources, views
from chainrule.playground.guard import (  # noqa: F401 - importable from here
    CSP,
    HEADERS,
    MAX_BODY_BYTES,
    BodyTooLargeError,
    Guard,
    read_json,
)
from chainrule.playground.sessions import Sessions
from chainrule.playground.state import Playground

#: Seconds a connection may take to send a request's headers.
HEADER_TIMEOUT = 10.0
#: Where the page's ``<meta name="chainrule-session">`` takes a new session's id.
SESSION_MARK = "{{session}}"
STATIC = {
    "/static/diagram.js": ("diagram.js", "text/javascript; charset=utf-8"),
    "/static/costs.js": ("costs.js", "text/javascript; charset=utf-8"),
    "/static/quiz.js": ("quiz.js", "text/javascript; charset=utf-8"),
    "/static/forms.js": ("forms.js", "text/javascript; charset=utf-8"),
    "/static/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/static/graph.js": ("graph.js", "text/javascript; charset=utf-8"),
    "/static/data.js": ("data.js", "text/javascript; charset=utf-8"),
    "/static/data.css": ("data.css", "text/css; charset=utf-8"),
    "/static/style.css": ("style.css", "text/css; charset=utf-8"),
}


def _static(name: str) -> bytes:
    return (resources.files("chainrule.playground") / "static" / name).read_bytes()


def _send_file(name: str, media: str):
    data = _static(name)

    async def endpoint(request: Request) -> Response:
        return Response(data, media_type=media, headers=HEADERS)

    return endpoint


def _page(sessions: Sessions):
    """``GET /``: the page, with a new session's id in its ``<meta>``."""
    html = _static("index.html").decode("utf-8")

    async def endpoint(request: Request) -> Response:
        page = html.replace(SESSION_MARK, sessions.new(), 1)
        return Response(page, media_type="text/html; charset=utf-8", headers=HEADERS)

    return endpoint


def _step(pg: Playground, b: dict) -> dict:
    return dict(zip(("J_before", "J_after"), pg.step(), strict=True))


#: The POST endpoints: path to a function of the playground and the JSON body.
#: Each changes the playground (or raises a chainrule error, having changed
#: nothing) and returns what the answer carries besides the new state.
ACTIONS = {
    "/api/param": lambda pg, b: pg.set_param(
        b.get("name"), b.get("index"), b.get("value")
    ),
    "/api/data": lambda pg, b: pg.set_data(
        b.get("name"), b.get("index"), b.get("value")
    ),
    "/api/settings": lambda pg, b: pg.configure(b),
    "/api/example": lambda pg, b: pg.replace(sources.from_example(str(b.get("name")))),
    "/api/upload": lambda pg, b: pg.replace(
        sources.from_csv_text(b.get("csv"), b.get("target"), "upload")
    ),
    "/api/step": _step,
    "/api/train": lambda pg, b: {"new_costs": pg.train(b.get("steps"))},
    "/api/reset": lambda pg, b: pg.reset(),
    "/api/quiz": lambda pg, b: {"quiz": views.grade(pg, b.get("answers"))},
}


def _session(sessions: Sessions, request: Request) -> Playground:
    """The playground of the request's ``session`` parameter (none: the server's)."""
    return sessions.get(request.query_params.get("session"))


def _post(sessions: Sessions, fn):
    """A POST endpoint: the change, then the new state; on any failure the
    state before the request is restored and the answer is a 4xx."""

    async def endpoint(request: Request) -> Response:
        try:
            pg = _session(sessions, request)
            body = await read_json(request)
        except BodyTooLargeError:
            return PlainTextResponse("request body too large", 413)
        except ChainruleError as exc:
            return _refused(exc)
        before = pg.snapshot()
        try:
            extra = fn(pg, body) or {}
            return JSONResponse({**views.state_payload(pg), **extra}, headers=HEADERS)
        except ChainruleError as exc:
            pg.replace(before)
            return _refused(exc)
        except (ValueError, TypeError, OverflowError, RecursionError) as exc:
            pg.replace(before)  # JSON of inf, a 5,000-digit int, deep nesting
            return _refused(
                InvalidValueError(
                    f"body: this change cannot be shown ({type(exc).__name__}: "
                    f"{str(exc):.120}); the state before it is kept"
                )
            )

    return endpoint


def _refused(exc: Exception) -> Response:
    return JSONResponse({"error": str(exc)}, 400, headers=HEADERS)


def _gets(sessions: Sessions) -> list[Route]:
    async def state(request: Request) -> Response:
        try:
            pg = _session(sessions, request)
        except ChainruleError as exc:
            return _refused(exc)
        return JSONResponse(views.state_payload(pg), headers=HEADERS)

    async def explanation(request: Request) -> Response:
        try:
            pg = _session(sessions, request)
        except ChainruleError as exc:
            return _refused(exc)
        text = pg.explanation().to_json()
        return Response(text, media_type="application/json", headers=HEADERS)

    async def export(request: Request) -> Response:
        try:
            pg = _session(sessions, request)
            data, name, media = views.export_bytes(pg, request.path_params["fmt"])
        except ChainruleError as exc:
            return PlainTextResponse(str(exc), 400)
        disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
        return Response(data, media_type=media, headers={**HEADERS, **disposition})

    async def graph(request: Request) -> Response:  # the operation view
        row = request.query_params.get("row", "0")
        try:
            pg = _session(sessions, request)
            doc = graph_view.graph_payload(
                pg,
                int(row) if row.isdigit() and len(row) < 6 else row,
                request.query_params.get("chain"),
            )
        except ChainruleError as exc:
            return _refused(exc)
        return JSONResponse(doc, headers=HEADERS)

    async def no_icon(request: Request) -> Response:
        return Response(status_code=204)

    files = [Route(p, _send_file(*f), methods=["GET"]) for p, f in STATIC.items()]
    return [
        Route("/", _page(sessions), methods=["GET"]),
        *files,
        Route("/favicon.ico", no_icon, methods=["GET"]),
        Route("/api/state", state, methods=["GET"]),
        Route("/api/explanation", explanation, methods=["GET"]),
        Route("/api/export/{fmt}", export, methods=["GET"]),
        Route("/api/graph", graph, methods=["GET"]),
    ]


def create_app(pg: Playground, hosts: list[str]) -> Starlette:
    """The ASGI application serving ``pg`` to requests for ``hosts`` (host:port).

    Each load of the page gets its own copy of ``pg`` (:class:`Sessions`);
    requests without a ``session`` parameter change ``pg`` itself.
    """
    sessions = Sessions(pg)
    posts = [
        Route(p, _post(sessions, fn), methods=["POST"]) for p, fn in ACTIONS.items()
    ]
    app = Starlette(routes=_gets(sessions) + posts + regions_api.routes(sessions))
    app.add_middleware(Guard, hosts=hosts)
    return app


def listen_address(host: str, any_address: bool = False):
    """``--host`` as an :mod:`ipaddress` address: loopback unless ``any_address``.

    ``localhost`` is ``127.0.0.1``. An address that is not an IP address in
    standard notation (``0``, ``0x0``, ``000.000.000.000``, a host name) is
    refused, as is an unspecified one (``0.0.0.0``, ``::``, ``::0``) even with
    ``any_address``: the Host check needs the one address the page is served at.

    Raises
    ------
    ConfigError
        Naming ``--host``, what is expected and what was given.

    Examples
    --------
    >>> listen_address("localhost"), listen_address("::1")
    (IPv4Address('127.0.0.1'), IPv6Address('::1'))
    >>> listen_address("0")
    Traceback (most recent call last):
        ...
    chainrule.errors.ConfigError: --host: expected an IP address such as 127.0.0.1 or ::1 (or localhost), got '0'
    """  # noqa: E501
    text = host.strip()
    if text.lower() == "localhost":
        text = "127.0.0.1"
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        raise ConfigError(
            "--host: expected an IP address such as 127.0.0.1 or ::1 (or "
            f"localhost), got {host!r:.80}"
        ) from None
    if ip.is_unspecified:
        raise ConfigError(
            f"--host: expected one address to serve (such as 127.0.0.1), got "
            f"{host!r}: the playground answers only requests for its own address"
        )
    if not ip.is_loopback and not any_address:
        raise ConfigError(
            f"--host: {host!r:.80} is not a loopback address, so other machines "
            "could reach the playground; add --host-any to allow it"
        )
    return ip


def bind(
    host: str = "127.0.0.1", port: int = 0, any_address: bool = False
) -> tuple[socket.socket, str, list]:
    """A listening socket, the page's URL and the Host values it answers.

    ``host`` is checked by :func:`listen_address`.
    """
    ip = listen_address(host, any_address)
    family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
    try:
        sock = socket.create_server((str(ip), port), family=family)
    except OSError as exc:
        raise ConfigError(
            f"--host/--port: cannot listen on {ip}:{port}: {exc}"
        ) from None
    port = sock.getsockname()[1]
    name = f"[{ip}]" if ip.version == 6 else str(ip)
    hosts = [f"{name}:{port}"]
    if ip.is_loopback:
        hosts.append(f"localhost:{port}")
    return sock, f"http://{name}:{port}/", hosts


def header_timeout_protocol(seconds: float):
    """uvicorn's h11 protocol, closing a connection that has not sent a whole
    request's headers ``seconds`` after it opened or after its last request."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeaderTimeout(H11Protocol):
        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self.header_deadline(None)

        def header_deadline(self, seen) -> None:
            if self.transport.is_closing():
                return
            idle = self.conn.their_state is h11.IDLE  # no new request's headers
            if idle and seen is not None and self.scope is seen[0]:
                self.transport.close()
                return
            self.loop.call_later(seconds, self.header_deadline, (self.scope,))

    return HeaderTimeout


def make_server(
    pg: Playground,
    host: str = "127.0.0.1",
    port: int = 0,
    any_address: bool = False,
    header_timeout: float = HEADER_TIMEOUT,
):
    """A uvicorn server for ``pg``, its socket and URL; ``server.run(sockets=[sock])``
    serves."""
    import uvicorn

    sock, url, hosts = bind(host, port, any_address)
    config = uvicorn.Config(
        create_app(pg, hosts),
        http=header_timeout_protocol(header_timeout),
        log_level="warning",
        lifespan="off",
        server_header=False,
        timeout_graceful_shutdown=2,
    )
    return uvicorn.Server(config), sock, url


@contextmanager
def running(
    pg: Playground,
    host: str = "127.0.0.1",
    port: int = 0,
    header_timeout: float = HEADER_TIMEOUT,
) -> Iterator[str]:
    """Serve ``pg`` from a thread while the block runs; yields the page's URL.

    For tests and scripts; the command line serves from the main thread so
    that Ctrl-C stops it.
    """
    server, sock, url = make_server(pg, host, port, header_timeout=header_timeout)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]})
    thread.start()
    try:
        while not server.started and thread.is_alive():
            thread.join(0.02)
        if not thread.is_alive() and not server.started:
            raise ConfigError(f"the playground server at {url} did not start")
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
