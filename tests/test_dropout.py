"""Dropout: inverted masks on the hidden layers while training, none when
predicting; one pass (core.forward/backward with ``masks=``), NumPy only.

Oracles: the definition ``am = a ∘ m / (1 − p)`` written out with NumPy; the
gradient against the masked cost's differences is in
test_gradcheck_property.py; the table of paths for where a fit runs.
"""

import importlib.util
import json

import numpy as np
import pytest

import chainrule as cr
from chainrule.accel import Call, loader, paths, plan
from chainrule.cli.app import ExitCode, main
from chainrule.errors import ConfigError, InvalidValueError, ShapeError
from chainrule.loading import load_with_metadata

HAVE_NUMBA = importlib.util.find_spec("numba") is not None


def _data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, np.tanh(X @ np.array([[1.0], [-2.0], [0.5]]))


def test_masks_keep_each_unit_with_probability_one_minus_p():
    rng = np.random.default_rng(0)
    m = cr.Masks.draw(rng, [3, 50, 40, 1], n=400, p=0.3)
    assert sorted(m.keep) == ["m2", "m3"]
    assert m.keep["m2"].shape == (400, 50) and m.keep["m3"].shape == (400, 40)
    kept = np.concatenate([k.ravel() for k in m.keep.values()]).mean()
    assert abs(kept - 0.7) < 0.01  # 36,000 draws: σ ≈ 0.0024
    assert m.scale == pytest.approx(1 / 0.7)


def test_forward_with_masks_feeds_the_masked_activation_on():
    net = cr.Network([3, 4, 2, 1], activation="sigmoid", seed=1)
    X, y = _data(5)
    masks = cr.Masks.draw(np.random.default_rng(2), net.sizes, 5, p=0.5)
    t = net.trace(X, y, masks=masks)
    # written out: z3 = (a2 ∘ m2 / (1 − p)) W2 + b2
    am2 = t["a2"] * masks.keep["m2"] / 0.5
    np.testing.assert_allclose(t["am2"], am2, rtol=1e-15)
    np.testing.assert_allclose(t["z3"], am2 @ t["W2"] + t["b2"], rtol=1e-12)
    np.testing.assert_array_equal(t["m3"], masks.keep["m3"])
    assert t.dropout == 0.5
    # the unmasked pass: no mask in the trace, a different cost
    plain = net.trace(X, y)
    assert "m2" not in plain and "am2" not in plain
    assert plain["J"] != t["J"]
    # a dropped unit gets no gradient through its activation
    dropped = masks.keep["m2"] == 0
    assert np.all(t["dJda2"][dropped] == 0)
    assert np.any(t["dJda2"][~dropped] != 0)


def test_masks_are_checked():
    net = cr.Network([3, 4, 1], seed=1)
    X, y = _data(5)
    with pytest.raises(ShapeError, match=r"m2 must be \(examples, units\) = \(5, 4\)"):
        net.trace(X, y, masks=(0.5, {"m2": np.ones((4, 4))}))
    with pytest.raises(InvalidValueError, match="only 0 and 1"):
        net.trace(X, y, masks=(0.5, {"m2": np.full((5, 4), 2.0)}))
    with pytest.raises(InvalidValueError, match="keys"):
        net.trace(X, y, masks=(0.5, {"m3": np.ones((5, 4))}))
    with pytest.raises(InvalidValueError, match=r"probability in \[0, 1\)"):
        net.trace(X, y, masks=(1.0, {"m2": np.ones((5, 4))}))


def test_a_fit_with_dropout_is_reproducible_and_differs_from_none():
    X, y = _data()

    def fit(dropout, seed=3):
        net = cr.Network([3, 16, 16, 1], activation="tanh", seed=0)
        hist = net.fit(X, y, optimizer="adam", epochs=30, dropout=dropout, seed=seed)
        return net, hist

    a, ha = fit(0.3)
    b, hb = fit(0.3)
    assert ha.cost == hb.cost
    np.testing.assert_array_equal(a.get_flat(), b.get_flat())
    c, _ = fit(0.3, seed=4)
    assert not np.array_equal(a.get_flat(), c.get_flat())  # other masks
    d, _ = fit(0.0)
    assert not np.array_equal(a.get_flat(), d.get_flat())
    # prediction uses every unit, unscaled: tanh layers written out
    p = a.params
    h = X
    for l in (1, 2, 3):
        h = np.tanh(h @ p[f"W{l}"] + p[f"b{l}"])
    np.testing.assert_allclose(a.predict(X), h, rtol=1e-12)


def test_validation_cost_uses_no_mask():
    X, y = _data()
    net = cr.Network([3, 8, 1], seed=0)
    hist = net.fit(
        X, y, optimizer="gd", epochs=5, dropout=0.5, validation_data=(X[:10], y[:10])
    )
    assert hist.val_cost[-1] == net.cost(X[:10], y[:10])


