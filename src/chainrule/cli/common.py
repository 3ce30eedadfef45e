"""Helpers shared by the commands: the console, number formatting, paths.

The commands' own modules import these; this module imports no command.
"""

from __future__ import annotations

import math
from enum import IntEnum
from pathlib import Path

from rich.console import Console

from chainrule.data import prepare as tabular
from chainrule.data.tables import load_table
from chainrule.errors import ConfigError, InvalidValueError
from chainrule.loading import load_with_metadata


class ExitCode(IntEnum):
    """Exit codes of the ``chainrule`` command."""

    OK = 0
    ERROR = 1
    USAGE = 2


def console() -> Console:
    """Standard output through Rich; long lines stay whole (for grep and scripts)."""
    return Console(highlight=False, soft_wrap=True)


def fmt(v: float | None) -> str:
    """A metric for a table: ``-`` when absent, ``n/a`` when NaN."""
    if v is None:
        return "-"
    return "n/a" if math.isnan(v) else f"{v:.6g}"


def parse_layers(text: str) -> list[int]:
    """``--layers 16,8`` as ``[16, 8]``; ``none`` or empty for no hidden layer."""
    if text.strip().lower() in ("", "none"):
        return []
    try:
        sizes = [int(s) for s in text.split(",")]
    except ValueError:
        sizes = []
    if not sizes or min(sizes) < 1:
        raise InvalidValueError(
            f"--layers: expected hidden layer sizes like 16,8 (or 'none'), got {text!r}"
        )
    return sizes


def check_folder(option: str, path: Path | None) -> None:
    """``path`` names a file to write in a folder that exists."""
    if path is None:
        return
    if not path.parent.is_dir():
        raise ConfigError(f"{option}: the folder {str(path.parent)!r} does not exist")
    if path.is_dir():
        raise ConfigError(f"{option}: {str(path)!r} is a folder; expected a file name")


def model_and_data(model: Path, data: Path, targets: list[str] | None, with_y: bool):
    net, meta = load_with_metadata(model)
    table = load_table(data)
    if "inputs" not in meta:
        meta = tabular.plain_metadata(table, targets or [], net.n_outputs)
    elif targets is not None and table.expand(targets) != meta["targets"]:
        raise ConfigError(
            f"--target: the model was trained on {meta['targets']}, got {targets}"
        )
    d = tabular.prepare_from_metadata(
        table, meta, net.n_inputs, net.n_outputs, with_targets=with_y
    )
    return net, meta, table, d
