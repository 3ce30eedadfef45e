"""chainrule.sklearn: scikit-learn's own checks, and the estimators in use."""

import os
import subprocess
import sys
import textwrap
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression, Ridge  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    GridSearchCV,
    cross_val_score,
    train_test_split,
)
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import LabelBinarizer, StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

import chainrule as cr  # noqa: E402
from chainrule.sklearn import MLPClassifier, MLPRegressor  # noqa: E402

# Short training runs are the point of these tests; pytest.warns still sees it.
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


# Every check with the default parameters; none is marked as expected to fail.
@parametrize_with_checks([MLPRegressor(), MLPClassifier()])
def test_sklearn_estimator_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        check(estimator)


def run_python(code, **env):
    """Run ``code`` in a fresh interpreter with this checkout first on the path."""
    src = os.path.join(os.path.dirname(__file__), os.pardir, "src")
    full_env = {**os.environ, "PYTHONPATH": os.path.abspath(src), **env}
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=full_env,
        check=False,
    )


def test_array_api_check_with_scipy_array_api_set():
    # scikit-learn skips check_array_api_input unless SCIPY_ARRAY_API=1 is set
    # before SciPy is imported, so it runs here in its own interpreter.
    res = run_python(
        """
        import inspect, warnings
        from sklearn.utils.estimator_checks import check_array_api_input
        from chainrule.sklearn import MLPClassifier, MLPRegressor
        params = inspect.signature(check_array_api_input).parameters
        # as parametrize_with_checks calls it for estimators without array API
        kw = {"expect_only_array_outputs": False}
        kw = {k: v for k, v in kw.items() if k in params}
        warnings.simplefilter("ignore")
        for est in (MLPRegressor(max_iter=20), MLPClassifier(max_iter=20)):
            check_array_api_input(type(est).__name__, est, "numpy", **kw)
        print("ok")
        """,
        SCIPY_ARRAY_API="1",
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "ok"


def test_import_chainrule_does_not_import_sklearn():
    res = run_python("import sys, chainrule; print('sklearn' in sys.modules)")
    assert res.returncode == 0, res.stderr
    assert res.stdout.strip() == "False"


def test_missing_sklearn_names_the_extra():
    res = run_python(
        "import sys; sys.modules['sklearn'] = None; import chainrule.sklearn"
    )
    assert res.returncode != 0
    assert "pip install 'chainrule[sklearn]'" in res.stderr
    assert "ImportError" in res.stderr


# ------------------------------------------------------------------ data
def regression_data(n=120, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-1, 1, size=(n, 3))
    y = np.sin(2 * X[:, 0]) + X[:, 1] * X[:, 2]
    return X, y


def blobs(n_per_class=40, n_classes=3, seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [4.0, 4.0], [-4.0, 4.0], [4.0, -4.0]])[:n_classes]
    X = np.vstack([c + rng.normal(size=(n_per_class, 2)) for c in centres])
    labels = np.array(["ant", "bee", "cat", "dog"][:n_classes])
    return X, np.repeat(labels, n_per_class)


# ------------------------------------------------------- the three tools
def test_pipeline_gridsearch_and_cross_val_score():
    X, y = blobs()
    pipe = make_pipeline(
        StandardScaler(), MLPClassifier(solver="lbfgs", max_iter=100, random_state=0)
    )
    grid = GridSearchCV(
        pipe,
        {"mlpclassifier__hidden_layer_sizes": [(2,), (8,)]},
        cv=3,
    ).fit(X, y)
    assert grid.best_params_["mlpclassifier__hidden_layer_sizes"] in [(2,), (8,)]
    assert grid.best_score_ > 0.9
    assert set(grid.predict(X)) <= {"ant", "bee", "cat"}
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.shape == (3,)
    assert scores.min() > 0.9


def test_regressor_in_pipeline_with_cross_val_score():
    X, y = regression_data()
    pipe = make_pipeline(
        StandardScaler(),
        MLPRegressor((16,), activation="tanh", solver="lbfgs", random_state=0),
    )
    scores = cross_val_score(pipe, X, y, cv=3)
    assert scores.min() > 0.9


