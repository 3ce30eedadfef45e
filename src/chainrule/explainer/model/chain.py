"""The records of a scalar chain: the elementary table's rows and the chain-rule links.

:func:`chainrule.explainer.paths.scalar_chain.scalar_chain` builds them; the
renderers format them.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The headings of a scalar chain's table and products, unless a problem's
#: source words them its own way (a problem file's ``[chain_wording]``).
TABLE_TITLE = "Elementary functions and their derivatives"
RULE_TITLE = "The chain rule, link by link"


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
    """The elementary table of a scalar chain and its chain-rule products.

    Attributes
    ----------
    rows : tuple of ChainRow
    products : tuple of (str, tuple of ChainLink)
        For each weight (and bias), the links from ``J`` down to it.
    mapping, mapping_latex : str
        Which Welch (or bracket) name each of the table's names is.
    table_title, rule_title : str
        The headings of the table and of the products.
    """

    rows: tuple
    products: tuple  # ((weight name, (ChainLink, ...)), ...)
    mapping: str
    mapping_latex: str
    table_title: str = TABLE_TITLE
    rule_title: str = RULE_TITLE
