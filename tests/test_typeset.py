"""Prose is typeset: maths in ``$...$`` spans reaches every format as maths.

The worksheets' questions and answers, the seeds' errata and the examples'
descriptions hold their formulas as LaTeX spans
(:mod:`chainrule.explainer.render.prose`). In LaTeX and HTML no raw ``_x`` or
``^`` is left in the text (only in maths and literals); in plain text no
``$`` or LaTeX command leaks. The LaTeX of every worksheet and example is
compiled by tests/test_worksheet_render.py and tests/test_explain_render.py.
Text output of ``chainrule worksheet`` folds its prose at the terminal's width.
"""

import dataclasses
import html as html_lib
import re
from html.parser import HTMLParser

import pytest
from rich.cells import cell_len
from typer.testing import CliRunner

import chainrule as cr
from chainrule.cli.app import app
from chainrule.explainer.problems import list_examples, load_example
from chainrule.explainer.render import html as html_render
from chainrule.explainer.render import latex as latex_render
from chainrule.explainer.render import markdown as markdown_render
from chainrule.explainer.render.prose import plain, spans, unicode
from chainrule.explainer.worksheets import WORKSHEETS

SHEETS = list(WORKSHEETS)
EXAMPLES = sorted(list_examples())
RAW_MATH = re.compile(r"_[A-Za-z{(0-9]|\^")


@pytest.fixture(scope="module")
def sheets():
    return {name: cr.worksheet(name) for name in SHEETS}


@pytest.fixture(scope="module")
def explained():
    return {name: load_example(name).explain() for name in EXAMPLES}


class _TextNodes(HTMLParser):
    """The text of a page outside ``<math>``, ``<code>``, ``<style>``."""

    SKIP = {"math", "code", "style", "script"}

    def __init__(self):
        super().__init__()
        self.depth, self.texts = 0, []

    def handle_starttag(self, tag, attrs):
        self.depth += tag in self.SKIP

    def handle_endtag(self, tag):
        self.depth -= tag in self.SKIP

    def handle_data(self, data):
        if not self.depth and data.strip():
            self.texts.append(data)


def raw_in_html(page: str) -> list[str]:
    parser = _TextNodes()
    parser.feed(page)
    return [t for t in parser.texts if RAW_MATH.search(t)]


def raw_in_latex(doc: str) -> list[str]:
    """Escaped ``^`` or ``_`` outside ``\\texttt`` (a literal), by line."""
    bad = []
    for line in doc.splitlines():
        outside = re.sub(r"\\texttt\{(?:[^{}]|\{[^{}]*\})*\}", "", line)
        if r"\textasciicircum" in outside or r"\_" in outside:
            bad.append(line[:200])
    return bad


# ------------------------------------------------ documents, every format
@pytest.mark.parametrize("name", SHEETS)
def test_worksheet_latex_and_html_have_no_raw_maths(sheets, name):
    ws = sheets[name]
    assert raw_in_latex(ws.to_latex()) == []
    assert raw_in_html(ws.to_html()) == []


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_notes_and_errata_have_no_raw_maths(explained, name):
    ex = explained[name]
    assert raw_in_latex(ex.to_latex()) == []
    assert raw_in_html(ex.to_html()) == []


def test_the_checks_see_raw_maths():
    """The two checks above fail on what the seed001 worksheet printed."""
    assert raw_in_latex(latex_render.escape("W_{i,1}[3] and e^(-z)")) != []
    assert raw_in_html("<p>g_h'(z[2]) and <math><mi>a_b</mi></math></p>") != []
    assert raw_in_html("<p>ok <code>update_biases</code></p>") == []


def _outside_literals(text: str) -> str:
    return re.sub(r"`[^`\n]*`", "", text)


@pytest.mark.parametrize("name", SHEETS)
def test_worksheet_text_leaks_no_latex(sheets, name):
    text = _outside_literals(sheets[name].to_text())
    assert "$" not in text
    assert not re.search(r"\\[A-Za-z]+|\^\{|_\{", text), re.search(
        r".{0,40}(\\[A-Za-z]+|\^\{|_\{).{0,40}", text
    )
    assert not re.search(r"\b[A-Za-z]_[A-Za-z]", text)  # g_h: now gₕ


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_text_leaks_no_latex(explained, name):
    ex = explained[name]
    text = _outside_literals(ex.to_text())
    assert "$" not in text
    assert not re.search(r"\\frac|\\partial|\\hat|\^\{|\\sum", text)
    assert "yHat)^2" not in text and "e^(-z)" not in text


def test_seed001_worksheet_typesets_what_it_printed_raw(sheets):
    ws = sheets["seed001"]
    tex, page, text = ws.to_latex(), ws.to_html(), ws.to_text()
    assert r"$W_{i,1}^{[3]}$" in tex
    assert r"$g'_h(z^{[2]}) = a^{[2]}(1 - a^{[2]})$" in tex
    assert r"\frac{1}{1 + e^{-z_i}}" in tex
    assert "<msubsup><mi>W</mi>" in page
    assert "each Wᵢ,₁[3] reaches L through z₁[3]" in text
    assert "g′ₕ(z[2]) = a[2](1 − a[2])" in text
    assert "1/(1 + e^(−zᵢ))" in text


