"""The seeds' errata: each cites its seed lines, and those lines say what it quotes.

tests/seed_lines/errata_lines.json holds a copy of the cited lines of the seed
documents (000 ... 004 in file-name order; the errata key ``part4`` is seed 003),
so that the check runs without the seeds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import chainrule as cr
from chainrule.explainer.problems.errata import errata, seeds

LINES = json.loads(
    (Path(__file__).parent / "seed_lines" / "errata_lines.json").read_text("utf-8")
)

# (errata key, cited lines, words of the seed that must be quoted)
LISTED = [
    ("seed000", (76,), "rac{"),
    ("seed000", (55,), "simgoid"),
    ("seed000", (81,), "let's let's"),
    ("seed000", (96,), "5 & 10"),
    ("seed001", (210, 268), "z^{[1]}|a^{[1]}"),
    ("seed002", (46,), r"\frac{1}{2}(y - \hat{y})^2"),
    ("part4", (149,), "scalar multiplication"),
    ("part4", (174, 278), "W and W2"),
    ("seed004", (41,), r"-(y - \hat{y})"),
]


def _seed_line(key: str, n: int) -> str:
    return LINES["lines"][LINES["errata_key_to_seed"][key]][str(n)]


@pytest.mark.parametrize(("key", "lines", "words"), LISTED)
def test_listed_erratum_is_present_with_its_lines(key, lines, words):
    (e,) = [e for e in errata(key) if e.lines == lines]
    assert words in e.quote
    for n in lines:
        assert words in _seed_line(key, n)


@pytest.mark.parametrize("key", seeds())
def test_every_erratum_cites_lines_whose_text_holds_its_quote(key):
    for e in errata(key):
        assert e.lines and e.quote, e.where
        for n in e.lines:
            assert e.quote in _seed_line(key, n), (key, n, e.quote)
        assert f"line{'s' if len(e.lines) > 1 else ''} {e.lines[0]}" in e.place


def test_the_x_row_5_10_is_a_difference_not_a_misprint():
    (e,) = [e for e in errata("seed000") if e.where == "question 15, X"]
    assert e.kind == "difference"
    assert "misprint" not in e.why.replace("not a proven misprint", "")
    assert "differs from the tutorial's data" in e.why
    assert "not a proven misprint" in e.place


def test_worksheet_text_cites_the_seed_lines():
    text = cr.worksheet("seed000").to_text()
    assert "question 10 (seed line 76)" in text
    assert "the second question 11 (seed line 81)" in text
    md = cr.worksheet("seed001").to_markdown()
    assert "(seed lines 210 and 268)" in md
