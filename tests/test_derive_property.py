"""Property tests of cr.derive on small random networks.

1. ``expr["dJdW{l}"]`` equals SymPy's own derivative of ``expr["J"]``
   (compared at a random rational point with 30 digits: the oracle is
   ``sympy.diff``, which knows nothing of backpropagation);
2. the numeric ``Network.trace`` at random numbers equals the symbolic
   expressions with the same numbers substituted (float64, rtol 1e-10).

SymPy is slow: few examples, small sizes, no deadline.
"""

import random

import numpy as np
import pytest

import chainrule as cr

sympy = pytest.importorskip("sympy")
hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from chainrule.explainer.symbolic.checks import numeric  # noqa: E402

HIDDEN = ("sigmoid", "tanh", "identity", "relu")
OUTPUT = {  # loss -> output activations it fits
    "sse": HIDDEN,
    "mse": HIDDEN,
    "bce": ("sigmoid",),
    "cce": ("softmax",),
}


@st.composite
def networks(draw):
    L = draw(st.integers(1, 2))
    sizes = [draw(st.integers(1, 3)) for _ in range(L + 1)]
    loss = draw(st.sampled_from(sorted(OUTPUT)))
    if loss == "cce":
        sizes[-1] = max(sizes[-1], 2)
    hidden = draw(st.sampled_from(HIDDEN))
    out = draw(st.sampled_from(OUTPUT[loss]))
    return {
        "sizes": sizes,
        "activation": hidden,
        "output_activation": out,
        "loss": loss,
        "bias": draw(st.booleans()),
        "examples": draw(st.integers(1, 2)),
    }


def _targets(rng, kwargs):
    n, k = kwargs["examples"], kwargs["sizes"][-1]
    if kwargs["loss"] == "cce":
        return np.eye(k)[rng.integers(0, k, n)]
    return rng.uniform(0.1, 0.9, (n, k))


SETTINGS = settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


@SETTINGS
@given(networks(), st.integers(0, 2**32 - 1))
def test_gradients_are_sympys_derivative_of_J(kwargs, seed):
    import mpmath

    d = cr.derive(**kwargs)
    rnd = random.Random(seed)
    with mpmath.workdps(30):
        memo = {}
        for name, m in d.symbols.items():
            for s in m:
                lo = 1 if name == "y" else -15
                memo[s] = mpmath.mpf(rnd.randint(lo * 10**5, 9 * 10**5)) / 10**6
        for l in range(1, len(kwargs["sizes"])):
            for key in (f"W{l}", f"b{l}"):
                if key not in d.symbols:
                    continue
                for w, g in zip(d.symbols[key], d.expr[f"dJd{key}"], strict=True):
                    want = numeric(sympy.diff(d.expr["J"], w), memo)
                    got = numeric(g, memo)
                    assert abs(want - got) <= 1e-20 * (1 + abs(want)), (key, w)


@SETTINGS
@given(networks(), st.integers(0, 2**32 - 1))
def test_trace_equals_the_expressions_substituted(kwargs, seed):
    d = cr.derive(**kwargs)
    rng = np.random.default_rng(seed)
    net = cr.Network(
        kwargs["sizes"],
        activation=kwargs["activation"],
        output_activation=kwargs["output_activation"],
        loss=kwargs["loss"],
        bias=kwargs["bias"],
        seed=seed % 1000,
    )
    X = rng.uniform(-1.5, 1.5, (kwargs["examples"], kwargs["sizes"][0]))
    y = _targets(rng, kwargs)
    values = d.evaluate(net, X, y)
    t = net.trace(X, y)
    for key, v in values.items():
        if key in t:
            np.testing.assert_allclose(v, t[key], rtol=1e-10, atol=1e-14, err_msg=key)
    assert {"J", "dJdW1", "delta2"} <= set(values) & set(t)