def test_step_notes_typeset_the_activation():
    ex = load_example("seed001").explain()
    assert "(gₕ = sigmoid: gₕ(z) = 1/(1+e⁻ᶻ))" in ex.to_text()
    assert r"$g_h$ = sigmoid: $g_h(z) = \frac{1}{1+e^{-z}}$" in ex.to_latex()
    assert '<span class="note"><math' in ex.to_html()


# ------------------------------------------------------ the one converter
def test_spans_read_maths_literals_and_dollars():
    assert spans("no maths") == [("text", "no maths")]
    assert spans(r"a \$5 bill") == [("text", "a $5 bill")]
    assert spans("costs $5") == [("text", "costs $5")]  # no closing dollar
    assert spans(r"$x_1$ and `a_b`") == [
        ("math", "x_1"),
        ("text", " and "),
        ("code", "a_b"),
    ]
    assert spans(r"$a \$ b$") == [("math", r"a \$ b")]


def test_text_without_spans_is_unchanged_in_every_format():
    s = "J = sum 1/2 (y - yHat)^2 < 1 & w_1"
    assert plain(s) == s
    assert latex_render.prose(s) == latex_render.escape(s)
    assert html_render.prose(s) == "J = sum 1/2 (y - yHat)^2 &lt; 1 &amp; w_1"
    assert markdown_render.prose(s) == markdown_render.escape(s)


def test_each_format_writes_the_maths_its_way():
    s = r"the sigmoid $\sigma(z) = \frac{1}{1 + e^{-z}}$ (`sigmoid`)"
    assert plain(s) == "the sigmoid σ(z) = 1/(1 + e⁻ᶻ) (`sigmoid`)"
    assert latex_render.prose(s) == (
        r"the sigmoid $\sigma(z) = \frac{1}{1 + e^{-z}}$ (\texttt{sigmoid})"
    )
    page = html_render.prose(s)
    assert page.startswith("the sigmoid <math") and "<mfrac>" in page
    assert page.endswith("(<code>sigmoid</code>)")
    assert markdown_render.prose("$z^{[1]}|a^{[1]}$ | x") == (
        r"$z^{[1]}\vert a^{[1]}$ \| x"
    )


@pytest.mark.parametrize(
    ("tex", "text"),
    [
        (r"W_{i,1}^{[3]}", "Wᵢ,₁[3]"),
        (r"z^{(2)}_{11}", "z⁽²⁾₁₁"),
        (r"W_1^{[3]\top}", "W₁[3]ᵀ"),
        (r"X \in \mathbb{R}^{N \times 2}", "X ∈ ℝᴺˣ²"),
        (r"\frac{(y - \hat{y})^2}{2N}", "(y − ŷ)²/(2N)"),
        (r"\sum \frac{1}{2}(y - \hat{y})^2", "Σ ½(y − ŷ)²"),
        (r"\frac{\partial \mathcal{L}}{\partial a_2^{[1]}}", "∂L/∂a₂[1]"),
        (r"\alpha \log \hat{y}", "α log ŷ"),
        (r"e^{-z_i}", "e^(−zᵢ)"),  # no superscript subscript: a caret
        (r"[a;\ b]", "[a; b]"),
        (r"\unknown{x}", r"\unknownx"),  # shown as written, not dropped
    ],
)
def test_unicode_writes_latex_maths_as_text(tex, text):
    assert unicode(tex) == text


# ------------------------------------------------- the terminal's width
def _invoke(name: str, env: dict) -> list[str]:
    result = CliRunner().invoke(app, ["worksheet", name], env=env)
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


@pytest.mark.parametrize("name", SHEETS)
def test_worksheet_text_folds_at_80_columns_off_a_terminal(name):
    lines = _invoke(name, {"COLUMNS": None})
    assert max(cell_len(line) for line in lines) <= 80
    lines = _invoke(name, {"COLUMNS": "120"})
    widths = [cell_len(line) for line in lines]
    assert max(widths) <= 120
    assert max(widths) > 80  # the width was used, not a fixed 80


def test_worksheet_prose_uses_the_width_it_is_given(sheets):
    ws = sheets["seed000"]
    narrow, wide = ws.to_text(width=60), ws.to_text(width=140)
    assert max(map(cell_len, narrow.splitlines())) <= 60
    assert len(narrow.splitlines()) > len(wide.splitlines())
    # folding only moves line breaks: the words are the same
    assert narrow.split() == wide.split()


# ------------------------------------------- a user's maths in a web page
@pytest.mark.parametrize(
    "tex",
    [
        r"\text{<img src=x onerror=alert(1)>}",
        r"\href{javascript:alert(1)}{x}",
        r"\style{color:red}{x}",
        r"\frac{1}{",  # not LaTeX: shown as written
    ],
)
def test_a_users_maths_cannot_reach_the_page_as_markup(tex):
    page = html_render.prose(f"see ${tex}$ here")
    assert "<img" not in page and "href=" not in page and "style=" not in page
    if "<math" not in page:  # shown as its source, escaped
        assert page == "see " + html_lib.escape(f"${tex}$") + " here"


def test_a_description_reaches_the_page_escaped():
    problem = load_example("seed004")
    ex = dataclasses.replace(
        problem, description=r"Cost <b>$J < 1$</b> & $\text{<i>}$"
    ).explain()
    page = ex.to_html()
    assert "<b>" not in page and "<i>" not in page
    assert "Cost &lt;b&gt;<math" in page
