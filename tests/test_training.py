"""Network.fit: optimizers, minibatches, validation, early stopping, callbacks."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.train.options import History


def tutorial():
    X, y = cr.datasets.test_scores()
    return cr.Network([2, 3, 1], seed=0), X, y


@pytest.mark.parametrize(
    ("optimizer", "kw"),
    [
        ("gd", {"epochs": 3000, "learning_rate": 0.5}),
        ("sgd", {"epochs": 2000, "batch_size": 1, "learning_rate": 1.0}),
        ("sgd", {"epochs": 1500, "learning_rate": 0.3, "momentum": 0.9}),
        (
            "sgd",
            {"epochs": 1500, "learning_rate": 0.3, "momentum": 0.9, "nesterov": True},
        ),
        ("adam", {"epochs": 1500, "learning_rate": 0.05}),
        ("bfgs", {"epochs": 200}),
        ("lbfgs", {"epochs": 200}),
    ],
)
def test_tutorial_converges_with_every_optimizer(optimizer, kw):
    net, X, y = tutorial()
    J0 = net.cost(X, y)
    hist = net.fit(X, y, optimizer=optimizer, **kw)
    assert net.cost(X, y) < 1e-3 < J0
    assert hist.optimizer == optimizer and len(hist.time) == len(hist.cost)
    assert all(b >= a for a, b in zip(hist.time, hist.time[1:], strict=False))


def test_full_batch_gd_step_is_the_gradient_of_the_public_api():
    net, X, y = tutorial()
    before, g = net.get_flat(), net.gradients(X, y)
    hist = net.fit(X, y, optimizer="gd", epochs=1, learning_rate=0.1)
    flat_g = np.concatenate([g[k].ravel() for k in net.params])
    np.testing.assert_array_equal(net.get_flat(), before + (-0.1 * flat_g))
    # full batch: the recorded cost is the cost after the step, exactly
    assert hist.cost == [net.cost(X, y)]


def test_a_callback_may_replace_the_parameters():
    net, X, y = tutorial()
    other = cr.Network([2, 3, 1], seed=5)

    def swap(epoch, hist, n):
        if epoch == 1:
            n.set_params(other.params)

    hist = net.fit(X, y, optimizer="gd", epochs=2, callbacks=[swap])
    g = other.gradients(X, y)
    flat_g = np.concatenate([g[k].ravel() for k in net.params])
    np.testing.assert_array_equal(net.get_flat(), other.get_flat() - 0.5 * flat_g)
    assert hist.cost[-1] == net.cost(X, y)


def data(n=40, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, (X @ [[0.5], [-1.0], [0.3]] > 0).astype(float)


def net3(**kw):
    return cr.Network([3, 4, 1], output_activation="sigmoid", loss="bce", **kw)


def test_minibatch_shuffling_is_reproducible_with_a_seed():
    X, y = data()
    a, b, c = net3(), net3(), net3()
    for net, seed in ((a, 7), (b, 7), (c, 8)):
        net.fit(X, y, optimizer="sgd", epochs=3, batch_size=8, seed=seed)
    assert (a.get_flat() == b.get_flat()).all()
    assert not (a.get_flat() == c.get_flat()).all()
    d = net3()
    d.fit(X, y, optimizer="sgd", epochs=3, batch_size=8, seed=7, shuffle=False)
    assert not (a.get_flat() == d.get_flat()).all()


def test_last_partial_batch_is_used():
    X, y = data(n=10)
    net = net3()
    # Oracle: the same three sgd steps taken one by one with Network.step,
    # rows 0-3, 4-7 and 8-9 (no shuffle); each step returns J before it.
    ref = net.copy()
    lr = 0.05
    J = [
        ref.step(X[a:b], y[a:b], learning_rate=lr) for a, b in ((0, 4), (4, 8), (8, 10))
    ]
    hist = net.fit(
        X, y, optimizer="sgd", epochs=1, batch_size=4, shuffle=False, learning_rate=lr
    )
    # the epoch cost is the mean of the minibatch costs weighted by 4, 4, 2
    assert hist.cost[0] == pytest.approx(
        (4 * J[0] + 4 * J[1] + 2 * J[2]) / 10, rel=1e-12
    )
    assert hist.cost[0] != pytest.approx(sum(J) / 3, rel=1e-6)  # not unweighted
    np.testing.assert_allclose(net.get_flat(), ref.get_flat(), rtol=1e-12)


def test_validation_split_and_data():
    X, y = data(n=40)
    net = net3()
    hist = net.fit(X, y, optimizer="adam", epochs=5, validation_split=0.25)
    assert len(hist.val_cost) == 5
    with pytest.raises(cr.ConfigError, match="validation_split"):
        net.fit(X, y, optimizer="adam", epochs=1, validation_split=1.5)
    with pytest.raises(cr.ConfigError, match="not both"):
        net.fit(
            X,
            y,
            optimizer="adam",
            epochs=1,
            validation_split=0.2,
            validation_data=(X, y),
        )
    hist = net.fit(
        X[:30], y[:30], optimizer="adam", epochs=3, validation_data=(X[30:], y[30:])
    )
    assert hist.val_cost[-1] == pytest.approx(net.cost(X[30:], y[30:]))


def test_early_stopping_restores_the_best_parameters():
    X, y = data(n=60)
    Xv, yv = data(n=20, seed=5)
    yv = 1 - yv  # validation labels that training makes worse and worse
    net = net3(seed=0)
    snapshots = {}
    hist = net.fit(
        X,
        y,
        optimizer="adam",
        epochs=300,
        learning_rate=0.05,
        validation_data=(Xv, yv),
        early_stopping=True,
        patience=4,
        callbacks=[lambda e, h, n: snapshots.update({e: n.get_flat()})],
    )
    assert hist.stopped_early and hist.best_epoch is not None
    assert len(hist.cost) == hist.best_epoch + 4
    best = int(np.argmin(hist.val_cost)) + 1
    assert hist.best_epoch == best
    np.testing.assert_array_equal(net.get_flat(), snapshots[best])
    assert net.cost(Xv, yv) == pytest.approx(min(hist.val_cost))


def test_early_stopping_keeps_the_best_epoch_when_the_epochs_run_out():
    X, y = data(n=60)
    Xv, yv = data(n=20, seed=5)
    yv = 1 - yv  # the best validation cost comes early
    net = net3(seed=0)
    snapshots = {}
    hist = net.fit(
        X,
        y,
        optimizer="adam",
        epochs=40,
        learning_rate=0.05,
        validation_data=(Xv, yv),
        early_stopping=True,
        patience=1000,  # never reached: the epochs end first
        callbacks=[lambda e, h, n: snapshots.update({e: n.get_flat()})],
    )
    best = int(np.argmin(hist.val_cost)) + 1
    assert not hist.stopped_early and len(hist.cost) == 40 and best < 40
    assert hist.best_epoch == best
    assert hist.message == (
        f"completed 40 epochs; kept epoch {best} (cost {min(hist.val_cost):.6g})"
    )
    np.testing.assert_array_equal(net.get_flat(), snapshots[best])


def test_a_callback_stops_training():
    net, X, y = tutorial()
    hist = net.fit(
        X, y, optimizer="gd", epochs=100, callbacks=[lambda epoch, h, n: epoch == 7]
    )
    assert len(hist.cost) == 7 and "callback" in hist.message
    net, X, y = tutorial()
    hist = net.fit(X, y, optimizer="bfgs", callbacks=[lambda i, h, n: i == 3])
    assert len(hist.cost) == 3


def test_ctrl_c_ends_training_cleanly_and_keeps_the_work():
    X, y = data()
    net = net3()
    kept = {}

    def interrupt(epoch, hist, n):
        kept[epoch] = n.get_flat()
        if epoch == 5:
            raise KeyboardInterrupt

    hist = net.fit(
        X, y, optimizer="sgd", epochs=50, batch_size=8, callbacks=[interrupt]
    )
    assert hist.interrupted and len(hist.cost) == 5 and "interrupted" in hist.message
    np.testing.assert_array_equal(net.get_flat(), kept[5])
    net2 = net3()
    hist = net2.fit(X, y, optimizer="lbfgs", callbacks=[interrupt])
    assert hist.interrupted and len(hist.cost) == 5
    np.testing.assert_array_equal(net2.get_flat(), kept[5])


def test_ctrl_c_inside_a_step(monkeypatch):
    from chainrule.train import first_order as loop

    X, y = data()
    net = net3()
    real, calls = loop.backward, []

    def flaky(*args, **kw):
        calls.append(1)
        if len(calls) == 12:  # during the third epoch of 5 batches
            raise KeyboardInterrupt
        return real(*args, **kw)

    monkeypatch.setattr(loop, "backward", flaky)
    hist = net.fit(X, y, optimizer="adam", epochs=9, batch_size=8)
    assert hist.interrupted and len(hist.cost) == 2
    assert np.isfinite(net.get_flat()).all()


def test_divergence_stops_at_once_and_keeps_the_last_finite_parameters():
    net = cr.Network([1, 4, 1], activation="identity", loss="sse", seed=0)
    X = np.linspace(-3, 3, 20).reshape(-1, 1)
    y = 2 * X
    kept = {}
    with pytest.raises(cr.DivergenceError, match="smaller learning rate") as info:
        net.fit(
            X,
            y,
            optimizer="gd",
            epochs=500,
            learning_rate=5.0,
            callbacks=[lambda e, h, n: kept.update({e: n.get_flat()})],
        )
    err = info.value
    assert err.epoch == max(kept) + 1 and f"epoch {err.epoch}" in str(err)
    assert len(err.history.cost) == max(kept)
    np.testing.assert_array_equal(net.get_flat(), kept[max(kept)])
    assert np.isfinite(net.get_flat()).all()


def test_float32_end_to_end():
    X, y = data()
    net = net3(dtype="float32")
    for optimizer in ("gd", "sgd", "adam", "lbfgs"):
        batch = {} if optimizer == "lbfgs" else {"batch_size": 16}
        hist = net.fit(
            X, y, optimizer=optimizer, epochs=3, validation_split=0.2, **batch
        )
        assert all(v.dtype == np.float32 for v in net.params.values())
        assert all(isinstance(c, float) for c in hist.cost + hist.val_cost)
    assert net.trace(X, y)["delta2"].dtype == np.float32
    assert all(g.dtype == np.float32 for g in net.gradients(X, y).values())


def test_schedule_sets_each_epochs_learning_rate():
    net, X, y = tutorial()
    hist = net.fit(X, y, optimizer="sgd", epochs=6, learning_rate=0.4, schedule="step")
    assert hist.learning_rate == [0.4] * 6
    hist = net.fit(
        X,
        y,
        optimizer="sgd",
        epochs=4,
        learning_rate=0.4,
        schedule=lambda e: 0.4 / (e + 1),
    )
    assert hist.learning_rate == pytest.approx([0.4, 0.2, 0.4 / 3, 0.1])


def test_bad_arguments_are_named_before_any_work():
    net, X, y = tutorial()
    before = net.get_flat()
    for kw, word in [
        ({"epochs": 0}, "epochs"),
        ({"batch_size": -2}, "batch_size"),
        ({"learning_rate": 0}, "learning_rate"),
        ({"patience": 0}, "patience"),
        ({"optimizer": "rmsprop"}, "optimizer"),
        ({"schedule": "warm"}, "schedule"),
        ({"optimizer": "adam", "momentum": 0.9}, "momentum"),
    ]:
        with pytest.raises(cr.ChainruleError, match=word):
            net.fit(X, y, **{"optimizer": "sgd", **kw})
    assert (net.get_flat() == before).all()


def test_history_and_progress_bar(capsys):
    net, X, y = tutorial()
    hist = net.fit(
        X, y, optimizer="adam", epochs=4, progress=True, validation_data=(X, y)
    )
    assert isinstance(hist, History) and hist.epochs == 4 == len(hist)
    assert hist.message == "completed 4 epochs" and not hist.interrupted
    out, err = capsys.readouterr()
    assert out == ""  # the bar goes to stderr; stdout stays clean for data
    bar = err.strip().splitlines()[-1]
    assert bar.startswith("fit (adam)") and " 4/4 " in bar
    assert f"J={hist.cost[-1]:.4g}" in bar and f"val={hist.val_cost[-1]:.4g}" in bar
    net.fit(X, y, optimizer="adam", epochs=2)
    assert capsys.readouterr().err == ""  # no bar unless asked
