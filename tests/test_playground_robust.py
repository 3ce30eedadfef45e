"""A playground server that in-range input cannot break (Reliability 3).

Points 2, 5 and 9-10: ``--host`` is an IP address parsed by :mod:`ipaddress`,
loopback only unless ``--host-any``; a diverging train is rolled back with a
4xx; every hostile body is a 4xx with a message and leaves the state as it
was; a client that never finishes its headers is disconnected. One server for
the module, on 127.0.0.1.
"""

import http.client
import json
import socket
from urllib.parse import urlsplit

import pytest

pytest.importorskip("starlette", reason="the playground extra is not installed")
pytest.importorskip("uvicorn", reason="the playground extra is not installed")

import chainrule as cr  # noqa: E402
from chainrule.cli.app import main  # noqa: E402
from chainrule.errors import ConfigError  # noqa: E402
from chainrule.playground.server import listen_address, running  # noqa: E402
from chainrule.playground.sources import from_example  # noqa: E402

HEADER_TIMEOUT = 0.5


@pytest.fixture(scope="module")
def url():
    with running(from_example("seed004"), header_timeout=HEADER_TIMEOUT) as address:
        yield address


def request(url, path, method="GET", body=None, raw=None):
    """(status, body bytes); ``raw`` is sent as the JSON body as it is."""
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    data = raw if raw is not None else None if body is None else json.dumps(body)
    hdrs = {"Content-Type": "application/json"} if data is not None else {}
    conn.request(method, path, body=data, headers=hdrs)
    r = conn.getresponse()
    out = r.status, r.read()
    conn.close()
    return out


def state(url):
    status, body = request(url, "/api/state")
    assert status == 200, body
    return json.loads(body)


@pytest.fixture
def fresh(url):
    assert request(url, "/api/example", "POST", {"name": "seed004"})[0] == 200
    return url


# -- point 2: --host -----------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    ["0", "0.0", "0x0", "000.000.000.000", "::0", "0:0:0:0:0:0:0:0", "0.0.0.0", "::"]
    + ["", "example.com", "127.1", "[::", "1.2.3.4.5"],
)
def test_every_spelling_of_every_interface_is_refused(host):
    for any_address in (False, True):
        with pytest.raises(ConfigError, match="--host"):
            listen_address(host, any_address)


def test_only_loopback_without_host_any():
    assert str(listen_address("localhost")) == "127.0.0.1"
    assert str(listen_address("[::1]")) == "::1"
    assert str(listen_address("127.0.0.2")) == "127.0.0.2"
    with pytest.raises(ConfigError, match="--host-any"):
        listen_address("10.1.2.3")
    assert str(listen_address("10.1.2.3", any_address=True)) == "10.1.2.3"


def test_the_command_refuses_host_0_before_serving(capsys):
    code = main(["playground", "--host", "0", "--no-browser"])
    err = capsys.readouterr().err
    assert code == 2 and "--host" in err and "'0'" in err, err


# -- point 5: a diverging train is rolled back ---------------------------------


def test_a_diverging_train_is_refused_and_the_state_kept(fresh, tmp_path):
    changed = {"learning_rate": 1000, "activation": "identity"}
    assert request(fresh, "/api/settings", "POST", changed)[0] == 200
    before = state(fresh)
    status, body = request(fresh, "/api/train", "POST", {"steps": 3})
    assert status == 400
    assert "diverged" in json.loads(body)["error"]
    assert state(fresh) == before
    status, model = request(fresh, "/api/export/safetensors")
    assert status == 200
    (tmp_path / "m.safetensors").write_bytes(model)
    net = cr.load(tmp_path / "m.safetensors")
    assert all(abs(v).max() < 1e6 for v in net.params.values())


# -- point 10: hostile bodies are 4xx and change nothing -----------------------

HOSTILE = [
    ("/api/param", '{"name": "W1", "index": [0, 0], "value": ' + "9" * 4000 + "}"),
    ("/api/param", '{"name": "W1", "index": [0, 0], "value": ' + "9" * 5000 + "}"),
    ("/api/param", '{"name": "W1", "index": [0, 0], "value": 1.' + "9" * 4000 + "}"),
    ("/api/param", json.dumps({"name": ["W1"], "index": [0, 0], "value": 1})),
    ("/api/data", json.dumps({"name": {"X": 1}, "index": [0, 0], "value": 1})),
    ("/api/settings", "[" * 40_000 + "]" * 40_000),
    ("/api/upload", json.dumps({"csv": "a,b\n1\x00,2\n3,4\n", "target": "b"})),
    ("/api/upload", json.dumps({"csv": "a,b\n1,\x002\n3,4\n", "target": "b"})),
    ("/api/quiz", json.dumps({"answers": {"J": "[" * 5000}})),
    ("/api/settings", json.dumps({"sizes": [1, 10**20, 1]})),
    ("/api/train", json.dumps({"steps": 10**400})),
]


@pytest.mark.parametrize("path,raw", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_bodies_are_4xx_with_a_message(fresh, path, raw):
    before = state(fresh)
    status, body = request(fresh, path, "POST", raw=raw)
    assert status < 500, body[:300]
    if status >= 400:  # refused: with a message, and nothing changed
        assert body.strip()
        assert state(fresh) == before
    else:  # taken: the state can be shown
        assert state(fresh)["settings"]


# -- point 9: a client that never finishes its headers -------------------------


def test_a_connection_with_half_its_headers_is_closed(url):
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=60) as s:
        s.sendall(b"GET /api/state HTTP/1.1\r\nHost: 127.0.0.1")
        assert s.recv(1024) == b""  # closed by the server, not by this timeout
    assert state(url)["settings"]["sizes"]
