"""chainrule's NumPy expit, softmax and log_softmax against SciPy's.

The same formulas, so the values agree to within an ulp or two (SciPy's
expit calls the C library's exp, NumPy's ufunc may use its own SIMD one),
on random inputs and at the extremes ±1000, and no warning is raised
(pytest turns RuntimeWarnings into errors).
"""

import numpy as np
import pytest
import scipy.special

from chainrule.core.special import expit, log_softmax, softmax

RNG = np.random.default_rng(11)
EXTREMES = np.array([-1000.0, -745.5, -709.8, -50.0, -1e-8, 0.0, 1e-8, 50.0, 1000.0])


def _inputs(dtype):
    x = np.concatenate([RNG.normal(scale=30, size=400), EXTREMES]).astype(dtype)
    return x.reshape(-1, 1)[: (x.size // 3) * 3].reshape(-1, 3)


def _ulps(dtype):
    return 2 * np.finfo(dtype).eps


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_expit_is_scipys(dtype):
    x = _inputs(dtype)
    got, want = expit(x), scipy.special.expit(x)
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=_ulps(dtype), atol=0)
    np.testing.assert_array_equal(expit(np.array([-1000.0, 1000.0])), [0.0, 1.0])
    out = np.empty_like(x)
    assert expit(x, out=out) is out
    np.testing.assert_array_equal(out, got)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_softmax_is_scipys(dtype):
    x = _inputs(dtype)
    x[0] = [1000.0, -1000.0, 0.0]
    x[1] = [1000.0, 1000.0, 1000.0]
    got, want = softmax(x), scipy.special.softmax(x, axis=-1)
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=_ulps(dtype), atol=1e-300)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_log_softmax_is_scipys(dtype):
    x = _inputs(dtype)
    x[0] = [1000.0, -1000.0, 0.0]
    got, want = log_softmax(x), scipy.special.log_softmax(x, axis=-1)
    assert got.dtype == want.dtype
    np.testing.assert_allclose(got, want, rtol=_ulps(dtype), atol=_ulps(dtype))
    np.testing.assert_array_equal(log_softmax(np.array([[1000.0, 0.0]])), [[0, -1000]])
