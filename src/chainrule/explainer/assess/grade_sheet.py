"""A class's grade sheet: many students' reports as one CSV table.

One row per answer file: the file, the score (a fraction, 3 decimals), the
number right of the number graded, then one column per question with its
verdict (``right``, ``rounded``, ``missing``, ...), and the names the key does
not have. A file that could not be read has ``unreadable`` in every question.

Examples
--------
>>> import chainrule as cr
>>> from chainrule.explainer.problems.files import load_example
>>> ex = load_example("seed004").explain()
>>> need = ["dJdW1", "dJdW2"]
>>> ann = {"dJdW1": [[-1.92]], "dJdW2": [[-1.2]]}
>>> bob = {"dJdW1": [[-2]], "dW": 1}
>>> reports = {
...     "ann.toml": cr.check(ex, ann, required=need),
...     "bob.toml": cr.check(ex, bob, required=need),
... }
>>> print(grade_sheet(reports), end="")
file,score,right,graded,dJdW1,dJdW2,unknown
ann.toml,1.000,2,2,right,right,
bob.toml,0.000,0,2,rounded,missing,dW
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from chainrule.explainer.assess.check_report import CheckReport

UNREADABLE = "unreadable"


def grade_sheet(reports: Mapping[str, CheckReport | None]) -> str:
    """The CSV text of ``reports`` (file name to report, ``None`` when the
    file could not be read), rows in the mapping's order."""
    questions: dict[str, None] = {}
    for rep in reports.values():
        for item in rep.items if rep is not None else ():
            questions.setdefault(item.symbol)
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["file", "score", "right", "graded", *questions, "unknown"])
    for name, rep in reports.items():
        if rep is None:
            w.writerow([name, "0.000", 0, "", *[UNREADABLE] * len(questions), ""])
            continue
        verdicts = {i.symbol: i.verdict for i in rep.items}
        w.writerow(
            [
                name,
                f"{rep.score:.3f}",
                rep.n_right,
                len(rep.items),
                *[verdicts.get(q, "") for q in questions],
                " ".join(rep.unknown),
            ]
        )
    return out.getvalue()
