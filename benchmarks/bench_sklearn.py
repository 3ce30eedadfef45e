"""scikit-learn's MLPs with solver="sgd" (no momentum), one epoch per call."""

import sys
import warnings

import numpy as np
from common import (
    BATCH_M,
    LR,
    LR_S,
    M_N,
    M_SIZES,
    REPEATS,
    S_STEPS,
    classification_data,
    report,
    s_data,
    timed,
)
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor

warnings.simplefilter("ignore", ConvergenceWarning)


def case_s():
    X, y = s_data()
    est = MLPRegressor(
        hidden_layer_sizes=(3,),
        activation="logistic",
        solver="sgd",
        momentum=0.0,
        learning_rate_init=LR_S,
        batch_size=3,
        random_state=0,
    )
    yv = y.ravel()

    def run():
        for _ in range(S_STEPS):
            est.partial_fit(X, yv)

    report(
        "sklearn",
        "S",
        [t / S_STEPS for t in timed(run, REPEATS["S"])],
        note="MLPRegressor.partial_fit: one step per call, identity output",
    )


def case_m():
    X, labels, _ = classification_data(M_N, M_SIZES[0])
    est = MLPClassifier(
        hidden_layer_sizes=tuple(M_SIZES[1:-1]),
        activation="relu",
        solver="sgd",
        momentum=0.0,
        learning_rate_init=LR,
        batch_size=BATCH_M,
        random_state=0,
    )
    classes = np.arange(10)

    def epoch():
        est.partial_fit(X, labels, classes=classes)

    report(
        "sklearn",
        "M",
        timed(epoch, REPEATS["M"]),
        dtype=str(est.coefs_[0].dtype) if hasattr(est, "coefs_") else "?",
    )


if __name__ == "__main__":
    {"S": case_s, "M": case_m}[sys.argv[1]]()
