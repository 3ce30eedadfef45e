"""One spec of fit's options: the signature, the refusals, optimizer objects,
frozen biases."""

import inspect

import numpy as np
import pytest

import chainrule as cr
from chainrule.train.options import FIRST_ORDER, OPTIMIZERS, OPTIONS, refused

X, Y = cr.datasets.test_scores()

#: A value other than the default for every option an optimizer may refuse.
OTHER = {
    "learning_rate": 0.1,
    "batch_size": 2,
    "shuffle": False,
    "schedule": "cosine",
    "momentum": 0.9,
    "nesterov": True,
    "b1": 0.8,
    "b2": 0.99,
    "eps": 1e-7,
    "scipy_options": {"gtol": 1e-6},
    "early_stopping": True,
    "patience": 3,
    "tol": 1e-3,
    "checkpoint": "ckpt.safetensors",
    "checkpoint_every": 2,
    "resume": True,
    "dropout": 0.2,
}


def net():
    return cr.Network([2, 3, 1], seed=0)


def test_fit_signature_is_the_spec():
    params = inspect.signature(cr.Network.fit).parameters
    kw = {n: p for n, p in params.items() if p.kind is p.KEYWORD_ONLY}
    assert list(kw) == list(OPTIONS)
    for name, opt in OPTIONS.items():
        assert kw[name].default == opt.default, name
    assert [n for n, p in params.items() if p.kind is not p.KEYWORD_ONLY] == [
        "self",
        "X",
        "y",
        "optimizer",
    ]
    assert not any(p.kind is p.VAR_KEYWORD for p in params.values())


def test_every_refusable_option_has_a_sample_value():
    refusable = {n for n, o in OPTIONS.items() if set(o.optimizers) != set(OPTIMIZERS)}
    assert refusable == set(OTHER)


@pytest.mark.parametrize("optimizer", OPTIMIZERS)
def test_options_the_optimizer_ignores_are_refused(optimizer):
    names = refused(optimizer)
    assert names, optimizer
    for name in names:
        n = net()
        before = n.get_flat()
        with pytest.raises(cr.ConfigError) as info:
            n.fit(X, Y, optimizer=optimizer, epochs=1, **{name: OTHER[name]})
        assert name in str(info.value) and repr(optimizer) in str(info.value)
        np.testing.assert_array_equal(n.get_flat(), before)


def test_help_names_the_optimizers_that_use_an_option():
    assert OPTIONS["b1"].full_help.endswith("(adam only)")
    assert OPTIONS["epochs"].full_help == OPTIONS["epochs"].help


def test_refusals_per_optimizer():
    first = {"scipy_options"}
    assert set(refused("gd")) == first | {"momentum", "nesterov", "b1", "b2", "eps"}
    assert set(refused("sgd")) == first | {"b1", "b2", "eps"}
    assert set(refused("adam")) == first | {"momentum", "nesterov"}
    for name in ("bfgs", "lbfgs"):
        assert set(refused(name)) == set(OTHER) - {"scipy_options"}


def test_the_default_value_of_an_ignored_option_is_accepted():
    hist = net().fit(X, Y, optimizer="lbfgs", epochs=5, shuffle=True, momentum=0.0)
    assert hist.optimizer == "lbfgs"


@pytest.mark.parametrize(
    ("wrong", "right"),
    [("patiance", "patience"), ("batchsize", "batch_size"), ("epoch", "epochs")],
)
def test_a_misspelt_option_suggests_the_right_name(wrong, right):
    with pytest.raises(cr.ConfigError, match=f"{wrong}.*did you mean `{right}`"):
        net().fit(X, Y, optimizer="adam", **{wrong: 3})
    from chainrule.train.fit import fit

    with pytest.raises(cr.ConfigError, match=f"did you mean `{right}`"):
        fit(net(), X, Y, "adam", **{wrong: 3})


@pytest.mark.parametrize("name", FIRST_ORDER)
def test_an_optimizer_object_trains_as_its_shortcut(name):
    hyper = {"gd": {}, "sgd": {"momentum": 0.5}, "adam": {"b1": 0.8}}[name]
    a, b = net(), net()
    ha = a.fit(X, Y, optimizer=name, epochs=20, learning_rate=0.2, **hyper)
    factory = getattr(cr.optimizers, name)
    hb = b.fit(X, Y, optimizer=factory(learning_rate=0.2, **hyper), epochs=20)
    assert ha.cost == hb.cost and hb.optimizer == name
    np.testing.assert_array_equal(a.get_flat(), b.get_flat())


