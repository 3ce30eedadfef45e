"""The registries of activations and costs: read-only, extended by
``register_activation`` / ``register_loss``, and a user's entry working in
every feature (or refused there with the reason).

The user's entries are registered once, under names no other test uses.
"""

import numpy as np
import pytest

import chainrule as cr
from chainrule.core.activations import (
    ACTIVATIONS,
    get_activation,
    unregister_activation,
)
from chainrule.core.losses import (
    LOSSES,
    cost_gradient,
    cost_value,
    is_fused,
    unregister_loss,
)


def softplus(z):
    return np.logaddexp(0, z)


def softplus_prime(z):
    return get_activation("sigmoid").f(z)


def _sym_softplus(t):
    import sympy

    return sympy.log(1 + sympy.exp(t))


# ℓ = log cosh(ŷ − y), ∂ℓ/∂ŷ = tanh(ŷ − y): a smooth cost, a mean
def logcosh(y, yhat):
    r = yhat - y
    return np.logaddexp(r, -r) - np.log(2.0)


def logcosh_gradient(y, yhat):
    return np.tanh(yhat - y)


def _sym_logcosh(y, h):
    import sympy

    return sympy.log(sympy.cosh(h - y))


@pytest.fixture(scope="module", autouse=True)
def registered():
    """The user's entries of these tests, removed afterwards (the registries
    are process-wide: other tests list the valid names)."""
    cr.register_activation(
        "t_softplus",
        softplus,
        softplus_prime,
        formula=(
            "log(1 + e^z)",
            "1/(1+e^(-z))",
            r"\log(1+e^{z})",
            r"\frac{1}{1+e^{-z}}",
        ),
        sym=_sym_softplus,
    )
    cr.register_activation("t_bare_softplus", softplus, softplus_prime)
    cr.register_loss("t_logcosh", logcosh, logcosh_gradient, sym=_sym_logcosh)
    cr.register_loss("t_bare_logcosh", logcosh, logcosh_gradient, mean=False)
    # bce written again by a user, with its logits form and its fused delta
    cr.register_loss(
        "t_bce",
        LOSSES["bce"].value,
        LOSSES["bce"].gradient,
        output="sigmoid",
        logits=lambda y, z: np.logaddexp(0, z) - y * z,
        fused=lambda y, yhat: yhat - y,
    )
    yield
    for name in ("t_softplus", "t_bare_softplus"):
        unregister_activation(name)
    for name in ("t_logcosh", "t_bare_logcosh", "t_bce"):
        unregister_loss(name)
    assert not any(k.startswith("t_") for k in [*ACTIVATIONS, *LOSSES])


@pytest.fixture
def data():
    rng = np.random.default_rng(7)
    X = rng.normal(size=(6, 2))
    y = rng.uniform(0.1, 0.9, size=(6, 1))
    return X, y


def test_registries_are_read_only():
    with pytest.raises(TypeError):
        ACTIVATIONS["mine"] = ACTIVATIONS["relu"]  # type: ignore[index]
    with pytest.raises(TypeError):
        LOSSES["mine"] = LOSSES["sse"]  # type: ignore[index]
    assert ACTIVATIONS["t_softplus"].f is softplus
    assert LOSSES["t_logcosh"].value is logcosh
    with pytest.raises(cr.ConfigError, match="registered with register_activation"):
        unregister_activation("relu")
    with pytest.raises(cr.ConfigError, match="registered with register_loss"):
        unregister_loss("t_never_registered")


@pytest.mark.parametrize("name", ["sigmoid", "relu", "softmax", "linear", "logistic"])
def test_a_built_in_activation_cannot_be_replaced(name):
    with pytest.raises(cr.ConfigError, match=f"'{name}' is a built-in activation"):
        cr.register_activation(name, softplus, softplus_prime)
    assert get_activation(name).f is not softplus


