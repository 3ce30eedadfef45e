"""``chainrule train`` on a table: the defaults that depend on its size and
on the optimizer, and what is said about it (columns, skipped rows, IDs,
fills).

- 20 % of the rows are held out for validation from :data:`SMALL` rows on;
- whenever rows are held out, the first-order optimizers keep the epoch with
  the best validation cost: early stopping with :data:`AUTO_PATIENCE` epochs
  of minibatches (scikit-learn's ``n_iter_no_change``) or
  :data:`FULL_BATCH_PATIENCE` full-batch epochs (one update each), the best
  epoch restored at the end
  (``--no-early-stopping`` turns it off; ``--patience`` or ``--tol`` turns it
  on with that value);
- from :data:`LARGE` training rows, the first-order optimizers take
  minibatches of 200 (scikit-learn's ``batch_size=min(200, n)``), unless
  ``--batch-size`` is given; with minibatches, Adam's learning rate is 0.001
  (:data:`MINIBATCH_RATES`, scikit-learn's and Keras' default) instead of its
  full-batch 0.01.

Examples
--------
>>> from types import SimpleNamespace as Opts
>>> o = Opts(validation_split=None, early_stopping=None, patience=None,
...          tol=None, batch_size=None, learning_rate=None, optimizer="adam")
>>> default_split(o, 9), default_split(o, 100), default_batch(o, 50_000)
(0.0, 0.2, 200)
>>> stopping(o, n_val=20)
{'early_stopping': True, 'patience': 100, 'tol': 0.0}
>>> stopping(o, n_val=20, minibatches=True)["patience"]
10
>>> stopping(o, n_val=0)["early_stopping"]
False
>>> default_rate(o, 200, 50_000), default_rate(o, None, 500)
(0.001, 0.01)
"""

from __future__ import annotations

from chainrule.cli.common import filled_lines
from chainrule.data.encoding import id_like
from chainrule.data.judge import shell
from chainrule.data.prepare import Prepared
from chainrule.errors import ConfigError
from chainrule.train.optimizers import FIRST_ORDER, TABLE, check_name

#: Epochs of minibatches without a better validation cost before training
#: stops and the best epoch is restored, whenever rows are held out
#: (scikit-learn's ``n_iter_no_change``); ``--patience`` instead.
AUTO_PATIENCE = 10
#: The same for full-batch epochs, which are one update each: Adam's first
#: hundred or so updates on a small table can raise the validation cost for a
#: while before it falls again (vega's cars: stopped at epoch 29 with
#: patience 10, R² 0.72 held out; 0.89 with 100). Stopping later costs little
#: since the best epoch is kept.
FULL_BATCH_PATIENCE = 100
#: The learning rate of a first-order optimizer with minibatches, where it is
#: not its full-batch default: Adam 0.001, as scikit-learn and Keras.
MINIBATCH_RATES = {"adam": 0.001}
#: The options of fit whose ``chainrule train`` default depends on the table:
#: not given (``None``) on the command line, chosen here; the note is added to
#: their help.
CHOSEN_BY_TABLE = {
    "early_stopping": "chainrule train: on whenever rows are held out for "
    f"validation (first-order optimizers; patience {AUTO_PATIENCE} with "
    f"minibatches, {FULL_BATCH_PATIENCE} with full batches), the best epoch "
    "kept; --no-early-stopping to train every epoch and keep the last.",
    "patience": f"chainrule train: {AUTO_PATIENCE} with minibatches, "
    f"{FULL_BATCH_PATIENCE} with full batches; giving it turns early stopping on.",
    "tol": "chainrule train: 0; giving it turns early stopping on.",
}
#: From this many training rows, first-order optimizers take minibatches.
LARGE = 10_000
#: The fraction held out by default, from :data:`SMALL` rows on.
DEFAULT_SPLIT, SMALL = 0.2, 10


def columns_text(d: Prepared) -> str:
    names = [c["name"] for c in d.columns or []]
    more = f" and {len(names) - 20} more" if len(names) > 20 else ""
    return f"{names[:20]}{more} ({len(d.inputs)} inputs)"


def batching_text(opts, n_val: int, n_rows: int) -> str:
    """The optimizer, its learning rate, the batches and early stopping, as
    the summary line says them (``opts`` resolved: :func:`stopping`,
    :func:`default_rate`)."""
    text = f"; {check_name(opts.optimizer)}"
    if opts.learning_rate is not None:
        regime = "minibatches" if opts.batch_size else "full batch"
        text += f", learning rate {opts.learning_rate:g} ({regime})"
    if opts.batch_size:
        text += f", minibatches of {opts.batch_size}"
    if opts.early_stopping:
        text += (
            f", early stopping (patience {opts.patience}"
            + (f", tol {opts.tol:g}" if opts.tol else "")
            + "; the best epoch is kept)"
        )
    elif n_val and check_name(opts.optimizer) in FIRST_ORDER:
        text += ", no early stopping (the last epoch is kept)"
    if not n_val and n_rows < SMALL:
        text += f" (none held out under {SMALL} rows)"
    return text


