"""Which example of a batch is explained, and the diagram in the column
convention: every unit drawn, one example's values."""

import re

import chainrule as cr
from chainrule.explainer.problems import load_example


def test_example_index_is_said_in_the_title_and_the_given_block():
    ex = load_example("seed000-q15").explain(example_index=1)
    assert ex.title.endswith(": example 2 of 3 (index 1)")
    text = ex.to_text()
    assert "X and y: example 2 of 3 (index 1)" in text
    assert "example 2 of 3" in ex.to_markdown()
    assert "example" not in load_example("seed000-q15").explain()["X"].note


def _circles(html: str) -> int:
    return len(re.findall(r"<circle", html))


def test_column_diagram_draws_every_unit_of_one_example():
    p = load_example("classic-2-2-2")
    row, col = p.explain().to_html(), p.explain(convention="column").to_html()
    assert _circles(col) == _circles(row)
    net = cr.Network([3, 2, 2], seed=1)
    X, y = [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], [[0.0, 1.0], [1.0, 0.0]]
    r = cr.explain(net, X, y).to_html()
    c = cr.explain(net, X, y, convention="column").to_html()
    assert _circles(c) == _circles(r)
    # the same example's values: the row page's unit labels are the column's;
    # the hidden layer's heading in each page's numbering (CS230: input 0)
    labels = re.compile(r"<text[^>]*>([^<]*)</text>")
    lc = labels.findall(c.split("<svg", 1)[1].split("</svg>")[0])
    lr = labels.findall(r.split("<svg", 1)[1].split("</svg>")[0])
    assert [t for t in lc if t != "layer 1"] == [t for t in lr if t != "layer 2"]
    assert lc.count("layer 1") == lr.count("layer 2") == 1
