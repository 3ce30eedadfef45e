"""Every line of the public API's contract (DESIGN.md), as users write it."""

import numpy as np
import pytest

import chainrule as cr


@pytest.fixture
def data():
    return cr.datasets.test_scores()


def test_network_constructor_and_params(data):
    net = cr.Network(
        [2, 3, 1],
        activation="sigmoid",
        output_activation=None,
        loss="sse",
        bias=True,
        l2=0.0,
        seed=0,
        dtype="float64",
    )
    assert net.sizes == [2, 3, 1]
    assert {k: v.shape for k, v in net.params.items()} == {
        "W1": (2, 3),
        "b1": (1, 3),
        "W2": (3, 1),
        "b2": (1, 1),
    }
    assert list(net.params) == ["W1", "b1", "W2", "b2"]


def test_activation_per_layer_and_output_override():
    net = cr.Network([2, 4, 3, 1], activation=["relu", "tanh", "sigmoid"])
    assert net.activations == ["relu", "tanh", "sigmoid"]
    net = cr.Network(
        [2, 4, 3], activation="relu", output_activation="softmax", loss="cce"
    )
    assert net.activations == ["relu", "softmax"]
    assert cr.Network([1, 1], activation="linear").activations == ["identity"]


def test_no_bias_layers_have_no_b_key():
    net = cr.Network([2, 3, 2, 1], bias=[True, False, True])
    assert list(net.params) == ["W1", "b1", "W2", "W3", "b3"]


def test_set_params_validates_names_and_shapes():
    net = cr.Network([2, 3, 1], bias=False)
    with pytest.raises(cr.ShapeError, match=r"W1.*\(2, 3\).*\(3, 2\)"):
        net.set_params({"W1": np.zeros((3, 2)), "W2": np.zeros((3, 1))})
    before = net.get_flat()
    with pytest.raises(cr.ShapeError, match="b9"):
        net.set_params({"W1": np.zeros((2, 3)), "W2": np.zeros((3, 1)), "b9": [1]})
    with pytest.raises(cr.ShapeError, match=r"W2.*\(3, 1\)"):
        net.set_params({"W2": np.zeros((1, 3))})
    with pytest.raises(cr.InvalidValueError, match="W1"):
        net.set_params({"W1": np.full((2, 3), np.nan)})
    np.testing.assert_array_equal(net.get_flat(), before)


def test_set_params_with_a_subset_changes_only_those():
    net = cr.Network([2, 3, 1], seed=0)
    before = net.params
    W2 = before["W2"].copy()
    net.set_params({"W1": np.ones((2, 3))})
    np.testing.assert_array_equal(net.params["W1"], np.ones((2, 3)))
    np.testing.assert_array_equal(net.params["W2"], W2)
    np.testing.assert_array_equal(net.params["b1"], before["b1"])


def test_params_are_read_only_and_writes_never_reach_the_network():
    net = cr.Network([2, 3, 1], seed=0)
    X, y = cr.datasets.test_scores()
    J = net.cost(X, y)
    with pytest.raises(ValueError, match="read-only"):
        net.params["W1"][0, 0] = np.nan
    p = net.params
    with pytest.raises(ValueError, match="read-only"):
        p["b2"] += 1.0
    p["W1"] = np.zeros((2, 3))  # rebinding a key of the returned dict
    assert net.cost(X, y) == J
    assert np.isfinite(net.params["W1"]).all()


def test_copy_copies_the_parameters():
    net = cr.Network([2, 3, 1], seed=0)
    other = net.copy()
    other.set_params({"W1": np.zeros((2, 3))})
    assert not np.array_equal(net.params["W1"], other.params["W1"])
    assert other.config() == net.config()


