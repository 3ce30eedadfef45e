"""Sound quizzes: no value left on a sheet gives a blank away by one printed
formula, for every built-in example, notation and convention, and every
single blank; ``--blank`` says which values it hid besides the blanks."""

import numpy as np
import pytest

from chainrule.cli.app import main
from chainrule.explainer.assess.quiz import blank, leaks
from chainrule.explainer.model.step import PLACEHOLDER
from chainrule.explainer.problems import list_examples, load_example

SETTINGS = [
    {},
    {"notation": "bracket"},
    {"convention": "column"},
    {"level": "element"},
    {"steps": 2, "learning_rate": 0.5},
]


def _shown(step) -> bool:
    return not np.isnan(np.asarray(step.value, dtype=float)).any()


def _explanations() -> list:
    return list(_each())


def _each():
    for name in list_examples():
        for settings in SETTINGS:
            yield pytest.param(name, settings, id=f"{name}-{settings}")


@pytest.mark.parametrize(("name", "settings"), _explanations())
def test_no_shown_value_recovers_a_single_blank(name, settings):
    ex = load_example(name).explain(**settings)
    for target in [s.symbol for s in ex.steps]:
        quiz = blank(ex, [target])
        hidden = {s.symbol for s in quiz.steps if not _shown(s)}
        assert target in hidden
        assert hidden - {target} == set(leaks(ex, [target]))
        for s in quiz.steps:
            if s.symbol == target:
                continue
            # a shown step whose formula reads the blank would give it back
            assert not (_shown(s) and target in s.uses), (target, s.symbol)
            read = hidden & set(s.uses)
            if s.symbol in hidden or read:
                # no line under it prints the hidden numbers ...
                kinds = {d.kind for d in s.details}
                assert not kinds & {"element", "examples", "cost"}, (target, s)
                # ... nor numbers written into its substitution
                assert not s.substitution or PLACEHOLDER.search(s.substitution)


def test_the_issue_leaks_are_closed():
    ex = load_example("seed004").explain()
    quiz = blank(ex, ["dJdW1", "delta2"])
    assert np.isnan(quiz["W1'"].value).all()  # W := 0.3 − 0.1 · ? = ?
    q15 = load_example("seed000-q15").explain()
    extra = leaks(q15, ["yHat", "delta3", "z2"])
    assert {"dJdyHat", "dJda2", "a2", "fprime2"} <= set(extra)
    col = load_example("classic-2-2-2").explain(convention="column")
    assert {"dJdb2", "dJda2"} <= set(leaks(col, ["delta3"]))


def test_a_path_sum_written_in_numbers_is_not_printed():
    ex = load_example("seed001").explain(notation="bracket")
    quiz = blank(ex, ["delta3"])
    flows = [s for s in quiz.steps if s.symbol.startswith("dJda2[")]
    assert flows and all(s.substitution == "" for s in flows)
    assert "-0.0773765" not in quiz.to_text()


def test_cli_blank_names_the_values_it_also_hid(capsys):
    code = main(["explain", "-e", "seed004", "--blank", "dJdW1,delta2"])
    out, err = capsys.readouterr()
    assert code == 0
    assert "also hidden" in err and "(W1')" in err
    assert "0.297008" not in out