# --------------------------------------------------------- the objective
@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_loss_is_scikit_learns_objective(solver):
    # J = Σ (y − ŷ)² / (2n) + (alpha / 2n) Σ ‖W‖², as scikit-learn's
    # squared_error with its L2 term.
    X, y = regression_data(n=50)
    alpha = 0.5
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg = MLPRegressor((5,), solver=solver, alpha=alpha, max_iter=30).fit(X, y)
    n = len(y)
    J = np.sum((y - reg.predict(X)) ** 2) / (2 * n)
    J += alpha / (2 * n) * sum(np.sum(W**2) for W in reg.coefs_)
    assert reg.loss_ == pytest.approx(J, rel=1e-12)
    assert reg.loss_curve_[-1] == reg.loss_
    assert reg.network_.l2 == pytest.approx(alpha / n)


def linear_data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(80, 3))
    y = X @ [1.0, -2.0, 0.5] + 0.3 + rng.normal(scale=0.5, size=80)
    return X, y


EXACT = {"solver": "lbfgs", "tol": 1e-12, "max_iter": 2000, "random_state": 0}


def test_no_hidden_layer_regressor_is_ridge_regression():
    # Σ (y − ŷ)² / 2n + (alpha / 2n) ‖W‖² has the minimiser of Ridge's
    # ‖y − Xw − b‖² + alpha ‖w‖²: the same alpha means the same model.
    X, y = linear_data()
    reg = MLPRegressor((), alpha=3.0, **EXACT).fit(X, y)
    ridge = Ridge(alpha=3.0).fit(X, y)
    np.testing.assert_allclose(reg.coefs_[0].ravel(), ridge.coef_, atol=1e-5)
    np.testing.assert_allclose(reg.intercepts_[0], ridge.intercept_, atol=1e-5)


def test_no_hidden_layer_classifier_is_logistic_regression():
    # (1/n) Σ log-loss + (alpha / 2n) ‖W‖² has the minimiser of
    # LogisticRegression's C Σ log-loss + ½ ‖w‖² for C = 1 / alpha.
    X, y = linear_data()
    rng = np.random.default_rng(1)
    labels = {
        "binary": (y + rng.normal(size=len(y)) > 0).astype(int),
        "multiclass": np.digitize(X[:, 0] + X[:, 1], [-1.0, 1.0]),
    }
    for kind, t in labels.items():
        clf = MLPClassifier((), alpha=2.0, **EXACT).fit(X, t)
        logreg = LogisticRegression(C=0.5, tol=1e-12, max_iter=2000).fit(X, t)
        np.testing.assert_allclose(
            clf.predict_proba(X), logreg.predict_proba(X), atol=1e-4, err_msg=kind
        )
    np.testing.assert_allclose(clf.coefs_[0], logreg.coef_.T, atol=1e-3)


