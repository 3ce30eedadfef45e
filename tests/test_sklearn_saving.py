"""chainrule.sklearn estimators saved and loaded (safetensors + JSON, no
pickle), a Pipeline through skops, and the estimators' dropout.

Oracle: the estimator before saving: predictions, probabilities, labels
(with their dtype), parameters and fitted attributes must come back equal.
"""

import importlib.util
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

import chainrule as cr
from chainrule.errors import ConfigError, InvalidTypeError, ModelFileError
from chainrule.loading import load_with_metadata
from chainrule.sklearn import MLPClassifier, MLPRegressor, NotFittedError, load

HAVE_SKOPS = importlib.util.find_spec("skops") is not None
#: What a Pipeline of StandardScaler and a chainrule estimator asks skops to
#: trust beyond scikit-learn's own types (docs/sklearn.md lists the same).
CHAINRULE_TYPES = [
    "chainrule.network.Network",
    "chainrule.sklearn.MLPClassifier",
    "chainrule.sklearn.MLPRegressor",
    "numpy.dtype",
]


@pytest.fixture(autouse=True)
def quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _X(n=60, k=3, seed=0):
    return np.random.default_rng(seed).normal(size=(n, k))


def _round_trip(est, X, tmp_path, name="est.safetensors"):
    path = tmp_path / name
    est.save(path)
    back = type(est).load(path)
    also = load(path)
    assert type(back) is type(est) and type(also) is type(est)
    np.testing.assert_array_equal(back.predict(X), est.predict(X))
    np.testing.assert_array_equal(also.predict(X), est.predict(X))
    assert back.get_params() == est.get_params()
    assert back.loss_curve_ == est.loss_curve_ and back.n_iter_ == est.n_iter_
    assert back.n_features_in_ == est.n_features_in_
    return back


@pytest.mark.parametrize(
    "labels",
    [
        np.array(["no", "yes"]),
        np.array(["cat", "dog", "eel"], dtype=object),
        np.array([3, 7, 11]),
        np.array([False, True]),
        np.array([0.0, 2.0]),
    ],
    ids=["str", "object-str", "int", "bool", "float"],
)
def test_a_classifier_comes_back_equal(tmp_path, labels):
    X = _X()
    y = labels[np.argmax(X[:, : len(labels)], axis=1) % len(labels)]
    clf = MLPClassifier((5,), max_iter=20, random_state=0).fit(X, y)
    back = _round_trip(clf, X, tmp_path)
    np.testing.assert_array_equal(back.predict_proba(X), clf.predict_proba(X))
    assert back.classes_.dtype == clf.classes_.dtype
    assert back.classes_.tolist() == clf.classes_.tolist()
    assert back.predict(X).dtype == clf.predict(X).dtype
    assert back.score(X, y) == clf.score(X, y)


def test_a_multilabel_classifier_comes_back_equal(tmp_path):
    X = _X()
    Y = (X[:, :3] > 0).astype(int)
    clf = MLPClassifier((6,), max_iter=20, random_state=0).fit(X, Y)
    back = _round_trip(clf, X, tmp_path)
    np.testing.assert_array_equal(back.predict_proba(X), clf.predict_proba(X))


@pytest.mark.parametrize("outputs", [1, 3])
def test_a_regressor_comes_back_equal(tmp_path, outputs):
    X = _X()
    y = X[:, :outputs] ** 2 if outputs > 1 else X[:, 0] ** 2
    reg = MLPRegressor((8,), max_iter=20, random_state=0, early_stopping=True)
    reg.fit(X, y)
    back = _round_trip(reg, X, tmp_path)
    assert back.validation_scores_ == reg.validation_scores_
    assert back.best_validation_score_ == reg.best_validation_score_
    # the file is a model file: chainrule.load reads its network
    net = cr.load(tmp_path / "est.safetensors")
    np.testing.assert_array_equal(net.get_flat(), reg.network_.get_flat())


