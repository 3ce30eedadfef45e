"""Helpers shared by the commands: the console, number formatting, paths.

The commands' own modules import these; this module imports no command.
"""

from __future__ import annotations

import math
import os
import shutil
import sys
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.segment import Segment
from rich.table import Table as RichTable

from chainrule.cli.exit_codes import ExitCode as ExitCode
from chainrule.data import prepare as tabular
from chainrule.data.tables import load_table
from chainrule.errors import (
    ChainruleError,
    ConfigError,
    FileWriteError,
    InvalidValueError,
)
from chainrule.loading import load_with_metadata
from chainrule.persist.atomic import atomic_write_bytes
from chainrule.persist.model import model_bytes
from chainrule.persist.paths import check_outputs, check_target
from chainrule.validation import TerminalStream, terminal_text

#: ``--force``: replace an output file that is read-only (see
#: :func:`chainrule.persist.paths.check_outputs`).
Force = Annotated[
    bool, typer.Option("--force", help="Replace a read-only output file.")
]
#: The options of the commands that write a rendering (explain, worksheet, derive).
Format = Annotated[
    str, typer.Option("--format", "-f", help="text, markdown, latex, json or html.")
]
Out = Annotated[Path | None, typer.Option("--out", "-o", help="Write to this file.")]
Precision = Annotated[
    int, typer.Option("--precision", help="Significant digits of every number.")
]
#: The notation and convention of a derivation (explain, derive).
Notation = Annotated[
    str | None,
    typer.Option("--notation", help="welch (z2, delta3) or bracket (z[1], g[2z])."),
]
Convention = Annotated[
    str | None,
    typer.Option(
        "--convention",
        help="row (z = aW + b, the seeds) or column (Z = WA + b, CS230).",
    ),
]


def write_text(path: Path | None, text: str, json: bool = False) -> None:
    """``text`` to stdout, or atomically to ``path`` (UTF-8), said on stderr.

    On stdout, control characters are escaped
    (:func:`chainrule.validation.terminal_text`; ``json``: as ``\\u001b``).
    """
    if path is None:
        TerminalStream(sys.stdout, json=json).write(text)
        return
    atomic_write_bytes(path, text.encode("utf-8"))
    typer.echo(terminal_text(f"wrote {path}"), err=True)


class SafeConsole(Console):
    """A Rich console that shows control characters in text escaped.

    Strings (table cells, titles) are escaped before they are measured; any
    other text when it is rendered; Rich's own style codes are kept.
    """

    def render_str(self, text: str, **kwargs):
        """Rich's :meth:`~rich.console.Console.render_str` of the escaped text."""
        return super().render_str(terminal_text(text), **kwargs)

    def render(self, renderable, options=None):
        """Rich's segments, each one's text escaped."""
        for seg in super().render(renderable, options):
            if seg.control or not seg.text:
                yield seg
            else:
                yield Segment(terminal_text(seg.text), seg.style, seg.control)

    def on_broken_pipe(self) -> None:
        """Rich exits 1 on a closed pipe; let the command line exit 141."""
        raise BrokenPipeError


def console(stderr: bool = False) -> Console:
    """Standard output through Rich; long lines stay whole (for grep and scripts).

    Markup and emoji codes are off: column names, labels and paths are
    printed as written (``x[/b]`` or ``[red]`` in a name is text, not style),
    control characters escaped (:class:`SafeConsole`).
    """
    return SafeConsole(
        highlight=False, soft_wrap=True, markup=False, emoji=False, stderr=stderr
    )


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


def names_option(flag: str, text: str | None) -> list[str] | None:
    """``--inputs a,b`` as ``["a", "b"]``; ``None`` when not given."""
    if text is None:
        return None
    names = [t.strip() for t in text.split(",") if t.strip()]
    if not names:
        raise InvalidValueError(f"{flag}: expected column names like a,b, got {text!r}")
    return names


def sep_option(text: str | None) -> str | None:
    """``--sep``: one character; ``tab`` or ``\\t`` for a tab."""
    if text is None:
        return None
    sep = "\t" if text.lower() in ("tab", "\\t", "\t") else text
    if len(sep) != 1 or sep in '"\r\n':
        raise InvalidValueError(
            f"--sep: expected one character such as ',' ';' '|' or 'tab', got {text!r}"
        )
    return sep


LABELS = {"r2": "R²", "mae": "MAE", "rmse": "RMSE", "macro_f1": "macro F1"}
LABELS.update(balanced_accuracy="balanced accuracy", log_loss="log loss")
LABELS.update(roc_auc="ROC AUC", pr_auc="PR AUC (average precision)")
LABELS.update(
    weighted_accuracy="weighted accuracy",
    weighted_log_loss="weighted log loss",
    weighted_r2="weighted R²",
    weighted_mae="weighted MAE",
    weighted_rmse="weighted RMSE",
)


def print_metrics(
    con, metrics: dict, meta: dict, caption: str | None = None, title: str = "Metrics"
) -> None:
    """Metrics by part (train, validation...) and a confusion matrix, as tables."""
    table = RichTable(title=title, caption=caption)
    table.add_column("metric")
    for part in metrics:
        table.add_column(part, justify="right")
    first = next(iter(metrics.values()))
    for name in first:
        if name != "confusion":
            label = LABELS.get(name, name)
            table.add_row(label, *(fmt(metrics[p].get(name)) for p in metrics))
    con.print(table)
    classes = meta.get("classes")
    if classes and "confusion" in first:
        part = list(metrics)[-1]
        cm = RichTable(title=f"Confusion matrix ({part}; rows true, columns predicted)")
        cm.add_column("")
        for label in classes:
            cm.add_column(label, justify="right")
        for label, row in zip(classes, metrics[part]["confusion"], strict=True):
            cm.add_row(label, *(str(v) for v in row))
        con.print(cm)