def test_an_optimizer_object_refuses_the_hyperparameters_it_carries():
    opt = cr.optimizers.adam(learning_rate=1e-3, b1=0.9)
    assert (opt.learning_rate, opt.hyper["b1"], opt.name) == (1e-3, 0.9, "adam")
    with pytest.raises(cr.ConfigError, match="b1.*adam"):
        net().fit(X, Y, optimizer=opt, b1=0.5)
    with pytest.raises(cr.ConfigError, match="learning_rate.*adam"):
        net().fit(X, Y, optimizer=opt, learning_rate=0.5)


def test_quasi_newton_objects_pass_their_options_to_scipy():
    a, b = net(), net()
    a.fit(X, Y, optimizer="bfgs", epochs=30, scipy_options={"gtol": 1e-3})
    b.fit(X, Y, optimizer=cr.optimizers.bfgs(gtol=1e-3), epochs=30)
    np.testing.assert_array_equal(a.get_flat(), b.get_flat())
    c = net()
    c.fit(X, Y, optimizer="bfgs", epochs=30)
    assert not np.array_equal(a.get_flat(), c.get_flat())  # gtol took effect
    with pytest.raises(cr.ConfigError, match="maxiter"):
        cr.optimizers.lbfgs(maxiter=3)


@pytest.mark.parametrize(
    ("kw", "word"),
    [
        ({"optimizer": "adam", "b1": "x"}, "b1"),
        ({"optimizer": "adam", "b2": 1.0}, "b2"),
        ({"optimizer": "sgd", "momentum": -1}, "momentum"),
        ({"optimizer": "adam", "validation_split": "a"}, "validation_split"),
        ({"optimizer": "adam", "tol": -1.0}, "tol"),
    ],
)
def test_bad_option_values_are_named_before_any_work(kw, word):
    n = net()
    before = n.get_flat()
    with pytest.raises(cr.ChainruleError, match=word):
        n.fit(X, Y, epochs=1, **kw)
    np.testing.assert_array_equal(n.get_flat(), before)


def test_an_unknown_optimizer_is_named():
    with pytest.raises(cr.UnknownNameError, match="'adamw'"):
        net().fit(X, Y, optimizer="adamw")


# ---------------------------------------------------------------- frozen biases
# Oracle: Matt Mazur, "A Step by Step Backpropagation Example" (2015): the
# 2-2-2 sigmoid network, inputs .05, .10, targets .01, .99, w1..w8 = .15 ..
# .55, b1 = .35, b2 = .60, E = Σ ½(y − ŷ)², α = 0.5, biases not updated. He
# gives E = 0.298371109 before the step and the updated weights below; his
# E after (0.291027924) was computed from rounded intermediates, so it is
# matched to 2e-7 while the weights are matched to his 9 digits.
MAZUR = {
    "W1": [[0.15, 0.25], [0.20, 0.30]],  # row convention: W1[i, j] = input i -> h_j
    "b1": [[0.35, 0.35]],
    "W2": [[0.40, 0.50], [0.45, 0.55]],
    "b2": [[0.60, 0.60]],
}
MAZUR_AFTER = {
    "W1": [[0.149780716, 0.24975114], [0.19956143, 0.29950229]],
    "W2": [[0.35891648, 0.511301270], [0.408666186, 0.561370121]],
}
XM, YM = [[0.05, 0.10]], [[0.01, 0.99]]


def mazur():
    n = cr.Network([2, 2, 2], activation="sigmoid", loss="sse")
    n.set_params(MAZUR)
    return n


def check_mazur_after(n):
    for k, v in MAZUR_AFTER.items():
        np.testing.assert_allclose(n.params[k], v, rtol=0, atol=5e-9)
    np.testing.assert_array_equal(n.params["b1"], MAZUR["b1"])
    np.testing.assert_array_equal(n.params["b2"], MAZUR["b2"])
    assert n.cost(XM, YM) == pytest.approx(0.291027924, abs=2e-7)


def test_step_with_frozen_biases_reproduces_the_worked_example():
    n = mazur()
    assert n.step(XM, YM, learning_rate=0.5, update_biases=False) == pytest.approx(
        0.298371109, abs=5e-10
    )
    check_mazur_after(n)


