"""Checks of the estimators' parameters, and scikit-learn's stopping rule."""

from __future__ import annotations

import functools
from numbers import Integral, Real

import numpy as np
from sklearn.exceptions import NotFittedError as SklearnNotFittedError
from sklearn.utils import check_scalar
from sklearn.utils.validation import check_is_fitted

from chainrule.core import activations as _acts
from chainrule.errors import (
    ChainruleError,
    ConfigError,
    InvalidTypeError,
    InvalidValueError,
    UnknownNameError,
)
from chainrule.network import Network

#: Solvers: scikit-learn's three plus chainrule's full-batch ``gd`` and ``bfgs``.
SOLVERS = ("adam", "sgd", "gd", "lbfgs", "bfgs")
#: Solvers that work epoch by epoch, and so support ``partial_fit``.
STOCHASTIC = ("adam", "sgd", "gd")


class NotFittedError(ChainruleError, SklearnNotFittedError):  # noqa: N818
    """An estimator used before ``fit``.

    Both scikit-learn's ``NotFittedError`` (so a ``ValueError`` and an
    ``AttributeError``, as its estimator checks expect) and a
    :class:`chainrule.ChainruleError`.
    """


def check_fitted(estimator: object) -> None:
    """scikit-learn's ``check_is_fitted`` on ``network_``, in the family."""
    try:
        check_is_fitted(estimator, "network_")
    except SklearnNotFittedError as exc:
        if isinstance(exc, ChainruleError):
            raise
        raise NotFittedError(str(exc)) from None


def family(method):
    """Re-raise scikit-learn's plain ``ValueError``/``TypeError`` in chainrule's family.

    The message and the built-in type stay (``InvalidValueError`` is a
    ``ValueError``, ``InvalidTypeError`` a ``TypeError``, :class:`NotFittedError`
    scikit-learn's ``NotFittedError``), so ``except ValueError``, scikit-learn's
    own ``except NotFittedError`` and ``except chainrule.ChainruleError`` all
    catch them.
    """

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        try:
            return method(*args, **kwargs)
        except Exception as exc:
            kind = {
                ValueError: InvalidValueError,
                TypeError: InvalidTypeError,
                SklearnNotFittedError: NotFittedError,
            }
            if type(exc) in kind:
                raise kind[type(exc)](str(exc)) from exc
            raise

    return wrapper


def check_hidden(sizes: object) -> list[int]:
    if isinstance(sizes, Integral):
        sizes = [sizes]
    try:
        out = list(sizes)
    except TypeError:
        out = None
    if out is None or not all(
        isinstance(s, Integral) and not isinstance(s, bool) and s >= 1 for s in out
    ):
        raise ConfigError(
            "hidden_layer_sizes: expected a positive int or a sequence of positive "
            f"ints, got {sizes!r}"
        )
    return [int(s) for s in out]


class Printer:
    """``verbose``: scikit-learn's line per iteration, on stdout.

    ``Iteration N, loss = L`` with ``%.8f``, as
    ``BaseMultilayerPerceptron._fit_stochastic`` prints it.
    """

    def __call__(self, epoch: int, history, net: Network) -> bool:
        print(f"Iteration {epoch}, loss = {history.cost[-1]:.8f}")
        return False