def check_paths(
    outputs: Mapping[str, Path | None],
    inputs: Mapping[str, Path | None],
    force: bool = False,
) -> None:
    """Every command's first step: see :func:`chainrule.persist.paths.check_outputs`."""
    check_outputs(outputs, inputs, force=force)


def check_model_first(command: str, model: Path, data: Path) -> None:
    """Refuse ``chainrule COMMAND DATA MODEL`` (a table, then a ``.safetensors``)."""
    if data.suffix.lower() == ".safetensors" != model.suffix.lower():
        raise ConfigError(
            f"the model comes first: chainrule {command} MODEL DATA (got "
            f"{str(model)!r} as MODEL and {str(data)!r} as DATA)"
        )


def interrupted_path(out: Path) -> Path:
    """Where an interrupted run saves: ``NAME.interrupted.safetensors``."""
    return out.with_name(f"{out.stem or out.name}.interrupted.safetensors")


def _fallbacks(out: Path) -> list[Path]:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    name = f"{out.stem or 'model'}.unsaved-{stamp}.safetensors"
    return [out.with_name(name), Path(tempfile.gettempdir()) / name]


def save_model(net, out: Path, meta: dict, *, trimmed: tuple = ("training",)) -> Path:
    """Save the trained model to ``out``; if that fails, to a fallback, and say so.

    The fallbacks are ``NAME.unsaved-DATE.safetensors`` in ``out``'s folder,
    then in the temporary folder; metadata that cannot be saved is trimmed
    (the keys ``trimmed`` first, then all of it). Returns ``out`` on success.

    Raises
    ------
    FileWriteError
        ``out`` could not be written; the message names where the model is.
    """
    try:
        net.save(str(out), metadata=meta)
        return out
    except (ChainruleError, OSError) as exc:
        reason = " ".join(str(exc).split())
    finite = _finite_only(meta)
    if finite != meta:  # an overflow in the training record: save it as null
        try:
            net.save(str(out), metadata=finite)
        except (ChainruleError, OSError):
            pass
        else:
            say("warning: non-finite numbers in the training record saved as null")
            return out
    metas = [meta, {k: v for k, v in meta.items() if k not in trimmed}, {}]
    for path in _fallbacks(out):
        try:  # the gate of every output: no link, no special file, not read-only
            check_target("--out", path, probe=False)
        except ConfigError:
            continue
        for i, m in enumerate(metas):
            try:
                net.save(str(path), metadata=m)
            except (ChainruleError, OSError):
                continue
            lost = ["", " without its training record", " without its metadata"][i]
            raise FileWriteError(
                f"--out: the model could not be written to {str(out)!r} ({reason}); "
                f"it was saved to {str(path)!r}{lost} instead"
            )
    raise FileWriteError(
        f"--out: the model could not be written to {str(out)!r} ({reason}), nor "
        "to a fallback in its folder or the temporary folder"
    )


def _finite_only(value: object) -> object:
    """``value`` with every non-finite float replaced by ``None`` (JSON null)."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite_only(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite_only(v) for v in value]
    return value


def check_saveable(net, meta: dict) -> None:
    """Refuse before training what the final save would refuse (header, JSON)."""
    model_bytes(net.config(), net.params, meta)


#: Columns named one line each in a note on filled cells; more are summed up.
FILLED_LINES = 3


def filled_lines(counts: Mapping[str, int], how: str) -> list[str]:
    """The notes on missing cells filled, from each column's count.

    A line per column for a few columns (:data:`FILLED_LINES`); one line
    for more, with the total and the first columns named.

    Examples
    --------
    >>> filled_lines({"a": 2, "b": 0}, "as in training")
    ["column 'a': 2 missing cells filled as in training"]
    >>> filled_lines({c: 10 for c in "abcdef"}, "as in training")
    ["60 missing cells filled as in training, in 6 columns: 'a' (10), 'b' (10), \
'c' (10) and 3 more"]
    """
    filled = {name: n for name, n in counts.items() if n}
    if len(filled) <= FILLED_LINES:
        return [
            f"column {k!r}: {n} missing cells filled {how}" for k, n in filled.items()
        ]
    first = ", ".join(f"{k!r} ({n})" for k, n in list(filled.items())[:FILLED_LINES])
    return [
        f"{sum(filled.values())} missing cells filled {how}, in {len(filled)} "
        f"columns: {first} and {len(filled) - FILLED_LINES} more"
    ]


def say(text: str) -> None:
    """One line on stderr, prefixed ``chainrule:``."""
    print(terminal_text(f"chainrule: {text}"), file=sys.stderr)


def model_and_data(
    model: Path,
    data: Path,
    targets: list[str] | None,
    with_y: bool,
    sep: str | None = None,
    encoding: str | None = None,
):
    """The network, its metadata, the table and its arrays, for a command."""
    net, meta = load_with_metadata(model)
    table = load_table(data, sep=sep, encoding=encoding)
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


NARROWEST = 40  # a narrower COLUMNS is read as this


def text_width() -> int:
    """The columns that text is folded to, as Rich (and ``explain`` on a
    terminal) chooses them: ``COLUMNS`` when set, else the terminal's width,
    80 when standard output is not a terminal; at least :data:`NARROWEST`."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        width = int(columns)
    elif sys.stdout.isatty():
        width = shutil.get_terminal_size().columns
    else:
        width = 80
    return max(width, NARROWEST)