def test_fitted_network_is_a_chainrule_network():
    X, y = blobs(n_classes=2)
    clf = MLPClassifier((3,), activation="tanh", max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    net = clf.network_
    assert isinstance(net, cr.Network)
    assert net.sizes == [2, 3, 1]
    assert net.activations == ["tanh", "sigmoid"]
    assert net.loss == "bce"
    Y = (y == clf.classes_[1]).astype(float)[:, None]
    assert cr.gradcheck(net, X[:10], Y[:10]).ok
    assert [W.shape for W in clf.coefs_] == [(2, 3), (3, 1)]
    assert [b.shape for b in clf.intercepts_] == [(3,), (1,)]
    assert clf.n_layers_ == 3
    assert clf.n_outputs_ == 1


# ------------------------------------------------------------ classifier
def test_binary_multiclass_and_multilabel_outputs():
    X, y = blobs(n_classes=2)
    clf = MLPClassifier((8,), solver="lbfgs", random_state=0).fit(X, y)
    assert clf.out_activation_ == "logistic"
    p = clf.predict_proba(X)
    assert p.shape == (len(X), 2)
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    np.testing.assert_array_equal(clf.predict(X), clf.classes_[p.argmax(axis=1)])

    X, y = blobs(n_classes=4)
    clf = MLPClassifier((8,), solver="lbfgs", random_state=0).fit(X, y)
    assert clf.out_activation_ == "softmax"
    assert clf.network_.loss == "cce"
    assert clf.predict_proba(X).shape == (len(X), 4)
    assert clf.score(X, y) > 0.9

    Y = np.column_stack([X[:, 0] > 0, X[:, 1] > 0, X.sum(axis=1) > 0]).astype(int)
    clf = MLPClassifier((16,), solver="lbfgs", random_state=0).fit(X, Y)
    assert clf.out_activation_ == "logistic"
    assert clf.network_.sizes[-1] == 3
    assert clf.predict(X).shape == Y.shape
    assert clf.score(X, Y) > 0.8  # exact-match (subset) accuracy


def test_one_class_is_an_error_naming_it():
    X = np.zeros((5, 2))
    with pytest.raises(ValueError, match="only one class: 'a'"):
        MLPClassifier().fit(X, ["a"] * 5)


# ---------------------------------------------------------- early stopping
def test_early_stopping_records_validation_scores_and_keeps_the_best():
    X, y = blobs(n_per_class=60)
    clf = MLPClassifier(
        (8,),
        solver="sgd",
        learning_rate_init=0.05,
        early_stopping=True,
        n_iter_no_change=3,
        max_iter=300,
        random_state=0,
    ).fit(X, y)
    scores = clf.validation_scores_
    assert len(scores) == clf.n_iter_ == len(clf.loss_curve_)
    assert clf.n_iter_ < 300
    assert clf.best_validation_score_ == max(scores)
    assert clf.best_loss_ is None
    assert int(np.argmax(scores)) < len(scores) - 1
    # the kept parameters are the best epoch's: on the same held-out tenth
    # (drawn as fit draws it) they score the best validation score again
    rs = np.random.RandomState(0)
    rs.randint(np.iinfo(np.int32).max)
    Y = LabelBinarizer().fit_transform(y)
    _, X_val, _, Y_val = train_test_split(
        X, Y, test_size=0.1, random_state=rs, stratify=Y
    )
    y_val = clf.classes_[Y_val.argmax(axis=1)]
    assert clf.score(X_val, y_val) == clf.best_validation_score_


def test_without_early_stopping_training_stops_on_a_flat_cost():
    X, y = regression_data()
    reg = MLPRegressor(
        (8,), learning_rate_init=0.01, tol=1e-2, n_iter_no_change=2, random_state=0
    ).fit(X, y)
    assert reg.n_iter_ < 200
    assert reg.validation_scores_ is None
    assert reg.best_loss_ == min(reg.loss_curve_)


def test_max_iter_reached_warns():
    X, y = regression_data()
    with pytest.warns(ConvergenceWarning, match="maximum iterations"):
        MLPRegressor((4,), max_iter=3, random_state=0).fit(X, y)


# ------------------------------------------------- warm start, partial_fit
def test_warm_start_continues_from_the_fitted_parameters():
    X, y = regression_data()
    kw = {"hidden_layer_sizes": (8,), "solver": "lbfgs", "max_iter": 5}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        reg = MLPRegressor(warm_start=True, random_state=0, **kw).fit(X, y)
        first = list(reg.loss_curve_)
        reg.fit(X, y)
        cold = MLPRegressor(random_state=0, **kw).fit(X, y)
        cold.fit(X, y)
    # scikit-learn's n_iter_ counts the last fit's iterations; the curve grows
    assert reg.n_iter_ == 5 and len(reg.loss_curve_) == 10
    assert reg.loss_curve_[:5] == first
    assert reg.loss_ < first[-1]
    assert cold.loss_curve_ == first  # without warm_start, fit starts again


def test_warm_start_with_other_classes_is_an_error():
    X, y = blobs()
    clf = MLPClassifier((4,), solver="lbfgs", max_iter=20, warm_start=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        clf.fit(X, y)
    with pytest.raises(ValueError, match="same classes"):
        clf.fit(X[y != "cat"], y[y != "cat"])


def test_partial_fit_learns_epoch_by_epoch():
    X, y = blobs()
    order = np.random.default_rng(0).permutation(len(y))
    X, y = X[order], y[order]
    clf = MLPClassifier((8,), learning_rate_init=0.01, random_state=0)
    with pytest.raises(ValueError, match="classes: must be given"):
        clf.partial_fit(X, y)
    classes = np.unique(y)
    for _ in range(30):
        clf.partial_fit(X[:60], y[:60], classes=classes)
        clf.partial_fit(X[60:], y[60:])
    assert clf.n_iter_ == 60
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]
    assert clf.score(X, y) > 0.9
    with pytest.raises(ValueError, match="classes not in classes_"):
        clf.partial_fit(X, np.where(y == "ant", "emu", y))


def test_partial_fit_regressor_keeps_the_optimizer_state():
    X, y = regression_data()
    reg = MLPRegressor((8,), solver="sgd", learning_rate_init=0.05, random_state=0)
    reg.partial_fit(X, y)
    state = reg._optimizer_state
    reg.partial_fit(X, y)
    assert reg._optimizer_state.count == state.count + 1  # one batch of 120
    assert reg.loss_curve_[1] < reg.loss_curve_[0]


def test_partial_fit_only_for_epoch_solvers():
    assert hasattr(MLPRegressor(solver="adam"), "partial_fit")
    assert not hasattr(MLPRegressor(solver="lbfgs"), "partial_fit")
    assert not hasattr(MLPClassifier(solver="bfgs"), "partial_fit")


# ---------------------------------------------------------- bad arguments
@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"solver": "newton"}, "solver: expected one of"),
        ({"activation": "softplus"}, "activation: unknown name 'softplus'"),
        ({"activation": "softmax"}, "only valid for the output"),
        ({"hidden_layer_sizes": (4, 0)}, r"hidden_layer_sizes: .* got \(4, 0\)"),
        ({"alpha": -1.0}, "alpha == -1.0, must be >= 0.0"),
        ({"batch_size": "big"}, "batch_size: expected 'auto' or an int"),
        ({"validation_fraction": 1.0}, "validation_fraction == 1.0, must be < 1.0"),
        ({"max_iter": 0}, "max_iter == 0, must be >= 1"),
    ],
)
def test_bad_parameters_are_named(params, match):
    X, y = regression_data(n=10)
    reg = MLPRegressor(**params)
    with pytest.raises(ValueError, match=match):
        reg.fit(X, y)
    assert not hasattr(reg, "network_")


def test_warm_start_with_another_architecture_is_an_error():
    X, y = regression_data(n=30)
    reg = MLPRegressor((4,), solver="lbfgs", max_iter=5, warm_start=True).fit(X, y)
    reg.set_params(hidden_layer_sizes=(5,))
    with pytest.raises(ValueError, match=r"hidden_layer_sizes .* \(4,\) .* \(5,\)"):
        reg.fit(X, y)
    assert reg.network_.sizes == [3, 4, 1]


def test_partial_fit_first_call_with_classes_missing_a_label():
    X, y = blobs()
    clf = MLPClassifier((4,))
    with pytest.raises(ValueError, match="classes not in classes_"):
        clf.partial_fit(X, y, classes=["ant", "bee"])


def test_partial_fit_divergence_keeps_finite_weights():
    X, y = regression_data()
    reg = MLPRegressor((8,), solver="sgd", learning_rate_init=1e6, random_state=0)
    with pytest.raises(cr.DivergenceError, match="learning_rate_init"):
        for _ in range(20):
            reg.partial_fit(X, 1e3 * y)
    assert all(np.isfinite(W).all() for W in reg.coefs_)
