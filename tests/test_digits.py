"""Real data: scikit-learn's bundled 8x8 digits (no download)."""

import numpy as np
import pytest

import chainrule as cr

datasets = pytest.importorskip("sklearn.datasets")


def test_digits_classifier_reaches_97_percent_on_a_held_out_quarter():
    X, labels = datasets.load_digits(return_X_y=True)
    rng = np.random.default_rng(0)
    order = rng.permutation(len(X))
    test, train = order[: len(X) // 4], order[len(X) // 4 :]
    X = (X / 16.0).astype(np.float32)
    Y = np.eye(10, dtype=np.float32)[labels]
    net = cr.Network(
        [64, 64, 10],
        activation="relu",
        output_activation="softmax",
        loss="cce",
        dtype="float32",
        seed=0,
    )
    hist = net.fit(
        X[train],
        Y[train],
        optimizer="adam",
        epochs=40,
        batch_size=32,
        learning_rate=0.005,
        validation_split=0.1,
        early_stopping=True,
        patience=8,
    )
    accuracy = np.mean(np.argmax(net.forward(X[test]), axis=1) == labels[test])
    assert accuracy >= 0.97, f"accuracy {accuracy:.3f} after {len(hist)} epochs"
    assert net.params["W1"].dtype == np.float32
