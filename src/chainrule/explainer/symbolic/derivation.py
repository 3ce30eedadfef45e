"""``derive``: backpropagation in symbols, with SymPy, every step checked.

The network is built with symbols for the inputs (``x₁₁``), the targets
(``y₁₁``), the weights (``W⁽ˡ⁾ᵢⱼ``) and the biases (``b⁽ˡ⁾₁ⱼ``); every
quantity of the trace (``z2``, ``a2``, ``yHat``, ``J``, ``delta3``,
``dJdW2``, ...) gets a SymPy expression in those symbols, and the
derivation's steps are written at matrix level (``∂J/∂W⁽²⁾ = (a⁽²⁾)ᵀδ⁽³⁾``)
and element by element (``∂J/∂W⁽²⁾₁₁ = a⁽²⁾₁₁δ⁽³⁾₁₁ + ...``). SymPy checks
each step (see :mod:`chainrule.explainer.symbolic.checks`); the checks are
recorded in the steps and printed.

SymPy is imported when :func:`derive` runs, not by ``import chainrule``.

Examples
--------
>>> import chainrule as cr
>>> d = cr.derive([2, 3, 1], examples=1)
>>> d.symbols["W2"].shape, d.expr["dJdW2"].shape
((3, 1), (3, 1))
>>> import sympy
>>> W = d.symbols["W2"]
>>> sympy.simplify(sympy.diff(d.expr["J"], W[0, 0]) - d.expr["dJdW2"][0, 0])
0
>>> d.ok
True
"""

from __future__ import annotations

import numbers

import numpy as np

from chainrule.core.activations import get_activation
from chainrule.core.losses import get_loss
from chainrule.errors import ConfigError, InvalidTypeError, InvalidValueError
from chainrule.explainer.notation.forms import cs230_m
from chainrule.explainer.notation.names import check_convention, check_notation
from chainrule.explainer.problems import Problem
from chainrule.explainer.symbolic.step import SymStep
from chainrule.network import Network

MAX_UNITS, MAX_LAYERS, MAX_EXAMPLES = 4, 3, 3


class Derivation:
    """The symbolic derivation of one forward and backward pass (see :func:`derive`).

    Attributes
    ----------
    symbols : dict of str to sympy.Matrix
        The base symbols: ``"X"`` (n × inputs), ``"y"``, ``"W1"``, ``"b1"``, ...
    expr : dict of str to sympy.Matrix or sympy.Expr
        Every quantity in the base symbols; ``expr["J"]`` is a scalar.
    steps : list of SymStep
    network : dict
        ``sizes``, ``activation`` (one per layer), ``loss``, ``bias``, ``examples``.
    title : str
    built : chainrule.explainer.symbolic.build.Network
        Everything built: the quantity symbols ``built.q`` (``a⁽²⁾₁₁`` ...),
        the element formulas ``built.local`` and the spelling of each symbol.
    notation, convention : str
        As asked of :func:`derive`. In the column convention every matrix
        (``symbols``, ``expr``, each step's ``local`` and ``base``) is CS230's
        orientation: ``W[l]`` outputs × inputs, ``X``, ``A[l]`` units ×
        examples.
    """

    def __init__(self, built, steps: list[SymStep], title: str) -> None:
        self.built = built
        self.notation, self.convention = built.notation, built.convention
        self.symbols = dict(built.symbols)
        self.expr = {k: (v[0] if k == "J" else v) for k, v in built.base.items()}
        self.expr.update(self.symbols)
        self.steps = steps
        self.title = title
        self.network = {
            "sizes": list(built.sizes),
            "activation": list(built.activations),
            "loss": built.loss,
            "bias": list(built.bias),
            "examples": built.n,
        }

    def grade_answers(self, answers):
        """:func:`chainrule.check` of expressions: each answer against ``expr``."""
        from chainrule.explainer.symbolic.grade import grade_symbolic

        return grade_symbolic(self, answers)

    def __getitem__(self, symbol: str) -> SymStep:
        for s in self.steps:
            if s.symbol == symbol:
                return s
        raise KeyError(symbol)

    def __iter__(self):
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def __repr__(self) -> str:
        return f"Derivation({self.title!r}, {len(self.steps)} steps, ok={self.ok})"

    @property
    def ok(self) -> bool:
        """``True`` when every check of every step held."""
        return all(s.ok for s in self.steps)

    def pretty(self, expr, latex: bool = False) -> str:
        """``expr`` with the derivation's spelling of its symbols."""
        from chainrule.explainer.render.symbols import show

        return show(self.built.pretty, expr, latex)

    def evaluate(self, net: Network, X: object, y: object) -> dict[str, object]:
        """Every expression with ``net``'s parameters and the data substituted.

        Parameters
        ----------
        net : Network
            Same sizes, activations, cost and biases as the derivation.
        X : (examples, inputs) array_like
            One example per row, as the network takes it, whatever the
            derivation's convention.
        y : (examples, outputs) array_like

        Returns
        -------
        dict of str to (rows, cols) float64 array or float
            Comparable with ``net.trace(X, y)`` key by key; in the column
            convention with :func:`chainrule.explain`'s column values
            (transposed, and CS230's ``dA``, ``dZ`` of a mean cost ``m``
            times the trace's).
        """
        from chainrule.explainer.symbolic.evaluate import evaluate

        return evaluate(self, net, X, y)

    # ------------------------------------------------------------- renderings
    def to_text(self) -> str:
        """Plain text (Unicode): each step at matrix level, element by element,
        and SymPy's checks."""
        from chainrule.explainer.render.text import derivation_to_text as to_text

        return to_text(self)

    def to_markdown(self) -> str:
        """GitHub-flavoured Markdown with ``$...$`` math."""
        from chainrule.explainer.render.markdown import (
            derivation_to_markdown as to_markdown,
        )

        return to_markdown(self)

    def to_latex(self) -> str:
        """A complete LaTeX document."""
        from chainrule.explainer.render.latex import derivation_to_latex as to_latex

        return to_latex(self)

    def to_html(self) -> str:
        """One self-contained HTML page, math as MathML; needs ``latex2mathml``."""
        from chainrule.explainer.render.html import derivation_to_html as to_html

        return to_html(self)

    def to_json(self) -> str:
        """Steps, expressions (SymPy's ``srepr``, text, LaTeX) and checks."""
        from chainrule.explainer.render.json import derivation_to_json as to_json

        return to_json(self)

    def _repr_html_(self) -> str:
        return self.to_html()

    def _repr_markdown_(self) -> str:
        return self.to_markdown()


