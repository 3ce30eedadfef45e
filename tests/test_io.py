"""Saving and loading: round trips, atomic saves, and every check of ``load``."""

import ast
import json
import os
import stat
from pathlib import Path

import numpy as np
import pytest
from model_files import craft, good_doc, good_file

import chainrule as cr
import chainrule.persist.model as cio
from chainrule.errors import ModelFileError
from chainrule.loading import load_with_metadata

SRC = Path(cr.__file__).parent


# ------------------------------------------------------------------ round trip
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_round_trip_keeps_everything(tmp_path, dtype):
    net = cr.Network(
        [3, 4, 2],
        activation=["tanh", "sigmoid"],
        loss="bce",
        bias=[True, False],
        l2=0.25,
        seed=5,
        dtype=dtype,
        init="normal",
    )
    path = tmp_path / "m.safetensors"
    net.save(str(path), metadata={"classes": ["a", "b"], "scale": [1.5, 2.0]})
    back, extra = load_with_metadata(path)
    assert back.config() == net.config()
    assert extra == {"classes": ["a", "b"], "scale": [1.5, 2.0]}
    for k, v in net.params.items():
        assert back.params[k].dtype == np.dtype(dtype)
        np.testing.assert_array_equal(back.params[k], v)


def test_save_overwrites_and_keeps_permissions(tmp_path):
    path = tmp_path / "m.safetensors"
    cr.Network([2, 3, 1], seed=0).save(str(path))
    os.chmod(path, 0o640)
    net = cr.Network([2, 3, 1], seed=1)
    net.save(str(path))
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    np.testing.assert_array_equal(cr.load(path).get_flat(), net.get_flat())
    assert os.listdir(tmp_path) == ["m.safetensors"]


def test_new_file_gets_the_umask_mode_not_mkstemps_0600(tmp_path):
    umask = os.umask(0o022)
    try:
        cr.Network([2, 3, 1]).save(str(tmp_path / "m.safetensors"))
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "m.safetensors").stat().st_mode) == 0o644


# ------------------------------------------------------------- atomic saves
class FailingFile:
    """Wraps a file object: the write stops after ``limit`` bytes with OSError."""

    def __init__(self, fh, limit):
        self.fh, self.limit = fh, limit

    def write(self, data):
        self.fh.write(data[: self.limit])
        self.fh.flush()
        raise OSError(28, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.fh, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.fh.close()


@pytest.fixture
def old_model(tmp_path):
    path = tmp_path / "model.safetensors"
    old = cr.Network([2, 3, 1], seed=0)
    old.save(str(path))
    return path, path.read_bytes(), old


def assert_old_intact(path, old_bytes, old):
    assert path.read_bytes() == old_bytes
    assert os.listdir(path.parent) == [path.name]  # no temporary file left
    np.testing.assert_array_equal(cr.load(path).get_flat(), old.get_flat())


@pytest.mark.parametrize("limit", [0, 1, 100, 300])
def test_crash_half_way_through_the_write_keeps_the_old_file(
    monkeypatch, old_model, limit
):
    path, old_bytes, old = old_model
    real_fdopen = os.fdopen
    written = []

    def fdopen(fd, *args, **kw):
        fh = FailingFile(real_fdopen(fd, *args, **kw), limit)
        written.append(fh)
        return fh

    monkeypatch.setattr(os, "fdopen", fdopen)
    with pytest.raises(OSError, match="No space left"):
        cr.Network([2, 3, 1], seed=9).save(str(path))
    monkeypatch.undo()
    assert written, "the write was not intercepted"
    assert_old_intact(path, old_bytes, old)


@pytest.mark.parametrize("where", ["fsync", "replace", "chmod"])
def test_failure_before_the_rename_keeps_the_old_file(monkeypatch, old_model, where):
    path, old_bytes, old = old_model
    calls = []

    def fail(*args, **kw):
        calls.append(args)
        raise OSError(5, f"{where} failed")

    monkeypatch.setattr(os, where, fail)
    with pytest.raises(OSError, match=f"{where} failed"):
        cr.Network([2, 3, 1], seed=9).save(str(path))
    monkeypatch.undo()
    assert calls
    assert_old_intact(path, old_bytes, old)


def test_interrupt_during_the_write_keeps_the_old_file(monkeypatch, old_model):
    path, old_bytes, old = old_model

    def interrupted(*args, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cr.Network([2, 3, 1], seed=9).save(str(path))
    monkeypatch.undo()
    assert_old_intact(path, old_bytes, old)


def test_failed_save_to_a_new_path_leaves_nothing(monkeypatch, tmp_path):
    monkeypatch.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError("x")))
    with pytest.raises(OSError):
        cr.Network([2, 3, 1]).save(str(tmp_path / "new.safetensors"))
    assert os.listdir(tmp_path) == []


