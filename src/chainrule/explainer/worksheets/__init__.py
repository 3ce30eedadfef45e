"""Worksheets: every question of a seed document, answered.

``worksheet("seed000")`` returns a :class:`Worksheet`: the seed's questions by
their own numbers, each with its answer (dimensions, expressions, products
written element by element, numbers, a sentence or two), the values the seed
leaves open and what was chosen, and the seed's misprints with their
corrections. The content is written here, in chainrule's own words; the numbers
come from :func:`chainrule.explain` of the built-in examples.

Examples
--------
>>> import chainrule as cr
>>> ws = cr.worksheet("seed000")
>>> [q.number for q in ws.questions][9:12]
['10', '11a', '11b']
>>> ws["2"].part("dimension").value
(3, 1)
>>> ws["15"].part("number").key
'yHat'
>>> sorted(WORKSHEETS)
['part4', 'seed000', 'seed001', 'seed002', 'seed004']
"""

from __future__ import annotations

from importlib import import_module, resources

from chainrule.errors import UnknownNameError
from chainrule.explainer.worksheets.build import from_data
from chainrule.explainer.worksheets.model import Erratum, Part, Question, Worksheet

#: Worksheet name: (module, what it covers); a worksheet whose questions are
#: in ``data/<name>.toml`` is read from there.
WORKSHEETS = {
    "seed000": ("seed000", "Seed 000: the worksheet's questions 1 to 16"),
    "seed001": ("seed001", "Seed 001: the bracket-notation derivation, step by step"),
    "seed002": ("seed002", "Seed 002: the UCL slides' shapes and two products"),
    "seed004": ("seed004", "Seed 004: the scalar chain's problems"),
    "part4": ("part4", "The tutorial's part 4 (seed 003), step by step"),
}

__all__ = ["WORKSHEETS", "Erratum", "Part", "Question", "Worksheet", "worksheet"]


def worksheet(name: str) -> Worksheet:
    """Every question of one seed, answered.

    Parameters
    ----------
    name : {"seed000", "seed001", "seed002", "seed004", "part4"}

    Returns
    -------
    Worksheet

    Raises
    ------
    UnknownNameError
        ``name`` is not a worksheet.
    """
    if name not in WORKSHEETS:
        raise UnknownNameError(
            f"worksheet: unknown name {name!r}; expected one of {list(WORKSHEETS)}"
        )
    data = resources.files("chainrule.explainer.worksheets") / "data" / f"{name}.toml"
    if data.is_file():  # content as data: the questions and prose in TOML
        return from_data(name)
    module = import_module(f"chainrule.explainer.worksheets.{WORKSHEETS[name][0]}")
    return module.build()
