"""The records of a scalar chain: the elementary table's rows and the chain-rule links.

:func:`chainrule.explainer.paths.scalar_chain.scalar_chain` builds them; the
renderers format them.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ChainRow:
    """One row of the elementary table: function | derivative | value."""

    function: str
    function_latex: str
    derivative: str
    derivative_latex: str
    symbol: str
    value: float


@dataclass(frozen=True)
class ChainLink:
    """One line of a chain-rule product: ``name = product = value``."""

    name: str
    name_latex: str
    product: str
    product_latex: str
    symbol: str
    value: float


@dataclass(frozen=True)
class ScalarChain:
    """The table of seed 004 problem 3 and the products of problem 4."""

    rows: tuple
    products: tuple  # ((weight name, (ChainLink, ...)), ...)
    mapping: str
    mapping_latex: str
