"""The seeds' misprints, each with its correction and the reason.

The list is data (``errata.toml`` beside this module), checked against the
seed documents by hand; worksheets list the misprints of their seed, and a
problem file names its seed with ``errata = "seed001"`` to have them appended
to its description. chainrule's output follows the corrected forms.

Examples
--------
>>> [e.where for e in errata("seed002")]
['∂J/∂W⁽²⁾', '∂J/∂W⁽¹⁾']
>>> describe("seed004")[:50]
'Misprints in the seed, corrected here: (1) Forward'
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True)
class Erratum:
    """A misprint in the seed and its correction.

    Attributes
    ----------
    where : str
        Where in the seed (a question, an equation).
    printed : str
        What the seed prints.
    correct : str
        The correct form, which chainrule's output follows.
    why : str
        Why the printed form is wrong.
    """

    where: str
    printed: str
    correct: str
    why: str


@cache
def _doc() -> dict:
    f = resources.files("chainrule.explainer.problems") / "errata.toml"
    return tomllib.loads(f.read_text("utf-8"))


def seeds() -> list[str]:
    """The names that have a list of misprints."""
    return sorted(_doc())


def errata(seed: str) -> tuple[Erratum, ...]:
    """The misprints of one seed (``()`` for a name without any)."""
    return tuple(Erratum(**e) for e in _doc().get(seed, []))


def describe(seed: str) -> str:
    """The misprints as one paragraph, for a problem's description."""
    items = [
        f"({k}) {e.where}: the seed prints {e.printed}; correct: {e.correct}, "
        f"because {e.why}."
        for k, e in enumerate(errata(seed), start=1)
    ]
    return "Misprints in the seed, corrected here: " + " ".join(items) if items else ""