# ------------------------------------------------------------- load's checks
def load_bytes(tmp_path, data):
    path = tmp_path / "bad.safetensors"
    path.write_bytes(data)
    return cr.load(path)


def params(sizes=(2, 3, 1), dtype="float64"):
    return cr.Network(list(sizes), dtype=dtype, seed=0).params


CASES = {
    "empty file": (lambda: b"", "shorter than its 8-byte header"),
    "header longer than file": (
        lambda: (10**6).to_bytes(8, "little") + b"{}",
        "header claims 1000000 bytes",
    ),
    "header not JSON": (lambda: craft({}, raw_header=b"{not json"), "not valid JSON"),
    "header not UTF-8": (lambda: craft({}, raw_header=b'{"\xff":1}'), "not valid JSON"),
    "header a list": (lambda: craft({}, raw_header=b"[1, 2]"), "not a JSON object"),
    "header NaN": (lambda: craft({}, raw_header=b'{"a": NaN}'), "NaN is not valid"),
    "duplicate keys": (
        lambda: craft({}, raw_header=b'{"__metadata__": {}, "__metadata__": {}}'),
        "duplicate keys",
    ),
    "deep header": (
        lambda: craft({}, raw_header=b"[" * 100_000 + b"]" * 100_000),
        "nested too deeply",
    ),
    "no metadata": (lambda: craft(params()), "no 'chainrule' key"),
    "metadata not strings": (
        lambda: craft({}, meta={"chainrule": 1}),
        "dict of strings",
    ),
    "metadata not JSON": (lambda: craft(params(), "{oops"), "not valid JSON"),
    "deep metadata": (lambda: craft(params(), "[" * 50_000), "nested too deeply"),
    "other format": (
        lambda: craft(params(), {**good_doc(), "format": "other"}),
        "not a chainrule model",
    ),
    "version 2": (
        lambda: craft(params(), {**good_doc(), "version": 2}),
        "format version 2 is not supported",
    ),
    "version string": (
        lambda: craft(params(), {**good_doc(), "version": "1"}),
        "format version '1'",
    ),
    "unknown key": (
        lambda: craft(params(), {**good_doc(), "evil": 1}),
        "metadata keys should be",
    ),
    "extra not object": (
        lambda: craft(params(), {**good_doc(), "extra": [1]}),
        "'extra' is not a JSON object",
    ),
    "config missing key": (
        lambda: craft(params(), {**good_doc(), "config": {"sizes": [2, 3, 1]}}),
        "config should have the keys",
    ),
    "config wrong type": (
        lambda: craft(params(), good_doc(l2="0.0")),
        "config 'l2' has the wrong type",
    ),
    "config bool seed": (
        lambda: craft(params(), good_doc(seed=True)),
        "config 'seed' has the wrong type",
    ),
    "config bad sizes": (
        lambda: craft(params(), good_doc(sizes=[2, -3, 1])),
        "config is invalid",
    ),
    "config unknown activation": (
        lambda: craft(params(), good_doc(activation=["sigmoid", "swish"])),
        "unknown name 'swish'",
    ),
    "sizes lie (bigger)": (
        lambda: craft(params(), good_doc(sizes=[2, 4, 1])),
        "tensor 'W1' should be (2, 4) float64, is (2, 3) float64",
    ),
    "sizes lie (huge)": (
        lambda: craft(
            params(),
            good_doc(
                sizes=[2, 10**9, 10**9, 1], bias=[True] * 3, activation=["sigmoid"] * 3
            ),
        ),
        "GiB of memory: expected a smaller network",  # before any tensor is read
    ),
    "missing tensor": (
        lambda: craft({k: v for k, v in params().items() if k != "b2"}, good_doc()),
        "missing ['b2']",
    ),
    "extra tensor": (
        lambda: craft({**params(), "W9": np.zeros((1, 1))}, good_doc()),
        "unexpected ['W9']",
    ),
    "wrong dtype": (
        lambda: craft(params(dtype="float32"), good_doc()),
        "should be (2, 3) float64, is (2, 3) float32",
    ),
    "unsupported dtype": (
        lambda: craft({"W1": ("I64", [2, 3], bytes(48), None)}, good_doc()),
        "dtype 'I64' is not one of",
    ),
    "huge declared shape": (
        lambda: craft({"W1": ("F64", [2**40, 2**40], bytes(48), None)}, good_doc()),
        "declares shape (1099511627776, 1099511627776)",
    ),
    "negative shape": (
        lambda: craft({"W1": ("F64", [-2, 3], bytes(48), None)}, good_doc()),
        "not a list of non-negative integers",
    ),
    "offsets past the end": (
        lambda: craft({"W1": ("F64", [2, 3], bytes(48), [0, 4800])}, good_doc()),
        "at offsets [0, 4800]",
    ),
    "overlapping offsets": (
        lambda: craft(
            {
                "W1": ("F64", [2, 3], bytes(48), [0, 48]),
                "b1": ("F64", [1, 3], bytes(24), [24, 48]),
            },
            good_doc(),
        ),
        "the previous tensor ends at 48",
    ),
    "offsets not a pair": (
        lambda: craft({"W1": ("F64", [2, 3], bytes(48), [0, 24, 48])}, good_doc()),
        "is not [start, end]",
    ),
    "undeclared bytes": (
        lambda: craft(params(), good_doc()) + b"\0" * 8,
        "8 bytes after the last tensor",
    ),
    "tensor entry keys": (
        lambda: craft({}, good_doc(), header_extra={"W1": {"dtype": "F64"}}),
        "expected the keys dtype, shape and data_offsets",
    ),
    "NaN weights": (
        lambda: craft({**params(), "W2": np.full((3, 1), np.nan)}, good_doc()),
        "params['W2']: contains NaN or infinity at row 0, column 0",
    ),
    "infinite bias": (
        lambda: craft({**params(), "b1": np.array([[0, np.inf, 0]])}, good_doc()),
        "params['b1']: contains NaN or infinity at row 0, column 1",
    ),
    "truncated": (lambda: good_file()[1][:-5], "the data is 99 bytes"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_load_refuses_with_one_clear_error(tmp_path, case):
    make, words = CASES[case]
    with pytest.raises(ModelFileError) as info:
        load_bytes(tmp_path, make())
    assert type(info.value) is ModelFileError
    assert words in str(info.value)
    assert "bad.safetensors" in str(info.value)


def test_honest_handmade_file_loads(tmp_path):
    # The hand-made writer is right: without a lie, the file loads.
    p = params()
    net = load_bytes(tmp_path, craft(p, good_doc()))
    np.testing.assert_array_equal(net.params["W1"], p["W1"])


def test_file_larger_than_the_limit_is_refused_before_reading(monkeypatch, tmp_path):
    _, data = good_file()
    monkeypatch.setattr(cio, "MAX_FILE_BYTES", len(data) - 1)
    with pytest.raises(ModelFileError, match="too large for a model"):
        load_bytes(tmp_path, data)


def test_metadata_is_plain_json_in_the_safetensors_header(tmp_path):
    net = cr.Network([2, 3, 1])
    path = tmp_path / "m.safetensors"
    net.save(str(path))
    data = path.read_bytes()
    n = int.from_bytes(data[:8], "little")
    doc = json.loads(json.loads(data[8 : 8 + n])["__metadata__"]["chainrule"])
    assert doc["format"] == "chainrule.model" and doc["version"] == 1
    assert doc["config"]["sizes"] == [2, 3, 1]


# ------------------------------------------------------------------- no pickle
FORBIDDEN = {
    "pickle",
    "cPickle",
    "_pickle",
    "dill",
    "cloudpickle",
    "joblib",
    "shelve",
    "marshal",
}


def test_the_package_never_imports_pickle_or_allows_it():
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom):
                names = {(node.module or "").split(".")[0]}
            else:
                names = set()
            assert not names & FORBIDDEN, f"{path.name}:{node.lineno}"
            if isinstance(node, ast.keyword) and node.arg == "allow_pickle":
                assert not (isinstance(node.value, ast.Constant) and node.value.value)
