"""Tables larger than memory: Parquet read in partitions on Dask workers.

:func:`prepare_training` is :func:`chainrule.data.prepare.prepare_training`
for a Dask DataFrame: the scaling statistics come from one distributed pass
(each partition's count, mean, sum of squared deviations and largest
absolute value, combined in a fixed order), and the inputs and targets are
lazy Dask arrays, scaled chunk by chunk where the chunk is read. Nothing is
gathered on the driver but one row of statistics per partition.

Numeric columns only: a classification needs the set of labels first, and
missing values are refused as in memory.

Examples
--------
>>> import numpy as np
>>> parts = [partition_stats(np.array([[1.0], [2.0]])),
...          partition_stats(np.array([[4.0]]))]
>>> n, mean, m2, top = combine_stats(parts)
>>> int(n), mean.tolist(), m2.tolist(), top.tolist()
(3, [2.333333333333333], [4.666666666666666], [4.0])
"""

from __future__ import annotations

import glob
import os

import numpy as np

from chainrule.data.prepare import Prepared
from chainrule.data.scaling import METHODS, Scaler
from chainrule.errors import ConfigError, DataFileError

Array = np.ndarray


def read_parquet(pattern: str | os.PathLike):
    """A Dask DataFrame of the Parquet files matching ``pattern``.

    Raises
    ------
    DataFileError
        No file matches, or the files cannot be read as Parquet.
    """
    import dask.dataframe as dd

    src = os.fspath(pattern)
    files = sorted(glob.glob(src)) if glob.has_magic(src) else [src]
    if not files or not all(os.path.exists(f) for f in files):
        raise DataFileError(f"{src}: no Parquet file matches")
    try:
        return dd.read_parquet(files)
    except Exception as exc:  # pyarrow raises ArrowInvalid, OSError, ...
        raise DataFileError(f"{src}: not readable as Parquet ({exc})") from None


def partition_stats(A: Array, names=None) -> tuple[int, Array, Array, Array]:
    """``(n, mean, Σ (x − mean)², max |x|)`` per column of one partition.

    Missing (NaN) or infinite cells are a :class:`DataFileError` naming the
    column (``names``, else its number).
    """
    A = np.asarray(A, dtype=np.float64)
    if not np.all(np.isfinite(A)):
        col = int(np.argwhere(~np.isfinite(A))[0, 1])
        name = repr(names[col]) if names is not None else str(col + 1)
        raise DataFileError(
            f"column {name}: missing or infinite value; every cell must be a number"
        )
    n, k = A.shape
    if n == 0:
        return 0, np.zeros(k), np.zeros(k), np.zeros(k)
    mean = A.mean(axis=0)
    d = A - mean
    return n, mean, np.sum(d * d, axis=0), np.max(np.abs(A), axis=0)


def _merge(a, b):
    # Chan, Golub & LeVeque (1979), "Updating formulae and a pairwise
    # algorithm for computing sample variances": for parts A and B,
    # M2 = M2_A + M2_B + δ² n_A n_B / n with δ = mean_B − mean_A.
    na, ma, sa, xa = a
    nb, mb, sb, xb = b
    if na == 0 or nb == 0:
        return a if nb == 0 else b
    n = na + nb
    delta = mb - ma
    return (
        n,
        ma + delta * (nb / n),
        sa + sb + delta * delta * (na * nb / n),
        (np.maximum(xa, xb)),
    )


def combine_stats(parts: list) -> tuple[int, Array, Array, Array]:
    """Merge partition statistics pairwise in a tree fixed by their order."""
    parts = list(parts)
    while len(parts) > 1:
        odd = [parts[-1]] if len(parts) % 2 else []
        parts = [_merge(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]
        parts += odd
    return parts[0]


def scaler_from_stats(method: str, stats) -> Scaler:
    """The :class:`Scaler` that ``Scaler.fit(method, A)`` gives, from stats."""
    n, mean, m2, top = stats
    k = mean.shape[0]
    offset, scale = np.zeros(k), np.ones(k)
    if method == "max":
        scale = top
    elif method == "standard":
        offset, scale = mean, np.sqrt(m2 / n)  # population std, as numpy's std
    return Scaler(method, offset, np.where(scale > 0, scale, 1.0))


def _scale(block: Array, offset: Array, scale: Array) -> Array:
    out = np.subtract(np.asarray(block, dtype=np.float64), offset)
    out /= scale  # (block - offset) / scale, in one new array
    return out


def prepare_training(
    ddf, targets: list[str], scale_inputs: str = "standard", scale_targets="standard"
) -> Prepared:
    """Scaled inputs and targets of a Dask DataFrame, as lazy Dask arrays.

    Runs one pass over the partitions (on the current Dask client) for the
    statistics and the row counts; ``Prepared.X`` and ``.y`` are then Dask
    arrays whose chunks are the partitions, scaled where they are read.

    Raises
    ------
    ConfigError
        A target is missing, named twice, or every column is a target; a
        column is not numeric; an unknown scaling method.
    DataFileError
        A missing or infinite cell, or no rows.
    """
    import dask

    methods = {"--scale-inputs": scale_inputs, "--scale-targets": scale_targets}
    for name, m in methods.items():
        if m not in METHODS:
            raise ConfigError(f"{name}: expected one of {METHODS}, got {m!r}")
    names = [str(c) for c in ddf.columns]
    _check_columns(ddf, names, targets)
    inputs = [c for c in names if c not in targets]
    parts = ddf[inputs + targets].to_delayed()
    stat = dask.delayed(partition_stats, pure=True)
    stats = dask.compute(*[stat(p.to_numpy(), inputs + targets) for p in parts])
    lengths = [int(s[0]) for s in stats]
    if sum(lengths) == 0:
        raise DataFileError("no rows of data")
    k = len(inputs)
    both = combine_stats(stats)
    x_stats = tuple(v if np.ndim(v) == 0 else v[:k] for v in both)
    y_stats = tuple(v if np.ndim(v) == 0 else v[k:] for v in both)
    xs = scaler_from_stats(scale_inputs, x_stats)
    ys = scaler_from_stats(scale_targets, y_stats)
    # one array from the frame, then its columns: two arrays made from the
    # same frame could not be persisted together (Dask 2026.8 cancels them)
    Z = ddf[inputs + targets].to_dask_array(lengths=lengths)
    offset = np.concatenate([xs.offset, ys.offset])
    Z = Z.map_blocks(_scale, offset, np.concatenate([xs.scale, ys.scale]))
    return Prepared(Z[:, :k], Z[:, k:], inputs, list(targets), None, xs, ys)


def _check_columns(ddf, names: list[str], targets: list[str]) -> None:
    missing = [t for t in targets if t not in names]
    if missing:
        raise ConfigError(f"--target: no column {missing[0]!r}; columns are {names}")
    if len(set(targets)) != len(targets):
        raise ConfigError(f"--target: a column is named twice in {targets}")
    if len(targets) == len(names):
        raise ConfigError(f"--target: every column is a target ({targets})")
    text = [c for c, t in zip(names, ddf.dtypes, strict=True) if t.kind not in "biuf"]
    if text:
        raise ConfigError(
            f"--dask: column {text[0]!r} is not numeric; with --dask every "
            "column must be a number (no classification of labels yet)"
        )