def test_step_updates_biases_by_default():
    n = mazur()
    n.step(XM, YM, learning_rate=0.5)
    assert not np.array_equal(n.params["b1"], MAZUR["b1"])


@pytest.mark.parametrize("optimizer", ["gd", "sgd", "adam"])
def test_fit_with_frozen_biases_never_moves_them(optimizer):
    n = mazur()
    kw = {"learning_rate": 0.5} if optimizer != "adam" else {}
    n.fit(XM, YM, optimizer=optimizer, epochs=3, update_biases=False, **kw)
    np.testing.assert_array_equal(n.params["b1"], MAZUR["b1"])
    np.testing.assert_array_equal(n.params["b2"], MAZUR["b2"])
    assert not np.array_equal(n.params["W1"], MAZUR["W1"])


def test_fit_gd_one_epoch_with_frozen_biases_is_the_worked_example():
    n = mazur()
    hist = n.fit(
        XM, YM, optimizer="gd", epochs=1, learning_rate=0.5, update_biases=False
    )
    check_mazur_after(n)
    assert hist.cost == [n.cost(XM, YM)]


@pytest.mark.parametrize("optimizer", ["bfgs", "lbfgs"])
def test_quasi_newton_with_frozen_biases(optimizer):
    n = mazur()
    n.fit(XM, YM, optimizer=optimizer, epochs=20, update_biases=False)
    np.testing.assert_array_equal(n.params["b1"], MAZUR["b1"])
    np.testing.assert_array_equal(n.params["b2"], MAZUR["b2"])
    assert n.cost(XM, YM) < 1e-4


def test_update_biases_must_be_a_bool():
    with pytest.raises(cr.InvalidTypeError, match="update_biases"):
        mazur().step(XM, YM, update_biases="no")
    with pytest.raises(cr.InvalidTypeError, match="update_biases"):
        mazur().fit(XM, YM, update_biases=1)


# ------------------------------------------------------------- adopt_params
def test_adopt_params_shares_the_arrays_and_checks_their_shapes():
    n = net()
    theta = n.get_flat()
    from chainrule.core.params import flat_views

    version = n.params_version
    n.adopt_params(flat_views(theta, n.shapes))
    assert n.params_version == version + 1
    theta[0] = 7.0
    assert n.params["W1"][0, 0] == 7.0
    with pytest.raises(cr.ShapeError, match="shapes"):
        n.adopt_params({"W1": np.zeros((3, 2))})
    with pytest.raises(cr.ShapeError):
        n.adopt_params(flat_views(theta.astype(np.float32), n.shapes))


# ------------------------------------------------------------ the command line
def test_cli_train_options_come_from_the_spec():
    import typer

    from chainrule.cli.app import app
    from chainrule.cli.table_defaults import CHOSEN_BY_TABLE
    from chainrule.cli.train import FIT_OPTIONS, flag

    command = typer.main.get_command(app).get_command(None, "train")
    params = {p.name: p for p in command.params}
    assert set(CHOSEN_BY_TABLE) <= set(FIT_OPTIONS)
    for name in FIT_OPTIONS:
        p = params[name]
        assert p.help.startswith(OPTIONS[name].help), name
        assert flag(name) in p.opts, name
        if name in CHOSEN_BY_TABLE:  # chosen from the table when not given
            assert p.help == f"{OPTIONS[name].full_help} {CHOSEN_BY_TABLE[name]}"
            assert p.default is None, name
        else:
            assert p.help == OPTIONS[name].full_help, name
            assert p.default == OPTIONS[name].default, name


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["--patiance", "3"], ["--patiance", "--patience"]),  # Click suggests
        (["--optimizer", "lbfgs", "--learning-rate", "0.1"], ["--learning-rate"]),
        (["--optimizer", "sgd", "--b1", "0.5"], ["--b1", "'sgd'", "adam"]),
        (["--optimizer", "adam", "--momentum", "0.9"], ["--momentum", "'adam'"]),
        (["--optimizer", "bfgs", "--no-shuffle"], ["--shuffle", "'bfgs'"]),
    ],
)
def test_cli_refuses_what_the_library_refuses(capsys, tmp_path, argv, words):
    from chainrule.cli import main

    data = tmp_path / "d.csv"
    data.write_text("a,b,t\n0,1,1\n1,0,2\n1,1,3\n0,0,4\n")
    out = tmp_path / "m.safetensors"
    code = main(["train", str(data), "--target", "t", "--out", str(out), *argv])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    for word in words:
        assert word in err, err