@pytest.mark.parametrize("name", ["sse", "mse", "bce", "cce", "log_loss"])
def test_a_built_in_loss_cannot_be_replaced(name):
    with pytest.raises(cr.ConfigError, match=f"'{name}' is a built-in loss"):
        cr.register_loss(name, logcosh, logcosh_gradient)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"f_prime": None}, r"f_prime: expected a function of 1 argument \(z\), got"),
        ({"f": "tanh"}, r"f: expected a function of 1 argument \(z\), got str"),
        ({"f": lambda y, z: z}, r"f: expected a function of 1 argument"),
        ({"f_prime": lambda: 1.0}, r"f_prime: expected a function of 1 argument"),
        ({"f": lambda z: np.sum(z)}, r"f: expected an array of the input's shape"),
        ({"f_prime": lambda z: 1 / 0}, r"f_prime: calling it .* ZeroDivisionError"),
        ({"f_into": lambda z, out: out}, r"f_into: expected a function of 4"),
        ({"formula": ("z",)}, r"formula: expected ActivationFormula or a tuple of 4"),
        ({"name": "Swish"}, r"name: expected a lower-case name"),
        ({"name": ""}, r"name: expected a lower-case name"),
    ],
)
def test_a_bad_activation_entry_is_refused(kwargs, match):
    args = {"name": "t_bad", "f": softplus, "f_prime": softplus_prime, **kwargs}
    with pytest.raises(cr.ConfigError, match=match):
        cr.register_activation(**args)
    assert "t_bad" not in ACTIVATIONS


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"gradient": None}, cr.ConfigError, r"gradient: expected a function of 2"),
        ({"value": lambda y: y}, cr.ConfigError, r"value: expected a function of 2"),
        ({"value": lambda y, h: 1.0}, cr.ConfigError, r"value: expected an array"),
        ({"mean": 1}, cr.ConfigError, r"mean: expected True or False"),
        ({"fused": lambda y, h: h - y}, cr.ConfigError, r"expected output="),
        ({"output": "sigmod"}, cr.UnknownNameError, r"activation"),
        ({"sym": lambda y: y}, cr.ConfigError, r"sym: expected a function of 2"),
    ],
)
def test_a_bad_loss_entry_is_refused(kwargs, error, match):
    args = {"name": "t_bad", "value": logcosh, "gradient": logcosh_gradient}
    with pytest.raises(error, match=match):
        cr.register_loss(**{**args, **kwargs})
    assert "t_bad" not in LOSSES


def test_a_user_activation_has_the_numerical_derivative():
    z = np.linspace(-6, 6, 41)
    h = 1e-6
    act = get_activation("t_softplus")
    numeric = (act.f(z + h) - act.f(z - h)) / (2 * h)
    np.testing.assert_allclose(act.f_prime(z), numeric, atol=1e-8)


@pytest.mark.parametrize("name", ["t_logcosh", "t_bare_logcosh", "t_bce"])
def test_a_user_loss_gradient_is_the_numerical_derivative_of_its_cost(name):
    rng = np.random.default_rng(3)
    y, yhat = rng.uniform(0.1, 0.9, (4, 2)), rng.uniform(0.1, 0.9, (4, 2))
    g = cost_gradient(name, y, yhat)
    h = 1e-6
    numeric = np.empty_like(yhat)
    for i in np.ndindex(yhat.shape):
        up, down = yhat.copy(), yhat.copy()
        up[i] += h
        down[i] -= h
        numeric[i] = (cost_value(name, y, up) - cost_value(name, y, down)) / (2 * h)
    np.testing.assert_allclose(g, numeric, rtol=1e-6, atol=1e-9)


def test_the_sum_and_the_mean_of_a_user_loss(data):
    _, y = data
    yhat = np.zeros_like(y)
    total = float(np.sum(logcosh(y, yhat)))
    assert cost_value("t_bare_logcosh", y, yhat) == pytest.approx(total, rel=1e-15)
    assert cost_value("t_logcosh", y, yhat) == pytest.approx(total / len(y), rel=1e-15)