def test_settings_and_feature_names_come_back(tmp_path):
    pd = pytest.importorskip("pandas", reason="feature names come from a DataFrame")
    X = pd.DataFrame(_X(), columns=["height", "weight", "age"])
    y = np.where(X["height"] > 0, "tall", "short")
    clf = MLPClassifier(
        (4, 3),
        activation="tanh",
        solver="sgd",
        class_weight={"tall": 2.0},
        random_state=np.random.RandomState(0),
        max_iter=10,
    ).fit(X, y)
    path = tmp_path / "m.safetensors"
    clf.save(path)
    back = load(path)
    assert back.feature_names_in_.tolist() == ["height", "weight", "age"]
    assert back.hidden_layer_sizes == (4, 3) and back.class_weight == {"tall": 2.0}
    assert back.random_state is None  # a generator's state is not a setting
    np.testing.assert_array_equal(back.predict(X), clf.predict(X))
    # warm_start and partial_fit go on from the loaded network
    back.partial_fit(X, y)
    assert back.n_iter_ == clf.n_iter_ + 1


def test_integer_labels_of_class_weight_survive_json(tmp_path):
    X = _X()
    y = (X[:, 0] > 0).astype(int)
    clf = MLPClassifier((3,), max_iter=5, class_weight={1: 3.0}, random_state=0)
    clf.fit(X, y).save(tmp_path / "m.safetensors")
    assert load(tmp_path / "m.safetensors").class_weight == {1: 3.0}


def test_an_unfitted_estimator_is_refused(tmp_path):
    with pytest.raises(NotFittedError, match="not fitted yet"):
        MLPClassifier().save(tmp_path / "m.safetensors")
    assert not (tmp_path / "m.safetensors").exists()


def test_the_save_refuses_a_link_and_writes_no_pickle(tmp_path):
    X = _X()
    reg = MLPRegressor((3,), max_iter=5, random_state=0).fit(X, X[:, 0])
    target = tmp_path / "real.safetensors"
    target.write_bytes(b"keep")
    link = tmp_path / "link.safetensors"
    link.symlink_to(target)
    with pytest.raises(ConfigError, match="symbolic link"):
        reg.save(link)
    assert target.read_bytes() == b"keep"
    reg.save(target)
    data = target.read_bytes()
    assert b"\x80\x04\x95" not in data and b"\x80\x05\x95" not in data  # no pickle
    _, extra = load_with_metadata(target)
    assert extra["sklearn"]["format"] == "chainrule.sklearn"
    assert extra["sklearn"]["chainrule"] == cr.__version__


def _tampered(tmp_path, change):
    X = _X()
    clf = MLPClassifier((4,), max_iter=5, random_state=0)
    clf.fit(X, np.where(X[:, 0] > 0, "a", "b"))
    path = tmp_path / "m.safetensors"
    clf.save(path)
    net, extra = load_with_metadata(path)
    change(extra["sklearn"])
    net.save(path, metadata=extra)
    return path


def _three_classes(doc):
    doc["classes"]["values"].append("c")
    doc["target"] = "multiclass"


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.update(n_features_in=4), "n_features_in is 4 but the network"),
        (lambda d: d["classes"]["values"].append("c"), "do not make a binary"),
        (_three_classes, "the output layer is 1 sigmoid"),
        (lambda d: d["classes"].update(dtype="<i8"), "distinct labels of dtype int64"),
        (lambda d: d.update(target="continuous"), "'target' should be binary"),
        (lambda d: d["params"].update(hidden_layer_sizes=[5]), "hidden_layer_sizes"),
        (lambda d: d["params"].update(solver="newton"), "params: solver"),
        (lambda d: d.update(version=2), "estimator format version 2"),
        (lambda d: d.update(estimator="MLPRegressor"), "not a MLPClassifier"),
        (lambda d: d["fitted"].update(n_iter_="many"), "fitted n_iter_ is not int"),
        (lambda d: d.update(feature_names_in=["x"]), "feature_names_in should be"),
    ],
)
def test_a_tampered_file_is_refused_with_what_does_not_fit(tmp_path, change, message):
    path = _tampered(tmp_path, change)
    with pytest.raises(ModelFileError, match=message):
        MLPClassifier.load(path)


