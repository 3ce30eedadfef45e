"""Optimizers and schedules against update equations worked by hand."""

import math

import numpy as np
import pytest

import chainrule as cr
from chainrule.train import optimizers as opt
from chainrule.train import schedules

THETA = {"W1": np.array([[1.0, -2.0]]), "b1": np.array([[0.5]])}
G1 = {"W1": np.array([[0.2, -0.4]]), "b1": np.array([[1.0]])}
G2 = {"W1": np.array([[0.1, 0.3]]), "b1": np.array([[-2.0]])}


def two_steps(o, grads=(G1, G2)):
    params = {k: v.copy() for k, v in THETA.items()}
    state = o.init(params)
    for g in grads:
        updates, state = o.update(g, state, params)
        params = opt.apply_updates(params, updates)
    return params, state


def test_gd_is_minus_learning_rate_times_gradient():
    params, _ = two_steps(opt.gd(0.1))
    # θ − 0.1 g1 − 0.1 g2
    np.testing.assert_allclose(params["W1"], [[1.0 - 0.02 - 0.01, -2.0 + 0.04 - 0.03]])
    np.testing.assert_allclose(params["b1"], [[0.5 - 0.1 + 0.2]])


def test_momentum_two_steps_by_hand():
    # v1 = −0.1 g1; v2 = 0.9 v1 − 0.1 g2; θ2 = θ + v1 + v2
    params, state = two_steps(opt.sgd(0.1, momentum=0.9))
    v1 = -0.1 * 0.2
    v2 = 0.9 * v1 - 0.1 * 0.1
    assert params["W1"][0, 0] == pytest.approx(1.0 + v1 + v2, abs=1e-15)
    assert state.velocity["W1"][0, 0] == pytest.approx(v2, abs=1e-15)
    assert state.count == 2


def test_nesterov_two_steps_by_hand():
    # Δθ = μ v_new − α g with v_new = μ v − α g
    params, _ = two_steps(opt.sgd(0.1, momentum=0.9, nesterov=True))
    b = 0.5
    v1 = -0.1 * 1.0
    b += 0.9 * v1 - 0.1 * 1.0
    v2 = 0.9 * v1 - 0.1 * -2.0
    b += 0.9 * v2 - 0.1 * -2.0
    assert params["b1"][0, 0] == pytest.approx(b, abs=1e-15)


def test_adam_two_steps_by_hand():
    a, b1, b2, eps = 0.01, 0.9, 0.999, 1e-8
    params, state = two_steps(opt.adam(a, b1, b2, eps))
    w = 1.0
    m = v = 0.0
    for t, g in ((1, 0.2), (2, 0.1)):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w -= a * (m / (1 - b1**t)) / (math.sqrt(v / (1 - b2**t)) + eps)
    assert params["W1"][0, 0] == pytest.approx(w, abs=1e-14)
    # the first Adam step moves each weight by almost exactly α: m̂/√v̂ = ±1
    first, _ = two_steps(opt.adam(a), grads=(G1,))
    np.testing.assert_allclose(first["W1"] - THETA["W1"], [[-a, a]], rtol=1e-6)
    assert state.m["b1"][0, 0] == pytest.approx(0.9 * 0.1 + 0.1 * -2.0)


def test_nesterov_without_momentum_is_gradient_descent():
    a, _ = two_steps(opt.sgd(0.1, momentum=0.0, nesterov=True))
    b, _ = two_steps(opt.gd(0.1))
    np.testing.assert_array_equal(a["W1"], b["W1"])


def test_update_is_pure_and_step_matches_it():
    o = opt.adam(0.05)
    params = {k: v.copy() for k, v in THETA.items()}
    state = o.init(params)
    updates, new_state = o.update(G1, state, params)
    assert state.count == 0 and not state.m["W1"].any()  # the old state is intact
    assert (params["W1"] == THETA["W1"]).all()
    in_place = {k: v.copy() for k, v in THETA.items()}
    o.step(G1, o.init(in_place), in_place)
    np.testing.assert_array_equal(in_place["W1"], THETA["W1"] + updates["W1"])
    assert new_state.count == 1


@pytest.mark.parametrize("name", ["gd", "sgd", "adam"])
def test_float32_stays_float32(name):
    p = {"W1": np.ones((2, 2), np.float32)}
    g = {"W1": np.full((2, 2), 0.5, np.float32)}
    o = opt.make(name, 0.1)
    state = o.init(p)
    o.step(g, state, p, 0.1)
    updates, _ = o.update(g, state, p)
    assert p["W1"].dtype == np.float32 and updates["W1"].dtype == np.float32


def test_bad_options_are_named():
    with pytest.raises(cr.ConfigError, match="momentum"):
        opt.make("adam", 0.1, momentum=0.9)
    with pytest.raises(cr.ConfigError, match="b1"):
        opt.adam(0.1, b1=1.0)
    with pytest.raises(cr.InvalidValueError, match="learning_rate"):
        opt.gd(-1.0)
    with pytest.raises(cr.UnknownNameError, match="sgd"):
        opt.check_name("rmsprop")


def test_schedules_by_hand():
    assert [schedules.make("constant", 0.3, 5)(e) for e in (0, 4)] == [0.3, 0.3]
    inv = schedules.make("inverse", 1.0, 5)
    assert [inv(e) for e in range(4)] == pytest.approx([1, 2**-0.5, 3**-0.5, 0.5])
    assert schedules.inverse(1.0, power=1.0)(3) == 0.25
    st = schedules.step(0.8, drop=0.5, every=2)
    assert [st(e) for e in range(5)] == [0.8, 0.8, 0.4, 0.4, 0.2]
    cos = schedules.cosine(1.0, epochs=10, min_lr=0.1)
    assert cos(0) == 1.0 and cos(10) == pytest.approx(0.1) and cos(5) == 0.55
    assert schedules.make(lambda e: 0.5 / (e + 1), 1.0, 3)(1) == 0.25


def test_schedule_errors():
    with pytest.raises(cr.UnknownNameError, match="cosine"):
        schedules.make("warmup", 0.1, 5)
    with pytest.raises(cr.ConfigError, match="drop"):
        schedules.step(0.1, drop=2.0)
    with pytest.raises(cr.ConfigError, match="min_lr"):
        schedules.cosine(0.1, 5, min_lr=0.2)
