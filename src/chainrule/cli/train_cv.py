"""``chainrule train --cv K``: K-fold cross-validation of a run's options.

The rows with a target are dealt to K folds (:func:`~chainrule.data.split.
fold_rows`: shuffled with ``--seed``, stratified by label for a
classification). For each fold, a network is trained on the other folds'
rows exactly as ``chainrule train`` trains on a table (the same options, so
its own validation split and early stopping inside those rows; fills,
categories and scaling fitted on them), then scored on the fold's rows.
The scores are printed per fold with their mean ± standard deviation
(population, ``ddof=0``, as NumPy's ``std``). The problem type is judged
once, on every row, so that each fold has the same classes.

No model is saved unless ``--out`` is given: then a final model is trained
on the whole table as without ``--cv``, saved, and the folds' scores are
kept in its training record (``cv_scores``), which ``info`` shows.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import typer
from rich.table import Table as RichTable

from chainrule.cli.common import LABELS, ExitCode, console, fmt, say
from chainrule.cli.train_options import TrainOptions, check_options
from chainrule.cli.train_run import Trained, run_train, train_table
from chainrule.cli.train_weights import score
from chainrule.data import prepare as tabular
from chainrule.data.frame import Table
from chainrule.data.labels import labels_of, problem_of, without_missing_targets
from chainrule.data.split import fold_rows, take_rows
from chainrule.data.tables import load_table
from chainrule.data.weights import weight_column
from chainrule.errors import ConfigError, DataFileError


def check_cv(opts: TrainOptions) -> None:
    """The options ``--cv`` refuses: a checkpoint shared by K runs, a plot
    with no final model, fewer than 2 folds."""
    if opts.cv < 2:
        raise ConfigError(f"--cv: expected 2 folds or more, got {opts.cv}")
    if opts.checkpoint is not None or opts.resume:
        raise ConfigError(
            "--checkpoint: not available with --cv (the folds' runs would share it)"
        )
    if opts.plot is not None and opts.out is None:
        raise ConfigError(
            "--plot: with --cv it draws the final model's cost curve; give --out "
            "to train and save one"
        )
    if opts.dask is not None:
        raise ConfigError("--cv: not available with --dask")


def run_cv(opts: TrainOptions) -> dict:
    """Cross-validate ``opts`` on its table; print and return the scores.

    Returns
    -------
    dict
        ``folds`` (K dicts of held-out metrics), ``mean`` and ``std`` (per
        metric, over the folds where it has a value), ``rows`` per fold.
    """
    check_options(opts)
    check_cv(opts)
    table = load_table(
        opts.data, sep=opts.sep, encoding=opts.encoding, decimal=opts.decimal
    )
    kept, no_target = without_missing_targets(table, opts.targets, opts.missing_target)
    targets = kept.expand(opts.targets)
    is_class, why = problem_of(kept, targets, opts.classify, opts.regress)
    labels = labels_of(kept, targets[0]) if is_class else None
    _check_classes(kept, targets[0], labels, opts.cv)
    folds = fold_rows(kept.n_rows, opts.cv, opts.seed, labels)
    con = console()
    if no_target:
        say(f"warning: {no_target} rows without a target value skipped")
    kind = "stratified by label" if is_class else "shuffled"
    con.print(
        f"{opts.data}: {kept.n_rows} rows; {opts.cv}-fold cross-validation "
        f"({kind}, seed {opts.seed}) of a "
        f"{'classification' if is_class else 'regression'} ({why}); each fold "
        "trains on the other folds' rows with these options"
    )
    each = opts.replaced(
        classify=is_class, regress=not is_class, missing_target="error", out=None
    )
    results = []
    for f, (tr, held) in enumerate(folds, start=1):
        t = train_table(each, take_rows(kept, tr))
        if t.hist.interrupted:
            say(f"interrupted in fold {f} of {opts.cv}; no score, no model")
            raise typer.Exit(ExitCode.INTERRUPTED)
        results.append(held_out_scores(t, take_rows(kept, held)))
        con.print(
            f"fold {f}/{opts.cv}: trained on {len(tr)} rows ({t.hist.message}), "
            f"scored on {len(held)}"
        )
    summary = summarise(results, [len(h) for _, h in folds])
    print_cv(con, summary)
    if opts.out is None:
        con.print(
            "No model saved: with --cv, --out FILE trains a final model on the "
            "whole table (as without --cv) and saves it"
        )
    else:
        con.print(
            f"Final model: trained on the whole table as without --cv, saved to "
            f"{opts.out}"
        )
        run_train(opts, record={"cv_scores": summary})
    return summary


def _check_classes(table: Table, target: str, labels, k: int) -> None:
    """Each label on two rows at least, so that every fold trains on it."""
    if labels is None:
        return
    label, n = min(Counter(labels.tolist()).items(), key=lambda kv: kv[1])
    if n < 2:
        raise DataFileError(
            f"{table.source}: column {target!r}: label {label!r:.40} has {n} row; "
            f"--cv {k} needs two rows of each label (one fold would train without it)"
        )


def held_out_scores(t: Trained, held: Table) -> dict:
    """The metrics of a fold's network on its held-out rows (weighted when
    the run has weights: the fold's class weights, the rows' weight column)."""
    net, meta = t.net, t.meta
    d = tabular.prepare_from_metadata(
        held, meta, net.n_inputs, net.n_outputs, with_targets=True
    )
    w = None
    if t.class_weights is not None or t.opts.weight is not None:
        w = np.ones(held.n_rows)
        if t.class_weights is not None:
            w = t.class_weights[d.y.argmax(axis=1)]
        if t.opts.weight is not None:
            w = w * weight_column(held, t.opts.weight)
    scores = score(net.forward(d.X), d.y, meta, w)
    scores.pop("confusion", None)
    return scores


def summarise(folds: list[dict], rows: list[int]) -> dict:
    """Mean and standard deviation (ddof=0) of each metric over the folds
    where it has a value (``None`` where none has)."""
    mean, std = {}, {}
    for name in folds[0]:
        values = [f[name] for f in folds if f.get(name) is not None]
        mean[name] = float(np.mean(values)) if values else None
        std[name] = float(np.std(values)) if values else None
    return {"folds": folds, "rows": rows, "mean": mean, "std": std}


def print_cv(con, summary: dict) -> None:
    """The folds' scores as a table: a row per metric, a column per fold."""
    folds = summary["folds"]
    table = RichTable(
        title=f"Cross-validation: held-out scores of {len(folds)} folds",
        caption="mean ± standard deviation over the folds",
    )
    table.add_column("metric")
    for f in range(1, len(folds) + 1):
        table.add_column(f"fold {f}", justify="right")
    table.add_column("mean ± std", justify="right")
    for name in folds[0]:
        m, s = summary["mean"][name], summary["std"][name]
        table.add_row(
            LABELS.get(name, name),
            *(fmt(f.get(name)) for f in folds),
            f"{fmt(m)} ± {fmt(s)}",
        )
    con.print(table)


__all__ = ["check_cv", "held_out_scores", "print_cv", "run_cv", "summarise"]
