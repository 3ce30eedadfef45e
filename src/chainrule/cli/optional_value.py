"""Options whose value may be left out: ``--dask`` and ``--dask ADDRESS``.

Click (and Typer) options take a value or none. ``chainrule train`` has one
that takes an optional value: ``--dask`` alone trains on a local cluster,
``--dask tcp://host:8786`` (or ``--dask=tcp://host:8786``) on that
scheduler. :class:`OptionalValueCommand` rewrites the arguments before Click
parses them: an option of :data:`OPTIONAL` followed by something that is not
its value becomes ``--option=<bare value>``, so the next argument (the data
path, another option) stays what it is.

Examples
--------
>>> fill_optional(["data.parquet", "--dask", "--target", "y"])
['data.parquet', '--dask=local', '--target', 'y']
>>> fill_optional(["--dask", "tcp://10.0.0.5:8786", "data.parquet"])
['--dask', 'tcp://10.0.0.5:8786', 'data.parquet']
>>> fill_optional(["--target", "y", "--dask"])
['--target', 'y', '--dask=local']
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import typer.core

from chainrule.errors import InvalidValueError

#: A Dask scheduler address: ``scheme://...`` or ``host:port``.
ADDRESS = re.compile(
    r"[A-Za-z][A-Za-z0-9+.-]*://\S+|[^\s/\\:]+:\d+|\[[0-9A-Fa-f:]+\]:\d+"
)
#: The options that take an optional value: how to recognise the value, and
#: the value the option has when it is given alone.
OPTIONAL = {"--dask": (ADDRESS, "local")}


def is_address(text: str) -> bool:
    """``text`` is a scheduler address (``tcp://host:8786``, ``host:8786``)."""
    return ADDRESS.fullmatch(text) is not None


def dask_address(value: str | None) -> str | None:
    """``--dask``'s value: None (off), ``"local"`` (given alone), an address.

    Raises
    ------
    InvalidValueError
        A value that is not a scheduler address (``--dask=data.parquet``).
    """
    if value is None or value == "local":
        return value
    expected = (
        "--dask: expected a scheduler address such as tcp://host:8786 (or "
        "host:8786), or nothing for a local cluster; got"
    )
    if not is_address(value):
        raise InvalidValueError(f"{expected} {value!r:.100}")
    url = value if "://" in value else f"tcp://{value}"
    scheme = url.split("://", 1)[0].lower()
    if scheme != "tcp":
        raise InvalidValueError(
            f"{expected} {value!r:.100}: the scheme {scheme!r:.20} is not "
            "supported (only tcp://)"
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidValueError(f"{expected} {value!r:.100} ({exc})") from None
    if not parts.hostname or port is None or parts.path not in ("", "/"):
        raise InvalidValueError(f"{expected} {value!r:.100}: give a host and a port")
    return value


def fill_optional(args: list[str]) -> list[str]:
    """``args`` with each bare optional-value option given its bare value."""
    out, i = [], 0
    while i < len(args):
        arg = args[i]
        if arg == "--":  # the end of the options: the rest is positional
            return out + args[i:]
        if arg in OPTIONAL:
            pattern, bare = OPTIONAL[arg]
            nxt = args[i + 1] if i + 1 < len(args) else None
            if nxt is None or pattern.fullmatch(nxt) is None:
                out.append(f"{arg}={bare}")
                i += 1
                continue
            out += [arg, nxt]
            i += 2
            continue
        out.append(arg)
        i += 1
    return out


class OptionalValueCommand(typer.core.TyperCommand):
    """A Typer command whose options of :data:`OPTIONAL` may come bare."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        return super().parse_args(ctx, fill_optional(list(args)))
