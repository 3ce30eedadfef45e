"""Checkpoints: a resumed run ends bitwise where an uninterrupted one does."""

import json

import numpy as np
import pytest
from safetensors import safe_open

import chainrule as cr
from chainrule.train import checkpoint as ckpt


def data(n=48, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    labels = (X[:, 0] + X[:, 1] * X[:, 2] > 0).astype(int) + (X[:, 3] > 1)
    return X, np.eye(3)[labels]


def net(**kw):
    return cr.Network(
        [4, 6, 3],
        activation="tanh",
        output_activation="softmax",
        loss="cce",
        seed=0,
        **kw,
    )


RUNS = [
    {
        "optimizer": "adam",
        "batch_size": 10,
        "validation_split": 0.25,
        "early_stopping": True,
        "patience": 50,
        "schedule": "cosine",
    },
    {
        "optimizer": "sgd",
        "batch_size": 7,
        "momentum": 0.9,
        "nesterov": True,
        "learning_rate": 0.1,
        "schedule": "inverse",
    },
    {"optimizer": "gd", "learning_rate": 0.3},
]


@pytest.mark.parametrize("kw", RUNS)
def test_resume_ends_exactly_where_an_uninterrupted_run_ends(tmp_path, kw):
    X, y = data()
    path = tmp_path / "ckpt.safetensors"
    whole = net()
    h_whole = whole.fit(X, y, epochs=12, **kw)

    def stop_at_5(epoch, hist, n):
        if epoch == 5:
            raise KeyboardInterrupt

    part = net()
    h1 = part.fit(
        X,
        y,
        epochs=12,
        checkpoint=path,
        checkpoint_every=5,
        callbacks=[stop_at_5],
        **kw,
    )
    assert h1.interrupted
    resumed = net()  # a fresh process would start from a fresh network
    h2 = resumed.fit(X, y, epochs=12, resume=path, **kw)
    assert (resumed.get_flat() == whole.get_flat()).all()
    assert h2.cost == h_whole.cost and h2.val_cost == h_whole.val_cost
    assert h2.learning_rate == h_whole.learning_rate


def test_checkpoint_file_is_safetensors_with_json_metadata(tmp_path):
    X, y = data()
    path = tmp_path / "c.safetensors"
    n = net(dtype="float32")
    n.fit(X, y, optimizer="adam", epochs=3, batch_size=16, checkpoint=path)
    with safe_open(str(path), framework="numpy") as fh:
        doc = json.loads(fh.metadata()["chainrule"])
        names = set(fh.keys())  # noqa: SIM118
        m = fh.get_tensor("optimizer.m")
    assert doc["format"] == "chainrule.checkpoint" and doc["epoch"] == 3
    assert doc["optimizer"]["count"] == 9 and len(doc["history"]["cost"]) == 3
    assert names == {"W1", "b1", "W2", "b2", "optimizer.m", "optimizer.v"}
    assert m.dtype == np.float32 and m.shape == (n.n_params,)
    assert not list(tmp_path.glob("*.tmp"))  # written atomically, no leftovers


def test_checkpoint_every_and_at_the_end(tmp_path):
    X, y = data()
    path = tmp_path / "c.safetensors"
    seen = []

    def look(epoch, hist, n):
        if path.exists():
            seen.append(ckpt.read(path)[0]["epoch"])

    net().fit(
        X,
        y,
        optimizer="gd",
        epochs=7,
        checkpoint=path,
        checkpoint_every=3,
        callbacks=[look],
    )
    # epochs 3 .. 7: a callback runs after its epoch's checkpoint is written
    assert seen == [3, 3, 3, 6, 6]
    assert ckpt.read(path)[0]["epoch"] == 7


def test_resume_true_starts_fresh_without_a_file(tmp_path):
    X, y = data()
    path = tmp_path / "c.safetensors"
    a, b = net(), net()
    a.fit(X, y, optimizer="adam", epochs=4, checkpoint=path, resume=True)
    b.fit(X, y, optimizer="adam", epochs=4)
    assert (a.get_flat() == b.get_flat()).all()
    hist = a.fit(X, y, optimizer="adam", epochs=4, checkpoint=path, resume=True)
    assert len(hist.cost) == 4  # nothing left to do: the saved history comes back


def test_resume_refuses_what_does_not_match(tmp_path):
    X, y = data()
    path = tmp_path / "c.safetensors"
    net().fit(X, y, optimizer="adam", epochs=2, batch_size=8, checkpoint=path)
    other = cr.Network([4, 5, 3], output_activation="softmax", loss="cce")
    with pytest.raises(cr.ConfigError, match="sizes"):
        other.fit(X, y, optimizer="adam", epochs=4, batch_size=8, resume=path)
    with pytest.raises(cr.ConfigError, match="optimizer"):
        net().fit(X, y, optimizer="sgd", epochs=4, batch_size=8, resume=path)
    with pytest.raises(cr.ConfigError, match="batch_size"):
        net().fit(X, y, optimizer="adam", epochs=4, resume=path)
    with pytest.raises(cr.ConfigError, match="b1"):
        net().fit(X, y, optimizer="adam", epochs=4, batch_size=8, b1=0.8, resume=path)
    with pytest.raises(cr.ConfigError, match="update_biases"):
        net().fit(
            X, y, optimizer="adam", epochs=4, batch_size=8, update_biases=False,
            resume=path,
        )  # fmt: skip


def test_bad_checkpoint_files(tmp_path):
    X, y = data()
    missing = tmp_path / "none.safetensors"
    with pytest.raises(cr.ModelFileError, match="no such checkpoint"):
        net().fit(X, y, optimizer="adam", epochs=2, resume=missing)
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"\x10\x00\x00\x00\x00\x00\x00\x00{not json at all")
    with pytest.raises(cr.ModelFileError):
        net().fit(X, y, optimizer="adam", epochs=2, resume=junk)
    model = tmp_path / "model.safetensors"
    net().save(model)
    with pytest.raises(cr.ModelFileError, match="not a chainrule checkpoint"):
        net().fit(X, y, optimizer="adam", epochs=2, resume=model)
    good = tmp_path / "good.safetensors"
    net().fit(X, y, optimizer="adam", epochs=2, checkpoint=good)
    truncated = tmp_path / "cut.safetensors"
    truncated.write_bytes(good.read_bytes()[:-20])
    with pytest.raises(cr.ModelFileError):
        net().fit(X, y, optimizer="adam", epochs=3, resume=truncated)


def test_checkpoint_arguments_are_checked_first(tmp_path):
    X, y = data()
    with pytest.raises(cr.ConfigError, match="folder"):
        net().fit(X, y, optimizer="adam", checkpoint=tmp_path / "no" / "c.st")
    with pytest.raises(cr.ConfigError, match="bfgs"):
        net().fit(X, y, optimizer="bfgs", checkpoint=tmp_path / "c.st")
    with pytest.raises(cr.ConfigError, match="checkpoint= path"):
        net().fit(X, y, optimizer="adam", resume=True)
    with pytest.raises(cr.InvalidValueError, match="checkpoint_every"):
        net().fit(X, y, optimizer="adam", checkpoint_every=0)