def test_device_cpu_and_cuda_without_cupy():
    assert cr.Network([2, 1], device="cpu").device == "cpu"
    with pytest.raises(cr.ConfigError, match="device"):
        cr.Network([2, 1], device="tpu")
    import importlib.util

    if importlib.util.find_spec("cupy") is None:
        with pytest.raises(cr.ConfigError, match=r"chainrule\[cuda\]"):
            cr.Network([2, 1], device="cuda")


def test_flat_vector_order_and_roundtrip():
    net = cr.Network([2, 3, 1], seed=1)
    p = net.params
    v = net.get_flat()
    expected = np.concatenate(
        [p["W1"].ravel(), p["b1"].ravel(), p["W2"].ravel(), p["b2"].ravel()]
    )
    np.testing.assert_array_equal(v, expected)
    net.set_flat(v * 2)
    np.testing.assert_array_equal(net.params["W1"], 2 * p["W1"])
    with pytest.raises(cr.ShapeError, match=r"\(13,\).*\(12,\)"):
        net.set_flat(v[:-1])


def test_forward_one_example_as_1d(data):
    X, _ = data
    net = cr.Network([2, 3, 1], seed=0)
    assert net.forward(X).shape == (3, 1)
    np.testing.assert_array_equal(net.forward(X[0]), net.forward(X[:1]))


def test_cost_is_a_python_float(data):
    X, y = data
    J = cr.Network([2, 3, 1], seed=0).cost(X, y)
    assert type(J) is float


def test_gradients_same_keys_and_shapes(data):
    X, y = data
    net = cr.Network([2, 3, 1], seed=0)
    g = net.gradients(X, y)
    assert {k: v.shape for k, v in g.items()} == {
        k: v.shape for k, v in net.params.items()
    }


def test_step_returns_cost_before_and_descends(data):
    X, y = data
    net = cr.Network([2, 3, 1], seed=0)
    J0 = net.cost(X, y)
    g = net.gradients(X, y)
    before = net.params
    assert net.step(X, y, learning_rate=0.1) == J0
    for k in before:
        np.testing.assert_allclose(
            net.params[k], before[k] - 0.1 * g[k], rtol=0, atol=1e-15
        )
    assert net.cost(X, y) < J0


def test_trace_names_and_shapes(data):
    X, y = data
    t = cr.Network([2, 3, 1], seed=0).trace(X, y)
    for name in [
        "z2",
        "a2",
        "z3",
        "yHat",
        "J",
        "delta3",
        "dJdW2",
        "delta2",
        "dJdW1",
        "dJdb1",
        "dJdb2",
    ]:
        assert name in t
    s = t.shapes()
    assert s["z2"] == (3, 3) and s["a2"] == (3, 3) and s["z3"] == (3, 1)
    assert s["dJdW1"] == (2, 3) and s["dJdW2"] == (3, 1) and s["dJdb1"] == (1, 3)
    assert isinstance(t["J"], float)
    assert t["z[1]"] is t["z2"] and t["g[2W]"] is t["dJdW2"]


def test_fit_history(data):
    X, y = data
    net = cr.Network([2, 3, 1], seed=0)
    hist = net.fit(
        X,
        y,
        optimizer="bfgs",
        epochs=200,
        learning_rate=None,
        batch_size=None,
        validation_data=(X, y),
        early_stopping=False,
        callbacks=(),
        progress=False,
    )
    assert len(hist.cost) == len(hist.val_cost) > 0
    assert all(type(c) is float for c in hist.cost)
    assert hist.cost[-1] < 1e-6


@pytest.mark.parametrize("optimizer", ["gd", "sgd", "adam", "bfgs", "lbfgs"])
def test_every_optimizer_lowers_the_cost(data, optimizer):
    X, y = data
    net = cr.Network([2, 3, 1], seed=0)
    J0 = net.cost(X, y)
    hist = net.fit(X, y, optimizer=optimizer, epochs=100)
    assert hist.cost[-1] < J0 / 2
    assert net.cost(X, y) == pytest.approx(hist.cost[-1], rel=1e-12)


