"""What the two estimators share: parameters, the network, fit, partial_fit.

The objective is scikit-learn's: with ``n`` training examples, ``alpha``
penalises ``(alpha / 2n) Σ ‖W{l}‖²`` (``sklearn/neural_network/_multilayer_
perceptron.py``, ``_backprop``: ``loss += 0.5 * alpha * Σ ‖W‖² / n_samples``),
so the network is built with ``l2 = alpha / n``: chainrule's penalty is
``(λ/2) Σ ‖W{l}‖²`` (not divided by ``n``). With sample weights scikit-learn
divides by their sum instead (``sw_sum``), and so does ``l2 = alpha / Σ w``:
integer weights then train exactly as repeated rows.
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import validate_data

from chainrule.core.dropout import Masks
from chainrule.errors import ConfigError, DivergenceError
from chainrule.network import Network
from chainrule.sklearn._checks import (
    STOCHASTIC,
    Monitor,
    Printer,
    check_fitted,
    check_params,
    family,
)
from chainrule.sklearn._saving import EstimatorFile
from chainrule.train import optimizers as _opt
from chainrule.train import schedules as _sched
from chainrule.validation import check_sample_weight

#: What ``validate_data`` accepts for ``X``: dense, or sparse CSR or CSC.
SPARSE = ("csr", "csc")

Array = np.ndarray

_SEED_MAX = np.iinfo(np.int32).max


class BaseMLP(EstimatorFile, BaseEstimator):
    """Parameters and training shared by the regressor and the classifier."""

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        solver="adam",
        alpha=0.0001,
        batch_size="auto",
        learning_rate_init=0.001,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        n_iter_no_change=10,
        learning_rate="constant",
        power_t=0.5,
        max_fun=15000,
        dropout=0.0,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.learning_rate = learning_rate
        self.power_t = power_t
        self.max_fun = max_fun
        self.dropout = dropout

    # ------------------------------------------------------------ parameters
    @family
    def set_params(self, **params):
        """scikit-learn's ``set_params``; an unknown name is an ``InvalidValueError``
        (a ``ValueError``, as scikit-learn raises)."""
        return super().set_params(**params)

    def _check_params(self) -> tuple[list[int], str]:
        """Validate the constructor's arguments; returns (hidden sizes, act)."""
        return check_params(self)

    def _optimizer_options(self) -> dict:
        if self.solver == "sgd":
            return {"momentum": self.momentum, "nesterov": self.nesterovs_momentum}
        if self.solver == "adam":
            return {"b1": self.beta_1, "b2": self.beta_2, "eps": self.epsilon}
        if self.solver == "lbfgs":
            # scikit-learn passes tol as the gradient tolerance of L-BFGS and
            # max_fun as SciPy's maxfun (the most evaluations of the cost).
            return {"scipy_options": {"gtol": self.tol, "maxfun": int(self.max_fun)}}
        if self.solver == "bfgs":
            return {"scipy_options": {"gtol": self.tol}}
        return {}

    def _schedule(self, n: int):
        """The learning rate per epoch: scikit-learn's ``learning_rate`` (sgd)."""
        lr = float(self.learning_rate_init)
        if self.solver != "sgd" or self.learning_rate == "constant":
            return "constant"
        if self.learning_rate == "invscaling":
            return _sched.invscaling(lr, float(self.power_t), n, start=self.t_)
        return _sched.Reducible(lr)

    def _first_order_options(self, scipy: bool, n: int, schedule) -> dict:
        """The options of fit that BFGS and L-BFGS do not take."""
        if scipy:
            return {}
        return {
            "learning_rate": float(self.learning_rate_init),
            "batch_size": self._batch_size(n),
            "shuffle": bool(self.shuffle),
            "schedule": schedule,
            "dropout": float(self.dropout),
        }

    def _batch_size(self, n: int) -> int | None:
        if self.solver == "gd":
            return None
        bs = min(200, n) if self.batch_size == "auto" else int(self.batch_size)
        return min(bs, n)

    def _build_network(self, n_inputs: int, n_outputs: int, n: float, seed: int):
        hidden, act = self._check_params()
        out_act, loss = self._output_layer()
        return Network(
            [n_inputs, *hidden, n_outputs],
            activation=act,
            output_activation=out_act,
            loss=loss,
            l2=float(self.alpha) / n,
            seed=seed,
        )

    def _check_same_architecture(self, hidden: list[int], act: str) -> None:
        net = self.network_
        if net.sizes[1:-1] != hidden or set(net.activations[:-1]) - {act}:
            raise ConfigError(
                "warm_start, partial_fit: hidden_layer_sizes and activation must "
                f"be those of the fitted network, {tuple(net.sizes[1:-1])} and "
                f"{net.activations[0]!r}; got {tuple(hidden)} and {act!r}"
            )

    def _with_l2(self, n: float) -> None:
        """Rebuild ``network_`` for ``n`` examples (or total weight), same params."""
        net = self.network_
        if net.l2 != float(self.alpha) / n:
            new = Network(
                net.sizes,
                net.activations,
                loss=net.loss,
                bias=net.bias,
                l2=float(self.alpha) / n,
                seed=net.seed,
            )
            new.set_params(net.params)
            self.network_ = new

    # ------------------------------------------------------------------ fit
    def _sample_weight(self, Y: Array, sample_weight, n: int) -> Array | None:
        """The weight of each row: ``sample_weight`` checked (none: ``None``)."""
        if sample_weight is None:
            return None
        return check_sample_weight(sample_weight, n, np.dtype(np.float64))

    def _fit(self, X, y, sample_weight, incremental: bool):
        hidden, act = self._check_params()
        first = not (incremental or self.warm_start) or not hasattr(self, "network_")
        if not first:
            self._check_same_architecture(hidden, act)
        X, Y = self._validate_training_data(X, y, reset=first, incremental=incremental)
        X = X.tocsr() if sp.issparse(X) else X  # minibatches slice rows
        w = self._sample_weight(Y, sample_weight, X.shape[0])
        rs = check_random_state(self.random_state)
        seed = int(rs.randint(_SEED_MAX))
        validation = None
        if self.early_stopping and not incremental and self.solver in STOCHASTIC:
            parts = train_test_split(
                *(X, Y) if w is None else (X, Y, w),
                test_size=self.validation_fraction,
                random_state=rs,
                stratify=self._stratify(Y),
            )
            X, Y, w = parts[0], parts[2], None if w is None else parts[4]
            validation = (parts[1], parts[3], None if w is None else parts[5])
        total = X.shape[0] if w is None else float(np.sum(w))
        if first:
            self.network_ = self._build_network(X.shape[1], Y.shape[1], total, seed)
            self.loss_curve_, self.n_iter_, self.t_ = [], 0, 0
            self._optimizer_state = None
        self._with_l2(total)
        if incremental:
            self._partial_epoch(X, Y, w, rs)
        else:
            self._fit_network(X, Y, w, validation, rs)
        return self

    def _fit_network(self, X, Y, w, validation, rs) -> None:
        scipy = self.solver in ("lbfgs", "bfgs")
        schedule = self._schedule(X.shape[0])
        monitor = Monitor(self, validation, schedule)
        printer = (Printer(),) if self.verbose else ()
        hist = self.network_.fit(
            X,
            Y,
            optimizer=self.solver,
            epochs=int(self.max_iter),
            callbacks=printer if scipy else (*printer, monitor),
            seed=int(rs.randint(_SEED_MAX)),
            sample_weight=w,
            **self._first_order_options(scipy, X.shape[0], schedule),
            **self._optimizer_options(),
        )
        self._record(hist.cost, monitor, validation)
        self.t_ += 0 if scipy else X.shape[0] * len(hist.cost)
        self._warn_unconverged(monitor, hist)

    def _warn_unconverged(self, monitor: Monitor, hist) -> None:
        if "EVALUATIONS EXCEEDS LIMIT" in hist.message.upper():
            reason = f"maximum function evaluations (max_fun={self.max_fun})"
        elif not monitor.converged and len(hist.cost) >= self.max_iter:
            reason = f"maximum iterations ({self.max_iter})"
        else:
            return
        warnings.warn(
            f"{self.solver}: {reason} reached and the optimization hasn't "
            "converged yet.",
            ConvergenceWarning,
            stacklevel=5,
        )

    def _record(self, costs: list[float], monitor: Monitor, validation) -> None:
        """Set the fitted attributes; keep the best weights of early stopping."""
        self.loss_curve_ = [*self.loss_curve_, *costs]
        # scikit-learn counts the iterations of the last fit, also under warm_start
        self.n_iter_ = len(costs)
        self.loss_ = self.loss_curve_[-1] if self.loss_curve_ else None
        self.validation_scores_ = monitor.scores if validation is not None else None
        if validation is not None:
            self.best_validation_score_, self.best_loss_ = monitor.best_score, None
            if monitor.best_params is not None:
                self.network_.set_params(monitor.best_params)
        else:
            self.best_validation_score_ = None
            self.best_loss_ = min(self.loss_curve_, default=None)

    def _partial_epoch(self, X: Array, Y: Array, w: Array | None, rs) -> None:
        """One pass over ``(X, Y)`` in minibatches with the kept optimizer state."""
        net = self.network_
        opt = _opt.make(self.solver, self._partial_rate(), **self._optimizer_options())
        state = self._optimizer_state
        if state is None:
            state = opt.init(net.params)
        n, bs = X.shape[0], self._batch_size(X.shape[0]) or X.shape[0]
        order = rs.permutation(n) if self.shuffle else np.arange(n)
        # Overflow is reported as a DivergenceError, not as warnings.
        draw = np.random.default_rng(rs.randint(_SEED_MAX)) if self.dropout else None
        with np.errstate(over="ignore", invalid="ignore"):
            for lo in range(0, n, bs):
                idx = order[lo : lo + bs]
                wb = None if w is None else w[idx]
                if draw is None:
                    J, grads = net.cost_and_gradients(X[idx], Y[idx], wb)
                else:  # dropout: the pass of Network.fit, with new masks
                    masks = Masks.draw(draw, net.sizes, idx.size, float(self.dropout))
                    t = net.trace(X[idx], Y[idx], wb, masks=masks)
                    J, grads = t.J, t.gradients
                updates, state = opt.update(grads, state, net.params)
                new = _opt.apply_updates(net.params, updates)
                self._check_finite(J, new)
                net.set_params(new)
            J = net.cost(X, Y, w)
        self._check_finite(J, {})
        self._optimizer_state = state
        self.loss_curve_.append(J)
        self.loss_ = J
        self.n_iter_ += 1
        self.t_ += n
        if self.verbose:
            print(f"Iteration {self.n_iter_}, loss = {J:.8f}")

    def _partial_rate(self) -> float:
        """The learning rate of this partial_fit epoch (invscaling counts t_)."""
        lr = float(self.learning_rate_init)
        if self.solver == "sgd" and self.learning_rate == "invscaling" and self.t_:
            return lr / (self.t_ + 1) ** float(self.power_t)
        return lr

    def _check_finite(self, J: float, params: dict) -> None:
        if not (np.isfinite(J) and all(np.isfinite(v).all() for v in params.values())):
            raise DivergenceError(
                "partial_fit: the cost or the weights stopped being finite; the "
                "last finite weights are kept. Try a smaller learning_rate_init "
                f"(now {self.learning_rate_init}).",
                epoch=self.n_iter_ + 1,
            )

    def _check_stochastic(self) -> bool:
        if self.solver not in STOCHASTIC:
            raise AttributeError(
                f"partial_fit is only available for the solvers {list(STOCHASTIC)}; "
                f"solver={self.solver!r}"
            )
        return True

    # ------------------------------------------------------------- predict
    def _forward(self, X) -> Array:
        check_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64, accept_sparse=SPARSE)
        return self.network_.forward(X)

    @property
    def coefs_(self) -> list[Array]:
        """``W1, W2, ...``: (n_in, n_out) arrays, as scikit-learn's ``coefs_``."""
        check_fitted(self)
        p = self.network_.params
        return [p[f"W{l}"] for l in range(1, self.network_.n_layers + 1)]

    @property
    def intercepts_(self) -> list[Array]:
        """``b1, b2, ...`` as 1-D arrays, as scikit-learn's ``intercepts_``."""
        check_fitted(self)
        p = self.network_.params
        return [p[f"b{l}"].ravel() for l in range(1, self.network_.n_layers + 1)]

    @property
    def n_layers_(self) -> int:
        """Layers counted as scikit-learn does: input, hidden, output."""
        check_fitted(self)
        return len(self.network_.sizes)

    @property
    def n_outputs_(self) -> int:
        check_fitted(self)
        return self.network_.n_outputs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
