"""The estimators' scikit-learn parity: sample_weight, class_weight, sparse X,
learning_rate, power_t, max_fun, t_, n_iter_ under warm_start, verbose.

Oracles: repeated rows for integer weights (the weighted mean's definition);
scikit-learn's own metrics, class weights, SGD optimizer and MLP estimators
for what scikit-learn defines.
"""

import re
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")

import scipy.sparse as sp  # noqa: E402
import sklearn.neural_network as sknn  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.metrics import accuracy_score, r2_score  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder  # noqa: E402
from sklearn.utils.class_weight import compute_class_weight  # noqa: E402

from chainrule.errors import ConfigError, InvalidValueError  # noqa: E402
from chainrule.sklearn import MLPClassifier, MLPRegressor  # noqa: E402
from chainrule.train.schedules import Reducible, invscaling  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def regression(n=30, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = X[:, 0] - 2 * X[:, 1] ** 2 + 0.1 * rng.normal(size=n)
    w = rng.integers(0, 4, size=n)
    w[0] = max(w[0], 1)
    return X, y, w


def classification(n=40, seed=1, k=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 2))
    y = np.array(["a", "b", "c"])[(X[:, 0] > 0).astype(int) + (X[:, 1] > 0.5)][:, None]
    y = y.ravel() if k == 3 else np.where(X[:, 0] > 0, "a", "b")
    w = rng.integers(0, 4, size=n)
    w[:3] = 1
    return X, y, w


def rep(X, y, w):
    idx = np.repeat(np.arange(len(w)), w)
    return X[idx], y[idx]


def flat(est):
    return est.network_.get_flat()


