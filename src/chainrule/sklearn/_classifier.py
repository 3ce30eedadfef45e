"""``MLPClassifier``: sigmoid + ``bce`` or softmax + ``cce`` on the output."""

from __future__ import annotations

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import accuracy_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, unique_labels
from sklearn.utils.validation import column_or_1d, validate_data

from chainrule.data import labels
from chainrule.errors import ConfigError, InvalidValueError, ModelFileError
from chainrule.sklearn import _saving
from chainrule.sklearn._base import SPARSE, BaseMLP
from chainrule.sklearn._checks import family

Array = np.ndarray


class MLPClassifier(ClassifierMixin, BaseMLP):
    """A multi-layer perceptron classifier trained by chainrule.

    Labels of any type are encoded by ``LabelBinarizer``. The output layer
    follows the task, as in scikit-learn's ``MLPClassifier``:

    - two classes: one sigmoid unit and ``bce``, ŷ = P(classes_[1]). A
      two-unit softmax would be the same model (softmax over two logits is
      the sigmoid of their difference) with twice the output weights, one
      direction of which the cost cannot see;
    - more classes: one softmax unit per class and ``cce``;
    - multilabel (``y`` an (n, n_labels) 0/1 indicator matrix): one sigmoid
      unit per label and ``bce``.

    The parameters are those of :class:`chainrule.sklearn.MLPRegressor`;
    with early stopping the validation score is the accuracy. One more:

    Parameters
    ----------
    class_weight : "balanced", dict or None, default=None
        A weight per class, multiplied into each row's ``sample_weight``.
        ``"balanced"`` is ``n / (n_classes · count(class))`` as
        ``sklearn.utils.class_weight.compute_class_weight`` computes it (on
        the rows of each ``fit`` or ``partial_fit`` call); a dict maps labels
        to weights (missing labels: 1; a label not in ``classes_`` is an
        error). Not for multilabel targets. scikit-learn's own MLP has none.

    Attributes
    ----------
    classes_ : (n_classes,) array
    network_ : chainrule.Network
    out_activation_ : {"logistic", "softmax"}
    loss_curve_, loss_, best_loss_, validation_scores_, best_validation_score_,
    n_iter_, n_features_in_, feature_names_in_, coefs_, intercepts_,
    n_layers_, n_outputs_
        As in :class:`chainrule.sklearn.MLPRegressor`.

    Examples
    --------
    >>> import numpy as np
    >>> from chainrule.sklearn import MLPClassifier
    >>> X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]] * 5)
    >>> y = np.array(["no", "yes", "yes", "no"] * 5)          # XOR
    >>> clf = MLPClassifier((4,), activation="tanh", solver="lbfgs",
    ...                     random_state=1).fit(X, y)
    >>> clf.classes_.tolist(), clf.out_activation_
    (['no', 'yes'], 'logistic')
    >>> clf.predict([[0, 1], [1, 1]]).tolist()
    ['yes', 'no']
    >>> clf.predict_proba([[0, 1]]).shape
    (1, 2)
    """

    # the name users import it by, and the one skops lists as a type to trust
    __module__ = "chainrule.sklearn"

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
        class_weight=None,
        dropout=0.0,
    ):
        super().__init__(
            hidden_layer_sizes,
            activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate_init=learning_rate_init,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            learning_rate=learning_rate,
            power_t=power_t,
            max_fun=max_fun,
            dropout=dropout,
        )
        self.class_weight = class_weight

    def _output_layer(self) -> tuple[str, str]:
        if self._label_binarizer.y_type_ == "multiclass":
            return "softmax", "cce"
        return "sigmoid", "bce"

    @property
    def out_activation_(self) -> str:
        out, _ = self._output_layer()
        return "logistic" if out == "sigmoid" else out

    def _validate_training_data(self, X, y, reset: bool, incremental: bool):
        X, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            multi_output=True,
            dtype=np.float64,
            accept_sparse=SPARSE,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if reset:
            classes = self._partial_fit_classes if incremental else None
            lb = LabelBinarizer()
            lb.fit(y if classes is None or y.ndim == 2 else classes)
            if len(lb.classes_) < 2 and lb.y_type_ != "multilabel-indicator":
                raise InvalidValueError(
                    "MLPClassifier needs samples of at least 2 classes, but the "
                    f"data contains only one class: {lb.classes_.tolist()[0]!r}"
                )
            if len(lb.classes_) > labels.MAX_CLASSES:
                raise ConfigError(
                    f"y: {len(lb.classes_)} classes, more than the "
                    f"{labels.MAX_CLASSES} a classification may have "
                    "(chainrule.data.labels.MAX_CLASSES); is y a regression "
                    "target or an identifier?"
                )
            self._label_binarizer, self.classes_ = lb, lb.classes_
            if classes is not None and y.ndim == 1:
                self._check_known_classes(unique_labels(y), incremental=True)
        else:
            self._check_known_classes(unique_labels(y), incremental)
        return X, self._label_binarizer.transform(y).astype(np.float64)

    def _check_known_classes(self, classes: Array, incremental: bool) -> None:
        if incremental and not set(classes) <= set(self.classes_):
            raise InvalidValueError(
                f"y: has classes not in classes_; classes_={self.classes_.tolist()}, "
                f"y has {classes.tolist()}"
            )
        if not incremental and set(classes) != set(self.classes_):
            raise InvalidValueError(
                "warm_start: y must have the same classes as in the previous fit; "
                f"classes_={self.classes_.tolist()}, y has {classes.tolist()}"
            )

    def _stratify(self, Y: Array) -> Array | None:
        return Y if self._label_binarizer.y_type_ != "multilabel-indicator" else None

    def _score_output(self, yhat: Array, Y: Array, w: Array | None = None) -> float:
        lb = self._label_binarizer
        return float(
            accuracy_score(
                lb.inverse_transform(Y), lb.inverse_transform(yhat), sample_weight=w
            )
        )

    def _sample_weight(self, Y: Array, sample_weight, n: int) -> Array | None:
        """``sample_weight`` times the weight of each row's class."""
        w = super()._sample_weight(Y, sample_weight, n)
        if self.class_weight is None:
            return w
        per_class = self._class_weights(Y)
        idx = Y[:, 0].astype(np.intp) if Y.shape[1] == 1 else np.argmax(Y, axis=1)
        return per_class[idx] if w is None else per_class[idx] * w

    def _class_weights(self, Y: Array) -> Array:
        """One weight per entry of ``classes_``, from ``class_weight``."""
        cw, classes = self.class_weight, self.classes_
        if self._label_binarizer.y_type_ == "multilabel-indicator":
            raise ConfigError("class_weight: not supported for multilabel targets")
        idx = Y[:, 0].astype(np.intp) if Y.shape[1] == 1 else np.argmax(Y, axis=1)
        out = np.ones(len(classes))
        if isinstance(cw, str) and cw == "balanced":
            present = np.unique(idx)
            out[present] = compute_class_weight("balanced", classes=present, y=idx)
            return out
        if not isinstance(cw, dict):
            raise ConfigError(
                f"class_weight: expected 'balanced', a dict or None, got {cw!r}"
            )
        known = {c: i for i, c in enumerate(classes.tolist())}
        for label, weight in cw.items():
            key = label.item() if isinstance(label, np.generic) else label
            if key not in known:
                raise ConfigError(
                    f"class_weight: the class {label!r} is not one of classes_ "
                    f"{classes.tolist()}"
                )
            out[known[key]] = weight
        return out

    @family
    def fit(self, X, y, sample_weight=None) -> MLPClassifier:
        """Train on ``X`` (n, n_features) and labels ``y`` (n,) or (n, n_labels).

        ``X`` may be a SciPy sparse matrix (CSR or CSC); ``sample_weight``
        (n,) weights each row's share of the cost, Σ wᵢ ℓᵢ / Σ wᵢ, times the
        weight of its class (``class_weight``).
        """
        self._partial_fit_classes = None
        return self._fit(X, y, sample_weight, incremental=False)

    @available_if(BaseMLP._check_stochastic)
    @family
    def partial_fit(self, X, y, sample_weight=None, classes=None) -> MLPClassifier:
        """One epoch over ``(X, y)``; ``classes`` (all labels) on the first call."""
        if not hasattr(self, "network_") or not hasattr(self, "_optimizer_state"):
            if classes is None and not (np.ndim(y) == 2 and np.shape(y)[1] > 1):
                raise InvalidValueError(
                    "classes: must be given on the first call to partial_fit"
                )
            self._partial_fit_classes = classes
        return self._fit(X, y, sample_weight, incremental=True)

    @family
    def predict(self, X) -> Array:
        """Labels: (n,), or (n, n_labels) 0/1 for multilabel data."""
        yhat = self._forward(X)
        return self._label_binarizer.inverse_transform(yhat)

    @family
    def predict_proba(self, X) -> Array:
        """Class probabilities, (n, n_classes); rows sum to 1 unless multilabel."""
        p = self._forward(X)
        if self._label_binarizer.y_type_ == "binary":
            return np.hstack([1.0 - p, p])
        return p

    @family
    def predict_log_proba(self, X) -> Array:
        """``log(predict_proba(X))``."""
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def _saved_state(self) -> dict:
        doc = super()._saved_state()
        doc["classes"] = _saving.encode_classes(self.classes_)
        doc["target"] = self._label_binarizer.y_type_
        return doc

    def _restore_target(self, doc: dict, where: str) -> None:
        """The labels as saved, their binarizer fitted again on them."""
        classes = _saving.decode_classes(doc.get("classes"), where)
        target = doc.get("target")
        lb = LabelBinarizer()
        if target == "multilabel-indicator":
            lb.fit(np.eye(max(len(classes), 2), dtype=int)[:, : len(classes)])
        elif target in ("binary", "multiclass"):
            lb.fit(classes)
        else:
            raise ModelFileError(
                f"{where}: 'target' should be binary, multiclass or "
                f"multilabel-indicator, got {target!r:.40}"
            )
        if lb.y_type_ != target or not np.array_equal(lb.classes_, classes):
            raise ModelFileError(
                f"{where}: the labels {classes.tolist()!r:.80} do not make a "
                f"{target} target"
            )
        self._label_binarizer, self.classes_ = lb, classes
        self._partial_fit_classes = None
        n_out = 1 if target == "binary" else len(classes)
        self._check_output(where, n_out)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags
