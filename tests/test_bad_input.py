"""Bad input at the library API: the right error, a clear message, nothing touched.

Each case is (id, call, exception class, words the message must contain): the
argument's name, what was expected and what was found.
"""

import os
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest

import chainrule as cr
from chainrule.errors import (
    ChainruleError,
    ConfigError,
    InvalidTypeError,
    InvalidValueError,
    ModelFileError,
    ShapeError,
    UnknownNameError,
)

X = [[0.3, 1.0], [0.5, 0.2], [1.0, 0.4]]
Y = [[0.75], [0.82], [0.93]]


def net(**kw):
    return cr.Network([2, 3, 1], **kw)


def nan_at(i, j):
    a = np.array(X)
    a[i, j] = np.nan
    return a


def fit(**kw):
    return net().fit(X, Y, **{"optimizer": "gd", "epochs": 1, **kw})


def set_param(name, value):
    p = net().params
    p[name] = value
    net().set_params(p)


CTOR = [
    (
        "sizes too short",
        lambda: cr.Network([2]),
        ConfigError,
        ["sizes", "at least two"],
    ),
    ("sizes zero", lambda: cr.Network([2, 0, 1]), ConfigError, ["sizes", "[2, 0, 1]"]),
    (
        "sizes float",
        lambda: cr.Network([2, 3.5, 1]),
        InvalidTypeError,
        ["sizes[1]", "integer", "3.5"],
    ),
    (
        "sizes bool",
        lambda: cr.Network([2, True, 1]),
        InvalidTypeError,
        ["sizes[1]", "True"],
    ),
    ("sizes str", lambda: cr.Network("231"), InvalidTypeError, ["sizes", "'231'"]),
    ("sizes int", lambda: cr.Network(5), InvalidTypeError, ["sizes", "5"]),
    (
        "activation unknown",
        lambda: net(activation="sigmod"),
        UnknownNameError,
        ["activation", "'sigmod'", "tanh"],
    ),
    (
        "activation count",
        lambda: cr.Network([2, 3, 3, 1], activation=["relu"]),
        ConfigError,
        ["activation", "3 names", "got 1"],
    ),
    (
        "activation int",
        lambda: net(activation=3),
        UnknownNameError,
        ["activation", "3", "sigmoid"],
    ),
    (
        "softmax hidden",
        lambda: cr.Network([2, 3, 1], activation=["softmax", "identity"]),
        ConfigError,
        ["softmax", "output"],
    ),
    (
        "output_activation unknown",
        lambda: net(output_activation="soft"),
        UnknownNameError,
        ["'soft'", "softmax"],
    ),
    (
        "loss unknown",
        lambda: net(loss="hinge"),
        UnknownNameError,
        ["loss", "'hinge'", "bce"],
    ),
    ("loss int", lambda: net(loss=1), UnknownNameError, ["loss", "sse"]),
    (
        "bce without sigmoid",
        lambda: net(loss="bce", activation="identity"),
        ConfigError,
        ["bce", "sigmoid", "identity"],
    ),
    (
        "cce one output",
        lambda: net(loss="cce", output_activation="softmax"),
        ConfigError,
        ["cce", "2 outputs", "got 1"],
    ),
    ("bias str", lambda: net(bias="yes"), InvalidTypeError, ["bias", "'yes'"]),
    ("bias count", lambda: net(bias=[True]), ConfigError, ["bias", "2 bools", "got 1"]),
    (
        "bias ints",
        lambda: net(bias=[1, 0]),
        InvalidTypeError,
        ["bias[0]", "True or False", "1"],
    ),
    ("l2 negative", lambda: net(l2=-1), InvalidValueError, ["l2", ">= 0", "-1"]),
    ("l2 str", lambda: net(l2="0.1"), InvalidTypeError, ["l2", "number", "'0.1'"]),
    ("l2 nan", lambda: net(l2=float("nan")), InvalidValueError, ["l2", "nan"]),
    ("l2 bool", lambda: net(l2=True), InvalidTypeError, ["l2", "True"]),
    ("seed negative", lambda: net(seed=-1), InvalidValueError, ["seed", ">= 0", "-1"]),
    ("seed float", lambda: net(seed=1.5), InvalidTypeError, ["seed", "integer", "1.5"]),
    (
        "dtype unknown",
        lambda: net(dtype="float16"),
        UnknownNameError,
        ["dtype", "float16", "float32"],
    ),
    (
        "dtype None",
        lambda: net(dtype=None),
        UnknownNameError,
        ["dtype", "None", "float64"],
    ),
    (
        "init unknown",
        lambda: net(init="glorot"),
        UnknownNameError,
        ["init", "glorot", "xavier"],
    ),
]

DATA = [
    (
        "X columns",
        lambda: net().forward([[1.0, 2.0, 3.0]]),
        ShapeError,
        ["X", "(n_examples, 2)", "(1, 3)"],
    ),
    (
        "X 1-D length",
        lambda: net().forward([1.0, 2.0, 3.0]),
        ShapeError,
        ["X", "2 values", "(3,)"],
    ),
    (
        "X 3-D",
        lambda: net().forward(np.zeros((2, 2, 2))),
        ShapeError,
        ["X", "1-D or 2-D", "(2, 2, 2)"],
    ),
    ("X scalar", lambda: net().forward(3.0), ShapeError, ["X", "1-D or 2-D", "()"]),
    (
        "X empty rows",
        lambda: net().forward(np.zeros((0, 2))),
        ShapeError,
        ["X", "at least one", "(0, 2)"],
    ),
    (
        "X empty list",
        lambda: net().forward([]),
        ShapeError,
        ["X", "at least one", "(0,)"],
    ),
    (
        "X NaN",
        lambda: net().forward(nan_at(1, 0)),
        InvalidValueError,
        ["X", "NaN or infinity", "row 1, column 0"],
    ),
    (
        "X inf",
        lambda: net().cost([[0.1, np.inf]], [[1.0]]),
        InvalidValueError,
        ["X", "row 0, column 1", "inf"],
    ),
    (
        "X str",
        lambda: net().forward("abc"),
        InvalidTypeError,
        ["X", "array of numbers", "'abc'"],
    ),
    (
        "X str cells",
        lambda: net().forward([["1", "2"]]),
        InvalidTypeError,
        ["X", "real numbers", "strings", "'1' (str)"],
    ),
    (
        "X ragged",
        lambda: net().forward([[1.0, 2.0], [3.0]]),
        ShapeError,
        ["X", "rectangular", "ragged"],
    ),
    (
        "X complex",
        lambda: net().forward([[1 + 2j, 0]]),
        InvalidTypeError,
        ["X", "complex numbers", "(1+2j) (complex)"],
    ),
    (
        "X object",
        lambda: net().forward(np.array([[1, None]], dtype=object)),
        InvalidTypeError,
        ["X", "Python objects"],
    ),
    ("X None", lambda: net().forward(None), InvalidTypeError, ["X", "None"]),
    (
        "X dict",
        lambda: net().forward({"a": 1}),
        InvalidTypeError,
        ["X", "Python objects"],
    ),
    (
        "X bool",
        lambda: net().forward([[True, False]]),
        InvalidTypeError,
        ["X", "booleans", "True (bool)"],
    ),
    (
        "X too large for float32",
        lambda: net(dtype="float32").forward([[1e300, 0]]),
        InvalidValueError,
        ["X", "1e+300", "row 0, column 0", "float32"],
    ),
    (
        "y rows",
        lambda: net().cost(X, [[1.0], [0.5]]),
        ShapeError,
        ["y", "(3, 1)", "(2, 1)"],
    ),
    (
        "y columns",
        lambda: net().cost(X, np.zeros((3, 2))),
        ShapeError,
        ["y", "(3, 1)", "(3, 2)"],
    ),
    (
        "y NaN",
        lambda: net().gradients(X, [[1.0], [np.nan], [0.0]]),
        InvalidValueError,
        ["y", "row 1, column 0"],
    ),
    ("y str", lambda: net().cost(X, "y"), InvalidTypeError, ["y", "'y'"]),
    (
        "bce y > 1",
        lambda: net(loss="bce").cost(X, [[0.0], [2.0], [1.0]]),
        InvalidValueError,
        ["y", "bce", "[0, 1]", "2.0", "row 1"],
    ),
    (
        "bce y < 0",
        lambda: net(loss="bce").trace(X, [[0.0], [-1.0], [1.0]]),
        InvalidValueError,
        ["y", "bce", "-1.0"],
    ),
    (
        "cce y negative",
        lambda: cr.Network([2, 3, 2], output_activation="softmax", loss="cce").cost(
            X, [[1, 0], [-1, 2], [0, 1]]
        ),
        InvalidValueError,
        ["y", "cce", "non-negative", "-1.0", "row 1"],
    ),
    (
        "cce y row sum",
        lambda: cr.Network([2, 3, 2], output_activation="softmax", loss="cce").cost(
            X, [[1, 0], [0.5, 0], [0, 1]]
        ),
        InvalidValueError,
        ["y", "cce", "sum to 1", "0.5", "row 1"],
    ),
    (
        "trace notation",
        lambda: net().trace(X, Y).view("tex"),
        UnknownNameError,
        ["notation", "'tex'", "bracket"],
    ),
]

PARAMS = [
    (
        "params subset with a bad shape",
        lambda: net().set_params({"W1": np.zeros((3, 2))}),
        ShapeError,
        ["params['W1']", "(2, 3)", "(3, 2)"],
    ),
    (
        "params extra",
        lambda: set_param("W3", np.zeros((1, 1))),
        ShapeError,
        ["params", "unknown names ['W3']", "['W1', 'b1', 'W2', 'b2']"],
    ),
    (
        "params shape",
        lambda: set_param("W1", np.zeros((3, 2))),
        ShapeError,
        ["params['W1']", "(2, 3)", "(3, 2)"],
    ),
    (
        "params NaN",
        lambda: set_param("b2", [[np.nan]]),
        InvalidValueError,
        ["params['b2']", "row 0, column 0"],
    ),
    (
        "params str",
        lambda: set_param("W2", "abc"),
        InvalidTypeError,
        ["params['W2']", "'abc'"],
    ),
    (
        "params list",
        lambda: net().set_params([1, 2]),
        InvalidTypeError,
        ["params", "dict", "list"],
    ),
    (
        "flat length",
        lambda: net().set_flat(np.zeros(12)),
        ShapeError,
        ["vector", "(13,)", "(12,)"],
    ),
    (
        "flat 2-D",
        lambda: net().set_flat(np.zeros((13, 1))),
        ShapeError,
        ["vector", "1-D", "(13, 1)"],
    ),
    (
        "flat NaN",
        lambda: net().set_flat(np.full(13, np.nan)),
        InvalidValueError,
        ["vector", "index 0"],
    ),
    (
        "flat complex",
        lambda: net().set_flat(np.zeros(13, complex)),
        InvalidTypeError,
        ["vector", "complex"],
    ),
]

TRAINING = [
    (
        "step lr zero",
        lambda: net().step(X, Y, learning_rate=0),
        InvalidValueError,
        ["learning_rate", "> 0", "0"],
    ),
    (
        "step lr negative",
        lambda: net().step(X, Y, learning_rate=-0.1),
        InvalidValueError,
        ["learning_rate", "-0.1"],
    ),
    (
        "step lr inf",
        lambda: net().step(X, Y, learning_rate=np.inf),
        InvalidValueError,
        ["learning_rate", "inf"],
    ),
    (
        "step lr bool",
        lambda: net().step(X, Y, learning_rate=True),
        InvalidTypeError,
        ["learning_rate", "True (bool)"],
    ),
    (
        "step lr str",
        lambda: net().step(X, Y, learning_rate="0.1"),
        InvalidTypeError,
        ["learning_rate", "'0.1' (str)"],
    ),
    (
        "fit epochs zero",
        lambda: fit(epochs=0),
        InvalidValueError,
        ["epochs", "integer > 0", "0"],
    ),
    (
        "fit epochs negative",
        lambda: fit(epochs=-5),
        InvalidValueError,
        ["epochs", "-5"],
    ),
    (
        "fit epochs float",
        lambda: fit(epochs=2.5),
        InvalidTypeError,
        ["epochs", "integer", "2.5"],
    ),
    ("fit epochs bool", lambda: fit(epochs=True), InvalidTypeError, ["epochs", "True"]),
    (
        "fit batch zero",
        lambda: fit(batch_size=0),
        InvalidValueError,
        ["batch_size", "> 0", "0"],
    ),
    (
        "fit batch float",
        lambda: fit(batch_size=1.5),
        InvalidTypeError,
        ["batch_size", "1.5"],
    ),
    (
        "fit lr negative",
        lambda: fit(learning_rate=-1.0),
        InvalidValueError,
        ["learning_rate", "-1.0"],
    ),
    (
        "fit optimizer",
        lambda: fit(optimizer="sgdd"),
        UnknownNameError,
        ["optimizer", "'sgdd'", "adam"],
    ),
    (
        "fit X columns",
        lambda: net().fit(np.zeros((3, 4)), Y),
        ShapeError,
        ["X", "(3, 4)"],
    ),
    (
        "fit validation",
        lambda: fit(validation_data=(X, np.zeros((3, 2)))),
        ShapeError,
        ["y", "(3, 2)"],
    ),
    (
        "gradcheck eps",
        lambda: cr.gradcheck(net(), X, Y, eps=0),
        InvalidValueError,
        ["eps", "> 0"],
    ),
    (
        "gradcheck tolerance",
        lambda: cr.gradcheck(net(), X, Y, tolerance=-1),
        InvalidValueError,
        ["tolerance", "-1"],
    ),
    (
        "gradcheck net",
        lambda: cr.gradcheck("net", X, Y),
        InvalidTypeError,
        ["net", "Network", "str"],
    ),
    (
        "gradcheck X",
        lambda: cr.gradcheck(net(), [[1.0]], Y),
        ShapeError,
        ["X", "(1, 1)"],
    ),
    (
        "datasets raw",
        lambda: cr.datasets.test_scores(raw="yes"),
        InvalidTypeError,
        ["raw", "True or False", "'yes'"],
    ),
    (
        "datasets split raw",
        lambda: cr.datasets.test_scores_split(raw=1),
        InvalidTypeError,
        ["raw", "1 (int)"],
    ),
    (
        "fit validation single",
        lambda: fit(validation_data=(X,)),
        InvalidTypeError,
        ["validation_data", "pair", "tuple"],
    ),
    (
        "fit validation str",
        lambda: fit(validation_data="val"),
        InvalidTypeError,
        ["validation_data", "pair", "'val'"],
    ),
    (
        "fit early_stopping",
        lambda: fit(early_stopping="yes"),
        InvalidTypeError,
        ["early_stopping", "True or False", "'yes'"],
    ),
    (
        "fit progress",
        lambda: fit(progress=1),
        InvalidTypeError,
        ["progress", "True or False", "1 (int)"],
    ),
    (
        "fit callbacks item",
        lambda: fit(callbacks=[print, 3]),
        InvalidTypeError,
        ["callbacks[1]", "callable", "3 (int)"],
    ),
    (
        "fit callbacks function",
        lambda: fit(callbacks=print),
        InvalidTypeError,
        ["callbacks", "list of callables"],
    ),
    (
        "fit epochs huge",
        lambda: fit(epochs=10**400),
        InvalidValueError,
        ["epochs", "finite"],
    ),
    (
        "l2 huge fraction",
        lambda: net(l2=Fraction(10**400)),
        InvalidValueError,
        ["l2", "finite"],
    ),
    (
        "step lr Decimal",
        lambda: net().step(X, Y, learning_rate=Decimal("0.1")),
        InvalidTypeError,
        ["learning_rate", "Decimal"],
    ),
]


def files(tmp_path):
    """Cases on files; each returns (call, class, words)."""
    existing = tmp_path / "old.safetensors"
    existing.write_bytes(b"not a model")
    return [
        (
            "load missing",
            lambda: cr.load(tmp_path / "none.safetensors"),
            ModelFileError,
            ["no such model file", "none.safetensors"],
        ),
        (
            "load folder",
            lambda: cr.load(tmp_path),
            ModelFileError,
            ["is a folder", "not a model file"],
        ),
        ("load path int", lambda: cr.load(3), InvalidTypeError, ["path", "str", "3"]),
        (
            "load text file",
            lambda: cr.load(existing),
            ModelFileError,
            ["old.safetensors", "not a safetensors file"],
        ),
        (
            "save missing folder",
            lambda: net().save(str(tmp_path / "no" / "m.st")),
            ModelFileError,
            ["path", "folder", "does not exist"],
        ),
        (
            "save onto folder",
            lambda: net().save(str(tmp_path)),
            ModelFileError,
            ["path", "is a folder"],
        ),
        (
            "save path None",
            lambda: net().save(None),
            InvalidTypeError,
            ["path", "None"],
        ),
        (
            "save metadata NaN",
            lambda: net().save(str(existing), metadata={"m": float("nan")}),
            ModelFileError,
            ["metadata", "JSON"],
        ),
        (
            "save metadata object",
            lambda: net().save(str(existing), metadata={"m": object()}),
            ModelFileError,
            ["metadata", "object"],
        ),
        (
            "save metadata int key",
            lambda: net().save(str(existing), metadata={"a": {1: 2}}),
            ModelFileError,
            ["metadata['a']", "keys must be strings", "1 (int)"],
        ),
        (
            "save metadata list",
            lambda: net().save(str(existing), metadata=[1]),
            InvalidTypeError,
            ["metadata", "dict", "list"],
        ),
    ]


CASES = CTOR + DATA + PARAMS + TRAINING


def check(call, kind, words):
    with pytest.raises(kind) as info:
        call()
    assert type(info.value) is kind, f"{type(info.value).__name__}: {info.value}"
    message = str(info.value)
    for word in words:
        assert word in message, f"{word!r} not in {message!r}"
    return message


@pytest.mark.parametrize(
    ("call", "kind", "words"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_raises_a_clear_error(call, kind, words):
    check(call, kind, words)


def test_bad_file_arguments(tmp_path):
    cases = files(tmp_path)
    before = sorted(os.listdir(tmp_path))
    for _, call, kind, words in cases:
        check(call, kind, words)
    # nothing created or overwritten by a failing save
    assert sorted(os.listdir(tmp_path)) == before
    assert (tmp_path / "old.safetensors").read_bytes() == b"not a model"


def test_error_family_and_builtin_bases():
    for _, call, _kind, _ in CASES:
        with pytest.raises(ChainruleError):
            call()
    assert issubclass(InvalidTypeError, TypeError)
    assert issubclass(InvalidTypeError, ValueError)  # via InvalidValueError
    for kind in (
        ShapeError,
        InvalidValueError,
        UnknownNameError,
        ConfigError,
        ModelFileError,
    ):
        assert issubclass(kind, ValueError)
    with pytest.raises(TypeError):
        net().forward("abc")


# -------------------------------------------------- nothing touched on error
def fresh():
    n = net(seed=3)
    return n, n.get_flat().copy()


@pytest.mark.parametrize(
    "bad",
    [
        {
            "W1": np.zeros((2, 3)),
            "b1": np.zeros((1, 3)),
            "W2": np.zeros((3, 1)),
            "b2": [[np.inf]],
        },
        {
            "W1": np.zeros((2, 3)),
            "b1": np.zeros((1, 3)),
            "W2": np.zeros((1, 3)),
            "b2": [[0.0]],
        },
        {"W1": np.zeros((2, 3)), "W9": np.zeros((1, 1))},
    ],
)
def test_failing_set_params_leaves_params_unchanged(bad):
    n, before = fresh()
    with pytest.raises(ChainruleError):
        n.set_params(bad)
    np.testing.assert_array_equal(n.get_flat(), before)


def test_failing_set_flat_leaves_params_unchanged():
    n, before = fresh()
    v = before.copy()
    v[-1] = np.nan
    with pytest.raises(InvalidValueError):
        n.set_flat(v)
    np.testing.assert_array_equal(n.get_flat(), before)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"learning_rate": -1.0},
        {"y": [[0.1], [0.2]]},
        {"X": [[0.1, np.nan]] * 3},
    ],
)
def test_failing_step_leaves_params_unchanged(kwargs):
    n, before = fresh()
    args = {"X": X, "y": Y, "learning_rate": 0.5, **kwargs}
    with pytest.raises(ChainruleError):
        n.step(**args)
    np.testing.assert_array_equal(n.get_flat(), before)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"epochs": 0},
        {"batch_size": -1, "optimizer": "sgd"},
        {"learning_rate": 0.0, "optimizer": "adam"},
        {"optimizer": "nope"},
        {"validation_data": (X, [[np.nan]] * 3)},
    ],
)
def test_failing_fit_argument_check_leaves_params_unchanged(kwargs):
    n, before = fresh()
    with pytest.raises(ChainruleError):
        n.fit(X, Y, **{"optimizer": "gd", "epochs": 5, **kwargs})
    np.testing.assert_array_equal(n.get_flat(), before)


def test_inputs_are_not_modified_by_checks():
    Xa = np.array(X, dtype=np.float32)
    ya = np.array(Y)
    n = net()
    n.cost(Xa, ya)
    assert Xa.dtype == np.float32
    np.testing.assert_array_equal(ya, Y)


def test_valid_inputs_of_other_types_are_accepted():
    n = cr.Network(
        np.array([2, 3, 1]), bias=np.bool_(True), dtype=np.float32, seed=np.int64(1)
    )
    assert n.dtype == np.float32 and n.sizes == [2, 3, 1]
    ref = n.forward(np.array(X, dtype=np.float64))
    for x in (
        [[0, 1], [1, 0], [1, 1]],
        ((0, 1), (1, 0), (1, 1)),
        np.ones((3, 2), np.int8),
    ):
        assert n.forward(x).shape == (3, 1)
    np.testing.assert_allclose(n.forward(np.array(X, np.float16)), ref, rtol=1e-3)
    assert np.isfinite(n.cost(X, np.ravel(Y)))  # 1-D y for one output
    assert n.forward([0.3, 1.0]).shape == (1, 1)  # 1-D X is one example
    n.step(X, Y, learning_rate=Fraction(1, 10))
    n.step(X, Y, learning_rate=np.float32(0.1))
    hist = n.fit(X, Y, optimizer="gd", epochs=np.int64(2), callbacks=(lambda *a: None,))
    assert len(hist.cost) == 2
