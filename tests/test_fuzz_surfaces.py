"""Fuzz campaigns for the surfaces of Reliability 3, seeded and bounded.

- problem and answers files (TOML): mutations of a valid problem and random
  documents with deep nesting, dotted keys, control characters and huge
  numbers; each is a ``Problem`` or a chainrule error, never another one;
- the playground's API: random JSON bodies to every POST endpoint of one
  server on 127.0.0.1; every answer is below 500 and the state can always be
  shown afterwards;
- terminal text: random strings through the text gate and the Rich console;
  no control character comes out, and JSON escapes read back to the string.

The generator is ``random.Random(SEED)``: the same inputs on every run.
"""

import contextlib
import http.client
import io
import json
import random
import re
from urllib.parse import urlsplit

import pytest

from chainrule.errors import ChainruleError
from chainrule.explainer.assess.quiz import read_answers
from chainrule.explainer.problems import parse_problem
from chainrule.validation import terminal_text
from chainrule.validation.text import CONTROL

SEED = 20261201
TOML_ATTEMPTS = 400
ANSWERS_ATTEMPTS = 150
API_ATTEMPTS = 150
TEXT_ATTEMPTS = 3000

PROBLEM = """title = "t"
learning_rate = 0.1
[network]
sizes = [2, 2, 1]
activation = "sigmoid"
loss = "mse"
[weights]
W1 = [[0.1, 0.2], [0.3, 0.4]]
W2 = [[0.5], [0.6]]
[data]
X = [[1, 2], [3, 4]]
y = [[1], [0]]
"""
PIECES = ["[", "]", "{", "}", "=", ".", '"', "'", "\n", "a", "1", "-", "#", ","]
PIECES += ["\x1b", "\u202e", "\x00", "1e999", "9" * 40, "a." * 50, "[" * 200]
PIECES += ['"""', "inf", "nan", "[[", "]]", "sizes", "W1", "true", " "]
UNICODE = "\x00\x07\x1b\x7f\x85\x9b\u061c\u200e\u2028\u202a\u202e\u2066\u2069"
UNICODE += "ωé中😀\u0301\t\n a"


def mutate(rng: random.Random, text: str) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 6)):
        i = rng.randrange(len(chars) + 1)
        op = rng.randrange(3)
        if op == 0 and chars:
            del chars[i : i + rng.randint(1, 20)]
        else:
            chars[i:i] = list(rng.choice(PIECES) * rng.choice([1, 1, 2, 50]))
    return "".join(chars)


def random_toml(rng: random.Random) -> str:
    if rng.random() < 0.6:
        return mutate(rng, PROBLEM)
    return "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 300)))


def test_problem_and_answers_files_under_fuzzing(tmp_path):
    rng = random.Random(SEED)
    ended = {"problem": 0, "error": 0}
    for _ in range(TOML_ATTEMPTS):
        text = random_toml(rng)
        try:
            parse_problem(text, "fuzz.toml")
            ended["problem"] += 1
        except ChainruleError:
            ended["error"] += 1
    assert sum(ended.values()) == TOML_ATTEMPTS and ended["error"] > 0
    path = tmp_path / "answers.toml"
    for _ in range(ANSWERS_ATTEMPTS):
        body = random_toml(rng).replace("[network]", "[answers]")
        path.write_bytes(body.encode("utf-8", "surrogatepass"))
        with contextlib.suppress(ChainruleError):
            assert isinstance(read_answers(path), dict)


# -- the playground's API ------------------------------------------------------

ENDPOINTS = ["/api/param", "/api/data", "/api/settings", "/api/example"]
ENDPOINTS += ["/api/upload", "/api/step", "/api/train", "/api/reset", "/api/quiz"]
KEYS = ["name", "index", "value", "sizes", "activation", "loss", "learning_rate"]
KEYS += ["steps", "answers", "csv", "target", "notation", "convention", "bias"]


def random_value(rng: random.Random, depth: int = 0):
    kind = rng.randrange(9 if depth < 3 else 6)
    if kind == 0:
        return rng.choice([0, 1, -1, 3, 10 ** rng.randint(1, 30), 5000, 2**63])
    if kind == 1:
        return rng.choice([0.5, -1e308, 1e-300, 1000.0, 1e6, 0.1])
    if kind == 2:
        return "".join(
            rng.choice(UNICODE + "W1Xy0.5[]; ") for _ in range(rng.randint(0, 12))
        )
    if kind == 3:
        return rng.choice(["W1", "W2", "b1", "X", "y", "seed004", "relu", "identity"])
    if kind == 4:
        return rng.choice([True, False, None])
    if kind == 5:
        return [rng.randint(-1, 3), rng.randint(-1, 3)]
    if kind == 6:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if kind == 7:
        return {rng.choice(KEYS): random_value(rng, depth + 1) for _ in range(3)}
    return "a,b\n" + "\n".join(f"{rng.random()},{rng.choice('xy')}" for _ in range(5))


def post(url: str, path: str, body: bytes) -> tuple[int, bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    conn.request("POST", path, body, {"Content-Type": "application/json"})
    r = conn.getresponse()
    out = r.status, r.read()
    conn.close()
    return out


def test_the_playground_api_under_fuzzing():
    pytest.importorskip("starlette", reason="the playground extra is not installed")
    pytest.importorskip("uvicorn", reason="the playground extra is not installed")
    from chainrule.playground.server import running
    from chainrule.playground.sources import from_example

    rng = random.Random(SEED)
    statuses: dict[int, int] = {}
    with running(from_example("seed004"), host="127.0.0.1") as url:
        for _ in range(API_ATTEMPTS):
            path = rng.choice(ENDPOINTS)
            doc = {
                rng.choice(KEYS): random_value(rng) for _ in range(rng.randint(0, 3))
            }
            if path == "/api/train" and rng.random() < 0.7:
                doc["steps"] = rng.choice([1, 5, 50])
            body = json.dumps(doc).encode()
            if rng.random() < 0.1:
                body = body[: rng.randrange(len(body) + 1)]  # cut short
            status, answer = post(url, path, body)
            statuses[status] = statuses.get(status, 0) + 1
            assert status < 500, (path, body[:200], answer[:300])
            parts = urlsplit(url)
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
            conn.request("GET", "/api/state")
            state = conn.getresponse()
            assert state.status == 200, (path, body[:200])
            json.loads(state.read())
            conn.close()
    assert sum(statuses.values()) == API_ATTEMPTS


# -- terminal text ---------------------------------------------------------------

SGR = re.compile(r"\x1b\[[0-9;]*m")


def test_terminal_text_under_fuzzing():
    from rich.text import Text

    from chainrule.cli.common import SafeConsole

    rng = random.Random(SEED)
    for i in range(TEXT_ATTEMPTS):
        text = "".join(rng.choice(UNICODE) for _ in range(rng.randint(0, 30)))
        shown = terminal_text(text)
        assert CONTROL.search(shown) is None
        assert terminal_text(shown) == shown
        as_json = terminal_text(json.dumps(text, ensure_ascii=False), json=True)
        assert CONTROL.search(as_json) is None and json.loads(as_json) == text
        if i % 10 == 0:
            con = SafeConsole(
                file=io.StringIO(), force_terminal=True, width=80, highlight=False
            )
            con.print(Text(text, style="bold"))
            con.print(text, markup=False)
            out = SGR.sub("", con.file.getvalue())
            assert CONTROL.search(out.replace("\n", "")) is None, repr(out)
