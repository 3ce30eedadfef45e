"""``chainrule explain``: the derivation of a problem file or a built-in example.

The command only reads its arguments, loads the problem and writes one
rendering; errors are chainrule errors, which :func:`chainrule.cli.app.main`
reports on one line with exit code 2.
"""

from __future__ import annotations

import json
import sys
import warnings
from dataclasses import asdict
from pathlib import Path
from typing import Annotated

import typer

from chainrule.cli import handout
from chainrule.cli.common import (
    Convention,
    Force,
    Notation,
    Out,
    Precision,
    text_width,
    write_text,
)
from chainrule.errors import ConfigError, DataFileError, UnknownNameError
from chainrule.explainer.build.derivation import one_example
from chainrule.explainer.notation.numbers import check_precision
from chainrule.explainer.paths.vary import parse_vary, vary
from chainrule.explainer.problems import (
    AmbiguousOrientationWarning,
    list_examples,
    load_example,
    load_problem,
)
from chainrule.persist.paths import check_outputs
from chainrule.validation import check_explain_size

FORMATS = ("text", "markdown", "latex", "json", "html", *handout.FORMATS)
_METHODS = {
    "text": "to_text",
    "markdown": "to_markdown",
    "latex": "to_latex",
    "json": "to_json",
    "html": "to_html",
}


def _check_problem_size(problem: Path) -> None:
    """The declared network's size, before the problem builds it."""
    from chainrule.persist.text_files import load_toml, read_text_file

    text = read_text_file(problem, "problem file")
    doc = load_toml(text, str(problem), "problem file")
    try:
        sizes = doc["network"]["sizes"]
    except (KeyError, TypeError):
        return  # load_problem says what is wrong
    if (
        isinstance(sizes, list)
        and sizes
        and all(isinstance(s, int) and not isinstance(s, bool) and s > 0 for s in sizes)
    ):
        check_explain_size(sizes, 0)


def choose_problem(problem: Path | None, example: str | None):
    """The problem; its warnings (an ambiguous orientation) go to stderr."""
    if problem is not None and example is not None:
        raise ConfigError("give either a PROBLEM file or --example NAME, not both")
    if problem is None and example is None:
        raise ConfigError(
            "give a PROBLEM file (TOML) or --example NAME; --list-examples lists them"
        )
    if problem is not None:
        _check_problem_size(problem)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", AmbiguousOrientationWarning)
        try:
            p = load_problem(problem) if problem is not None else load_example(example)
        except RecursionError:
            raise DataFileError(f"{problem}: nested too deeply") from None
    for w in caught:
        typer.echo(f"warning: {w.message}", err=True)
    return p


def _check_dropout(
    p: float, seed: int | None, steps: int, uphill: bool, level: str, paths: str
):
    """``--dropout`` and ``--dropout-seed`` against the other options
    (``paths``: ``--chain`` or ``--vary`` where given, else ``""``)."""
    from chainrule.core.dropout import check_rate

    check_rate("--dropout", p)
    if not p:
        if seed is not None:
            raise ConfigError("--dropout-seed: draws the dropout masks; give --dropout")
        return
    if steps > 1 or uphill:
        flag = "--steps" if steps > 1 else "--uphill"
        raise ConfigError(
            f"--dropout: explains one pass with its masks; not with {flag} (each "
            "step of a fit draws new masks)"
        )
    if level == "element":
        raise ConfigError("--dropout: written at --level matrix only")
    if paths:
        raise ConfigError(
            f"--dropout: {paths} writes the paths without the masks; explain "
            "the pass without --dropout to see them"
        )