def test_gradcheck_result(data):
    X, y = data
    chk = cr.gradcheck(cr.Network([2, 3, 1], seed=0), X, y, eps=1e-4)
    assert chk.ok and chk.relative_error < 1e-8
    assert set(chk.per_param) == {"W1", "b1", "W2", "b2"}


def test_gradcheck_catches_a_wrong_gradient(data):
    """The check is not vacuous: a broken derivative is reported."""
    from chainrule.core import activations

    X, y = data
    # the sigmoid with a derivative 10 % off, and no in-place form
    cr.register_activation(
        "sigmoid_off10",
        activations.sigmoid,
        lambda z: 1.1 * activations.sigmoid_prime(z),
    )
    try:
        net = cr.Network([2, 3, 1], activation="sigmoid_off10", seed=0)
        chk = cr.gradcheck(net, X, y)
    finally:
        activations.unregister_activation("sigmoid_off10")
    assert not chk.ok
    assert chk.relative_error > 1e-3


def test_save_and_load_roundtrip(tmp_path, data):
    X, _ = data
    net = cr.Network(
        [2, 4, 3, 1],
        activation=["relu", "tanh", "sigmoid"],
        bias=[True, False, True],
        l2=0.1,
        seed=3,
    )
    path = tmp_path / "model.safetensors"
    net.save(str(path))
    net2 = cr.load(str(path))
    assert net2.config() == net.config()
    np.testing.assert_array_equal(net2.forward(X), net.forward(X))


def test_float32_network_stays_float32(data):
    X, y = data
    net = cr.Network([2, 3, 1], dtype="float32", seed=0)
    assert all(v.dtype == np.float32 for v in net.params.values())
    assert net.forward(X).dtype == np.float32
    t = net.trace(X, y)
    assert t["delta2"].dtype == np.float32 and t["dJdW1"].dtype == np.float32
    assert isinstance(net.cost(X, y), float)


def test_user_arrays_are_never_written(data):
    X, y = data
    X32, y32 = X.astype("float32"), y.astype("float32")
    copies = [a.copy() for a in (X, y, X32, y32)]
    net = cr.Network([2, 3, 1], seed=0)
    net.trace(X, y)
    net.fit(X, y, optimizer="adam", epochs=5, batch_size=2)
    net.fit(X, y, optimizer="gd", epochs=5)
    net.fit(X, y, optimizer="bfgs", epochs=5)
    cr.gradcheck(net, X, y)
    cr.explain(net, X, y, learning_rate=0.1)
    net32 = cr.Network([2, 3, 1], seed=0, dtype="float32")
    net32.fit(X32, y32, optimizer="sgd", epochs=5, batch_size=2, momentum=0.9)
    net32.trace(X32, y32)
    for a, c in zip((X, y, X32, y32), copies, strict=True):
        np.testing.assert_array_equal(a, c)


def test_set_params_copies_the_arrays_it_is_given():
    net = cr.Network([2, 3, 1], bias=False, seed=0)
    W1, W2 = np.ones((2, 3)), np.ones((3, 1))
    net.set_params({"W1": W1, "W2": W2})
    X, y = cr.datasets.test_scores()
    net.fit(X, y, optimizer="gd", epochs=3)
    assert np.all(W1 == 1) and np.all(W2 == 1)


def test_set_params_copies_so_later_writes_or_training_do_not_reach():
    X, y = cr.datasets.test_scores()
    a, b = cr.Network([2, 3, 1], seed=0), cr.Network([2, 3, 1], seed=1)
    b.set_params(a.params)
    before = b.get_flat()
    a.fit(X, y, optimizer="gd", epochs=5)  # trains a's arrays in place
    np.testing.assert_array_equal(b.get_flat(), before)
    w = np.ones((2, 3))
    b.set_params({"W1": w})
    w[0, 0] = 5.0
    assert b.params["W1"][0, 0] == 1.0
