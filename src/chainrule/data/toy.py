"""Toy 2-D classification data: a circle, XOR, two Gaussians, a spiral.

Each generator draws ``n`` points of the plane with binary labels, half of
each class (``n // 2`` of class 0), in a random order, from a seed. The
shapes lie within about ``[-1, 1]²`` before noise; ``noise`` is the standard
deviation of a Gaussian jitter added to both coordinates. Without noise
every set is separable: the circle by the radius, XOR by the sign of
``x₁ x₂``, the Gaussians by the sign of ``x₁ + x₂`` and the spiral by its
arms, which never meet.

Examples
--------
>>> X, y = circle(6, noise=0.0, seed=1)
>>> X.shape, y.shape, int(y.sum())
((6, 2), (6, 1), 3)
>>> bool(((np.hypot(X[:, 0], X[:, 1]) < 0.5) == (y[:, 0] == 1)).all())
True
>>> np.array_equal(spiral(50, 0.1, seed=3)[0], spiral(50, 0.1, seed=3)[0])
True
"""

from __future__ import annotations

import numpy as np

from chainrule.errors import InvalidValueError
from chainrule.validation import check_seed

Array = np.ndarray
__all__ = ["TOY", "circle", "gaussians", "spiral", "xor"]

#: The most points a generator draws (a toy set: the plane's pictures).
MAX_POINTS = 100_000
#: The largest noise accepted (the shapes are about 2 wide).
MAX_NOISE = 10.0


def _checked(n: object, noise: object, seed: object) -> tuple[int, float, object]:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise InvalidValueError(f"n: expected an integer, got {n!r:.40}")
    if not 2 <= n <= MAX_POINTS:
        raise InvalidValueError(f"n: expected 2 to {MAX_POINTS} points, got {n}")
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.floating)):
        raise InvalidValueError(f"noise: expected a number, got {noise!r:.40}")
    if not 0.0 <= float(noise) <= MAX_NOISE:
        raise InvalidValueError(
            f"noise: expected a number from 0 to {MAX_NOISE:g}, got {noise!r}"
        )
    return int(n), float(noise), np.random.default_rng(check_seed(seed))


def _finish(parts: tuple[Array, Array], noise: float, rng) -> tuple[Array, Array]:
    """Class 0 and class 1 points jittered, labelled and shuffled together."""
    X = np.concatenate(parts)
    y = np.repeat([0.0, 1.0], [len(parts[0]), len(parts[1])])[:, None]
    X = X + rng.normal(0.0, 1.0, X.shape) * noise
    order = rng.permutation(len(X))
    return X[order], y[order]


def _counts(n: int) -> tuple[int, int]:
    return n // 2, n - n // 2


def circle(
    n: int = 200, noise: float = 0.0, seed: int | None = 0
) -> tuple[Array, Array]:
    """A disc (class 1, radius below 0.5) inside a ring (class 0, 0.7 to 1).

    Parameters
    ----------
    n : int
        Points, from 2 to ``MAX_POINTS``; ``n // 2`` of class 0.
    noise : float
        Standard deviation of the Gaussian jitter added to each coordinate.
    seed : int or None
        The random generator's seed (``None``: a fresh one).

    Returns
    -------
    X : (n, 2) array
        The points.
    y : (n, 1) array
        The labels, 0.0 or 1.0.

    Examples
    --------
    >>> X, y = circle(100, seed=0)
    >>> r = np.hypot(X[:, 0], X[:, 1])
    >>> bool(r[y[:, 0] == 1].max() < 0.5 < 0.7 <= r[y[:, 0] == 0].min())
    True
    """
    n, noise, rng = _checked(n, noise, seed)
    n0, n1 = _counts(n)
    # radii uniform over the area: r = sqrt(u) between the two bounds
    inner = np.sqrt(rng.uniform(0.0, 0.5**2, n1))
    outer = np.sqrt(rng.uniform(0.7**2, 1.0, n0))
    angles = rng.uniform(0.0, 2 * np.pi, n)
    r = np.concatenate([outer, inner])
    points = np.stack([r * np.cos(angles), r * np.sin(angles)], axis=1)
    return _finish((points[:n0], points[n0:]), noise, rng)


