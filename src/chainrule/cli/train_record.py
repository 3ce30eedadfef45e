"""What ``chainrule train`` records to rebuild a run: the data file and the
command line.

The training record of a model (its metadata's ``training``) holds every
option of the run (:meth:`~chainrule.cli.train_options.TrainOptions.record`);
this module adds the data file's absolute path, size and SHA-256
(:func:`data_record`) and the command line that runs it again
(:func:`command_line`). :data:`RUN_KEYS` are the record's keys that are not
options, for ``chainrule info``.

Examples
--------
>>> import os, tempfile
>>> path = os.path.join(tempfile.mkdtemp(), "t.csv")
>>> with open(path, "w") as fh:
...     _ = fh.write("a,b\\n1,2\\n")
>>> r = data_record(path)
>>> r["data_size"], r["data_sha256"][:16], os.path.isabs(r["data"])
(8, '492d5ea496056f1a', True)
"""

from __future__ import annotations

import hashlib
import shlex
from pathlib import Path
from typing import Any

try:  # Typer >= 0.29 vendors Click
    from typer._click.core import ParameterSource
    from typer._click.globals import get_current_context
except ImportError:  # pragma: no cover - Typer with Click as a dependency
    from click import get_current_context
    from click.core import ParameterSource

#: Bytes read at a time while hashing: the file is never read whole.
CHUNK = 1 << 20

#: The keys of a training record that describe the run, not its options.
RUN_KEYS = (
    "data",
    "data_size",
    "data_sha256",
    "command",
    "rows",
    "validation_rows",
    "iterations",
    "best_epoch",
    "message",
    "final_cost",
    "final_val_cost",
    "date",
    "chainrule",
    "metrics",
    "class_weights",
    "cv_scores",
)


def sha256_of(path: Path | str) -> str:
    """The SHA-256 of a file, read in chunks of :data:`CHUNK` bytes (hex)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def data_record(path: Path | str) -> dict[str, Any]:
    """``data`` (the absolute path), and for a regular file its size and SHA-256.

    A glob or a folder (``--dask``) has ``data_size`` and ``data_sha256``
    ``None``.
    """
    p = Path(path).absolute()
    if not p.is_file():
        return {"data": str(p), "data_size": None, "data_sha256": None}
    return {"data": str(p), "data_size": p.stat().st_size, "data_sha256": sha256_of(p)}


def command_line() -> str | None:
    """The command being run, as a shell line that runs it again; ``None``
    outside a command.

    Every option given on the command line, in the command's order, each
    value quoted with :func:`shlex.quote`; paths given as arguments (DATA)
    made absolute. Options left at their defaults are left out: the same
    chainrule version chooses the same values from the same table.
    """
    ctx = get_current_context(silent=True)
    if ctx is None or ctx.info_name is None:
        return None
    words = ["chainrule", ctx.info_name]
    for param in ctx.command.params:
        if param.name is None or ctx.get_parameter_source(param.name) not in (
            ParameterSource.COMMANDLINE,
            ParameterSource.ENVIRONMENT,
        ):
            continue
        words += _words(param, ctx.params[param.name])
    return shlex.join(words)


def _words(param: Any, value: Any) -> list[str]:
    """One parameter's words on a command line (``param``: Click's)."""
    if param.param_type_name == "argument":  # DATA: a path
        return [str(Path(str(value)).absolute())]
    if param.is_flag:
        if value or not param.secondary_opts:
            return [param.opts[0]] if value else []
        return [param.secondary_opts[0]]
    text = str(value)
    if text.startswith("-") or param.opts[0] == "--dask":  # one word: --opt=value
        return [f"{param.opts[0]}={text}"]
    return [param.opts[0], text]
