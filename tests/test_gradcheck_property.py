"""Property tests: backpropagation equals central differences on random networks."""

import numpy as np
from hypothesis import assume, given
from hypothesis import strategies as st

import chainrule as cr

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "identity"]
# every cost with the output activations it is valid for
PAIRINGS = (
    [("sse", out) for out in HIDDEN + ["softmax"]]
    + [("mse", out) for out in HIDDEN + ["softmax"]]
    + [("bce", "sigmoid"), ("cce", "softmax")]
)
KINKED = {"relu", "leaky_relu"}


def targets(rng, loss, n, k):
    if loss == "bce":
        return rng.integers(0, 2, size=(n, k)).astype(float)
    if loss == "cce":
        return np.eye(k)[rng.integers(0, k, size=n)]
    return rng.normal(size=(n, k))


@st.composite
def problems(draw):
    depth = draw(st.integers(1, 5))
    widths = draw(st.lists(st.integers(1, 8), min_size=depth + 1, max_size=depth + 1))
    loss, out = draw(st.sampled_from(PAIRINGS))
    hidden = draw(st.lists(st.sampled_from(HIDDEN), min_size=depth, max_size=depth))
    acts = [*hidden[:-1], out]
    if out == "softmax":  # cce and softmax need at least two classes
        widths[-1] = max(widths[-1], 2)
    bias = draw(st.lists(st.booleans(), min_size=depth, max_size=depth))
    l2 = draw(st.sampled_from([0.0, 0.0, 1e-3, 0.5]))
    n = draw(st.integers(1, 10))
    seed = draw(st.integers(0, 2**32 - 1))
    return widths, acts, loss, bias, l2, n, seed


def build(problem, dtype="float64"):
    widths, acts, loss, bias, l2, n, seed = problem
    rng = np.random.default_rng(seed)
    net = cr.Network(
        widths, activation=acts, loss=loss, bias=bias, l2=l2, seed=seed, dtype=dtype
    )
    # random biases too, so that no layer is trivially at zero
    net.set_params(
        {
            k: v + (0.5 * rng.normal(size=v.shape) if k[0] == "b" else 0)
            for k, v in net.params.items()
        }
    )
    X = rng.uniform(-2, 2, size=(n, widths[0]))
    y = targets(rng, loss, n, widths[-1])
    return net, X, y


def away_from_kinks(net, X, y, margin=1e-3):
    """Central differences are not derivatives where ReLU's kink is within ε."""
    t = net.trace(X, y)
    for l, act in enumerate(net.activations, start=1):
        if act in KINKED and np.min(np.abs(t[f"z{l + 1}"])) < margin:
            return False
    return True


def resolvable(net, X, y, eps=1e-4, w=None):
    """Whether finite differences can resolve the gradient to 1e-8.

    Each difference quotient carries a rounding error of about
    ε_mach |J| / ε; over P parameters that is ε_mach |J| √P / ε in norm. Where
    the gradient itself is smaller than 1e8 times that (vanishing gradients in
    deep, saturated or dead networks), a relative error of 1e-7 is beyond
    float64 and says nothing about backpropagation.
    """
    t = net.trace(X, y, sample_weight=w)
    g = np.concatenate([v.ravel() for v in t.gradients.values()])
    floor = np.finfo(np.float64).eps * max(abs(t["J"]), 1e-3) * np.sqrt(g.size) / eps
    return np.linalg.norm(g) > 1e8 * floor


@given(problems())
def test_backprop_matches_central_differences_float64(problem):
    net, X, y = build(problem)
    assume(away_from_kinks(net, X, y))
    assume(resolvable(net, X, y))
    # Richardson-extrapolated central differences: their O(ε⁴) error keeps the
    # check meaningful where the gradient is small (y close to ŷ); the
    # tutorial's plain central differences are tested in test_seeds.py.
    chk = cr.gradcheck(net, X, y, method="richardson")
    assert chk.relative_error < 1e-7, (chk.relative_error, chk.worst, net)


@given(problems(), st.lists(st.sampled_from([0.0, 0.25, 1.0, 3.0, 7.5]), min_size=10))
def test_weighted_backprop_matches_central_differences(problem, weights):
    net, X, y = build(problem)
    w = np.array(weights[: X.shape[0]])
    assume(w.sum() > 0)
    assume(away_from_kinks(net, X, y))
    assume(resolvable(net, X, y, w=w))
    chk = cr.gradcheck(net, X, y, method="richardson", sample_weight=w)
    assert chk.relative_error < 1e-7, (chk.relative_error, chk.worst, net, w)


@given(problems())
def test_backprop_matches_central_differences_float32(problem):
    net, X, y = build(problem, dtype="float32")
    assume(away_from_kinks(net, X, y, margin=1e-2))
    assume(resolvable(net, X, y))
    g = net.gradients(X, y)
    assert all(v.dtype == np.float32 for v in g.values())
    chk = cr.gradcheck(net, X, y)
    # float32 tolerance: see chainrule.gradient_check.TOLERANCE
    assert chk.relative_error < 1e-3, (chk.relative_error, chk.worst, net)


@given(problems())
def test_trace_and_gradients_are_one_computation(problem):
    net, X, y = build(problem)
    t = net.trace(X, y)
    g = net.gradients(X, y)
    assert list(g) == list(net.params)
    for k, v in g.items():
        assert v.shape == net.params[k].shape
        np.testing.assert_array_equal(t[f"dJd{k}"], v)
    assert t["J"] == net.cost(X, y)


@given(problems(), st.sampled_from([0.1, 0.5, 0.8]), st.integers(0, 2**32 - 1))
def test_dropout_backprop_matches_the_masked_costs_differences(problem, p, mseed):
    """With fixed masks, backprop's gradient is the masked cost's gradient:
    a mask left out of the backward pass (or its 1/(1 − p) forgotten) fails."""
    net, X, y = build(problem)
    masks = cr.Masks.draw(np.random.default_rng(mseed), net.sizes, X.shape[0], p)
    t = net.trace(X, y, masks=masks)
    assume(away_from_kinks(net, X, y))
    # as resolvable(), for the masked cost: rounding of the differences
    g = np.concatenate([v.ravel() for v in t.gradients.values()])
    floor = np.finfo(np.float64).eps * max(abs(t["J"]), 1e-3) * np.sqrt(g.size) / 1e-4
    assume(np.linalg.norm(g) > 1e8 * floor)
    chk = cr.gradcheck(net, X, y, method="richardson", masks=masks)
    assert chk.relative_error < 1e-7, (chk.relative_error, chk.worst, net, masks)
    # the trace holds what the next layer read: a ∘ m / (1 − p)
    for l in range(2, net.n_layers + 1):
        np.testing.assert_allclose(
            t[f"am{l}"], t[f"a{l}"] * masks.keep[f"m{l}"] / (1 - p), rtol=1e-15
        )
