"""Bounded reads and work (Reliability 3, points 7 and 10).

Problem, answers, key and ``--data`` files are read only when they are
regular files and only up to a size; TOML is refused before ``tomllib``
when its keys are dotted or nested too deep or too many.
"""

import os

import pytest

from chainrule.cli.app import main
from chainrule.errors import DataFileError
from chainrule.persist.text_files import (
    MAX_TEXT_BYTES,
    MAX_TOML_DEPTH,
    MAX_TOML_KEYS,
    load_toml,
)


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def one_error(err, *words):
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("chainrule: error: "), err
    for w in words:
        assert w in lines[0], (w, lines[0])


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.toml"
    os.mkfifo(path)  # nobody writes: a read would wait for ever
    return path


@pytest.mark.parametrize(
    "argv",
    [
        ["explain", "{f}"],
        ["check", "seed004", "{f}"],
        ["check", "{f}", "{f}"],
        ["playground", "{f}", "--no-browser"],
        ["playground", "--data", "{f}", "--target", "y", "--no-browser"],
    ],
)
@pytest.mark.parametrize("special", ["/dev/zero", "fifo"])
def test_devices_and_fifos_are_refused_before_reading(capsys, fifo, argv, special):
    if special == "fifo":
        path = str(fifo)
    elif os.path.exists(special):
        path = special
    else:
        pytest.skip(f"{special} does not exist here")
    if argv[0] == "playground":
        pytest.importorskip("uvicorn")
    code, _, err = run(capsys, *[a.format(f=path) for a in argv])
    assert code == 2, err
    one_error(err, path, "device" if special != "fifo" else "FIFO")


def test_a_problem_file_larger_than_the_limit_is_refused(capsys, tmp_path):
    path = tmp_path / "big.toml"
    path.write_text("# " + "x" * MAX_TEXT_BYTES + "\n")
    code, _, err = run(capsys, "explain", path)
    assert code == 2
    one_error(err, "big.toml", str(MAX_TEXT_BYTES))


@pytest.mark.parametrize("command", ["explain", "check"])
def test_a_deep_dotted_key_is_refused_before_tomllib(capsys, tmp_path, command):
    path = tmp_path / "deep.toml"
    path.write_text("a" + ".a" * 40_000 + " = 1\n")  # 80 KB: 37 s in tomllib
    argv = [command, path] if command == "explain" else [command, "seed004", path]
    code, _, err = run(capsys, *argv)
    assert code == 2
    one_error(err, "deep.toml", "too deeply")


@pytest.mark.parametrize(
    "text",
    [
        "x = " + "[" * (MAX_TOML_DEPTH + 1) + "]" * (MAX_TOML_DEPTH + 1),
        "x = " + "{a=" * (MAX_TOML_DEPTH + 1) + "1" + "}" * (MAX_TOML_DEPTH + 1),
        "[" + ".".join(["t"] * (MAX_TOML_DEPTH + 1)) + "]\n",
        '"a" . "b"' + ' . "c"' * MAX_TOML_DEPTH + " = 1",
    ],
)
def test_toml_nested_beyond_the_depth_is_refused(text):
    with pytest.raises(DataFileError, match="too deeply"):
        load_toml(text, "t.toml")


def test_toml_with_too_many_keys_is_refused():
    text = "\n".join(f"k{i} = {i}" for i in range(MAX_TOML_KEYS + 1))
    with pytest.raises(DataFileError, match="keys"):
        load_toml(text, "t.toml")


def test_strings_comments_and_floats_do_not_count_as_depth():
    deep_text = "a." * 100
    doc = load_toml(
        f'title = "{deep_text}"  # {"[" * 100}\n'
        f"x = [1.5, 2.5, 3.5]\nd = '''{'{' * 50}'''\n[t.u.v]\nw = 1\n",
        "t.toml",
    )
    assert doc["title"] == deep_text and doc["t"]["u"]["v"]["w"] == 1


# -- work and memory refused up front -----------------------------------------


