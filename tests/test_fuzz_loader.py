"""Fuzzing the model loader: whatever the bytes, one ModelFileError or a valid model.

Truncated files, bit-flipped files, random bytes and hand-crafted hostile
headers (huge declared shapes, unknown dtypes, offsets that overlap or go past
the end, metadata that lies about the architecture, non-JSON or deeply nested
metadata, wrong versions). Any other exception, a crash or a huge allocation
fails the test. How many files were tried, and how each ended, is printed at
the end of the module (and hypothesis' ``event`` records it for
``--hypothesis-show-statistics``).
"""

import json
from collections import Counter

import numpy as np
import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from model_files import good_file

from chainrule.errors import ModelFileError
from chainrule.loading import load_with_metadata

COUNTS: Counter = Counter()
GOOD = [
    good_file((2, 3, 1), "float64", seed=0, extra={"scale": [1.0, 2.0]})[1],
    good_file((3, 2, 2), "float32", seed=1)[1],
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory, campaign_report):
    yield tmp_path_factory.mktemp("fuzz")
    total = sum(COUNTS.values())
    lines = [f"loader fuzz: {total} files tried"]
    lines += [
        f"  {kind}: {outcome} {n}" for (kind, outcome), n in sorted(COUNTS.items())
    ]
    campaign_report(lines)


def attempt(folder, data: bytes, kind: str, record: bool = True) -> None:
    """Load ``data``: a ModelFileError, or a model that is valid and finite."""
    path = folder / "fuzz.safetensors"
    path.write_bytes(data)
    try:
        net, extra = load_with_metadata(path)
    except ModelFileError as exc:
        assert str(exc), "an empty message"
        COUNTS[kind, "ModelFileError"] += 1
        if record:
            event("ModelFileError")
        return
    COUNTS[kind, "loaded"] += 1
    if record:
        event("loaded")
    assert isinstance(extra, dict)
    assert set(net.params) == set(net.shapes)
    for name, value in net.params.items():
        assert value.shape == net.shapes[name] and value.dtype == net.dtype
        assert np.all(np.isfinite(value)), name
    # what loads is a model: it saves and loads back identically
    net.save(str(path), metadata=extra)
    again, extra_again = load_with_metadata(path)
    assert again.config() == net.config() and extra_again == extra
    np.testing.assert_array_equal(again.get_flat(), net.get_flat())


def header_of(data: bytes) -> dict:
    n = int.from_bytes(data[:8], "little")
    return json.loads(data[8 : 8 + n])


def rebuild(header: dict, data: bytes) -> bytes:
    n = int.from_bytes(data[:8], "little")
    text = json.dumps(header).encode()
    return len(text).to_bytes(8, "little") + text + data[8 + n :]


@given(st.sampled_from(GOOD), st.data())
def test_truncated_files(folder, good, data):
    cut = data.draw(st.integers(0, len(good) - 1))
    attempt(folder, good[:cut], "truncated")


@given(st.sampled_from(GOOD), st.data())
def test_bit_flipped_files(folder, good, data):
    flips = data.draw(
        st.lists(
            st.tuples(st.integers(0, len(good) - 1), st.integers(0, 7)),
            min_size=1,
            max_size=8,
        )
    )
    buf = bytearray(good)
    for pos, bit in flips:
        buf[pos] ^= 1 << bit
    attempt(folder, bytes(buf), "bit-flipped")


@given(st.sampled_from(GOOD), st.data())
def test_header_bytes_overwritten(folder, good, data):
    n = int.from_bytes(good[:8], "little")
    edits = data.draw(
        st.lists(
            st.tuples(st.integers(0, n + 7), st.integers(0, 255)),
            min_size=1,
            max_size=4,
        )
    )
    buf = bytearray(good)
    for pos, value in edits:
        buf[pos] = value
    attempt(folder, bytes(buf), "header-overwritten")


@given(st.binary(max_size=300) | st.builds(lambda b: GOOD[0][:8] + b, st.binary()))
def test_random_bytes(folder, data):
    attempt(folder, data, "random")


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=6),
    lambda inner: (
        st.lists(inner, max_size=3)
        | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=12,
)
DTYPES = st.sampled_from(["F64", "F32", "F16", "BF16", "I64", "U8", "BOOL"]) | JSON
SHAPES = (
    st.lists(
        st.integers(0, 8) | st.integers(2**31, 2**64) | st.integers(-3, -1), max_size=4
    )
    | JSON
)
OFFSETS = st.lists(st.integers(-8, 200) | st.integers(2**32, 2**64), max_size=3) | JSON
SIZES = st.lists(st.integers(-2, 6) | st.integers(10**6, 10**12), max_size=5) | JSON
NAMES = st.sampled_from(["W1", "b1", "W2", "b2", "W3", "b3"])


@st.composite
def lies(draw, header: dict) -> dict:
    """One to three lies in an honest header: in a tensor or in the metadata."""
    doc = json.loads(header["__metadata__"]["chainrule"])
    for _ in range(draw(st.integers(1, 3))):
        what = draw(
            st.sampled_from(
                ["dtype", "shape", "data_offsets", "drop", "add", "doc", "config",
                 "sizes", "version", "metadata"]
            )
        )  # fmt: skip
        name = draw(NAMES)
        entry = header.get(name)
        if what in ("dtype", "shape", "data_offsets") and isinstance(entry, dict):
            entry[what] = draw({"dtype": DTYPES, "shape": SHAPES}.get(what, OFFSETS))
        elif what == "drop":
            header.pop(name, None)
        elif what == "add":
            header[name] = draw(JSON)
        elif what == "doc":
            doc[draw(st.sampled_from(["format", "config", "extra", "new"]))] = draw(
                JSON
            )
        elif what == "config" and isinstance(doc.get("config"), dict):
            key = draw(st.sampled_from([*doc["config"], "new"]))
            doc["config"][key] = draw(JSON)
        elif what == "sizes" and isinstance(doc.get("config"), dict):
            doc["config"]["sizes"] = draw(SIZES)
        elif what == "version":
            doc["version"] = draw(st.integers(-1, 3) | JSON)
    header["__metadata__"] = {"chainrule": json.dumps(doc)}
    if draw(st.integers(0, 9)) == 0:  # metadata that is not a JSON document
        header["__metadata__"] = draw(
            st.builds(lambda t: {"chainrule": t}, st.text(max_size=20)) | JSON
        )
    return header


@given(st.sampled_from(GOOD), st.data())
def test_hostile_headers(folder, good, data):
    header = data.draw(lies(header_of(good)))
    attempt(folder, rebuild(header, good), "hostile-header")


@given(
    st.integers(1, 200_000),
    st.sampled_from(["[", '{"a":', '{"a":[']),
    st.booleans(),
)
def test_deeply_nested_json(folder, depth, opener, in_metadata):
    nested = opener * depth
    if in_metadata:
        header = header_of(GOOD[0])
        header["__metadata__"]["chainrule"] = nested
        data = rebuild(header, GOOD[0])
    else:
        text = nested.encode()
        data = len(text).to_bytes(8, "little") + text
    attempt(folder, data, "deep-json")


def test_honest_files_load(folder):
    # the fuzzers start from files that are valid
    for good in GOOD:
        attempt(folder, good, "honest", record=False)
    assert COUNTS["honest", "loaded"] >= len(GOOD)


def test_ci_profile_draws_the_same_examples_each_run():
    from hypothesis import settings

    ci = settings.get_profile("ci")
    assert ci.derandomize and ci.database is None
