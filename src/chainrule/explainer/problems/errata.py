"""The seeds' misprints, each with its correction and the reason.

The list is data (``errata.toml`` beside this module), checked against the
seed documents by hand: each entry cites the seed's lines and quotes the
seed's own words there (the tests check the quote against a copy of those
lines). An entry of kind ``"difference"`` is a change from the tutorial
that may be deliberate, not a proven misprint. Worksheets list the misprints
of their seed, and a
problem file names its seed with ``errata = "seed001"`` to have them appended
to its description. chainrule's output follows the corrected forms.

Examples
--------
>>> [e.where for e in errata("seed002")]
['∂J/∂W⁽²⁾', '∂J/∂W⁽¹⁾', '∂J/∂W⁽²⁾, the first line']
>>> describe("seed004")[:50]
'Misprints in the seed, corrected here: (1) Forward'
>>> e = errata("seed001")[-1]
>>> e.lines, e.place
((210, 268), 'the layer $z^{[1]}|a^{[1]}$ (seed lines 210 and 268)')
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
    lines : tuple of int
        The seed's line numbers (1-based) where it is printed.
    quote : str
        The seed's own words on those lines, as its source text writes them.
    kind : {"misprint", "difference"}
        ``"difference"``: a change from the tutorial, perhaps deliberate.
    """

    where: str
    printed: str
    correct: str
    why: str
    lines: tuple[int, ...] = ()
    quote: str = ""
    kind: str = "misprint"

    @property
    def place(self) -> str:
        """Where, with the seed's lines: ``"question 10 (seed line 76)"``."""
        if not self.lines:
            return self.where
        n = [str(k) for k in self.lines]
        lines = n[0] if len(n) == 1 else ", ".join(n[:-1]) + " and " + n[-1]
        cite = f"seed line{'s' if len(n) > 1 else ''} {lines}"
        if self.kind == "difference":
            cite += "; a difference from the tutorial's data, not a proven misprint"
        return f"{self.where} ({cite})"


@cache
def _doc() -> dict:
    f = resources.files("chainrule.explainer.problems") / "errata.toml"
    return tomllib.loads(f.read_text("utf-8"))


def seeds() -> list[str]:
    """The names that have a list of misprints."""
    return sorted(_doc())


def errata(seed: str) -> tuple[Erratum, ...]:
    """The misprints of one seed (``()`` for a name without any)."""
    return tuple(
        Erratum(**{**e, "lines": tuple(e.get("lines", ()))})
        for e in _doc().get(seed, [])
    )


def describe(seed: str) -> str:
    """The misprints as one paragraph, for a problem's description."""
    items = [
        f"({k}) {e.place}: the seed prints {e.printed}; correct: {e.correct}, "
        f"because {e.why}."
        for k, e in enumerate(errata(seed), start=1)
    ]
    return "Misprints in the seed, corrected here: " + " ".join(items) if items else ""
