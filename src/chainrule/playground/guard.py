"""The server's guard: the Host, Origin, media-type and body-size rules.

Every request passes :class:`Guard` before a route sees it; a POST's body is
read by :func:`read_json`, capped at ``MAX_BODY_BYTES``.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import PlainTextResponse

from chainrule.errors import InvalidValueError
from chainrule.playground import sources

MAX_BODY_BYTES = sources.MAX_UPLOAD_BYTES + 16 * 1024
# The page loads nothing from elsewhere; the browser enforces it too.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class Guard:
    """ASGI middleware: the Host, Origin and body-size rules of this module."""

    def __init__(self, app, hosts: list[str]) -> None:
        self.app = app
        self.hosts = set(hosts)
        self.origins = {f"http://{h}" for h in hosts}

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {
            k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]
        }
        refusal = self.refusal(scope["method"], headers)
        if refusal is not None:
            status, text = refusal
            return await PlainTextResponse(text, status)(scope, receive, send)
        return await self.app(scope, receive, send)

    def refusal(self, method: str, headers: dict[str, str]) -> tuple[int, str] | None:
        """``(status, reason)`` when the request is refused, else ``None``."""
        host = headers.get("host", "")
        if host not in self.hosts:
            return 403, f"Host {host!r:.80} is not this server's address"
        if method in ("GET", "HEAD"):
            return None
        origin = headers.get("origin")
        if origin is not None and origin not in self.origins:
            return 403, f"Origin {origin!r:.80} is another site"
        if headers.get("sec-fetch-site") == "cross-site":
            return 403, "cross-site requests are refused"
        if headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return 415, "expected a JSON body (Content-Type: application/json)"
        length = headers.get("content-length", "0")
        if not length.isdigit() or int(length) > MAX_BODY_BYTES:
            return 413, f"request bodies are limited to {MAX_BODY_BYTES} bytes"
        return None


class BodyTooLargeError(Exception):
    """A request body beyond ``MAX_BODY_BYTES``."""


async def read_json(request: Request) -> dict:
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise BodyTooLargeError
    if not body:
        return {}
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError) as exc:  # also 5,000 digits, deep nesting
        raise InvalidValueError(
            f"body: expected JSON, got an error: {str(exc) or 'nested too deep':.200}"
        ) from None
    if not isinstance(doc, dict):
        raise InvalidValueError(f"body: expected a JSON object, got {doc!r:.40}")
    return doc
