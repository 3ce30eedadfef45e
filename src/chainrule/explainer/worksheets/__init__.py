"""Worksheets: every question of a seed document, answered.

``worksheet("seed000")`` returns a :class:`Worksheet`: the seed's questions by
their own numbers, each with its answer (dimensions, expressions, products
written element by element, numbers, a sentence or two), the values the seed
leaves open and what was chosen, and the seed's misprints with their
corrections. The content is data, in chainrule's own words: one TOML file per
worksheet in ``worksheets/data/`` (its format in
:mod:`chainrule.explainer.worksheets.build`), read by generic code; the numbers
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

from chainrule.errors import UnknownNameError
from chainrule.explainer.worksheets.build import catalogue, from_data
from chainrule.explainer.worksheets.model import Erratum, Part, Question, Worksheet

#: Worksheet name: (its data file, what it covers), from each file's metadata.
WORKSHEETS = catalogue()

__all__ = ["WORKSHEETS", "Erratum", "Part", "Question", "Worksheet", "worksheet"]


def worksheet(name: str) -> Worksheet:
    """Every question of one seed, answered.

    Parameters
    ----------
    name : str
        A key of :data:`WORKSHEETS` (a data file's name).

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
    return from_data(name)
