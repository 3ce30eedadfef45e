"""Problem files (TOML), the built-in examples and the seeds' misprints.

:func:`load_problem`, :func:`parse_problem` and :func:`load_example` read a
network, its data and the explain options from a problem file
(:mod:`~chainrule.explainer.problems.files`, format in its docstring); the
built-in examples are in ``problems/examples/*.toml``, the misprints of the
seed documents in ``problems/errata.toml``
(:mod:`~chainrule.explainer.problems.errata`).

Layer: above :mod:`chainrule.explainer.build`. May import the builders and
what is below them, :mod:`chainrule.network` and :mod:`chainrule.data`.
"""

from chainrule.explainer.problems.files import (
    AmbiguousOrientationWarning,
    Problem,
    list_examples,
    load_example,
    load_problem,
    parse_problem,
)

__all__ = [
    "AmbiguousOrientationWarning",
    "Problem",
    "list_examples",
    "load_example",
    "load_problem",
    "parse_problem",
]