def test_a_plain_network_file_is_not_an_estimator(tmp_path):
    cr.Network([2, 3, 1], seed=0).save(tmp_path / "n.safetensors")
    with pytest.raises(ModelFileError, match="not a saved chainrule.sklearn estim"):
        load(tmp_path / "n.safetensors")


def test_a_parameter_without_json_form_is_refused(tmp_path):
    X = _X()
    reg = MLPRegressor((3,), max_iter=5, random_state=0).fit(X, X[:, 0])
    reg.set_params(alpha=np.float64(1e-4))  # a NumPy scalar is fine
    reg.save(tmp_path / "ok.safetensors")
    reg.hidden_layer_sizes = (np.int64(3),)
    reg.save(tmp_path / "ok2.safetensors")
    reg.learning_rate_init = object()
    with pytest.raises(InvalidTypeError, match="learning_rate_init: a object"):
        reg.save(tmp_path / "bad.safetensors")


# ---------------------------------------------------------------- dropout
def test_the_estimators_take_dropout():
    X = _X(100)
    y = X[:, 0] - X[:, 1]
    assert MLPRegressor().get_params()["dropout"] == 0.0

    def fit(p, seed=0):
        return MLPRegressor((16,), max_iter=15, dropout=p, random_state=seed).fit(X, y)

    a, b = fit(0.3), fit(0.3)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    assert not np.array_equal(a.predict(X), fit(0.0).predict(X))
    with pytest.raises(ConfigError, match="dropout: the solver 'lbfgs'"):
        MLPRegressor(solver="lbfgs", dropout=0.2).fit(X, y)
    with pytest.raises(ValueError, match="dropout"):
        MLPRegressor(dropout=1.0).fit(X, y)
    clf = MLPClassifier((8,), dropout=0.5, random_state=0, max_iter=3)
    clf.partial_fit(X, y > 0, classes=[False, True])
    assert clf.n_iter_ == 1


# ------------------------------------------------------------------- skops
@pytest.mark.skipif(not HAVE_SKOPS, reason="skops not installed (extra 'skops')")
@pytest.mark.parametrize("estimator", [MLPClassifier, MLPRegressor])
def test_a_pipeline_round_trips_through_skops(tmp_path, estimator):
    import skops.io as sio
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X = _X() * 10 + 3
    y = np.where(X[:, 0] > 3, "hi", "lo") if estimator is MLPClassifier else X[:, 1]
    pipe = make_pipeline(StandardScaler(), estimator((5,), max_iter=20, random_state=0))
    pipe.fit(X, y)
    path = tmp_path / "pipe.skops"
    sio.dump(pipe, path)
    untrusted = sio.get_untrusted_types(file=path)
    assert set(untrusted) <= set(CHAINRULE_TYPES), untrusted
    with pytest.raises(Exception, match="[Uu]ntrusted"):
        sio.load(path)  # nothing is trusted without being named
    back = sio.load(path, trusted=CHAINRULE_TYPES)
    np.testing.assert_array_equal(back.predict(X), pipe.predict(X))
    if estimator is MLPClassifier:
        np.testing.assert_array_equal(back.predict_proba(X), pipe.predict_proba(X))


def test_info_shows_a_saved_estimators_settings(tmp_path, capsys):
    from chainrule.cli.app import main

    X = _X()
    reg = MLPRegressor((3,), max_iter=5, dropout=0.25, random_state=0)
    reg.fit(X, X[:, 0]).save(tmp_path / "r.safetensors")
    assert main(["info", str(tmp_path / "r.safetensors")]) == 0
    out = capsys.readouterr().out
    assert "estimator: chainrule.sklearn.MLPRegressor" in out
    assert "dropout=0.25" in out