def stopping(opts, n_val: int, minibatches: bool = False) -> dict:
    """``early_stopping``, ``patience`` and ``tol`` as the fit takes them.

    The default patience is :data:`AUTO_PATIENCE` epochs with minibatches,
    :data:`FULL_BATCH_PATIENCE` with full batches.

    ``--early-stopping`` / ``--no-early-stopping`` when given; else on when
    ``--patience`` or ``--tol`` is given, or when ``n_val`` rows are held out
    and the optimizer is first order. Raises ``ConfigError`` for
    ``--no-early-stopping`` with ``--patience`` or ``--tol``, and for those
    with an optimizer that has no epochs to stop (bfgs, lbfgs).
    """
    given = (("--patience", opts.patience), ("--tol", opts.tol))
    asked = [f for f, v in given if v is not None]
    if asked and opts.early_stopping is False:
        raise ConfigError(
            f"{asked[0]}: sets early stopping, which --no-early-stopping turns "
            "off; give one or the other"
        )
    name = check_name(opts.optimizer)
    if asked and name not in FIRST_ORDER:
        raise ConfigError(
            f"{asked[0]}: early stopping is for the first-order optimizers "
            f"({', '.join(FIRST_ORDER)}), not {name}"
        )
    on = opts.early_stopping
    if on is None:
        on = bool(asked) or (n_val > 0 and name in FIRST_ORDER)
    # bfgs and lbfgs take no patience: they get fit's default, which they ignore
    auto = (
        AUTO_PATIENCE
        if minibatches or name not in FIRST_ORDER
        else (FULL_BATCH_PATIENCE)
    )
    patience = auto if opts.patience is None else opts.patience
    return {
        "early_stopping": bool(on),
        "patience": patience,
        "tol": 0.0 if opts.tol is None else opts.tol,
    }


def default_rate(opts, batch: int | None, n_train: int) -> float | None:
    """--learning-rate, else the optimizer's: :data:`MINIBATCH_RATES` with
    minibatches smaller than the training rows, else its default (``None``
    for bfgs and lbfgs, which take none)."""
    if opts.learning_rate is not None:
        return opts.learning_rate
    name = check_name(opts.optimizer)
    if batch is not None and batch < n_train and name in MINIBATCH_RATES:
        return MINIBATCH_RATES[name]
    return TABLE[name].learning_rate


def default_split(opts, n: int) -> float:
    """--validation-split, or 0.2 from :data:`SMALL` rows on (else 0)."""
    split = opts.validation_split
    if split is None:
        split = 0.0 if n < SMALL else DEFAULT_SPLIT
    asked = [
        f
        for f, v in (
            ("--early-stopping", opts.early_stopping),
            ("--patience", opts.patience),
            ("--tol", opts.tol),
        )
        if v is not None and v is not False
    ]
    if asked and split == 0:
        raise ConfigError(
            f"{asked[0]}: early stopping needs --validation-split above 0 (none "
            f"is held out by default under {SMALL} rows)"
        )
    return split


def default_batch(opts, n_train: int) -> int | None:
    """scikit-learn's ``batch_size=min(200, n)`` for first-order optimizers on
    large tables; full batches below :data:`LARGE` training rows."""
    if opts.batch_size is not None or check_name(opts.optimizer) not in FIRST_ORDER:
        return opts.batch_size
    return 200 if n_train >= LARGE else None


def notes(table, d: Prepared, keep=()) -> list[str]:
    """The warnings of a run, to print on stderr once it is trained: skipped
    rows, identifiers left out or used, number-like text, filled cells.

    Made from ``table`` before the fit, so that the table need not be kept.
    """
    out = []
    if table.skipped:
        out.append(
            f"warning: {table.skipped} empty rows skipped (every cell empty); "
            "row numbers in messages do not count them"
        )
    like = [c for c in table.names if table.kinds.get(c) == "number-like"]
    if like:
        out.append(
            f"note: columns {like} hold number-like text (%, a currency sign, "
            "thousands separators, decimal commas), read as numbers"
        )
    if d.no_target:
        out.append(
            f"warning: {d.no_target} rows without a target value skipped (never "
            "imputed, never a class); --missing-target error refuses them"
        )
    for name in d.left_out:
        q = shell(name)
        out.append(
            f"column {name!r} looks like an index or identifier (a different "
            f"value in every row): left out of the inputs; use it as an input "
            f"with --keep {q}, or keep it beside predictions with --id {q}"
        )
    used = [  # the table's own columns (not date parts, not indicators)
        c["name"]
        for c in d.columns or []
        if c["name"] not in keep and c["name"] in table.columns
    ]
    for name in id_like(table, used):
        q = shell(name)
        out.append(
            f"warning: column {name!r} looks like an index or identifier (a "
            f"different value in every row); leave it out with --drop {q}, "
            f"or keep it beside predictions with --id {q}"
        )
    counts = {name: r.missing for name, r in d.report.items()}
    how = "with the training rows' median or most frequent value"
    return out + filled_lines(counts, how)


__all__ = [
    "AUTO_PATIENCE",
    "FULL_BATCH_PATIENCE",
    "CHOSEN_BY_TABLE",
    "DEFAULT_SPLIT",
    "LARGE",
    "MINIBATCH_RATES",
    "SMALL",
    "batching_text",
    "columns_text",
    "default_batch",
    "default_rate",
    "default_split",
    "stopping",
    "notes",
]
