"""scikit-learn estimators that wrap :class:`chainrule.Network`.

``MLPRegressor`` and ``MLPClassifier`` take scikit-learn's ``MLP*`` parameter
names, so that they drop into ``Pipeline``, ``GridSearchCV`` and
``cross_val_score``; the fitted network is ``network_``, a plain
:class:`chainrule.Network` that can be traced, gradient-checked and saved.

This module needs the optional extra: ``pip install 'chainrule[sklearn]'``.

Layer: may import :mod:`chainrule.network` and everything below it; not the
explainer nor the command line.

Examples
--------
>>> from chainrule.sklearn import MLPRegressor
>>> import chainrule as cr
>>> X, y = cr.datasets.test_scores()
>>> reg = MLPRegressor(hidden_layer_sizes=(3,), activation="logistic",
...                    solver="lbfgs", alpha=0.0, random_state=0).fit(X, y.ravel())
>>> reg.network_.sizes
[2, 3, 1]
>>> bool(abs(reg.predict(X) - y.ravel()).max() < 0.01)
True
"""

try:
    import sklearn  # noqa: F401
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "chainrule.sklearn needs scikit-learn, which is not installed; install "
        "the extra with: pip install 'chainrule[sklearn]'"
    ) from exc

from chainrule.sklearn._checks import NotFittedError
from chainrule.sklearn._classifier import MLPClassifier
from chainrule.sklearn._regressor import MLPRegressor
from chainrule.sklearn._saving import EstimatorFile

#: ``load(path)``: the estimator (classifier or regressor) saved at ``path``
#: by its ``save``; see ``MLPClassifier.load``.
load = EstimatorFile.load

__all__ = ["MLPClassifier", "MLPRegressor", "NotFittedError", "load"]