# ----------------------------------------------------------- sample_weight
@pytest.mark.parametrize("solver", ["lbfgs", "gd"])
def test_regressor_integer_weights_equal_repeated_rows(solver):
    X, y, w = regression()
    kw = {
        "hidden_layer_sizes": (5,),
        "solver": solver,
        "max_iter": 40,
        "random_state": 0,
        "activation": "tanh",
        "learning_rate_init": 0.1,
    }
    a = MLPRegressor(**kw).fit(X, y, sample_weight=w)
    b = MLPRegressor(**kw).fit(*rep(X, y, w))
    np.testing.assert_allclose(flat(a), flat(b), rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(a.loss_curve_, b.loss_curve_, rtol=1e-8)
    assert not np.allclose(flat(a), flat(MLPRegressor(**kw).fit(X, y)))


@pytest.mark.parametrize("k", [2, 3])
def test_classifier_integer_weights_equal_repeated_rows(k):
    X, y, w = classification(k=k)
    kw = {
        "hidden_layer_sizes": (4,),
        "solver": "lbfgs",
        "max_iter": 30,
        "random_state": 0,
    }
    a = MLPClassifier(**kw).fit(X, y, sample_weight=w)
    b = MLPClassifier(**kw).fit(*rep(X, y, w))
    np.testing.assert_allclose(flat(a), flat(b), rtol=1e-8, atol=1e-10)


def test_partial_fit_with_weights_equals_repeated_rows():
    X, y, w = regression()
    a = MLPRegressor((5,), solver="gd", random_state=0, learning_rate_init=0.05)
    b = MLPRegressor((5,), solver="gd", random_state=0, learning_rate_init=0.05)
    for _ in range(3):
        a.partial_fit(X, y, sample_weight=w)
        b.partial_fit(*rep(X, y, w))
    np.testing.assert_allclose(flat(a), flat(b), rtol=1e-10, atol=1e-12)
    assert a.t_ == 3 * len(X) and b.t_ == 3 * int(w.sum())


def test_score_uses_sample_weight_as_sklearn_metrics_do():
    X, y, w = regression()
    reg = MLPRegressor((5,), solver="lbfgs", random_state=0, max_iter=20).fit(X, y)
    expected = r2_score(y, reg.predict(X), sample_weight=w)
    assert reg.score(X, y, sample_weight=w) == pytest.approx(expected, rel=1e-12)
    assert reg.score(X, y, sample_weight=w) != pytest.approx(reg.score(X, y))
    X, y, w = classification()
    clf = MLPClassifier((3,), solver="lbfgs", random_state=0, max_iter=5).fit(X, y)
    expected = accuracy_score(y, clf.predict(X), sample_weight=w)
    assert clf.score(X, y, sample_weight=w) == pytest.approx(expected, rel=1e-12)


def test_early_stopping_holds_out_the_weights_with_the_rows():
    X, y, w = regression(n=80)
    kw = {
        "hidden_layer_sizes": (5,),
        "early_stopping": True,
        "max_iter": 30,
        "random_state": 0,
        "learning_rate_init": 0.01,
    }
    a = MLPRegressor(**kw).fit(X, y, sample_weight=w + 1)
    b = MLPRegressor(**kw).fit(X, y)
    assert len(a.validation_scores_) == a.n_iter_
    assert a.validation_scores_[0] != pytest.approx(b.validation_scores_[0])


def test_bad_sample_weight_is_refused_with_its_name():
    X, y, _ = regression()
    with pytest.raises(InvalidValueError, match="sample_weight: expected weights >= 0"):
        MLPRegressor((3,)).fit(X, y, sample_weight=-np.ones(len(y)))


# ------------------------------------------------------------ class_weight
def test_balanced_class_weight_is_sklearns_as_sample_weight():
    X, y, _ = classification()
    kw = {
        "hidden_layer_sizes": (4,),
        "solver": "lbfgs",
        "max_iter": 30,
        "random_state": 0,
    }
    classes = np.unique(y)
    cw = compute_class_weight("balanced", classes=classes, y=y)
    assert len(set(np.round(cw, 6))) > 1  # the classes are unbalanced
    sw = cw[np.searchsorted(classes, y)]
    a = MLPClassifier(class_weight="balanced", **kw).fit(X, y)
    b = MLPClassifier(**kw).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(flat(a), flat(b), rtol=1e-12)


def test_dict_class_weight_multiplies_sample_weight():
    X, y, w = classification()
    kw = {
        "hidden_layer_sizes": (4,),
        "solver": "lbfgs",
        "max_iter": 30,
        "random_state": 0,
    }
    cw = {"a": 2.0, "c": 0.5}  # "b" keeps 1
    sw = w * np.array([cw.get(label, 1.0) for label in y])
    a = MLPClassifier(class_weight=cw, **kw).fit(X, y, sample_weight=w)
    b = MLPClassifier(**kw).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(flat(a), flat(b), rtol=1e-12)
    c = MLPClassifier(**kw).fit(X, y, sample_weight=w)
    assert not np.allclose(flat(a), flat(c))


def test_class_weight_with_an_unknown_class_is_an_error():
    X, y, _ = classification()
    with pytest.raises(ConfigError, match="class_weight: the class 'z' is not one"):
        MLPClassifier((3,), class_weight={"a": 1.0, "z": 2.0}).fit(X, y)
    with pytest.raises(ConfigError, match="class_weight: expected 'balanced'"):
        MLPClassifier((3,), class_weight="even").fit(X, y)


# ------------------------------------------------------------------ sparse
class NoDense(sp.csr_matrix):
    """A CSR matrix that refuses to be made dense."""

    def toarray(self, *a, **k):
        raise AssertionError("densified")

    todense = toarray

    def __array__(self, *a, **k):
        raise AssertionError("densified")


@pytest.mark.parametrize("solver", ["lbfgs", "adam"])
def test_sparse_X_fits_as_dense_without_densifying(solver):
    X, y, w = regression(n=60)
    X[np.abs(X) < 0.7] = 0
    kw = {
        "hidden_layer_sizes": (5,),
        "solver": solver,
        "max_iter": 15,
        "random_state": 0,
        "batch_size": 16,
    }
    if solver == "lbfgs":
        kw.pop("batch_size")
    a = MLPRegressor(**kw).fit(NoDense(X), y, sample_weight=w)
    b = MLPRegressor(**kw).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(flat(a), flat(b), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(a.predict(NoDense(X)), b.predict(X), rtol=1e-9)
    c = MLPRegressor(**kw).fit(sp.csc_matrix(X), y)
    assert c.predict(sp.csc_matrix(X)).shape == (60,)


def test_one_hot_encoder_in_a_pipeline():
    rng = np.random.default_rng(0)
    colours = rng.choice(["red", "green", "blue"], size=(120, 1))
    y = (colours[:, 0] == "red").astype(int)
    pipe = make_pipeline(
        OneHotEncoder(), MLPClassifier((4,), solver="lbfgs", random_state=0)
    )
    pipe.fit(colours, y)
    assert sp.issparse(pipe[0].transform(colours))
    assert pipe.score(colours, y) == 1.0


# ------------------------------------- learning_rate, power_t, max_fun, t_
def sklearn_sgd_rates(lr0, power_t, n, epochs):
    """The learning rate of each epoch, from scikit-learn's own SGD optimizer."""
    from sklearn.neural_network._stochastic_optimizers import SGDOptimizer

    opt = SGDOptimizer(
        [np.zeros(1)], learning_rate_init=lr0, lr_schedule="invscaling", power_t=power_t
    )
    rates, t = [], 0
    for _ in range(epochs):
        rates.append(opt.learning_rate)
        t += n
        opt.iteration_ends(t)
    return rates


def test_invscaling_is_sklearns_sgd_schedule():
    s = invscaling(0.1, 0.3, samples_per_epoch=25)
    np.testing.assert_allclose(
        [s(e) for e in range(6)], sklearn_sgd_rates(0.1, 0.3, 25, 6), rtol=1e-15
    )


def test_invscaling_changes_training_and_power_zero_is_constant():
    X, y, _ = regression()
    kw = {
        "hidden_layer_sizes": (5,),
        "solver": "sgd",
        "max_iter": 8,
        "random_state": 0,
        "learning_rate_init": 0.05,
        "n_iter_no_change": 100,
    }
    const = MLPRegressor(**kw).fit(X, y)
    zero = MLPRegressor(learning_rate="invscaling", power_t=0.0, **kw).fit(X, y)
    half = MLPRegressor(learning_rate="invscaling", power_t=0.5, **kw).fit(X, y)
    np.testing.assert_array_equal(flat(const), flat(zero))
    assert not np.allclose(flat(const), flat(half))


def test_reducible_divides_by_five_down_to_the_floor():
    s = Reducible(1e-5)
    assert s.reduce() and s(0) == pytest.approx(2e-6)
    assert s.reduce() and s(9) == pytest.approx(4e-7)
    assert not s.reduce() and s(0) == pytest.approx(4e-7)


@pytest.mark.parametrize("learning_rate", ["constant", "adaptive"])
def test_stopping_and_adaptive_count_as_sklearn(learning_rate):
    # tol so large that no epoch improves: only the counting rules decide
    X, y, _ = regression()
    kw = {
        "hidden_layer_sizes": (3,),
        "solver": "sgd",
        "max_iter": 100,
        "tol": 1e6,
        "n_iter_no_change": 1,
        "learning_rate": learning_rate,
        "random_state": 0,
    }
    ours = MLPRegressor(**kw).fit(X, y)
    theirs = sknn.MLPRegressor(**kw).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_
    # constant: stop when 2 > n_iter_no_change epochs did not improve (epoch 3);
    # adaptive: divide 1e-3 by 5 at epochs 3, 5, 7, 9, 11 (down to 3.2e-7 <=
    # 1e-6), then stop at epoch 13
    assert ours.n_iter_ == (13 if learning_rate == "adaptive" else 3)


def test_t_counts_samples_like_sklearn():
    X, y, _ = regression()
    kw = {
        "hidden_layer_sizes": (3,),
        "solver": "sgd",
        "max_iter": 4,
        "n_iter_no_change": 100,
        "random_state": 0,
    }
    ours, theirs = MLPRegressor(**kw).fit(X, y), sknn.MLPRegressor(**kw).fit(X, y)
    assert ours.t_ == theirs.t_ == 4 * len(X)
    ours.partial_fit(X, y)
    theirs.partial_fit(X, y)
    assert ours.t_ == theirs.t_ == 5 * len(X)


def test_n_iter_is_the_last_fit_under_warm_start_as_sklearn():
    X, y, _ = regression()
    kw = {
        "hidden_layer_sizes": (3,),
        "solver": "adam",
        "max_iter": 3,
        "warm_start": True,
        "random_state": 0,
    }
    ours, theirs = MLPRegressor(**kw), sknn.MLPRegressor(**kw)
    for _ in range(2):
        ours.fit(X, y)
        theirs.fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_ == 3
    assert len(ours.loss_curve_) == len(theirs.loss_curve_) == 6


def test_max_fun_bounds_lbfgs_evaluations():
    X, y, _ = regression()
    with pytest.warns(ConvergenceWarning, match="max_fun=4"):
        reg = MLPRegressor(
            (5,), solver="lbfgs", max_fun=4, max_iter=200, random_state=0
        ).fit(X, y)
    assert reg.n_iter_ < 4
    with pytest.raises(ValueError, match="max_fun"):
        MLPRegressor(max_fun=0).fit(X, y)


def test_unknown_learning_rate_is_refused():
    X, y, _ = regression()
    with pytest.raises(ValueError, match="learning_rate: expected one of"):
        MLPRegressor(learning_rate="fast").fit(X, y)


# ------------------------------------------------------------------ verbose
LINE = re.compile(r"^Iteration \d+, loss = \d+\.\d{8}$")


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_verbose_prints_sklearns_iteration_lines(solver, capsys):
    X, y, _ = regression()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a warning would go to stderr
        reg = MLPRegressor(
            (3,), solver=solver, max_iter=5, verbose=True, random_state=0
        ).fit(X, y)
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert len(lines) == reg.n_iter_ and all(LINE.match(line) for line in lines)
    assert lines[0] == f"Iteration 1, loss = {reg.loss_curve_[0]:.8f}"
    assert err == ""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sknn.MLPRegressor(hidden_layer_sizes=(3,), max_iter=2, verbose=True).fit(X, y)
    theirs = capsys.readouterr().out.splitlines()
    assert all(LINE.match(line) for line in theirs)  # the same format
