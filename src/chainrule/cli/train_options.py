"""The options of ``chainrule train``, parsed: :class:`TrainOptions`.

:mod:`chainrule.cli.train` declares the command's options and fills a
:class:`TrainOptions`; :func:`check_options` refuses what needs no table;
:mod:`chainrule.cli.train_run` runs them. The options of ``Network.fit``
that the command offers come from one spec
(:data:`~chainrule.train.options.OPTIONS`), under the same names.
"""

from __future__ import annotations

import importlib.util
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from chainrule.cli.table_defaults import CHOSEN_BY_TABLE
from chainrule.data.labels import MISSING_TARGET
from chainrule.errors import ConfigError, InvalidValueError
from chainrule.train.optimizers import check_name
from chainrule.train.options import OPTIONS, check_given, cli_options
from chainrule.validation import check_epochs

#: The options of fit that ``chainrule train`` offers under the same names
#: (``--batch-size`` is ``batch_size``), with the spec's help and defaults: those
#: of :data:`~chainrule.train.options.OPTIONS` with a ``Flag``, as the spec is
#: at import (:func:`~chainrule.train.options.cli_options` reads it now).
FIT_OPTIONS = cli_options()


@dataclass
class TrainOptions:
    """The options of ``chainrule train``, parsed.

    The command's own options are fields. The options of fit that it offers
    (:func:`~chainrule.train.options.cli_options`: ``--epochs``,
    ``--batch-size``, ...) are in ``fit``, by their fit names, and read as
    attributes as well (``opts.batch_size``); one not in ``fit`` has the
    spec's default, or ``None`` for those chosen from the table
    (:data:`~chainrule.cli.table_defaults.CHOSEN_BY_TABLE`).
    """

    data: Path
    targets: list[str]
    hidden: list[int]
    activation: str
    output_activation: str | None
    loss: str | None
    optimizer: str
    l2: float
    seed: int
    validation_split: float | None
    scale_inputs: str
    scale_targets: str
    classify: bool
    out: Path | None
    plot: Path | None
    resume: bool = False
    dask: str | None = None
    inputs: list[str] | None = None
    drop: list[str] = field(default_factory=list)
    id: str | None = None
    missing: str = "impute"
    missing_target: str = "skip"
    regress: bool = False
    sep: str | None = None
    encoding: str | None = None
    decimal: str = "."
    keep: list[str] = field(default_factory=list)
    categorical: list[str] = field(default_factory=list)
    log_every: float = 10.0
    class_weight: str | None = None
    weight: str | None = None
    cv: int | None = None
    missing_indicator: bool = False
    dates: str = "error"
    fit: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        # reached only for a name that is not a field: a fit option
        option = OPTIONS.get(name)
        if option is None or option.cli is None:
            raise AttributeError(f"TrainOptions has no {name!r}")
        default = None if name in CHOSEN_BY_TABLE else option.default
        return self.__dict__.get("fit", {}).get(name, default)

    def replaced(self, **changes: Any) -> TrainOptions:
        """A copy with ``changes``, to fields and fit options alike."""
        own = {f.name for f in fields(self)}
        fit = {k: v for k, v in changes.items() if k not in own}
        kept = {k: v for k, v in changes.items() if k in own}
        return replace(self, **kept, fit={**self.fit, **fit})

    def record(self) -> dict[str, Any]:
        """Every option by name (fit's included), paths as text; not the files."""
        values = {k: v for k, v in asdict(self).items() if k != "fit"}
        values.update({name: getattr(self, name) for name in cli_options()})
        return {
            k: (str(v) if isinstance(v, Path) else v)
            for k, v in values.items()
            if k not in ("out", "plot", "data", "log_every")
        }


def flag(name: str) -> str:
    """The command-line spelling of a fit option: ``batch_size`` → ``--batch-size``."""
    return "--" + name.replace("_", "-")


def fit_options(opts: TrainOptions) -> dict[str, Any]:
    """The options of ``Network.fit`` that ``opts`` sets, by their fit names."""
    given: dict[str, Any] = {name: getattr(opts, name) for name in cli_options()}
    for name in CHOSEN_BY_TABLE:  # not chosen yet: the spec's default
        if given[name] is None:
            given[name] = OPTIONS[name].default
    if opts.checkpoint is not None:
        given["checkpoint"] = str(opts.checkpoint)
    given["resume"] = True if opts.resume else None
    return given


def check_options(opts: TrainOptions) -> None:
    """The refusals that need no table (the fit's options named as flags)."""
    check_epochs("--epochs", opts.epochs)
    if opts.plot is not None and importlib.util.find_spec("matplotlib") is None:
        raise ConfigError("--plot: needs matplotlib; pip install 'chainrule[plot]'")
    # the same refusals as Network.fit, named as flags
    check_given(check_name(opts.optimizer), fit_options(opts), spell=flag)
    if opts.missing not in ("impute", "error"):
        raise InvalidValueError(
            f"--missing: expected impute or error, got {opts.missing!r}"
        )
    if opts.missing_target not in MISSING_TARGET:
        raise InvalidValueError(
            f"--missing-target: expected skip or error, got {opts.missing_target!r}"
        )
    if opts.resume and opts.checkpoint is None:
        raise ConfigError("--resume: needs --checkpoint FILE to resume from")


__all__ = ["FIT_OPTIONS", "TrainOptions", "check_options", "fit_options", "flag"]