def _count(name: str, value: object, limit: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidTypeError(f"{name}: expected an integer, got {value!r}")
    if value < 1:
        raise InvalidValueError(f"{name}: expected an integer >= 1, got {value!r}")
    return int(value)


def _check_size(sizes: list[int], n_layers: int, examples: int) -> None:
    why = (
        "the expressions grow with every unit, layer and example (a weight "
        "of the first layer reaches the cost through every path), and SymPy "
        "checks each step"
    )
    if max(sizes) > MAX_UNITS:
        raise ConfigError(
            f"sizes: expected at most {MAX_UNITS} units a layer for a symbolic "
            f"derivation, got {sizes}: {why}"
        )
    if n_layers > MAX_LAYERS:
        raise ConfigError(
            f"sizes: expected at most {MAX_LAYERS} weight layers for a symbolic "
            f"derivation, got {n_layers}: {why}"
        )
    if examples > MAX_EXAMPLES:
        raise ConfigError(
            f"examples: expected at most {MAX_EXAMPLES} for a symbolic "
            f"derivation, got {examples}: {why}"
        )


def derive(
    sizes: object,
    activation: object = "sigmoid",
    output_activation: object = None,
    loss: object = "sse",
    bias: object = False,
    examples: object = 1,
    *,
    notation: str = "welch",
    convention: str = "row",
) -> Derivation:
    """Derive backpropagation in symbols for a small network, every step checked.

    Parameters
    ----------
    sizes : list of int
        Units per layer, inputs first: at most 4 a layer and 3 weight layers.
    activation : str or list of str, default "sigmoid"
        ``"sigmoid"``, ``"tanh"``, ``"identity"``, ``"relu"`` (a
        ``t·Heaviside(t, 0)``, so ``f′(0) = 0`` as the numeric code), or any
        registered activation with a SymPy form; one name or one per weight
        layer.
    output_activation : str, optional
        The last layer's activation, e.g. ``"softmax"``.
    loss : {"sse", "mse", "bce", "cce"}, default "sse"
        As :mod:`chainrule.core.losses` defines them (``mse = Σ(y − ŷ)²/(2N)``).
    bias : bool or list of bool, default False
    examples : int, default 1
        ``N``, the rows of ``X``: 1 to 3.
    notation : {"welch", "bracket"}, default "welch"
        The tutorial's names (``z⁽²⁾``, ``δ⁽³⁾``, input layer 1) or seed 001's
        (``z[1]``, ``g[2z]``, input layer 0), as in :func:`chainrule.explain`.
    convention : {"row", "column"}, default "row"
        ``"column"``: CS230's names and forms, every matrix transposed
        (``Z[l] = W[l] A[l−1] + b[l]``, ``W[l]`` outputs × inputs); for a
        mean cost ``dA[L]`` and so ``dZ``, ``dA`` carry no ``1/m`` and
        ``dW[l] = (1/m) dZ[l] A[l−1]ᵀ``, ``db[l] = (1/m) Σ dZ[l]``.

    Returns
    -------
    Derivation

    Raises
    ------
    ConfigError
        A network too large for a symbolic derivation (the message says why),
        an activation or a cost without a SymPy form, or a cost that does not fit
        the output (``bce`` needs sigmoid, ``cce`` softmax).
    UnknownNameError, InvalidTypeError, InvalidValueError
        A bad name, size, bias, ``examples``, ``notation`` or ``convention``.

    See Also
    --------
    derive_problem : the derivation of a problem file's network.

    Examples
    --------
    >>> d = derive([1, 1, 1], activation="relu", loss="mse")
    >>> print(d.pretty(d["dJdW1"].local[0, 0]))
    δ⁽²⁾₁₁·x₁₁
    >>> [c.ok for c in d["dJdW1"].checks]
    [True, True, True]

    CS230's column convention: ``dW[1] = (1/m) dZ[1] Xᵀ`` with ``m = 2``.

    >>> c = derive([1, 1, 1], loss="bce", examples=2, convention="column")
    >>> c["dJdW1"].formula
    'dW[1] = (1/m) dZ[1] (X)ᵀ'
    >>> print(c.pretty(c["dJdW1"].local[0, 0]))
    dZ[1]₁,₁·X₁,₁/2 + dZ[1]₁,₂·X₁,₂/2
    """
    notation = check_notation(notation)
    convention = check_convention(convention)
    n = _count("examples", examples, MAX_EXAMPLES)
    net = Network(sizes, activation, output_activation, loss, bias)
    _check_size(net.sizes, net.n_layers, n)
    unsupported = [a for a in net.activations if get_activation(a).sym is None]
    if unsupported:
        raise ConfigError(
            f"activation: {unsupported[0]!r} has no symbolic form: its registry "
            "entry gives no SymPy form (sym), so derive cannot write it"
        )
    if get_loss(net.loss).sym is None:
        raise ConfigError(
            f"loss: {net.loss!r} has no symbolic form: its registry entry gives "
            "no SymPy form (sym), so derive cannot write it"
        )
    from chainrule.explainer.symbolic.steps import derivation_steps

    built, steps = derivation_steps(
        net.sizes,
        net.activations,
        net.loss,
        net.bias,
        n,
        notation=notation,
        convention=convention,
        per_m=cs230_m(convention, net.loss, n),
    )
    sizes_text = "-".join(str(s) for s in net.sizes)
    acts = ", ".join(dict.fromkeys(net.activations))
    title = (
        f"Backpropagation in symbols: a {sizes_text} network ({acts}; "
        f"{get_loss(net.loss).name}), {n} example{'s' if n > 1 else ''}"
    )
    if notation != "welch" and convention == "row":
        title += ", bracket notation"
    if convention == "column":
        title += ", column convention (Z = WA + b)"
    return Derivation(built, steps, title)


def derive_problem(
    problem: Problem, *, notation: str | None = None, convention: str | None = None
) -> Derivation:
    """:func:`derive` for the network and the number of examples of a problem.

    Parameters
    ----------
    problem : Problem
        From :func:`~chainrule.explainer.problems.load_problem` (a problem
        file) or :func:`~chainrule.explainer.problems.load_example`.
    notation, convention : str, optional
        Replace the problem's own settings (as ``chainrule explain`` does).

    Returns
    -------
    Derivation
        Its :meth:`Derivation.evaluate` at ``problem.network``, ``problem.X``
        and ``problem.y`` gives the explanation's numbers.

    Examples
    --------
    >>> from chainrule.explainer.problems import load_example
    >>> p = load_example("seed004")
    >>> d = derive_problem(p, notation="bracket")
    >>> d["dJdW1"].formula
    'g[1W] = (a[0])ᵀ₁ₓ₁ · g[1z]₁ₓ₁'
    >>> float(d.evaluate(p.network, p.X, p.y)["dJdW1"][0, 0])
    -1.92
    """
    if not isinstance(problem, Problem):
        raise InvalidTypeError(
            f"problem: expected a chainrule Problem (load_problem, load_example), "
            f"got {type(problem).__name__}"
        )
    net = problem.network
    d = derive(
        net.sizes,
        list(net.activations),
        None,
        net.loss,
        list(net.bias),
        int(np.shape(problem.X)[0]),
        notation=notation or problem.notation,
        convention=convention or problem.convention,
    )
    if problem.title:
        what = d.title.removeprefix("Backpropagation in symbols: ")
        d.title = f"{problem.title}, in symbols: {what}"
    return d
