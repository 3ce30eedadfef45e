"""The Data view's endpoints (:mod:`chainrule.playground.regions`).

| request | what it does |
|---|---|
| ``GET /api/regions`` | the view: settings, points, losses, the grid's outputs |
| ``POST /api/regions/settings`` | any subset of ``regions.DEFAULTS``' keys |
| ``POST /api/regions/train`` ``{"epochs": k}`` | k epochs; answers a frame |
| ``POST /api/regions/reset`` | the network's first weights again |
| ``POST /api/regions/derive`` | the main view shows the minibatch's derivation |

Each request names its page's session (``?session=ID``), as every request of
the playground does; the view's state lives in that session
(:meth:`Sessions.view`). A refused request answers 400 (413 for a body too
large) with ``{"error": ...}`` and leaves the state as it was.

Examples
--------
>>> from chainrule.playground.sessions import Sessions
>>> from chainrule.playground.sources import from_example
>>> [r.path for r in routes(Sessions(from_example("seed004")))][:2]
['/api/regions', '/api/regions/settings']
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from chainrule.errors import ChainruleError, InvalidValueError
from chainrule.playground import views
from chainrule.playground.guard import HEADERS, BodyTooLargeError, read_json
from chainrule.playground.regions import DataView
from chainrule.playground.sessions import Sessions
from chainrule.playground.state import Playground

NAME = "regions"  # the view's key in a session


def _settings(view: DataView, pg: Playground, body: dict) -> dict:
    view.configure(body)
    return view.payload()


def _train(view: DataView, pg: Playground, body: dict) -> dict:
    view.train(body.get("epochs"))
    return view.frame()


def _reset(view: DataView, pg: Playground, body: dict) -> dict:
    view.reset()
    return view.payload()


def _derive(view: DataView, pg: Playground, body: dict) -> dict:
    """The page's main playground becomes the minibatch's problem."""
    problem, about = view.derivation_problem()
    pg.replace(Playground.from_problem(problem))
    return {"main": views.state_payload(pg), "shown": about}


#: The POST endpoints: each changes the view (or the page's main playground)
#: or raises, having changed nothing, and returns the answer.
ACTIONS = {"settings": _settings, "train": _train, "reset": _reset, "derive": _derive}


def _refused(exc: Exception) -> Response:
    return JSONResponse({"error": str(exc)}, 400, headers=HEADERS)


def _view(sessions: Sessions, request: Request) -> tuple[DataView, Playground]:
    sid = request.query_params.get("session")
    return sessions.view(sid, NAME, DataView), sessions.get(sid)


def _post(sessions: Sessions, fn):
    async def endpoint(request: Request) -> Response:
        try:
            view, pg = _view(sessions, request)
            body = await read_json(request)
        except BodyTooLargeError:
            return PlainTextResponse("request body too large", 413)
        except ChainruleError as exc:
            return _refused(exc)
        before, main = view.snapshot(), pg.snapshot()
        try:
            return JSONResponse(fn(view, pg, body), headers=HEADERS)
        except (ChainruleError, ValueError, TypeError, OverflowError) as exc:
            view.restore(before)
            pg.replace(main)
            if not isinstance(exc, ChainruleError):
                exc = InvalidValueError(
                    f"body: this change cannot be made ({type(exc).__name__}: "
                    f"{str(exc):.120}); the state before it is kept"
                )
            return _refused(exc)

    return endpoint


def routes(sessions: Sessions) -> list[Route]:
    """The Data view's routes over ``sessions``."""

    async def get(request: Request) -> Response:
        try:
            view, _ = _view(sessions, request)
        except ChainruleError as exc:
            return _refused(exc)
        return JSONResponse(view.payload(), headers=HEADERS)

    posts = [
        Route(f"/api/{NAME}/{name}", _post(sessions, fn), methods=["POST"])
        for name, fn in ACTIONS.items()
    ]
    return [Route(f"/api/{NAME}", get, methods=["GET"]), *posts]
