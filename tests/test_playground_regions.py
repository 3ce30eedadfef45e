"""The playground's Data view on the server (chainrule.playground.regions and
its routes): training in chunks with Network.fit, the grid of outputs, the
minibatch's derivation, the bounds, and the guard of every endpoint (bad
bodies answer 4xx and change nothing)."""

import gc
import http.client
import json
import weakref
from urllib.parse import urlsplit

import numpy as np
import pytest

import chainrule as cr
from chainrule.playground import regions
from chainrule.playground.regions import DataView

pytest.importorskip("starlette", reason="the playground extra is not installed")
pytest.importorskip("uvicorn", reason="the playground extra is not installed")

from chainrule.playground.server import running  # noqa: E402
from chainrule.playground.sessions import Sessions  # noqa: E402
from chainrule.playground.sources import from_example  # noqa: E402


# ------------------------------------------------------------- the state
def test_training_is_network_fit_on_the_training_set():
    view = DataView({"dataset": "gaussians", "n": 100, "hidden": [3], "seed": 4})
    same = cr.Network([2, 3, 1], "tanh", "sigmoid", loss="bce", seed=4)
    assert all(np.array_equal(same.params[k], v) for k, v in view.net.params.items())
    fit = {"epochs": 5, "batch_size": 10, "learning_rate": 0.3, "seed": 4}
    same.fit(view.X_train, view.y_train, "sgd", **fit)
    view.train(5)
    for k, v in view.net.params.items():
        np.testing.assert_allclose(v, same.params[k], rtol=0, atol=1e-12)
    assert view.losses["epoch"] == [0, 5]
    assert view.losses["test"][-1] == same.cost(view.X_test, view.y_test)
    for _ in range(10):
        view.train(5)
    assert view.losses["train"][-1] < 0.5 * view.losses["train"][0]


def test_the_grid_is_predict_over_the_plane_top_row_first():
    view = DataView({"dataset": "xor", "hidden": [2]})
    values = np.array(view.grid()).reshape(regions.GRID, regions.GRID)
    e = regions.EXTENT
    corners = [[-e, e], [e, e], [-e, -e], [e, -e]]  # top left, top right, ...
    expected = view.net.predict(np.array(corners))[:, 0]
    got = [values[0, 0], values[0, -1], values[-1, 0], values[-1, -1]]
    np.testing.assert_allclose(got, expected, atol=5e-5)


def test_settings_redraw_the_data_or_remake_the_network_only_when_needed():
    view = DataView({"dataset": "circle", "n": 100})
    view.train(3)
    X = view.X_train.copy()
    view.configure({"learning_rate": 0.05, "batch_size": 20})  # training kept
    assert view.epochs == 3 and np.array_equal(view.X_train, X)
    view.configure({"activation": "relu"})  # a new network, the same data
    assert view.epochs == 0 and np.array_equal(view.X_train, X)
    view.configure({"seed": 2})  # new points
    assert not np.allclose(view.X_train, X)
    view.configure({"train_share": 0.8})
    assert view.X_train.shape == (80, 2) and view.X_test.shape == (20, 2)


def test_the_minibatch_derivation_shows_its_first_rows_of_the_current_network():
    view = DataView({"dataset": "spiral", "hidden": [8, 8], "batch_size": 25})
    view.train(2)
    rows, shown = view.minibatch()
    assert len(rows) == 25 and shown == rows[: regions.MAX_SHOWN].tolist()
    problem, about = view.derivation_problem()
    assert np.array_equal(problem.X, view.X_train[shown])
    assert problem.network.params["W1"].tolist() == view.net.params["W1"].tolist()
    assert f"first {regions.MAX_SHOWN} of the 25" in about["text"]
    view.train(1)  # the next epoch: another minibatch
    assert view.minibatch()[0].tolist() != rows.tolist()


def test_memory_is_bounded(monkeypatch):
    monkeypatch.setattr(regions, "MAX_LOSSES", 5)
    view = DataView({"n": 20})
    for _ in range(9):
        view.train(1)
    assert all(len(v) == 5 for v in view.losses.values())
    assert view.losses["epoch"] == [5, 6, 7, 8, 9]
    with pytest.raises(cr.ChainruleError, match="n: expected an integer from 10 "):
        view.configure({"n": regions.MAX_POINTS + 10})


def test_a_views_state_goes_with_its_session():
    pages = Sessions(from_example("seed004"), limit=2)
    a, b = pages.new(), pages.new()
    va = pages.view(a, "regions", DataView)
    assert pages.view(a, "regions", DataView) is va
    assert pages.view(b, "regions", DataView) is not va
    gone = weakref.ref(va)
    del va
    pages.new()  # a third page: a (idle longest) goes, and its view with it
    with pytest.raises(cr.ChainruleError, match="expired"):
        pages.view(a, "regions", DataView)
    gc.collect()
    assert gone() is None  # nothing holds a's view any more


# ------------------------------------------------------------- the routes
@pytest.fixture(scope="module")
def url():
    with running(from_example("seed004")) as address:
        yield address


