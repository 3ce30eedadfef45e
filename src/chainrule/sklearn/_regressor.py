"""``MLPRegressor``: identity output and the ``mse`` cost."""

from __future__ import annotations

import numpy as np
from sklearn.base import RegressorMixin
from sklearn.metrics import r2_score
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import validate_data

from chainrule.errors import InvalidValueError
from chainrule.sklearn._base import SPARSE, BaseMLP
from chainrule.sklearn._checks import family

Array = np.ndarray


class MLPRegressor(RegressorMixin, BaseMLP):
    """A multi-layer perceptron regressor trained by chainrule.

    The output layer is the identity and the cost is chainrule's ``mse``,
    ``J = Σ (y − ŷ)² / (2n) + (alpha / 2n) Σ ‖W{l}‖²``: scikit-learn's
    ``squared_error`` for one output (for several outputs scikit-learn also
    divides by their number).

    Parameters
    ----------
    hidden_layer_sizes : int or sequence of int, default=(100,)
        Units of each hidden layer.
    activation : {"relu", "tanh", "logistic", "identity", "leaky_relu"}
        Activation of the hidden layers (``logistic`` is chainrule's
        ``sigmoid``).
    solver : {"adam", "sgd", "gd", "lbfgs", "bfgs"}, default="adam"
        ``gd`` is full-batch gradient descent; ``lbfgs`` and ``bfgs`` run
        ``scipy.optimize.minimize`` on the flat parameter vector.
    alpha : float, default=1e-4
        L2 strength as in scikit-learn: the network's ``l2`` is ``alpha / n``.
    batch_size : int or "auto", default="auto"
        ``min(200, n)`` for "auto"; ignored by ``gd``, ``lbfgs``, ``bfgs``.
    learning_rate_init : float, default=1e-3
        Step size of ``adam``, ``sgd`` and ``gd``.
    max_iter : int, default=200
        Epochs (first-order solvers) or iterations (quasi-Newton).
    shuffle : bool, default=True
    random_state : int, RandomState instance or None
        Seeds the initial weights, the minibatch order and the validation split.
    tol : float, default=1e-4
        Stop when the cost (or the validation score) has not improved by
        ``tol`` for more than ``n_iter_no_change`` epochs; the gradient
        tolerance of ``lbfgs`` and ``bfgs``.
    verbose : bool, default=False
        Print ``Iteration N, loss = L`` on stdout after each iteration, as
        scikit-learn does.
    warm_start : bool, default=False
        Continue from the fitted parameters instead of new ones.
    momentum : float, default=0.9
    nesterovs_momentum : bool, default=True
        ``sgd`` only.
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the data and keep the parameters
        with the best validation R² (``adam``, ``sgd`` and ``gd`` only).
    validation_fraction : float, default=0.1
    beta_1, beta_2, epsilon : float
        ``adam`` only.
    n_iter_no_change : int, default=10
    learning_rate : {"constant", "invscaling", "adaptive"}, default="constant"
        ``sgd`` only, as in scikit-learn: ``invscaling`` sets
        ``learning_rate_init / (t_ + 1)^power_t`` after each epoch;
        ``adaptive`` divides the rate by 5 where training would stop, and
        stops once it is at most 1e-6.
    power_t : float, default=0.5
    max_fun : int, default=15000
        ``lbfgs`` only: the most evaluations of the cost (SciPy's ``maxfun``).
    dropout : float in [0, 1), default=0.0
        Inverted dropout of the hidden layers while training (``adam``,
        ``sgd``, ``gd``; see ``Network.fit``): each hidden unit is zeroed
        with probability ``dropout`` per example and the kept ones scaled by
        ``1 / (1 − dropout)``; predictions use every unit. Not in
        scikit-learn's own MLP.

    Attributes
    ----------
    network_ : chainrule.Network
        The fitted network, ``[n_features_in_, *hidden_layer_sizes, n_outputs_]``.
    loss_curve_ : list of float
        The training cost after each epoch (or iteration).
    loss_ : float
    best_loss_ : float or None
    validation_scores_ : list of float or None
        R² on the validation set after each epoch, with ``early_stopping``.
    best_validation_score_ : float or None
    n_iter_ : int
        Iterations of the last ``fit`` (also under ``warm_start``); each
        ``partial_fit`` adds one.
    t_ : int
        Training samples seen by the stochastic solvers.
    n_features_in_ : int
    feature_names_in_ : (n_features_in_,) array of str
        Only when ``X`` had string column names.
    coefs_, intercepts_ : list of arrays
    n_layers_, n_outputs_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.sklearn import MLPRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.uniform(-1, 1, size=(200, 2))
    >>> y = X[:, 0] ** 2 + X[:, 1]
    >>> reg = MLPRegressor((16,), activation="tanh", solver="lbfgs",
    ...                    random_state=0).fit(X, y)
    >>> reg.network_.sizes, reg.predict(X).shape
    ([2, 16, 1], (200,))
    >>> bool(reg.score(X, y) > 0.99)
    True

    ``fit``, ``partial_fit`` and ``score`` take ``sample_weight``; ``X`` may be
    sparse (CSR or CSC):

    >>> import scipy.sparse as sp
    >>> w = rng.integers(1, 3, size=200)
    >>> reg = reg.fit(sp.csr_matrix(X), y, sample_weight=w)
    >>> bool(reg.score(X, y, sample_weight=w) > 0.99)
    True
    """

    # the name users import it by, and the one skops lists as a type to trust
    __module__ = "chainrule.sklearn"

    def _output_layer(self) -> tuple[str, str]:
        return "identity", "mse"

    def _validate_training_data(self, X, y, reset: bool, incremental: bool):
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            multi_output=True,
            y_numeric=True,
            dtype=np.float64,
            accept_sparse=SPARSE,
        )
        Y = y.reshape(-1, 1) if y.ndim == 1 else y
        if not reset and Y.shape[1] != self.network_.n_outputs:
            raise InvalidValueError(
                f"y: expected {self.network_.n_outputs} output(s) as in the "
                f"previous fit, got {Y.shape[1]}"
            )
        return X, Y.astype(np.float64)

    def _stratify(self, Y: Array) -> None:
        return None

    def _score_output(self, yhat: Array, Y: Array, w: Array | None = None) -> float:
        return float(r2_score(Y, yhat, sample_weight=w))

    @family
    def fit(self, X, y, sample_weight=None) -> MLPRegressor:
        """Train on ``X`` (n, n_features) and ``y`` (n,) or (n, n_outputs).

        ``X`` may be a SciPy sparse matrix (CSR or CSC); ``sample_weight``
        (n,) weights each row's share of the cost, Σ wᵢ ℓᵢ / Σ wᵢ.

        Raises
        ------
        ValueError
            A parameter or the data is invalid (the message names it).
        chainrule.DivergenceError
            The cost stopped being finite (try a smaller learning rate).
        """
        return self._fit(X, y, sample_weight, incremental=False)

    @available_if(BaseMLP._check_stochastic)
    @family
    def partial_fit(self, X, y, sample_weight=None) -> MLPRegressor:
        """One epoch over ``(X, y)``, continuing from the current parameters."""
        return self._fit(X, y, sample_weight, incremental=True)

    @family
    def predict(self, X) -> Array:
        """Predictions: (n,) for one output, (n, n_outputs) for several."""
        yhat = self._forward(X)
        return yhat.ravel() if yhat.shape[1] == 1 else yhat

    def _restore_target(self, doc: dict, where: str) -> None:
        self._check_output(where)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
