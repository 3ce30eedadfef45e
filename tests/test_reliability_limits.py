"""Limits with their reasons (reliability item 2), and predict in batches (item 3).

Reproducers of exhaustion: a model header too large for the loader, a
quadratic layout check, a file read whole before its length is looked at, an
NPZ zip bomb and lying NPY headers, 10,000 classes, an explain of a huge
network. Memory is measured with tracemalloc (Python's own allocations, which
include every bytes object read from a file): the oracle for "read only as
far as needed".
"""

import io
import json
import tracemalloc
import zipfile

import numpy as np
import pytest

import chainrule as cr
import chainrule.data.npfiles as npfiles
from chainrule.cli.app import main
from chainrule.cli.predict import predict_rows
from chainrule.data.tables import load_table
from chainrule.loading import load_with_metadata
from chainrule.persist import safetensors as pst
from chainrule.validation import check_explain_size


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_error(err, *words):
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("chainrule: error: "), err
    for w in words:
        assert w in lines[0], (w, lines[0])


def test_a_model_the_loader_would_refuse_is_never_written(capsys, tmp_path):
    # The reproducer: 170 columns with 100-kB names (17 MB > 16 MiB).
    names = [f"c{j:03d}" + "x" * 100_000 for j in range(170)]
    data = tmp_path / "wide.csv"
    rows = [",".join(names + ["y"])] + [
        ",".join(["1"] * 170 + [str(i)]) for i in range(3)
    ]
    data.write_text("\n".join(rows) + "\n")
    out = tmp_path / "m.safetensors"
    code, _, err = run(
        capsys, "train", data, "--target", "y", "--epochs", "1", "--out", out
    )
    assert code == 2, err
    one_error(err, "header would be", str(pst.MAX_HEADER_BYTES))
    assert not out.exists()


def hostile_shape_file(ndim: int) -> bytes:
    header = {"W1": {"dtype": "F64", "shape": [2] * ndim, "data_offsets": [0, 8]}}
    text = json.dumps(header).encode()
    return len(text).to_bytes(8, "little") + text + b"\0" * 8


def test_a_long_shape_list_is_refused_in_one_pass_with_a_short_message(tmp_path):
    # 3.3 MB of shape list: the product of 10**6 twos has 301,030 digits,
    # more than str() may print (a plain ValueError before).
    path = tmp_path / "long.safetensors"
    path.write_bytes(hostile_shape_file(1_100_000))
    with pytest.raises(cr.ModelFileError) as info:
        cr.load(path)
    assert "more than the data" in str(info.value)
    assert len(str(info.value)) < 600


def test_a_model_file_is_read_no_further_than_its_bad_header(tmp_path):
    path = tmp_path / "sparse.safetensors"
    with open(path, "wb") as fh:
        fh.write((2**40).to_bytes(8, "little"))
        fh.truncate(2**30)  # a sparse 1 GiB file: reading it whole would show
    tracemalloc.start()
    try:
        with pytest.raises(cr.ModelFileError, match="header claims"):
            cr.load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2**20, peak


def npy_bytes(shape, dtype="<f8", data=b"") -> bytes:
    buf = io.BytesIO()
    header = {"descr": dtype, "fortran_order": False, "shape": shape}
    np.lib.format.write_array_header_1_0(buf, header)
    return buf.getvalue() + data