def _chain_or_vary(p, explanation, chain, vary_, fmt: str, k: int | None) -> str:
    """The text of ``--chain`` or ``--vary`` (text or JSON)."""
    if fmt not in ("text", "json"):
        raise UnknownNameError(
            f"--format: --chain and --vary print text or json, got {fmt!r}"
        )
    if chain is not None:
        c = explanation.chain(chain)
        return json.dumps(asdict(c), indent=1) + "\n" if fmt == "json" else c.to_text()
    target, values = parse_vary(vary_)
    X, y = (p.X, p.y) if k is None else one_example(p.X, p.y, k)
    v = vary(p.network, X, y, target, values, convention=explanation.convention)
    return json.dumps(v.to_dict(), indent=1) + "\n" if fmt == "json" else v.to_text()


def _quiz(chosen, notation, settings: dict, blank: str | None, answers, seed):
    """The explanation, drawn from ``seed``, its key written, ``blank`` hidden."""
    from chainrule.explainer.assess import quiz

    names = None if blank is None else [n.strip() for n in blank.split(",")]
    if seed is not None:
        chosen = quiz.draw_problem(chosen, seed)
    explanation = chosen.explain(notation, **settings)
    if names is not None:
        blanked = quiz.blank(explanation, names)  # checks the names first
        extra = quiz.leaks(explanation, names)
        if extra:
            shown = ", ".join(f"{explanation[k].name} ({k})" for k in extra)
            typer.echo(
                "--blank: also hidden, since each gives a blank away by one "
                f"printed formula: {shown}",
                err=True,
            )
    if answers is not None:
        write_text(answers, quiz.key_toml(explanation, names))
    return explanation if names is None else blanked


def _render(explanation, fmt: str, precision: int, to_terminal: bool) -> str | None:
    """The rendering as text, or ``None`` after printing it in colour."""
    if fmt == "text" and to_terminal:
        from chainrule.cli.common import SafeConsole
        from chainrule.explainer.render.text import print_all, renderables

        console = SafeConsole(highlight=False, emoji=False, markup=False)
        print_all(console, renderables(explanation, precision, console.width))
        return None
    method = getattr(explanation, _METHODS[fmt])
    if fmt == "text":
        return method(precision, width=text_width())
    return method() if fmt == "json" else method(precision)


