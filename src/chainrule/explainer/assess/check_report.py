"""The result of :func:`chainrule.check`: one verdict per answer, and the score.

Data only (no grading here): :mod:`chainrule.explainer.assess.grading` fills it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np

RTOL = 5e-3  # see chainrule.explainer.assess.grading for the reasoning
ATOL = 1e-12
SCHEMA = "chainrule.check/1"
VERDICTS = ("right", "not numbers", "wrong shape", "transposed", "wrong sign")
VERDICTS += ("rounded", "off by a factor", "wrong value", "missing")


@dataclass(frozen=True)
class CheckItem:
    """The verdict on one answer.

    Attributes
    ----------
    symbol : str
        The Welch key (``"dJdW1"``).
    name : str
        The quantity as the key prints it (``"∂J/∂W⁽¹⁾"``).
    ok : bool
    verdict : str
        One of ``VERDICTS``: ``"right"``, ``"not numbers"``, ``"wrong shape"``,
        ``"transposed"``, ``"wrong sign"``, ``"rounded"`` (right to the digits
        given, too coarse), ``"off by a factor"`` (of N, or m), ``"wrong
        value"``, ``"missing"`` (no answer to a quantity asked for).
    reason : str
        One sentence for the student.
    expected_shape, given_shape : tuple of int
        ``given_shape`` is ``None`` when the answer is not numbers or missing.
    expected : (rows, cols) array or float
    given : (rows, cols) array, float, or the answer as given when not numbers
    """

    symbol: str
    name: str
    ok: bool
    verdict: str
    reason: str
    expected_shape: tuple
    given_shape: tuple | None
    expected: object
    given: object


@dataclass
class CheckReport:
    """Every answer's verdict, in the order the answers were given.

    Attributes
    ----------
    items : list of CheckItem
    rtol, atol : float
        The tolerance used (see the module's notes).
    unknown : dict of str to str
        Each answer's name that the key does not have, and why (with a
        suggestion); not graded, not counted.
    """

    items: list[CheckItem] = field(default_factory=list)
    rtol: float = RTOL
    atol: float = ATOL
    unknown: dict[str, str] = field(default_factory=dict)

    @property
    def n_right(self) -> int:
        """How many answers are right."""
        return sum(item.ok for item in self.items)

    @property
    def score(self) -> float:
        """The fraction of answers that are right, from 0 to 1."""
        return self.n_right / len(self.items) if self.items else 0.0

    @property
    def ok(self) -> bool:
        """``True`` when every answer is right."""
        return bool(self.items) and self.n_right == len(self.items)

    def __getitem__(self, symbol: str) -> CheckItem:
        for item in self.items:
            if item.symbol == symbol:
                return item
        raise KeyError(symbol)

    def __repr__(self) -> str:
        return f"CheckReport({self.n_right}/{len(self.items)} right)"

    def to_text(self) -> str:
        """One line per answer, one per unknown name, then the score."""
        width = max([len(i.name) for i in self.items] + [len(n) for n in self.unknown])
        lines = [
            f"{'✓' if i.ok else '✗'} {i.name:<{width}}  {i.reason}" for i in self.items
        ]
        lines += [
            f"? {n:<{width}}  {why}, not graded" for n, why in self.unknown.items()
        ]
        lines.append(
            f"score: {self.n_right}/{len(self.items)} = {self.score:.0%} "
            f"(rtol {self.rtol:g}, atol {self.atol:g})"
        )
        return "\n".join(lines) + "\n"

    def to_dict(self) -> dict:
        """The report as plain data (``"schema": "chainrule.check/1"``)."""
        return {
            "schema": SCHEMA,
            "score": self.score,
            "n_right": self.n_right,
            "n_items": len(self.items),
            "rtol": self.rtol,
            "atol": self.atol,
            "items": [_item_dict(i) for i in self.items],
            "unknown": [{"name": n, "reason": r} for n, r in self.unknown.items()],
        }

    def to_json(self) -> str:
        """:meth:`to_dict` as JSON; values as nested lists."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)


def _plain(value: object) -> object:
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, (np.floating, np.integer)):
        return value.item()
    if isinstance(value, (int, float, str, bool)) or value is None:
        return value
    return repr(value)


def _item_dict(i: CheckItem) -> dict:
    return {
        "symbol": i.symbol,
        "name": i.name,
        "ok": i.ok,
        "verdict": i.verdict,
        "reason": i.reason,
        "expected_shape": list(i.expected_shape),
        "given_shape": None if i.given_shape is None else list(i.given_shape),
        "expected": _plain(i.expected),
        "given": _plain(i.given),
    }