def test_an_npz_zip_bomb_is_refused_before_decompressing(monkeypatch, tmp_path):
    monkeypatch.setattr(npfiles, "MAX_ARRAY_BYTES", 4 * 2**20)
    path = tmp_path / "bomb.npz"
    np.savez_compressed(path, X=np.zeros((2**20, 2)), y=np.zeros(2**20))  # 24 MB
    assert path.stat().st_size < 100_000
    tracemalloc.start()
    try:
        with pytest.raises(cr.DataFileError, match="MAX_ARRAY_BYTES"):
            load_table(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2**20, peak


@pytest.mark.parametrize(
    "member, words",
    [
        (npy_bytes((2**45,), data=b"\0" * 64), ["declares", "limit"]),  # 218 TiB
        (npy_bytes((1000,), data=b"\0" * 64), ["declares 8000 bytes", "has only 64"]),
        (npy_bytes((2,), dtype="|O", data=b"\0" * 16), ["pickle"]),
        (b"not an array", ["no valid header"]),
    ],
)
def test_npz_members_with_lying_or_hostile_headers(tmp_path, member, words):
    path = tmp_path / "h.npz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("X.npy", member)
    with pytest.raises(cr.DataFileError) as info:
        load_table(path)
    for w in words:
        assert w in str(info.value)


def test_a_corrupt_zip_and_a_lying_npy_are_data_file_errors(tmp_path):
    path = tmp_path / "c.npz"
    path.write_bytes(b"PK\x03\x04" + b"\xff" * 100)
    with pytest.raises(cr.DataFileError, match="not a readable"):
        load_table(path)
    npy = tmp_path / "big.npy"
    npy.write_bytes(npy_bytes((2**45,), data=b"\0" * 8))
    with pytest.raises(cr.DataFileError, match="limit"):
        load_table(npy)


def test_too_many_classes_are_refused_with_the_limit(capsys, tmp_path):
    data = tmp_path / "ids.csv"
    data.write_text("x,id\n" + "".join(f"{i},id{i}\n" for i in range(1001)))
    code, _, err = run(capsys, "train", data, "--target", "id", "--out", tmp_path / "m")
    assert code == 2
    one_error(err, "1001 distinct labels", "MAX_CLASSES")


def test_explain_refuses_a_huge_network_before_building_it(capsys, tmp_path):
    problem = tmp_path / "big.toml"
    problem.write_text(
        "[network]\nsizes = [10000, 10000, 1]\n[data]\nX = [[1]]\ny = [[1]]\n"
    )
    code, _, err = run(capsys, "explain", problem)
    assert code == 2
    one_error(err, "10000", "smaller network")
    with pytest.raises(cr.ConfigError, match="slice of the data"):
        check_explain_size([30, 30, 30, 10], 2000)
    net = cr.Network([300, 300, 300, 10], seed=0)
    with pytest.raises(cr.ConfigError, match="weights"):
        cr.explain(net, np.zeros((20, 300)), np.full((20, 10), 0.1))


def test_predict_in_batches_equals_predict_at_once(capsys, tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(37, 3))
    data = tmp_path / "d.csv"
    data.write_text(
        "a,b,c,y\n"
        + "".join(",".join(repr(float(v)) for v in [*r, r.sum()]) + "\n" for r in X)
    )
    model = tmp_path / "m.safetensors"
    argv = ["train", data, "--target", "y", "--epochs", "5", "--out", model]
    assert run(capsys, *argv)[0] == 0
    outs = []
    for batch in (1, 5, 37, 1000):
        fh = io.StringIO()
        assert predict_rows(model, data, fh, batch_rows=batch) == 37
        outs.append(fh.getvalue())
    # The same rows in the same order; values equal up to BLAS's rounding,
    # which may differ with the number of rows in a product.
    parsed = [[float(v) for v in o.splitlines()[1:]] for o in outs]
    for other in parsed[1:]:
        np.testing.assert_allclose(other, parsed[0], rtol=1e-13)
    net, meta = load_with_metadata(model)
    lines = outs[0].splitlines()
    assert lines[0] == "y" and len(lines) == 38
    s = meta["scale_inputs"]
    want = net.forward((X - s["offset"]) / np.array(s["scale"]))
    t = meta["scale_targets"]
    want = want[:, 0] * t["scale"][0] + t["offset"][0]
    np.testing.assert_allclose([float(v) for v in lines[1:]], want, rtol=1e-12)


def test_an_error_in_a_later_batch_names_the_files_row(tmp_path, capsys):
    data = tmp_path / "d.csv"
    data.write_text("a,y\n1,1\n2,2\n3,3\n4,4\n")
    model = tmp_path / "m.safetensors"
    assert (
        run(capsys, "train", data, "--target", "y", "--epochs", "2", "--out", model)[0]
        == 0
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("a\n1\n2\n3\n\n4\nx\n")
    with pytest.raises(cr.DataFileError, match=r"row 5 \(line 7\), column 'a'"):
        predict_rows(model, bad, io.StringIO(), batch_rows=2)
