"""``chainrule train`` on a table: the defaults that depend on its size, and
what is said about it (columns, skipped rows, IDs, fills).

- 20 % of the rows are held out for validation from :data:`SMALL` rows on;
- from :data:`LARGE` training rows, the first-order optimizers take
  minibatches of 200 (scikit-learn's ``batch_size=min(200, n)``) and stop
  when the validation cost has not improved for :data:`AUTO_PATIENCE`
  epochs, unless ``--batch-size`` or ``--early-stopping`` is given.

Examples
--------
>>> from types import SimpleNamespace as Opts
>>> o = Opts(validation_split=None, early_stopping=False, batch_size=None,
...          optimizer="adam")
>>> default_split(o, 9), default_split(o, 100), default_batch(o, 50_000)
(0.0, 0.2, 200)
"""

from __future__ import annotations

from chainrule.cli.common import say
from chainrule.data.encoding import id_like
from chainrule.data.prepare import Prepared
from chainrule.errors import ConfigError
from chainrule.train.optimizers import FIRST_ORDER, check_name

#: Epochs without a better validation cost before a large table's training stops
#: (unless --early-stopping is given, with its --patience).
AUTO_PATIENCE = 3
#: From this many training rows, first-order optimizers take minibatches.
LARGE = 10_000
#: The fraction held out by default, from :data:`SMALL` rows on.
DEFAULT_SPLIT, SMALL = 0.2, 10


def columns_text(d: Prepared) -> str:
    names = [c["name"] for c in d.columns or []]
    more = f" and {len(names) - 20} more" if len(names) > 20 else ""
    return f"{names[:20]}{more} ({len(d.inputs)} inputs)"


def batching_text(opts, n_val: int, n_rows: int) -> str:
    text = f"; minibatches of {opts.batch_size}" if opts.batch_size else ""
    if opts.early_stopping:
        text += f", early stopping (patience {opts.patience})"
    if not n_val and n_rows < SMALL:
        text += f" (none held out under {SMALL} rows)"
    return text


def default_split(opts, n: int) -> float:
    """--validation-split, or 0.2 from :data:`SMALL` rows on (else 0)."""
    split = opts.validation_split
    if split is None:
        split = 0.0 if n < SMALL else DEFAULT_SPLIT
    if opts.early_stopping and split == 0:
        raise ConfigError(
            "--early-stopping: needs --validation-split above 0 (none is held "
            f"out by default under {SMALL} rows)"
        )
    return split


def default_batch(opts, n_train: int) -> int | None:
    """scikit-learn's ``batch_size=min(200, n)`` for first-order optimizers on
    large tables, where training then stops early on the validation cost;
    full batches below :data:`LARGE` training rows."""
    if opts.batch_size is not None or check_name(opts.optimizer) not in FIRST_ORDER:
        return opts.batch_size
    return 200 if n_train >= LARGE else None


def tell(table, d: Prepared) -> None:
    """Warnings on stderr: skipped rows, columns that look like IDs, fills."""
    if table.skipped:
        say(
            f"warning: {table.skipped} empty rows skipped (every cell empty); "
            "row numbers in messages do not count them"
        )
    for name in id_like(table, [c["name"] for c in d.columns or []]):
        say(
            f"warning: column {name!r} looks like an index or identifier (a "
            f"different value in every row); leave it out with --drop {name}, "
            f"or keep it beside predictions with --id {name}"
        )
    for name, r in d.report.items():
        if r.missing:
            say(
                f"column {name!r}: {r.missing} missing cells filled with the "
                "training rows' median or most frequent value"
            )


__all__ = [
    "AUTO_PATIENCE",
    "DEFAULT_SPLIT",
    "LARGE",
    "SMALL",
    "batching_text",
    "columns_text",
    "default_batch",
    "default_split",
    "tell",
]