class Monitor:
    """The stopping rule of scikit-learn's MLP, as a ``Network.fit`` callback.

    Without a validation set, training stops when the training cost has not
    fallen by more than ``tol`` for more than ``n_iter_no_change`` epochs;
    with one, when the validation score has not risen by more than ``tol``
    for as long, and the best parameters are kept. With
    ``learning_rate="adaptive"`` (a :class:`~chainrule.train.schedules.Reducible`
    schedule) a stall divides the learning rate by 5 instead, and stops only
    once it is at most 1e-6 (scikit-learn's ``SGDOptimizer.trigger_stopping``).
    """

    def __init__(self, estimator, validation: tuple | None, schedule=None) -> None:
        self.est, self.validation, self.schedule = estimator, validation, schedule
        self.scores: list[float] = []
        self.best_score, self.best_loss = -np.inf, np.inf
        self.best_params: dict | None = None
        self.no_improvement, self.converged = 0, False

    def __call__(self, epoch: int, history, net: Network) -> bool:
        tol = self.est.tol
        if self.validation is not None:
            Xv, Yv, wv = self.validation
            score = self.est._score_output(net.forward(Xv), Yv, wv)
            self.scores.append(score)
            if self.est.verbose:
                print(f"Validation score: {score:f}")
            worse = score < self.best_score + tol
            if score > self.best_score:
                self.best_score = score
                self.best_params = {k: v.copy() for k, v in net.params.items()}
        else:
            loss = history.cost[-1]
            worse = loss > self.best_loss - tol
            self.best_loss = min(self.best_loss, loss)
        self.no_improvement = self.no_improvement + 1 if worse else 0
        if self.no_improvement > self.est.n_iter_no_change and self._reduced():
            self.no_improvement = 0
        self.converged = self.no_improvement > self.est.n_iter_no_change
        return self.converged

    def _reduced(self) -> bool:
        """``adaptive``: divide the learning rate by 5 rather than stop."""
        reduce = getattr(self.schedule, "reduce", None)
        if reduce is None or not reduce():
            return False
        if self.est.verbose:
            print(f"Setting learning rate to {self.schedule.learning_rate:f}")
        return True


# name, type, min, max, include_boundaries (for sklearn.utils.check_scalar)
_SCALARS = (
    ("alpha", Real, 0.0, None, "left"),
    ("learning_rate_init", Real, 0.0, None, "neither"),
    ("max_iter", Integral, 1, None, "left"),
    ("n_iter_no_change", Integral, 1, None, "left"),
    ("tol", Real, 0.0, None, "left"),
    ("momentum", Real, 0.0, 1.0, "both"),
    ("validation_fraction", Real, 0.0, 1.0, "neither"),
    ("beta_1", Real, 0.0, 1.0, "left"),
    ("beta_2", Real, 0.0, 1.0, "left"),
    ("epsilon", Real, 0.0, None, "neither"),
    ("power_t", Real, 0.0, None, "left"),
    ("max_fun", Integral, 1, None, "left"),
    ("dropout", Real, 0.0, 1.0, "left"),
)
LEARNING_RATES = ("constant", "invscaling", "adaptive")


def check_params(est) -> tuple[list[int], str]:
    """Validate an estimator's arguments; return (hidden sizes, activation).

    Raises
    ------
    ValueError or TypeError
        Naming the argument, the expected and the actual value.
    """
    hidden = check_hidden(est.hidden_layer_sizes)
    act = _acts.canonical_name(est.activation)
    if act == "softmax":
        raise ConfigError("activation: 'softmax' is only valid for the output")
    if est.solver not in SOLVERS:
        raise UnknownNameError(
            f"solver: expected one of {list(SOLVERS)}, got {est.solver!r}"
        )
    if est.learning_rate not in LEARNING_RATES:
        raise UnknownNameError(
            f"learning_rate: expected one of {list(LEARNING_RATES)}, got "
            f"{est.learning_rate!r}"
        )
    if not (est.batch_size == "auto" or isinstance(est.batch_size, Integral)):
        raise ConfigError(
            f"batch_size: expected 'auto' or an int, got {est.batch_size!r}"
        )
    if est.batch_size != "auto":
        check_scalar(est.batch_size, "batch_size", Integral, min_val=1)
    for name, kind, lo, hi, bounds in _SCALARS:
        check_scalar(
            getattr(est, name),
            name,
            kind,
            min_val=lo,
            max_val=hi,
            include_boundaries=bounds,
        )
    if est.dropout and est.solver not in STOCHASTIC:
        raise ConfigError(
            f"dropout: the solver {est.solver!r} does not use it; it applies to "
            f"{', '.join(STOCHASTIC)}"
        )
    return hidden, act
