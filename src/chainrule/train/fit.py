"""The fit loop: optimizers, minibatches, history, early stopping, callbacks.

Examples
--------
The tutorial's part 6: BFGS on the test-score data.

>>> import chainrule as cr
>>> X, y = cr.datasets.test_scores()
>>> net = cr.Network([2, 3, 1], seed=0)
>>> hist = net.fit(X, y, optimizer="bfgs", epochs=200)
>>> hist.cost[-1] < 1e-6
True
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import numpy as np

from chainrule.accel.threads import blas_threads
from chainrule.errors import ConfigError
from chainrule.train import optimizers as _opt
from chainrule.train.dask_engine import is_dask
from chainrule.train.options import (
    OPTIONS,
    History,
    Settings,
    check_given,
    unknown_option,
)
from chainrule.train.protocol import TrainableNetwork, Validation

Array = np.ndarray
#: A training loop: ``loop(net, X, y, val, settings, rng) -> History``.
Loop = Callable[
    [TrainableNetwork, Array, Array, Validation | None, Settings, np.random.Generator],
    History,
]


def split_validation(
    X: Array,
    y: Array,
    fraction: float,
    rng: np.random.Generator,
    weights: Array | None = None,
) -> tuple[Any, ...]:
    """Hold out ``fraction`` of the rows, drawn by ``rng``, for validation.

    Returns ``(X_train, y_train, val)`` with ``val = (X_val, y_val)``, and
    with ``weights``: ``(X_train, y_train, val, w_train)`` where ``val =
    (X_val, y_val, w_val)``.
    """
    if not 0 < fraction < 1:
        raise ConfigError(
            f"validation_split: expected a fraction in (0, 1), got {fraction!r}"
        )
    n = X.shape[0]
    n_val = int(round(n * fraction))
    if n_val < 1 or n_val >= n:
        raise ConfigError(
            f"validation_split: {fraction} of {n} examples leaves "
            f"{n_val} for validation and {n - n_val} for training; both need >= 1"
        )
    order = rng.permutation(n)
    val, train = np.sort(order[:n_val]), np.sort(order[n_val:])
    if weights is None:
        return X[train], y[train], (X[val], y[val])
    return X[train], y[train], (X[val], y[val], weights[val]), weights[train]


def _check_resume(
    resume: str | os.PathLike[str] | bool | None, ckpt: str | None
) -> None:
    """``resume`` needs a checkpoint; read it now, so a bad file fails before work."""
    if resume is None or resume is False:
        return
    if resume is True:
        if ckpt is None:
            raise ConfigError("resume=True: expected a checkpoint= path to resume from")
        if not os.path.exists(ckpt):
            return  # resume=True with no checkpoint yet: a fresh start
        path = ckpt
    else:
        path = os.fspath(resume)
    from chainrule.train.checkpoint import read

    read(path)


def _checked_options(
    optimizer: object, name: str, given: dict[str, Any]
) -> dict[str, Any]:
    """Every option of the spec, checked; defaults filled in.

    The flags' types come first (a flag that is not a bool is named as such,
    not as an option the optimizer ignores), then the options the optimizer
    does not use, then every other option's ``check``, in the spec's order.
    """
    for key in given:
        if key not in OPTIONS:
            raise unknown_option(key)
    o = {**{k: opt.default for k, opt in OPTIONS.items()}, **given}
    checked = {
        k: opt.check(k, o[k])
        for k, opt in OPTIONS.items()
        if opt.check is not None and isinstance(opt.default, bool)
    }
    check_given(name, given, object_given=not isinstance(optimizer, str))
    for k, opt in OPTIONS.items():
        if k not in checked:
            checked[k] = o[k] if opt.check is None else opt.check(k, o[k])
    _check_resume(checked["resume"], checked["checkpoint"])
    return checked


def settings(
    optimizer: object, options: dict[str, Any], net_seed: int | None
) -> Settings:
    """Check every option against :data:`~chainrule.train.options.OPTIONS`.

    In this order: unknown (misspelt) names, the flags' types, the options
    the optimizer does not use (:func:`~chainrule.train.options.check_given`),
    then each value (its ``check`` in the spec), then the hyperparameters, as
    the optimizer is made (:func:`~chainrule.train.optimizers.resolve`).
    """
    name = _opt.check_name(optimizer)
    o = _checked_options(optimizer, name, options)
    hyper = {k for k, opt in OPTIONS.items() if opt.hyper}
    opt = _opt.resolve(
        optimizer,
        o["learning_rate"],
        **{k: o[k] for k in hyper - {"learning_rate"}},
    )
    if o["seed"] is None:
        o["seed"] = net_seed
    return Settings(name, opt, **{k: v for k, v in o.items() if k not in hyper})


def fit(
    net: TrainableNetwork,
    X: object,
    y: object,
    optimizer: object = "bfgs",
    **options: Any,
) -> History:
    """Train ``net`` in place and return its :class:`History`.

    Parameters
    ----------
    net : Network
    X : (n, n_inputs) array_like, or a SciPy sparse matrix (CSR or CSC)
    y : (n, n_outputs) array_like
    optimizer : {"gd", "sgd", "adam", "bfgs", "lbfgs"} or optimizer object
        A shortcut, or an object of :mod:`chainrule.train.optimizers`
        (``adam(learning_rate=1e-3)``) that carries its hyperparameters.
    **options
        The options of :data:`~chainrule.train.options.OPTIONS`, documented
        at :meth:`chainrule.Network.fit`. A misspelt one, or one the
        optimizer does not use, is a ``ConfigError``.

    Returns
    -------
    History

    Raises
    ------
    ConfigError
        An unknown option or one the optimizer would ignore, before any work.
    DivergenceError
        When the cost stops being finite; ``net`` keeps the parameters of
        the last epoch with a finite cost and the error carries ``.epoch``
        and ``.history``.
    """
    s = settings(optimizer, options, net.seed)
    if is_dask(X) or is_dask(y):
        from chainrule.train.distributed import fit_dask

        return fit_dask(net, X, y, s, options)
    Xa, ya = net.check_data(X, y)
    w = net.check_sample_weight(options.get("sample_weight"), Xa.shape[0])
    rng = np.random.default_rng(s.seed)
    split = options.get("validation_split")
    validation_data = options.get("validation_data")
    if split is not None:
        if validation_data is not None:
            raise ConfigError("validation_split: give it or validation_data, not both")
        Xa, ya, val, *rest = split_validation(Xa, ya, float(split), rng, w)
        w = rest[0] if rest else None
    else:
        val = None if validation_data is None else net.check_data(*validation_data)
    s.sample_weight = w
    run: Loop
    if s.optimizer in _opt.QUASI_NEWTON:
        from chainrule.train.quasi_newton import fit_scipy as run
    else:
        from chainrule.train.first_order import fit_first_order as run
    batch = Xa.shape[0] if s.batch_size is None else min(s.batch_size, Xa.shape[0])
    with blas_threads(s.threads, net.sizes, batch):
        if not options.get("progress"):
            return run(net, Xa, ya, val, s, rng)
        from chainrule.train.progress import ProgressBar

        with ProgressBar(total=s.epochs, description=f"fit ({s.optimizer})") as bar:
            s.callbacks.append(bar)
            return run(net, Xa, ya, val, s, rng)
