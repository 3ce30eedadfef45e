"""BLAS threads per fit: the user's number, or one chosen from the products."""

import numpy as np
import pytest
from threadpoolctl import threadpool_info

import chainrule as cr
from chainrule.accel import threads


def _blas_threads():
    return max(d["num_threads"] for d in threadpool_info() if d["user_api"] == "blas")


def test_the_rule():
    # S: one thread; M (784-256-128-10, batch 128): 2; L: every core
    assert threads.auto_threads([2, 3, 1], 3, available=16) == 1
    assert threads.auto_threads([784, 256, 128, 10], 128, available=16) == 2
    assert threads.auto_threads([1024, 2048, 2048, 10], 512, available=16) == 16
    assert threads.auto_threads([1024, 2048, 2048, 10], 512, available=2) == 2
    # flops of one step: 2 · batch · (2 Σ n_in n_out + the layers above the first)
    assert threads.step_flops([4, 5, 6], 10) == 2 * 10 * (2 * (20 + 30) + 30)


@pytest.mark.parametrize("n", [1, 2])
def test_fit_runs_with_the_users_threads_and_restores_them(n):
    before = _blas_threads()
    seen = []
    X, y = cr.datasets.test_scores()
    net = cr.Network([2, 3, 1], seed=0)
    net.fit(
        X,
        y,
        optimizer="gd",
        epochs=2,
        threads=n,
        callbacks=[lambda *_: seen.append(_blas_threads())],
    )
    assert seen == [n, n]
    assert _blas_threads() == before


@pytest.mark.parametrize("bad", [0, -2, 1.5, True, "2"])
def test_bad_threads_are_refused_before_any_work(bad):
    X, y = cr.datasets.test_scores()
    net = cr.Network([2, 3, 1], seed=0)
    before = net.get_flat()
    with pytest.raises(cr.errors.ConfigError, match=r"threads: expected .* got"):
        net.fit(X, y, optimizer="gd", epochs=2, threads=bad)
    np.testing.assert_array_equal(net.get_flat(), before)