def explain_command(
    problem: Annotated[
        Path | None,
        typer.Argument(help="A problem file (TOML): network, weights, data."),
    ] = None,
    format: handout.Format = "text",
    out: Out = None,
    force: Force = False,
    example: Annotated[
        str | None, typer.Option("--example", "-e", help="A built-in example.")
    ] = None,
    list_: Annotated[
        bool, typer.Option("--list-examples", help="List the built-in examples.")
    ] = False,
    notation: Notation = None,
    precision: Precision = 6,
    convention: Convention = None,
    freeze_biases: Annotated[
        bool,
        typer.Option(
            "--freeze-biases", help="Update the weights only, not the biases."
        ),
    ] = False,
    example_index: Annotated[
        int | None,
        typer.Option("--example-index", help="Explain example K of the batch alone."),
    ] = None,
    chain: Annotated[
        str | None,
        typer.Option("--chain", help="The chain rule for one weight, e.g. W2[0,0]."),
    ] = None,
    vary_: Annotated[
        str | None,
        typer.Option("--vary", help="J and dJ/dW for each value: W2[0,0]=1,2,-1."),
    ] = None,
    level: Annotated[
        str,
        typer.Option(
            "--level", help="matrix, or element: every product written term by term."
        ),
    ] = "matrix",
    learning_rate: Annotated[
        float | None,
        typer.Option(
            "--learning-rate", help="Replace the problem's learning rate (α)."
        ),
    ] = None,
    steps: Annotated[
        int,
        typer.Option("--steps", help="Gradient-descent updates, with a cost table."),
    ] = 1,
    uphill: Annotated[
        bool,
        typer.Option(
            "--uphill", help="Allow a negative learning rate: step up the gradient."
        ),
    ] = False,
    blank: Annotated[
        str | None,
        typer.Option(help="Hide these values (a quiz): dJdW1,delta2."),
    ] = None,
    answers: Annotated[
        Path | None,
        typer.Option(help="Write the answer key (TOML) of --blank (or every step)."),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(help="Draw a student's own weights and data from this seed."),
    ] = None,
    variants: Annotated[
        int | None,
        typer.Option(help="Moodle: one sheet per seed from --seed to --seed + N - 1."),
    ] = None,
    dropout: Annotated[
        float,
        typer.Option(
            help="One training pass with inverted dropout of rate P: the masks "
            "m and the kept activations a∘m/(1−P)."
        ),
    ] = 0.0,
    dropout_seed: Annotated[
        int | None,
        typer.Option(help="The seed of the dropout masks (default 0)."),
    ] = None,
) -> None:
    """Explain backpropagation step by step, with every value and shape.

    Examples: chainrule explain --example seed004;
    chainrule explain problem.toml --format markdown --out derivation.md;
    chainrule explain -e classic-2-2-2 --chain W2[0,0];
    chainrule explain -e seed001 --convention column --vary "W3[0,0]=1,2,-1";
    chainrule explain -e seed000-q15 --level element;
    chainrule explain -e tutorial-part4 --learning-rate -3 --uphill
    chainrule explain -e seed004 --seed 7 --blank dJdW1 --answers key.toml;
    chainrule explain -e seed004 --seed 7 --blank dJdW1 -f ipynb -o quiz.ipynb;
    chainrule explain -e seed004 --seed 1 --variants 30 --blank dJdW1 -f moodle;
    chainrule explain -e tutorial-part4 --dropout 0.5 --dropout-seed 3
    """
    if list_:
        for name, title in list_examples().items():
            typer.echo(f"{name:16} {title}")
        return
    if format not in FORMATS:
        raise UnknownNameError(
            f"--format: unknown name {format!r}; expected one of {FORMATS}"
        )
    precision = check_precision(precision)
    n_sheets = handout.check_options(format, variants, seed, blank)
    check_outputs(
        {"--out": out, "--answers": answers}, {"PROBLEM": problem}, force=force
    )
    if chain is not None and vary_ is not None:
        raise ConfigError("give either --chain or --vary, not both")
    quiz_given = [
        f
        for f, v in (("--blank", blank), ("--answers", answers), ("--seed", seed))
        if v is not None
    ]
    if quiz_given and (chain is not None or vary_ is not None):
        raise ConfigError(
            f"{quiz_given[0]}: makes a quiz of the derivation; not with "
            "--chain or --vary"
        )
    if vary_ is not None:
        parse_vary(vary_)  # say no before any work
    paths = "--chain" if chain is not None else "--vary" if vary_ is not None else ""
    _check_dropout(dropout, dropout_seed, steps, uphill, level, paths)
    p = choose_problem(problem, example)
    settings = {
        "convention": convention,
        "update_biases": False if freeze_biases else None,
        "example_index": example_index,
        "learning_rate": learning_rate,
        "level": level,
        "steps": steps,
        "uphill": uphill,
        **({"dropout": dropout, "mask_seed": dropout_seed} if dropout else {}),
    }
    explanation = _quiz(p, notation, settings, blank, answers, seed)
    names = None if blank is None else [n.strip() for n in blank.split(",")]
    if chain is not None or vary_ is not None:
        text = _chain_or_vary(p, explanation, chain, vary_, format, example_index)
    elif format == "ipynb":
        text = handout.notebook(
            explanation,
            names=names,
            example=example,
            problem=problem,
            seed=seed,
            notation=notation,
            settings=settings,
            precision=precision,
        )
    elif format == "moodle":
        text = handout.moodle(
            p,
            names=names,
            category=example or Path(problem).stem,
            seed=seed,
            variants=n_sheets,
            notation=notation,
            settings=settings,
            precision=precision,
        )
    else:
        terminal = out is None and sys.stdout.isatty()
        text = _render(explanation, format, precision, terminal)
    if text is None:
        return
    write_text(out, text, json=format == "json")