def request(url, path, method="GET", body=None, headers=None, raw=None):
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    data = raw if raw is not None else None if body is None else json.dumps(body)
    hdrs = {"Content-Type": "application/json"} if data is not None else {}
    conn.request(method, path, body=data, headers={**hdrs, **(headers or {})})
    r = conn.getresponse()
    out = r.status, r.read()
    conn.close()
    return out


def page_session(url):
    import re

    html = request(url, "/")[1].decode()
    return re.search(r'name="chainrule-session" content="([^"]+)"', html)[1]


def test_a_page_trains_its_own_view_and_gets_frames(url):
    sid = page_session(url)
    status, body = request(url, f"/api/regions?session={sid}")
    doc = json.loads(body)
    assert status == 200 and doc["epochs"] == 0 and len(doc["grid"]["values"]) == 2500
    assert len(doc["train"]) + len(doc["test"]) == doc["settings"]["n"]
    status, body = request(
        url, f"/api/regions/train?session={sid}", "POST", {"epochs": 3}
    )
    frame = json.loads(body)
    assert status == 200 and frame["epochs"] == 3 and "train" not in frame
    after = json.loads(request(url, f"/api/regions?session={sid}")[1])
    assert frame["loss"] == {k: v[-1] for k, v in after["losses"].items()}
    assert after["losses"]["epoch"] == [0, 3]
    assert frame["grid"]["values"] != doc["grid"]["values"]
    other = json.loads(request(url, f"/api/regions?session={page_session(url)}")[1])
    assert other["epochs"] == 0  # another page's view is its own


BAD_BODIES = [
    ("train", {"epochs": 0}, "epochs: expected an integer from 1 to 100"),
    ("train", {"epochs": 101}, "epochs: expected an integer from 1 to 100"),
    ("train", {"epochs": "5"}, "epochs: expected an integer"),
    ("train", {"epochs": True}, "epochs: expected an integer"),
    ("train", {"epochs": 10**400}, "epochs: expected an integer"),
    ("train", {}, "epochs: expected an integer"),
    ("settings", {"dataset": "moons"}, "dataset: expected one of"),
    ("settings", {"n": 5000}, "n: expected an integer from 10 to 1000"),
    ("settings", {"noise": 0.9}, "noise: expected a number from 0 to 0.5"),
    ("settings", {"noise": None}, "noise: expected a number"),
    ("settings", {"hidden": [9]}, "hidden: expected a list of at most 3"),
    ("settings", {"hidden": [2, 2, 2, 2]}, "hidden: expected a list of at most 3"),
    ("settings", {"hidden": "8,8"}, "hidden: expected a list"),
    ("settings", {"activation": "softmax"}, "activation: expected one of"),
    ("settings", {"learning_rate": 0}, "learning_rate: expected a number above 0"),
    ("settings", {"batch_size": -1}, "batch_size: expected an integer from 1"),
    ("settings", {"seed": 2**40}, "seed: expected an integer from 0"),
    ("settings", {"sizes": [2, 1]}, "settings: unknown key 'sizes'"),
]


@pytest.mark.parametrize(("action", "body", "message"), BAD_BODIES)
def test_a_bad_body_is_refused_by_name_and_changes_nothing(url, action, body, message):
    sid = page_session(url)
    request(url, f"/api/regions/train?session={sid}", "POST", {"epochs": 1})
    before = request(url, f"/api/regions?session={sid}")[1]
    path = f"/api/regions/{action}?session={sid}"
    status, answer = request(url, path, "POST", body)
    assert status == 400 and message in json.loads(answer)["error"]
    assert request(url, f"/api/regions?session={sid}")[1] == before


def test_training_that_diverges_is_undone(monkeypatch):
    view = DataView({"dataset": "gaussians", "learning_rate": 5.0})
    view.train(1)
    monkeypatch.setattr(regions, "MAX_ABS", 1.5)  # any weight beyond: diverged
    before = view.snapshot()
    with pytest.raises(cr.ChainruleError, match="training diverged at 5; the net"):
        view.train(20)
    assert view.epochs == before.epochs == 1 and view.losses == before.losses
    for k, v in view.net.params.items():
        assert np.array_equal(v, before.net.params[k])


@pytest.mark.parametrize(
    ("raw", "headers", "status"),
    [
        ("{not json", {}, 400),
        ("[1, 2]", {}, 400),
        ('{"epochs": 1}', {"Content-Type": "text/plain"}, 415),
        ('{"epochs": 1}', {"Origin": "http://evil.example"}, 403),
        ("x" * 100_000, {}, 413),
    ],
)
def test_the_guard_refuses_what_is_not_a_json_object_from_this_page(
    url, raw, headers, status
):
    sid = page_session(url)
    path = f"/api/regions/train?session={sid}"
    assert request(url, path, "POST", raw=raw, headers=headers)[0] == status


def test_an_unknown_session_is_refused(url):
    status, body = request(url, "/api/regions/train?session=nope", "POST", {})
    assert status == 400 and "reload the page" in json.loads(body)["error"]
    assert request(url, "/api/regions?session=nope")[0] == 400
