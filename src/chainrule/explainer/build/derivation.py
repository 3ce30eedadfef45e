"""``explain``: the whole derivation of one forward and backward pass.

The values are those of :meth:`chainrule.Network.trace`, the pass that
training runs; with a learning rate, the update ``W := W − α ∂J/∂W`` uses the
trace's gradients and "forward again" is a fresh trace of the updated network,
as seed 004 does for its second epoch.

This module checks the call and puts the phases in order; the forward steps
are written by :mod:`chainrule.explainer.build.steps`, the backward steps and the
update by :mod:`chainrule.explainer.build.gradient_steps`.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from chainrule.core.dropout import Masks, check_rate
from chainrule.errors import ConfigError, InvalidTypeError, InvalidValueError
from chainrule.explainer.paths.scalar_chain import check_wording, scalar_chain
from chainrule.explainer.build.descent import check_descent, descent_step
from chainrule.explainer.build.elements import annotate, check_level, check_size
from chainrule.explainer.build.explanation import Explanation
from chainrule.explainer.build.gradient_steps import (
    fprime_step,
    layer_steps,
    output_delta,
    output_steps,
    update_steps,
)
from chainrule.explainer.notation.names import Names, check_convention, check_notation
from chainrule.explainer.build.steps import (
    Dropout,
    PerExample,
    Recorder,
    Transposed,
    cost_step,
    forward_steps,
    given_steps,
)
from chainrule.explainer.notation.forms import cs230_m
from chainrule.network import Network
from chainrule.validation import check_explain_size, check_seed
from chainrule.validation.scalars import describe

__all__ = [
    "explain",
    "fprime_step",
    "layer_steps",
    "one_example",
    "output_delta",
    "output_steps",
    "update_steps",
]


def explain(
    net: Network,
    X: object,
    y: object,
    learning_rate: float | None = None,
    notation: str = "welch",
    *,
    convention: str = "row",
    update_biases: bool = True,
    example_index: int | None = None,
    level: str = "matrix",
    steps: int = 1,
    uphill: bool = False,
    title: str | None = None,
    description: str = "",
    chain_wording: dict[str, str] | None = None,
    dropout: float = 0.0,
    seed: int | None = None,
) -> Explanation:
    """Every step of one forward and backward pass, with values and shapes.

    Parameters
    ----------
    net : Network
    X : (n, n_inputs) array_like
        One example per row, as the network takes it, whatever ``convention``.
    y : (n, n_outputs) array_like
    learning_rate : float, optional
        When given, add the gradient-descent update ``W := W − α ∂J/∂W`` and
        the forward pass again with the new parameters.
    notation : {"welch", "bracket"}
        The tutorial's names (``z⁽²⁾``, ``δ⁽³⁾``) or seed 001's (``z[1]``,
        ``g[2z]``, ``g′ₕ``, ``g′ₒ``, with every operand's shape).
    convention : {"row", "column"}
        ``"column"`` writes CS230's form: ``Z = WA + b``, ``W`` is outputs ×
        inputs, one example per column, names ``dZ``, ``dW``, ``db``, ``dA``;
        every matrix is the transpose of the row convention's, the numbers
        the same.
    update_biases : bool
        ``False`` freezes the biases: they take part in the forward pass but
        the update leaves them as they are (worked examples that do so).
    example_index : int, optional
        Explain example ``k`` of the batch alone (``X[k]``, ``y[k]``).
    level : {"matrix", "element"}
        ``"element"`` also writes every product out element by element, and
        every ``∂J/∂W`` element as the sum of its per-example contributions
        (:mod:`chainrule.explainer.build.elements`). Every product shows its shapes
        and every transpose its reason at both levels (row convention only).
        In the column convention the element lines are CS230's:
        ``Z[l]ⱼ,ₙ = Σᵢ W[l]ⱼ,ᵢ A[l−1]ᵢ,ₙ + b[l]ⱼ``,
        ``dW[l]ⱼ,ᵢ = (1/m) Σₙ dZ[l]ⱼ,ₙ A[l−1]ᵢ,ₙ``, from the same trace.
    steps : int
        With a learning rate: how many gradient-descent updates to take. The
        first is written out; with ``steps > 1`` (or ``uphill``) a ``"costs"``
        step holds ``J`` before and after each update, and its note says
        whether ``J`` went down.
    uphill : bool
        Allow a negative learning rate: ``W := W − α ∂J/∂W`` with ``α < 0``
        moves along the gradient, uphill, as the tutorial's part 4 does to
        show that ``J`` rises.
    title, description : str, optional
        Shown at the top of every rendering.
    chain_wording : dict of str, optional
        For a scalar chain (one example, one unit per layer): its source's
        own headings of the elementary table and of the chain-rule products,
        and the first words of the line that maps the table's names
        (keys ``"table_title"``, ``"rule_title"``, ``"mapping_lead"``, each
        optional); generic wording otherwise.
    dropout : float in [0, 1)
        Explain a training pass with inverted dropout: a mask ``m{l}`` (0 or
        1 per example and unit, drawn with ``seed``) for each hidden layer,
        ``ã{l} = a{l} ∘ m{l} / (1 − p)`` read by the next product, and
        ``∂J/∂a{l}`` through the same mask (see ``Network.fit``'s
        ``dropout``). With a learning rate, the forward pass again uses the
        same masks, so that the two costs compare.
    seed : int, optional
        The seed of the masks (with ``dropout`` only).

    Returns
    -------
    Explanation

    Raises
    ------
    UnknownNameError
        ``notation`` or ``convention`` is not one of the two; ``chain_wording``
        has a key other than the three.
    InvalidValueError, ShapeError
        Bad ``X``, ``y``, ``learning_rate``, ``update_biases``,
        ``example_index``, ``steps``, ``uphill`` or ``level`` (checked before
        any work); ``level="element"`` for a network and data too large to
        write out (more than ``elements.MAX_ELEMENTS`` lines).
    InvalidTypeError
        ``chain_wording`` is not a dict, or one of its values not a string.
    ConfigError
        ``update_biases=False`` without a learning rate or without biases:
        it would change nothing.

    Examples
    --------
    Seed 004: ``x = 3``, ``y = 2``, ``w1 = 0.5``, ``w2 = 0.8``, ReLU, mse.

    >>> import chainrule as cr
    >>> net = cr.Network([1, 1, 1], activation="relu", loss="mse", bias=False)
    >>> net.set_params({"W1": [[0.5]], "W2": [[0.8]]})
    >>> ex = cr.explain(net, [[3.0]], [[2.0]], learning_rate=0.1)
    >>> ex["dJdW1"].formula, ex["dJdW1"].value
    ('∂J/∂W⁽¹⁾ = Xᵀ δ⁽²⁾', array([[-1.92]]))
    >>> round(ex["J'"].value, 7)
    0.0040572

    The column convention: the same numbers, every matrix transposed.

    >>> net = cr.Network([2, 3, 1], bias=False, seed=0)
    >>> col = cr.explain(net, [[3, 5]], [[0.75]], convention="column")
    >>> col["dJdW1"].formula, col["dJdW1"].shape
    ('dW[1] = dZ[1] (X)ᵀ', (3, 2))
    """
    if not isinstance(net, Network):
        raise InvalidValueError(f"net: expected a chainrule.Network, got {net!r}")
    _check_text("title", title, optional=True)
    _check_text("description", description)
    names = Names(check_notation(notation), net.n_layers, check_convention(convention))
    level = check_level(level)
    chain_wording = check_wording(chain_wording)
    learning_rate, n_steps = check_descent(learning_rate, steps, uphill)
    _check_update_biases(update_biases, learning_rate, net)
    check_explain_size(net.sizes, 0)  # the network first, before any pass
    X, y = net.check_data(X, y)
    which = ""
    if example_index is not None:
        n_all = X.shape[0]
        X, y = one_example(X, y, example_index)
        which = f"example {example_index + 1} of {n_all} (index {example_index})"
    check_explain_size(net.sizes, X.shape[0])
    drop = _check_dropout(dropout, seed, n_steps, uphill, level)
    if level == "element":
        check_size(net.sizes, X.shape[0], net.bias)
    masks = None
    if drop is not None:
        rng = np.random.default_rng(drop.seed)
        masks = Masks.draw(rng, net.sizes, X.shape[0], drop.p, net.dtype)
    t = net.trace(X, y, masks=masks)
    view = Transposed if names.convention == "column" else dict
    steps = _forward(net, names, view(t), False, drop=drop)
    steps += _backward(net, names, view(t), drop)
    frozen = not update_biases
    if learning_rate is not None:
        rec = Recorder(names, view(t))
        keys = [k for k in net.params if update_biases or k[0] == "W"]
        grads = {k: rec.values[f"dJd{k}"] for k in keys}
        new = update_steps(rec, grads, learning_rate, frozen)
        after = net.copy()
        back = {k: (v.T if names.convention == "column" else v) for k, v in new.items()}
        after.set_params({**net.params, **back})
        steps += rec.steps
        frozen_keys = set(net.params) - set(keys)
        again = view(after.trace(X, y, masks=masks))
        steps += _forward(after, names, again, True, frozen_keys, drop)
        if n_steps > 1 or uphill:
            steps.append(descent_step(net, X, y, learning_rate, n_steps, update_biases))
    steps = annotate(
        steps, names, level, cs230_m(names.convention, net.loss, X.shape[0])
    )
    if which:  # said in the title and, on X and y, in the Given block
        steps = [
            dataclasses.replace(s, note=which) if s.symbol in ("X", "y") else s
            for s in steps
        ]
    return Explanation(
        steps,
        notation=names.notation,
        learning_rate=learning_rate,
        network=net.config(),
        title=(title or _title(net)) + (f": {which}" if which else ""),
        description=description,
        # the scalar chain's table is written without masks
        chain=None if drop else scalar_chain(net, names, steps, chain_wording),
        convention=names.convention,
        update_biases=update_biases,
    )


def _check_text(name: str, value: object, optional: bool = False) -> None:
    """A text argument is a ``str`` (or None where ``optional``)."""
    if value is None and optional:
        return
    if not isinstance(value, str):
        expected = "a str or None" if optional else "a str"
        raise InvalidTypeError(f"{name}: expected {expected}, got {describe(value)}")


def _check_update_biases(update_biases: object, learning_rate, net: Network) -> None:
    """``update_biases`` is a bool, and ``False`` only where it changes something."""
    if not isinstance(update_biases, bool):
        raise InvalidValueError(
            f"update_biases: expected True or False, got {update_biases!r}"
        )
    if update_biases:
        return
    if learning_rate is None:
        raise ConfigError(
            "update_biases: False freezes the biases in the update, and there is "
            "no update without a learning_rate"
        )
    if not any(net.bias):
        raise ConfigError("update_biases: False, but the network has no biases")


def one_example(X: object, y: object, k: object) -> tuple:
    """Row ``k`` of ``X`` and ``y``, each kept as a (1, columns) matrix.

    Examples
    --------
    >>> import numpy as np
    >>> X, y = one_example(np.arange(6.0).reshape(3, 2), np.ones((3, 1)), 2)
    >>> X.tolist(), y.shape
    ([[4.0, 5.0]], (1, 1))
    """
    n = np.shape(X)[0]
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 0 <= k < n:
        raise InvalidValueError(
            f"example_index: expected an integer from 0 to {n - 1} "
            f"(the batch has {n} examples), got {k!r}"
        )
    return np.asarray(X)[k : k + 1], np.asarray(y)[k : k + 1]


def _check_dropout(
    dropout: object, seed: object, n_steps: int, uphill: bool, level: str
) -> Dropout | None:
    """``dropout`` and ``seed`` checked; ``None`` without dropout."""
    p = check_rate("dropout", dropout)
    seed = check_seed(seed)
    if not p:
        if seed is not None:
            raise ConfigError("seed: draws the dropout masks; give dropout > 0")
        return None
    if n_steps > 1 or uphill:
        raise ConfigError(
            "dropout: explains one pass with its masks; use steps=1 (each "
            "step of a fit draws new masks)"
        )
    if level == "element":
        raise ConfigError("dropout: written at level='matrix' only")
    return Dropout(p, seed)


def _forward(
    net: Network,
    names: Names,
    t,
    again: bool,
    frozen=frozenset(),
    drop: Dropout | None = None,
) -> list:
    """The given values (first pass only), every ``z`` and ``a``, then ``J``.

    ``frozen``: the parameters the update left as they were (their steps
    have no primed copy); ``drop``: the masks' steps (their values are the
    same in both passes).
    """
    rec = Recorder(names, t, "'" if again else "")
    rec.unchanged |= set(frozen)
    if again and drop is not None:
        rec.unchanged |= {f"m{l}" for l in range(2, net.n_layers + 1)}
    if not again:
        given_steps(rec, list(net.params))
    phase = "forward_again" if again else "forward"
    forward_steps(rec, net.activations, net.bias, phase, drop)
    cost_step(
        rec,
        net.loss,
        net.l2,
        net.n_layers,
        t["X"].shape[names.convention == "column"],
        phase,
    )
    return rec.steps


def _backward(net: Network, names: Names, t, drop: Dropout | None = None) -> list:
    """``∂J/∂ŷ``, the output delta, then each layer from the top down."""
    n = t["X"].shape[names.convention == "column"]
    rec = Recorder(names, t)
    m = cs230_m(names.convention, net.loss, n)
    if m:  # CS230: dZ[L] = A[L] − Y, dW = (1/m) dZ A[l−1]ᵀ, db = (1/m) Σ dZ
        rec = Recorder(names, PerExample(t, m), per_m=m)
    output_steps(rec, net.loss, net.activations[-1], n)
    for l in range(net.n_layers, 0, -1):
        p = None if drop is None else drop.p
        layer_steps(rec, l, net.activations, net.bias[l - 1], net.l2, p)
    return rec.steps


def _title(net: Network) -> str:
    sizes = "-".join(str(s) for s in net.sizes)
    acts = ", ".join(dict.fromkeys(net.activations))
    return f"Backpropagation through a {sizes} network ({acts}; {net.loss})"