def xor(n: int = 200, noise: float = 0.0, seed: int | None = 0) -> tuple[Array, Array]:
    """The four quadrants of ``[-1, 1]²``: class 1 where ``x₁ x₂ > 0``.

    Each coordinate is at least 0.1 from the axes before noise, so without
    noise the classes are apart. Parameters and returns as :func:`circle`.

    Examples
    --------
    >>> X, y = xor(6, seed=2)
    >>> bool(((X[:, 0] * X[:, 1] > 0) == (y[:, 0] == 1)).all())
    True
    """
    n, noise, rng = _checked(n, noise, seed)
    n0, n1 = _counts(n)
    mag = rng.uniform(0.1, 1.0, (n, 2))
    s1 = rng.choice([-1.0, 1.0], n)  # the first coordinate's sign
    same = np.concatenate([np.full(n0, -1.0), np.full(n1, 1.0)])
    points = mag * np.stack([s1, s1 * same], axis=1)
    return _finish((points[:n0], points[n0:]), noise, rng)


def gaussians(
    n: int = 200, noise: float = 0.0, seed: int | None = 0
) -> tuple[Array, Array]:
    """Two Gaussian blobs: class 0 around ``(-0.5, -0.5)``, class 1 around
    ``(0.5, 0.5)``, each of standard deviation 0.2.

    An offset longer than 0.6 from its centre is shortened to 0.6, so without
    noise the blobs stay on their side of ``x₁ + x₂ = 0`` (0.71 from each
    centre). Parameters and returns as :func:`circle`.

    Examples
    --------
    >>> X, y = gaussians(100, seed=0)
    >>> bool(((X.sum(axis=1) > 0) == (y[:, 0] == 1)).all())
    True
    >>> X[y[:, 0] == 1].mean(axis=0).round(1)
    array([0.5, 0.5])
    """
    n, noise, rng = _checked(n, noise, seed)
    n0, n1 = _counts(n)
    offsets = rng.normal(0.0, 0.2, (n, 2))
    length = np.hypot(offsets[:, 0], offsets[:, 1])[:, None]
    offsets *= np.minimum(1.0, 0.6 / np.maximum(length, 1e-300))
    centres = np.concatenate([np.full((n0, 2), -0.5), np.full((n1, 2), 0.5)])
    points = centres + offsets
    return _finish((points[:n0], points[n0:]), noise, rng)


def spiral(
    n: int = 200, noise: float = 0.0, seed: int | None = 0
) -> tuple[Array, Array]:
    """Two interleaved spiral arms, one per class, from radius 0.1 to 1.

    The point at ``t ∈ [0, 1]`` of an arm is at radius ``0.1 + 0.9 t`` and
    angle ``3π t`` (class 1's arm turned by π), so the arms are 0.3 apart
    along a ray. Parameters and returns as :func:`circle`.

    Examples
    --------
    >>> X, y = spiral(4, seed=0)
    >>> X.shape, y.ravel()
    ((4, 2), array([1., 0., 0., 1.]))
    >>> r = np.hypot(X[:, 0], X[:, 1])
    >>> bool((0.1 <= r).all() and (r <= 1).all())
    True
    """
    n, noise, rng = _checked(n, noise, seed)
    n0, n1 = _counts(n)
    t = rng.uniform(0.0, 1.0, n)
    r = 0.1 + 0.9 * t
    turn = np.concatenate([np.zeros(n0), np.full(n1, np.pi)])
    angle = 3 * np.pi * t + turn
    points = np.stack([r * np.cos(angle), r * np.sin(angle)], axis=1)
    return _finish((points[:n0], points[n0:]), noise, rng)


#: The generators by name, as the playground's Data view offers them.
TOY = {"circle": circle, "xor": xor, "gaussians": gaussians, "spiral": spiral}