def test_dropout_is_refused_where_it_would_be_ignored():
    X, y = _data()
    net = cr.Network([3, 4, 1], seed=0)
    with pytest.raises(ConfigError, match="dropout: the optimizer 'lbfgs'"):
        net.fit(X, y, optimizer="lbfgs", dropout=0.2)
    with pytest.raises(InvalidValueError, match="dropout"):
        net.fit(X, y, optimizer="adam", dropout=-0.1)


def test_the_plan_sends_dropout_to_numpy():
    net = cr.Network([2, 3, 1], bias=False)
    for name in ("compiled", "fused"):
        assert paths.supports(
            paths.PATHS_BY_NAME[name], net, Call("fit", m=3, n=3, dropout=True)
        ) in ("dropout", "adam", "gd", "the full batch", "hidden activations")
    assert (
        paths.supports(
            paths.PATHS_BY_NAME["compiled"], net, Call("fit", m=3, n=3, dropout=True)
        )
        == "dropout"
    )
    wide = cr.Network([784, 1024, 10], activation=["relu", "softmax"], loss="cce")
    call = dict(m=128, n=60000, steps=469)
    assert plan(wide, Call("fit", **call)).path == "fused"
    assert plan(wide, Call("fit", dropout=True, **call)).path == "numpy"


@pytest.mark.skipif(not HAVE_NUMBA, reason="numba not installed: no compiled path")
def test_a_fit_that_would_be_compiled_runs_on_numpy_with_dropout():
    previous = loader.use_compiled(True)
    try:
        loader.prepare()
        X, y = cr.datasets.test_scores()
        net = cr.Network([2, 3, 1], activation="sigmoid", seed=0)
        plain = net.copy().fit(X, y, optimizer="gd", epochs=300, learning_rate=0.5)
        assert plain.path == "compiled"
        runs = [
            net.copy().fit(
                X, y, optimizer="gd", epochs=300, learning_rate=0.5, dropout=0.2
            )
            for _ in range(2)
        ]
        assert runs[0].path == "numpy"
        assert runs[0].cost == runs[1].cost
    finally:
        loader.use_compiled(previous)
        loader.forget()


def test_the_command_line_trains_with_dropout_and_records_it(tmp_path, capsys):
    rows = "".join(f"{i % 7},{(i * 3) % 5},{i % 7 + (i * 3) % 5}\n" for i in range(30))
    data = tmp_path / "d.csv"
    data.write_text("a,b,c\n" + rows)
    out = tmp_path / "m.safetensors"
    argv = [str(data), "--target", "c", "--epochs", "5", "--dropout", "0.25"]
    assert main(["train", *argv, "--out", str(out)]) == ExitCode.OK
    _, meta = load_with_metadata(str(out))
    assert meta["training"]["dropout"] == 0.25
    capsys.readouterr()
    assert main(["info", str(out)]) == ExitCode.OK
    assert "dropout=0.25" in capsys.readouterr().out
    assert main(["info", str(out), "--json"]) == ExitCode.OK
    assert json.loads(capsys.readouterr().out)["training"]["dropout"] == 0.25
    bad = main(["train", *argv[:-1], "1.5", "--out", str(tmp_path / "x.st")])
    assert bad == ExitCode.USAGE
    assert "dropout: expected a probability in [0, 1)" in capsys.readouterr().err
    refused = main(["train", *argv, "--optimizer", "lbfgs", "--out", str(out)])
    assert refused == ExitCode.USAGE
    assert "--dropout: the optimizer 'lbfgs'" in capsys.readouterr().err


def test_a_resumed_fit_draws_the_same_masks(tmp_path):
    X, y = _data()
    ck = tmp_path / "ck.safetensors"
    kw = dict(optimizer="adam", dropout=0.3, batch_size=8, seed=5)
    whole = cr.Network([3, 6, 1], seed=0)
    whole.fit(X, y, epochs=6, **kw)
    parts = cr.Network([3, 6, 1], seed=0)
    parts.fit(X, y, epochs=3, checkpoint=ck, **kw)
    parts.fit(X, y, epochs=6, resume=ck, **kw)
    np.testing.assert_array_equal(parts.get_flat(), whole.get_flat())


def test_dask_data_refuse_dropout():
    da = pytest.importorskip("dask.array", reason="the Dask extra is not installed")
    X, y = _data()
    net = cr.Network([3, 4, 1], seed=0)
    with pytest.raises(ConfigError, match="dropout: not available with Dask"):
        net.fit(da.from_array(X), da.from_array(y), optimizer="adam", dropout=0.2)
