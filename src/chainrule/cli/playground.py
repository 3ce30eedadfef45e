"""``chainrule playground``: serve the playground page and open it in the browser.

The first line printed that starts with ``http://`` is the page's address;
Ctrl-C stops the server (exit code 0).
"""

from __future__ import annotations

import sys
import webbrowser
from pathlib import Path
from typing import Annotated

import typer

from chainrule.errors import ConfigError

EPILOG = (
    "Example: chainrule playground --example seed004; "
    "chainrule playground --data scores.csv --target score --no-browser"
)


def _load(problem: Path | None, example: str | None, data: Path | None, target):
    from chainrule.playground import sources

    given = [x is not None for x in (problem, example, data)]
    if sum(given) > 1:
        raise ConfigError("give one of PROBLEM, --example NAME or --data FILE")
    if data is None and target is not None:
        raise ConfigError("--target: only with --data FILE")
    if problem is not None:
        return sources.from_problem_file(str(problem))
    if data is not None:
        if target is None:
            raise ConfigError("--data: give the target column with --target COL")
        return sources.from_csv_text(_read_csv(data), target, str(data))
    return sources.from_example(example or "seed004")


def _read_csv(path: Path) -> str:
    from chainrule.persist.text_files import read_text_file
    from chainrule.playground.sources import MAX_UPLOAD_BYTES

    text = read_text_file(path, "CSV table (--data)", MAX_UPLOAD_BYTES)
    return text.removeprefix("\ufeff")


def playground(
    problem: Annotated[
        Path | None, typer.Argument(help="A problem file (TOML), as for explain.")
    ] = None,
    example: Annotated[
        str | None, typer.Option("--example", "-e", help="A built-in example.")
    ] = None,
    data: Annotated[
        Path | None, typer.Option("--data", help="A small CSV table (with a header).")
    ] = None,
    target: Annotated[
        str | None, typer.Option("--target", help="The target column of --data.")
    ] = None,
    host: Annotated[
        str, typer.Option(help="Address to listen on (loopback unless --host-any).")
    ] = "127.0.0.1",
    host_any: Annotated[
        bool,
        typer.Option(
            "--host-any",
            help="Allow a --host that other machines can reach (with a warning).",
        ),
    ] = False,
    port: Annotated[int, typer.Option(help="Port; 0 picks a free one.")] = 0,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Only print the address.")
    ] = False,
) -> None:
    """Watch, step through and change backpropagation in the browser.

    Starts a local web page; needs Starlette and uvicorn (the playground extra).
    Without a problem it opens the seed004 example.
    """
    if not 0 <= port <= 65535:
        raise ConfigError(f"--port: expected 0 to 65535, got {port}")
    try:
        import uvicorn  # noqa: F401
    except ImportError:
        raise ConfigError(
            "chainrule playground needs Starlette and uvicorn: "
            "pip install 'chainrule[playground]'"
        ) from None
    from chainrule.playground.server import listen_address, make_server

    if not listen_address(host, host_any).is_loopback:
        print(
            f"chainrule playground: warning: --host {host} can be reached from "
            "other machines; anyone who can reach it can use the playground",
            file=sys.stderr,
            flush=True,
        )
    pg = _load(problem, example, data, target)
    server, sock, url = make_server(pg, host, port, host_any)
    print(url, flush=True)
    print("Press Ctrl-C to stop.", file=sys.stderr, flush=True)
    if not no_browser:
        webbrowser.open(url)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
    print("chainrule playground: stopped", file=sys.stderr)
