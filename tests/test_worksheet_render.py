"""A worksheet's renderings and its command: every format, LaTeX, the browser."""

import json
import shutil
import subprocess

import pytest

import chainrule as cr
from chainrule.cli.app import main
from chainrule.explainer.worksheets import WORKSHEETS

NAMES = list(WORKSHEETS)


@pytest.fixture(scope="module")
def sheets():
    return {name: cr.worksheet(name) for name in NAMES}


@pytest.mark.parametrize("name", NAMES)
def test_every_question_and_erratum_appears_in_every_text_format(sheets, name):
    ws = sheets[name]
    text, md, tex = ws.to_text(), ws.to_markdown(), ws.to_latex()
    for q in ws.questions:
        assert f"Question {q.number}." in text
        assert f"## Question {q.number}" in md
        assert rf"\subsection*{{Question {q.number}}}" in tex
    assert len(ws.errata) >= 1 and "Misprints in the seed" in text
    doc = json.loads(ws.to_json())
    assert doc["schema"] == "chainrule.worksheet/1"
    assert [q["number"] for q in doc["questions"]] == [q.number for q in ws.questions]
    assert len(doc["errata"]) == len(ws.errata)


@pytest.mark.skipif(
    shutil.which("pdflatex") is None, reason="pdflatex is not installed"
)
@pytest.mark.parametrize("name", NAMES)
def test_latex_compiles_without_overfull_boxes(sheets, name, tmp_path):
    (tmp_path / "w.tex").write_text(sheets[name].to_latex(), encoding="utf-8")
    run = subprocess.run(
        ["pdflatex", "-interaction=nonstopmode", "-halt-on-error", "w.tex"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-2000:]
    log = (tmp_path / "w.log").read_text(errors="replace")
    assert "Overfull" not in log


def test_cli_worksheet_formats_and_errors(tmp_path, capsys):
    assert main(["worksheet", "seed004"]) == 0
    assert "Question 5.2." in capsys.readouterr().out
    out = tmp_path / "s.html"
    assert main(["worksheet", "seed000", "--format", "html", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert main(["worksheet", "--list"]) == 0
    assert "part4" in capsys.readouterr().out
    assert main(["worksheet", "seed003"]) == 2
    assert "worksheet: unknown name 'seed003'" in capsys.readouterr().err
    assert main(["worksheet", "seed000", "--format", "pdf"]) == 2
    assert "--format: unknown name 'pdf'" in capsys.readouterr().err
    missing = tmp_path / "nope" / "w.md"
    assert main(["worksheet", "seed000", "-f", "markdown", "-o", str(missing)]) == 2
    assert not missing.parent.exists()


@pytest.mark.parametrize("name", ["seed000", "seed001"])
def test_html_worksheet_shows_every_equation_unclipped(browser, sheets, name, tmp_path):
    page_file = tmp_path / f"{name}.html"
    page_file.write_text(sheets[name].to_html(), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(page_file.as_uri(), wait_until="load")
    assert requests == [page_file.as_uri()]
    boxes = page.eval_on_selector_all(
        "math",
        "els => els.map(e => { const r = e.getBoundingClientRect();"
        " return [r.left, r.right, r.width, r.height]; })",
    )
    width = page.evaluate("document.documentElement.clientWidth")
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert len(boxes) > 30
    assert all(w > 0 and h > 0 for _, _, w, h in boxes)  # every equation laid out
    assert all(left >= 0 and right <= width for left, right, _, _ in boxes)
    assert scroll <= width  # nothing runs off the page
