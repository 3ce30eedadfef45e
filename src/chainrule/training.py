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

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import minimize

from chainrule import optimizers as _opt
from chainrule.backward import backward
from chainrule.errors import DivergenceError
from chainrule.forward import forward, total_cost
from chainrule.validation import check_positive

Array = np.ndarray


@dataclass
class History:
    """What happened during :meth:`Network.fit`.

    Attributes
    ----------
    cost : list of float
        Training cost after each epoch (first-order optimizers) or each
        iteration (BFGS, L-BFGS).
    val_cost : list of float
        Validation cost at the same points; empty without validation data.
    time : list of float
        Seconds since the start of training at the same points.
    optimizer : str
    stopped_early : bool
    best_epoch : int or None
        The epoch (1-based) whose parameters were kept by early stopping.
    message : str
    """

    cost: list[float] = field(default_factory=list)
    val_cost: list[float] = field(default_factory=list)
    time: list[float] = field(default_factory=list)
    optimizer: str = ""
    stopped_early: bool = False
    best_epoch: int | None = None
    message: str = ""

    @property
    def epochs(self) -> int:
        """The number of epochs or iterations recorded."""
        return len(self.cost)

    def __len__(self) -> int:
        return len(self.cost)


def _cost_grad(net, params, X, y):
    _, cache = forward(params, X, net.activations)
    J = total_cost(params, cache, y, net.activations, net.loss, net.l2)
    return J, cache


def _diverged(hist: History, epoch: int, lr: float | None) -> DivergenceError:
    hint = f" (learning_rate={lr})" if lr is not None else ""
    err = DivergenceError(
        f"training diverged: the cost is not finite at epoch {epoch}; the "
        f"parameters of the last finite step are kept. Try a smaller "
        f"learning rate{hint}.",
        epoch=epoch,
    )
    err.history = hist
    return err


def fit(
    net,
    X,
    y,
    optimizer: str = "bfgs",
    epochs: int = 200,
    learning_rate: float | None = None,
    batch_size: int | None = None,
    validation_data: tuple | None = None,
    early_stopping: bool = False,
    callbacks: Sequence[Callable[..., Any]] = (),
    progress: bool = False,
    patience: int = 10,
    tol: float = 0.0,
    shuffle: bool = True,
    seed: int | None = None,
    **options: Any,
) -> History:
    """Train ``net`` in place and return its :class:`History`.

    Parameters
    ----------
    net : Network
    X : (n, n_inputs) array_like
    y : (n, n_outputs) array_like
    optimizer : {"gd", "sgd", "adam", "bfgs", "lbfgs"}
    epochs : int
        Epochs (first-order) or the maximum number of iterations (quasi-Newton).
    learning_rate : float, optional
        First-order optimizers only; defaults per optimizer.
    batch_size : int, optional
        ``None`` for full batch. Minibatches are drawn from a shuffle seeded
        by ``seed`` (default: the network's seed).
    validation_data : tuple (X_val, y_val), optional
    early_stopping : bool
        Stop when the validation cost (or the training cost without
        validation data) has not improved by more than ``tol`` for
        ``patience`` epochs, and restore the best parameters.
    callbacks : sequence of callables
        Called as ``callback(epoch, history, net)`` after each epoch; a
        callback that returns ``True`` stops training.
    progress : bool
        Show a progress bar (Rich).
    **options
        Passed to the optimizer (``momentum``, ``nesterov``, ``b1``, ...).

    Returns
    -------
    History

    Raises
    ------
    DivergenceError
        When the cost stops being finite; ``net`` keeps the last finite
        parameters and the error carries ``.history``.
    """
    name = _opt.check_name(optimizer)
    epochs = check_positive("epochs", epochs, integer=True)
    if learning_rate is not None:
        check_positive("learning_rate", learning_rate)
    if batch_size is not None:
        batch_size = check_positive("batch_size", batch_size, integer=True)
    Xa, ya = net.check_data(X, y)
    val = None
    if validation_data is not None:
        val = net.check_data(*validation_data)
    callbacks = list(callbacks)
    if progress:
        from chainrule.progress import ProgressBar

        bar = ProgressBar(total=epochs, description=f"fit ({name})")
        with bar:
            return _dispatch(
                net,
                Xa,
                ya,
                name,
                epochs,
                learning_rate,
                batch_size,
                val,
                early_stopping,
                [*callbacks, bar],
                patience,
                tol,
                shuffle,
                seed,
                options,
            )
    return _dispatch(
        net,
        Xa,
        ya,
        name,
        epochs,
        learning_rate,
        batch_size,
        val,
        early_stopping,
        callbacks,
        patience,
        tol,
        shuffle,
        seed,
        options,
    )