@pytest.mark.parametrize(
    ("activation", "loss"),
    [
        ("t_softplus", "sse"),
        ("tanh", "t_logcosh"),
        ("t_bare_softplus", "t_bare_logcosh"),
    ],
)
def test_gradcheck_and_fit_on_user_entries(data, activation, loss):
    X, y = data
    net = cr.Network([2, 3, 1], activation=activation, loss=loss, seed=1)
    chk = cr.gradcheck(net, X, y)
    assert chk.ok and chk.relative_error < 1e-7, chk.relative_error
    before = net.cost(X, y)
    hist = net.fit(X, y, optimizer="gd", epochs=30, learning_rate=0.5)
    assert hist.cost[-1] < before
    t = net.trace(X, y)
    np.testing.assert_array_equal(t["dJdW1"], net.gradients(X, y)["W1"])
    assert t["J"] == pytest.approx(net.cost(X, y), rel=1e-15)


def test_a_user_loss_with_a_fused_form_gives_the_built_in_gradients(data):
    X, y = data
    ref = cr.Network([2, 3, 1], output_activation="sigmoid", loss="bce", seed=4)
    mine = cr.Network([2, 3, 1], output_activation="sigmoid", loss="t_bce", seed=4)
    assert is_fused("t_bce", "sigmoid") and not is_fused("t_bce", "identity")
    assert mine.cost(X, y) == ref.cost(X, y)
    for k, g in ref.gradients(X, y).items():
        np.testing.assert_array_equal(mine.gradients(X, y)[k], g)
    # the logits form: exact where ŷ rounds to 1
    big = cr.Network([1, 1], activation="sigmoid", loss="t_bce", bias=False)
    big.set_params({"W1": [[1e4]]})
    assert big.cost(np.array([[1.0]]), np.array([[0.0]])) == pytest.approx(1e4)
    with pytest.raises(cr.ConfigError, match="needs output_activation='sigmoid'"):
        cr.Network([2, 1], activation="tanh", loss="t_bce")


def test_explain_prints_a_user_entry_formula_or_the_generic_form(data):
    X, y = data
    net = cr.Network([2, 2, 1], activation="t_softplus", loss="t_logcosh", seed=0)
    text = cr.explain(net, X[:2], y[:2]).to_text()
    assert "log(1+eᶻ)" in text  # the entry's own template, its LaTeX in Unicode
    assert "(1/N) Σ t_logcosh(" in text  # the generic form of a mean
    bare = cr.Network([2, 2, 1], activation="t_bare_softplus", loss="t_bare_logcosh")
    text = cr.explain(bare, X[:2], y[:2]).to_text()
    assert "t_bare_softplus(z)" in text and "Σ t_bare_logcosh(" in text
    assert "(1/N) Σ t_bare_logcosh" not in text  # a sum, not a mean
    assert "\\operatorname{t\\_bare\\_softplus}" in cr.explain(bare, X, y).to_latex()


def test_derive_with_user_sympy_forms():
    import sympy

    d = cr.derive([1, 1, 1], activation="t_softplus", loss="t_logcosh", examples=2)
    assert d.ok
    w = d.symbols["W1"][0, 0]
    want = sympy.diff(d.expr["J"], w) - d.expr["dJdW1"][0, 0]
    point = {s: 0.3 + 0.1 * i for i, s in enumerate(sorted(want.free_symbols, key=str))}
    assert abs(float(want.evalf(subs=point))) < 1e-12


def test_derive_refuses_an_entry_without_a_sympy_form():
    with pytest.raises(
        cr.ConfigError, match=r"'t_bare_softplus' has no symbolic .*sym"
    ):
        cr.derive([1, 1, 1], activation="t_bare_softplus")
    with pytest.raises(cr.ConfigError, match=r"'t_bare_logcosh' has no symbolic .*sym"):
        cr.derive([1, 1, 1], activation="tanh", loss="t_bare_logcosh")


def test_fit_on_dask_arrays_refuses_a_user_entry(data):
    """Dask's workers are other processes: they know the built-in entries only."""
    da = pytest.importorskip("dask.array")
    X, y = data
    for activation, loss, kind in [("t_softplus", "sse", "activation"),
                                   ("tanh", "t_logcosh", "loss")]:  # fmt: skip
        net = cr.Network([2, 3, 1], activation=activation, loss=loss)
        with pytest.raises(cr.ConfigError, match=f"{kind}: .* this process only"):
            net.fit(da.from_array(X), da.from_array(y), optimizer="gd", epochs=1)