def test_gradcheck_refuses_more_parameters_than_its_limit():
    import numpy as np

    import chainrule as cr

    net = cr.Network([5, 200, 200, 1], seed=0)  # 41,601 parameters
    X, y = np.zeros((2, 5)), np.zeros((2, 1))
    with pytest.raises(cr.ConfigError, match="max_params.*41,601 parameters"):
        cr.gradcheck(net, X, y)
    small = cr.Network([2, 3, 1], seed=0)
    with pytest.raises(cr.ConfigError, match="max_params"):
        cr.gradcheck(small, np.zeros((2, 2)), np.zeros((2, 1)), max_params=5)
    assert cr.gradcheck(small, np.ones((2, 2)), np.ones((2, 1)), max_params=None).ok


def test_gradcheck_command_has_max_params(capsys, tmp_path):
    data = tmp_path / "d.csv"
    data.write_text("a,b,y\n1,2,3\n2,1,0\n3,3,1\n")
    model = tmp_path / "m.safetensors"
    assert main(["train", str(data), "--target", "y", "--epochs", "2", "--out",
                 str(model)]) == 0  # fmt: skip
    capsys.readouterr()
    code, _, err = run(capsys, "gradcheck", model, data, "--max-params", "3")
    assert code == 2
    one_error(err, "max_params", "parameters")


@pytest.mark.parametrize("sizes", [[2, 10**20, 1], [10**5, 10**5, 1]])
def test_a_network_beyond_the_machines_memory_is_refused(sizes):
    import chainrule as cr

    with pytest.raises(cr.ConfigError, match="GiB of memory"):
        cr.Network(sizes)


def test_train_layers_beyond_memory_are_refused_before_training(
    capsys, monkeypatch, tmp_path
):
    from chainrule.validation import config

    monkeypatch.setattr(config, "memory_total", lambda: 2**30)  # a 1 GiB machine
    data = tmp_path / "d.csv"
    data.write_text("a,y\n1,2\n2,3\n3,4\n")
    argv = ["train", data, "--target", "y", "--layers", "6000,6000"]
    code, out, err = run(capsys, *argv, "--out", tmp_path / "m.safetensors")
    assert code == 2 and "fit" not in out
    one_error(err, "sizes", "times 6", "GiB of memory")


def test_an_npz_of_hugely_compressed_members_is_refused(tmp_path):
    import numpy as np

    import chainrule as cr
    from chainrule.data.tables import load_table

    path = tmp_path / "zeros.npz"
    np.savez_compressed(path, X=np.zeros((2**24, 1)), y=np.zeros(2**24))  # 256 MiB
    assert path.stat().st_size < 2**20
    with pytest.raises(cr.DataFileError, match="times"):
        load_table(path)


# -- point 10: internal errors that are now the family's -----------------------


@pytest.mark.parametrize(
    "address",
    ["evil://x:1", "http://h:1", "inproc://x", "tcp://[::1", "tcp://h:notaport"]
    + ["tls://h:1", "tcp://:8786"],
)
def test_a_dask_address_that_is_not_a_tcp_scheduler_is_a_usage_error(
    capsys, tmp_path, address
):
    data = tmp_path / "d.parquet"
    data.write_bytes(b"")
    code, _, err = run(capsys, "train", data, "--target", "y", f"--dask={address}")
    assert code == 2, err
    one_error(err, "--dask", "tcp://host:8786")


def test_a_nul_in_a_save_path_is_a_config_error(tmp_path):
    import chainrule as cr

    with pytest.raises(cr.ConfigError, match="cannot be examined"):
        cr.Network([1, 1]).save(str(tmp_path / "a\x00b"))


def test_a_closed_stdout_is_one_error_not_a_traceback(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    import chainrule

    env = {**os.environ, "PYTHONPATH": str(Path(chainrule.__file__).parents[1])}
    done = subprocess.run(
        f"'{sys.executable}' -m chainrule info nothing.safetensors >&-",
        shell=True, capture_output=True, text=True, env=env, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.strip() == "chainrule: error: standard output is closed"