def _dispatch(
    net,
    Xa,
    ya,
    name,
    epochs,
    learning_rate,
    batch_size,
    val,
    early_stopping,
    callbacks,
    patience,
    tol,
    shuffle,
    seed,
    options,
):
    if name in _opt.SCIPY_METHODS:
        return _fit_scipy(net, Xa, ya, name, epochs, val, callbacks, options)
    opt = _opt.make(name, learning_rate, **options)
    lr = _opt.DEFAULT_LEARNING_RATE[name] if learning_rate is None else learning_rate
    rng = np.random.default_rng(net.seed if seed is None else seed)
    return _fit_first_order(
        net,
        Xa,
        ya,
        opt,
        name,
        lr,
        epochs,
        batch_size,
        val,
        early_stopping,
        callbacks,
        patience,
        tol,
        shuffle,
        rng,
    )


def _fit_first_order(
    net,
    X,
    y,
    opt,
    name,
    lr,
    epochs,
    batch_size,
    val,
    early_stopping,
    callbacks,
    patience,
    tol,
    shuffle,
    rng,
) -> History:
    hist = History(optimizer=name)
    params = net.params
    state = opt.init(params)
    n = X.shape[0]
    bs = n if batch_size is None else min(batch_size, n)
    best, best_J, waited = None, np.inf, 0
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        order = rng.permutation(n) if (shuffle and bs < n) else None
        for lo in range(0, n, bs):
            idx = slice(lo, lo + bs) if order is None else order[lo : lo + bs]
            Xb, yb = (X, y) if bs == n else (X[idx], y[idx])
            J, cache = _cost_grad(net, params, Xb, yb)
            if not np.isfinite(J):
                net.set_params(params)
                raise _diverged(hist, epoch, lr)
            grads = backward(params, cache, yb, net.activations, net.loss, net.l2)
            updates, state = opt.update(grads, state, params)
            new = _opt.apply_updates(params, updates)
            if not all(np.all(np.isfinite(v)) for v in new.values()):
                net.set_params(params)
                raise _diverged(hist, epoch, lr)
            params = new
        J, _ = _cost_grad(net, params, X, y)
        if not np.isfinite(J):
            raise _diverged(hist, epoch, lr)
        net._params = params
        hist.cost.append(J)
        if val is not None:
            hist.val_cost.append(_cost_grad(net, params, *val)[0])
        hist.time.append(time.perf_counter() - start)
        monitored = hist.val_cost[-1] if val is not None else J
        if monitored < best_J - tol:
            best_J, waited = monitored, 0
            best = ({k: v.copy() for k, v in params.items()}, epoch)
        else:
            waited += 1
        if any(cb(epoch, hist, net) for cb in callbacks):
            hist.message = f"stopped by a callback at epoch {epoch}"
            break
        if early_stopping and waited >= patience:
            hist.stopped_early = True
            net._params, hist.best_epoch = best[0], best[1]
            hist.message = (
                f"early stopping at epoch {epoch}; kept epoch "
                f"{best[1]} (cost {best_J:.6g})"
            )
            break
    else:
        hist.message = f"completed {epochs} epochs"
    return hist


def _fit_scipy(net, X, y, name, epochs, val, callbacks, options) -> History:
    hist = History(optimizer=name)
    shapes = net.shapes
    from chainrule.params import flatten, unflatten

    def objective(v: Array) -> tuple[float, Array]:
        p = unflatten(v, shapes, net.dtype)
        J, cache = _cost_grad(net, p, X, y)
        g = backward(p, cache, y, net.activations, net.loss, net.l2)
        return J, flatten(g, shapes).astype(np.float64)

    start = time.perf_counter()

    class _StopError(Exception):
        pass

    last_good = {"x": flatten(net.params, shapes).astype(np.float64)}

    def callback(intermediate_result) -> None:
        J = float(intermediate_result.fun)
        x = intermediate_result.x
        if not np.isfinite(J):
            raise _StopError
        last_good["x"] = x.copy()
        hist.cost.append(J)
        if val is not None:
            p = unflatten(x, shapes, net.dtype)
            hist.val_cost.append(_cost_grad(net, p, *val)[0])
        hist.time.append(time.perf_counter() - start)
        net.set_flat(x)
        if any(cb(len(hist.cost), hist, net) for cb in callbacks):
            raise StopIteration

    x0 = last_good["x"]
    opts = {"maxiter": epochs, **options}
    try:
        res = minimize(
            objective,
            x0,
            jac=True,
            method=_opt.SCIPY_METHODS[name],
            callback=callback,
            options=opts,
        )
    except _StopError:
        net.set_flat(last_good["x"])
        raise _diverged(hist, len(hist.cost) + 1, None) from None
    if not np.all(np.isfinite(res.x)) or not np.isfinite(res.fun):
        net.set_flat(last_good["x"])
        raise _diverged(hist, len(hist.cost) + 1, None)
    net.set_flat(res.x)
    hist.message = str(res.message)
    return hist
