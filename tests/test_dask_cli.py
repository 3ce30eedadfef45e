"""``chainrule train --dask [ADDRESS]``: the optional value, the errors.

The address that reaches ``connect`` is recorded (no cluster is started);
an unreachable scheduler is a real connection attempt.
"""

from __future__ import annotations

import pytest

pytest.importorskip("dask", reason="needs the dask extra: chainrule[dask]")
pytest.importorskip("distributed", reason="needs the dask extra: chainrule[dask]")
pytest.importorskip("pyarrow", reason="the Parquet file needs pyarrow")

import dask  # noqa: E402

from chainrule.cli.app import main  # noqa: E402
from chainrule.cli.optional_value import fill_optional  # noqa: E402


def _write_parquet(folder) -> None:
    import pandas as pd

    frame = pd.DataFrame({"a": [0.5, 1.0, 2.0], "b": [1.0, 0.0, 3.0]})
    frame.assign(y=[1.0, 2.0, 0.0]).to_parquet(folder / "part000.parquet")


def test_an_unreachable_scheduler_is_one_line_at_the_cli(tmp_path, capsys):
    _write_parquet(tmp_path)
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}):
        code = main(["train", str(tmp_path / "part000.parquet"), "--target", "y",
                     "--dask", "tcp://127.0.0.1:1", "--out",
                     str(tmp_path / "m.safetensors")])  # fmt: skip
    _, err = capsys.readouterr()
    assert code == 1  # an error of the environment, not of usage (2)
    assert err.count("\n") == 1 and err.startswith("chainrule: error: --dask:")
    assert "tcp://127.0.0.1:1" in err
    assert not (tmp_path / "m.safetensors").exists()


class _ConnectedError(Exception):
    """Raised by the recording ``connect``: the command got that far."""


@pytest.mark.parametrize(
    ("args", "address"),
    [
        (["DATA", "--dask", "--target", "y"], None),
        (["DATA", "--target", "y", "--dask"], None),
        (["--dask", "DATA", "--target", "y"], None),
        (
            ["--target", "y", "--dask", "tcp://10.0.0.5:8786", "DATA"],
            "tcp://10.0.0.5:8786",
        ),
        (
            ["DATA", "--dask=tcp://10.0.0.5:8786", "--target", "y"],
            "tcp://10.0.0.5:8786",
        ),
        (["DATA", "--target", "y", "--dask", "10.0.0.5:8786"], "10.0.0.5:8786"),
    ],
)
def test_dask_takes_an_optional_scheduler_address(tmp_path, monkeypatch, args, address):
    # oracle: the address that reaches connect(); the data path and the
    # options after --dask keep their meaning (DATA is read, y is the target)
    from chainrule.train import dask_engine

    _write_parquet(tmp_path)
    data = str(tmp_path / "part000.parquet")
    seen = []

    def connect(addr=None, n_workers=None):
        seen.append(addr)
        raise _ConnectedError

    monkeypatch.setattr(dask_engine, "connect", connect)
    out = ["--out", str(tmp_path / "m.safetensors")]
    argv = ["train", *[data if a == "DATA" else a for a in args], *out]
    with pytest.raises(_ConnectedError):
        main([*argv, "--debug"])
    assert seen == [address]


def test_dask_refuses_a_value_that_is_not_an_address(tmp_path, capsys):
    _write_parquet(tmp_path)
    out = str(tmp_path / "m.safetensors")
    code = main(["train", str(tmp_path / "part000.parquet"), "--target", "y",
                 "--dask=data.parquet", "--out", out])  # fmt: skip
    _, err = capsys.readouterr()
    assert code == 2
    assert err.startswith("chainrule: error: --dask: expected a scheduler address")
    assert "'data.parquet'" in err


def test_only_an_address_is_taken_as_the_value():
    args = ["--dask", "--", "--dask", "x"]  # after --, nothing is an option
    assert fill_optional(args) == ["--dask=local", "--", "--dask", "x"]
    assert fill_optional(["--dask", "[::1]:8786"]) == ["--dask", "[::1]:8786"]
    assert fill_optional(["--dask", "C:\\data.parquet"])[0] == "--dask=local"
