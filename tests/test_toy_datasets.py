"""The toy 2-D data sets (chainrule.data.toy, also cr.datasets.*): shapes,
balanced labels, determinism by seed, noise as a jitter, separable without
noise, and refusals that name the argument."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.data.toy import TOY

NAMES = sorted(TOY)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n", [2, 7, 200, 1001])
def test_shapes_and_balanced_binary_labels(name, n):
    X, y = getattr(cr.datasets, name)(n, noise=0.1, seed=3)
    assert X.shape == (n, 2) and y.shape == (n, 1)
    assert X.dtype == y.dtype == np.float64 and np.isfinite(X).all()
    assert set(np.unique(y)) <= {0.0, 1.0}
    assert int(y.sum()) == n - n // 2  # n // 2 of class 0, the rest class 1


@pytest.mark.parametrize("name", NAMES)
def test_the_rows_come_shuffled(name):
    # a split by position takes both classes: no long run of one class
    _, y = TOY[name](200, seed=0)
    assert 0.3 < y[:100].mean() < 0.7 and 0.3 < y[100:].mean() < 0.7


@pytest.mark.parametrize("name", NAMES)
def test_a_seed_gives_the_same_data_and_another_seed_other_data(name):
    a, b, c = (TOY[name](100, 0.05, seed=s) for s in (5, 5, 6))
    assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])
    assert not np.allclose(a[0], c[0])


@pytest.mark.parametrize("name", NAMES)
def test_noise_is_a_gaussian_jitter_of_that_standard_deviation(name):
    X0, y0 = TOY[name](2000, 0.0, seed=1)
    X1, y1 = TOY[name](2000, 0.2, seed=1)
    assert np.array_equal(y0, y1)  # the same shape and labels, moved
    jitter = X1 - X0
    assert abs(jitter.std() - 0.2) < 0.01 and abs(jitter.mean()) < 0.01


SEPARATORS = {  # the rule that separates each set without noise
    "circle": lambda X: np.hypot(X[:, 0], X[:, 1]) < 0.6,
    "xor": lambda X: X[:, 0] * X[:, 1] > 0,
    "gaussians": lambda X: X.sum(axis=1) > 0,
}


@pytest.mark.parametrize("name", sorted(SEPARATORS))
@pytest.mark.parametrize("seed", range(5))
def test_without_noise_the_classes_are_separable(name, seed):
    X, y = TOY[name](1000, 0.0, seed=seed)
    assert np.array_equal(SEPARATORS[name](X), y[:, 0] == 1)


def nearest_neighbour_labels(X, y):
    d = np.hypot(*(X[:, None, :] - X[None, :, :]).transpose(2, 0, 1))
    np.fill_diagonal(d, np.inf)
    return y[d.argmin(axis=1)]


def test_the_spiral_arms_never_meet_without_noise_but_do_with_it():
    X, y = TOY["spiral"](600, 0.0, seed=2)
    assert np.array_equal(nearest_neighbour_labels(X, y), y)
    # every point's own arm is nearer than the other arm (0.3 apart along a ray)
    X, y = TOY["spiral"](600, 0.3, seed=2)
    assert (nearest_neighbour_labels(X, y) != y).mean() > 0.1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 1}, "n: expected 2 to"),
        ({"n": 2.5}, "n: expected an integer, got 2.5"),
        ({"n": True}, "n: expected an integer"),
        ({"noise": -0.1}, "noise: expected a number from 0"),
        ({"noise": float("nan")}, "noise: expected a number from 0"),
        ({"noise": "0.1"}, "noise: expected a number, got '0.1'"),
        ({"seed": -1}, "seed: expected an integer >= 0"),
    ],
)
def test_bad_arguments_are_refused_by_name(kwargs, message):
    with pytest.raises(cr.ChainruleError, match=message):
        cr.datasets.spiral(**{"n": 10, **kwargs})
