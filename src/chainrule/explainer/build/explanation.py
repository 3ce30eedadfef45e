"""``Explanation``: the ordered steps of a derivation, and their renderings.

An explanation is data (the steps, the network's configuration, the scalar
chain's table when there is one); each ``to_*`` method hands it to one
renderer, which only formats it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from chainrule.errors import ConfigError
from chainrule.explainer.model.chain import ScalarChain
from chainrule.explainer.model.step import PHASES, Step

DEFAULT_PRECISION = 6


class Explanation:
    """The derivation of one forward and backward pass (see :func:`explain`).

    Attributes
    ----------
    steps : list of Step
        In order: given, forward (``z``, ``a``, ``ŷ``, ``J``), backward
        (``∂J/∂ŷ``, every ``δ``, ``∂J/∂W``, ``∂J/∂b``), then, with a learning
        rate, the update and the forward pass again.
    notation : {"welch", "bracket"}
    learning_rate : float or None
    network : dict
        :meth:`chainrule.Network.config` of the explained network.
    title, description : str
    scalar_chain : ScalarChain or None
        The elementary table and products, for a scalar chain (its headings
        and mapping worded by ``explain``'s ``chain_wording``).

    Examples
    --------
    >>> import chainrule as cr
    >>> net = cr.Network([2, 3, 1], bias=False)
    >>> net.set_params({"W1": [[1, 1, 1], [1, 1, 1]], "W2": [[1], [1], [1]]})
    >>> ex = cr.explain(net, [[3, 5]], [[0.75]])
    >>> [s.symbol for s in ex.steps if s.phase == "forward"]
    ['z2', 'a2', 'z3', 'yHat', 'J']
    >>> ex["dJdW2"].shape
    (3, 1)
    """

    def __init__(
        self,
        steps: list[Step],
        *,
        notation: str,
        learning_rate: float | None,
        network: dict[str, Any],
        title: str = "",
        description: str = "",
        chain: ScalarChain | None = None,
        convention: str = "row",
        update_biases: bool = True,
    ) -> None:
        self.steps = list(steps)
        self.notation = notation
        self.learning_rate = learning_rate
        self.network = dict(network)
        self.title = title
        self.description = description
        self.scalar_chain = chain
        self.convention = convention
        self.update_biases = update_biases
        self._by_symbol = {s.symbol: s for s in self.steps}

    def __getitem__(self, symbol: str) -> Step:
        """The step whose ``symbol`` (Welch key) is ``symbol``."""
        return self._by_symbol[symbol]

    def __contains__(self, symbol: object) -> bool:
        return symbol in self._by_symbol

    def __iter__(self) -> Iterator[Step]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def phase(self, name: str) -> list[Step]:
        """The steps of one phase (``"given"``, ``"forward"``, ...)."""
        return [s for s in self.steps if s.phase == name]

    @property
    def phases(self) -> list[str]:
        """The phases present, in order."""
        return [p for p in PHASES if any(s.phase == p for s in self.steps)]

    def __repr__(self) -> str:
        return (
            f"Explanation({self.title!r}, {len(self.steps)} steps, "
            f"notation={self.notation!r}, learning_rate={self.learning_rate!r})"
        )

    # ------------------------------------------------------- notebook display
    def _repr_html_(self) -> str | None:
        """The HTML page's content (MathML, offline); ``None`` without latex2mathml.

        Returning ``None`` lets Jupyter fall back to :meth:`_repr_markdown_`.
        """
        from chainrule.errors import ConfigError
        from chainrule.explainer.render.html import fragment

        try:
            return fragment(self, DEFAULT_PRECISION)
        except ConfigError:
            return None

    def _repr_markdown_(self) -> str:
        """The Markdown rendering (math for MathJax or KaTeX)."""
        return self.to_markdown()

    def chain(self, target: str):
        """The chain rule for one weight, path by path, with values.

        Parameters
        ----------
        target : str
            A parameter element, 0-based: ``"W2[0,0]"``, ``"b1[0,2]"``.

        Returns
        -------
        chainrule.explainer.weight_chain.WeightChain
            ``paths`` (each a product of local derivatives), ``total`` and
            ``gradient`` (the explanation's ``∂J/∂W`` at that element).

        Examples
        --------
        >>> import chainrule as cr
        >>> net = cr.Network([1, 1, 1], activation="relu", loss="mse", bias=False)
        >>> net.set_params({"W1": [[0.5]], "W2": [[0.8]]})
        >>> c = cr.explain(net, [[3.0]], [[2.0]]).chain("W1[0,0]")
        >>> [f.name for f in c.paths[0].factors]
        ['∂J/∂ŷ₁', '∂ŷ₁/∂z₁⁽³⁾', '∂z₁⁽³⁾/∂a₁⁽²⁾', '∂a₁⁽²⁾/∂z₁⁽²⁾', '∂z₁⁽²⁾/∂W₁,₁⁽¹⁾']
        >>> [f.value for f in c.paths[0].factors], round(c.total, 12)
        ([-0.8, 1.0, 0.8, 1.0, 3.0], -1.92)
        """
        from chainrule.explainer.paths.weight_chain import weight_chain

        if any(s.symbol[:1] == "m" and s.symbol[1:].isdigit() for s in self.steps):
            raise ConfigError(
                "chain: the paths are written without dropout's masks; explain "
                "the same pass without dropout to see them"
            )
        return weight_chain(self, target)

    # ------------------------------------------------------------- renderings
    def to_text(self, precision: int = DEFAULT_PRECISION, width: int = 100) -> str:
        """Plain text (Unicode), as the terminal shows it without colours,
        folded to ``width`` columns (at least 40)."""
        from chainrule.explainer.render.text import to_text

        return to_text(self, precision, width)

    def to_markdown(self, precision: int = DEFAULT_PRECISION) -> str:
        """GitHub-flavoured Markdown with ``$...$`` and ``$$...$$`` math."""
        from chainrule.explainer.render.markdown import to_markdown

        return to_markdown(self, precision)

    def to_latex(self, precision: int = DEFAULT_PRECISION) -> str:
        """A complete LaTeX document (amsmath, bmatrix)."""
        from chainrule.explainer.render.latex import to_latex

        return to_latex(self, precision)

    def to_json(self) -> str:
        """Every step with its value as nested lists (schema in ``render.json``)."""
        from chainrule.explainer.render.json import to_json

        return to_json(self)

    def to_html(self, precision: int = DEFAULT_PRECISION) -> str:
        """One self-contained HTML page, math as MathML; needs ``latex2mathml``."""
        from chainrule.explainer.render.html import to_html

        return to_html(self, precision)

    @classmethod
    def from_json(cls, text: str) -> Explanation:
        """Read back :meth:`to_json`'s output: the same steps and numbers."""
        from chainrule.explainer.render.json import read_json

        args = read_json(text)
        return cls(args.pop("steps"), **args)
