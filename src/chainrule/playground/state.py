"""The playground's state: one network, its data and its settings.

Every change is checked in full before anything is replaced ("say no
early"): a refused change leaves the state as it was. The mathematics is the
library's own: :meth:`chainrule.Network.step` for an update,
:func:`chainrule.explain` for every value the page shows.

Examples
--------
>>> from chainrule.explainer.problems import load_example
>>> pg = Playground.from_problem(load_example("seed004"))
>>> round(pg.explanation()["J"].value, 12)
0.32
>>> [round(J, 10) for J in pg.step()]  # seed 004: J before and after one step
[0.32, 0.0040572032]
>>> pg.set_param("W1", (0, 0), 0.5)
>>> pg.net.params["W1"]
array([[0.5]])
>>> pg.set_param("W9", (0, 0), 1.0)
Traceback (most recent call last):
...
chainrule.errors.InvalidValueError: name: expected one of ['W1', 'W2'], got 'W9'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from chainrule.core.trace import NOTATIONS
from chainrule.errors import ChainruleError, InvalidValueError
from chainrule.explainer.build.derivation import explain
from chainrule.explainer.build.explanation import Explanation
from chainrule.explainer.notation.names import CONVENTIONS
from chainrule.explainer.problems import Problem
from chainrule.network import Network

MAX_UNITS = 8  # units in any layer, inputs and outputs included
MAX_WEIGHT_LAYERS = 4
MAX_ROWS = 200  # examples in the data
MAX_TRAIN_STEPS = 5000  # updates in one train request
MAX_COSTS = 10_000  # costs kept for the curve
MAX_ABS = 1e6  # largest number a cell may be set to


def _number(name: str, value: object, limit: float = MAX_ABS) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidValueError(f"{name}: expected a number, got {value!r}")
    try:
        x = float(value)
    except OverflowError:  # an integer of thousands of digits
        x = math.inf
    if not math.isfinite(x) or abs(x) > limit:
        raise InvalidValueError(
            f"{name}: expected a finite number of size at most {limit:g}, "
            f"got {value!r:.40}"
        )
    return x


def _index(name: str, index: object, shape: tuple) -> tuple[int, int]:
    ok = (
        isinstance(index, (list, tuple))
        and len(index) == 2
        and all(isinstance(i, int) and not isinstance(i, bool) for i in index)
        and all(0 <= i < n for i, n in zip(index, shape, strict=True))
    )
    if not ok:
        raise InvalidValueError(
            f"index: expected [row, column] within the shape {shape}, got {index!r}"
        )
    return int(index[0]), int(index[1])


def check_size(sizes: list[int], X: np.ndarray) -> None:
    """Refuse a network or data larger than the playground draws."""
    if len(sizes) - 1 > MAX_WEIGHT_LAYERS:
        raise InvalidValueError(
            f"sizes: expected at most {MAX_WEIGHT_LAYERS} weight layers in the "
            f"playground, got {len(sizes) - 1}"
        )
    if max(sizes) > MAX_UNITS:
        raise InvalidValueError(
            f"sizes: expected at most {MAX_UNITS} units per layer in the "
            f"playground, got {sizes}"
        )
    if X.shape[0] > MAX_ROWS:
        raise InvalidValueError(
            f"data: expected at most {MAX_ROWS} rows in the playground, "
            f"got {X.shape[0]}"
        )


@dataclass
class Playground:
    """The network, data and settings that the page shows and changes.

    Attributes
    ----------
    net : Network
    X : (n, n_inputs) array
    y : (n, n_outputs) array
    learning_rate : float
    notation : {"welch", "bracket"}
    convention : {"row", "column"}
        The explanation's convention (:func:`chainrule.explain`); the network
        and the data are held one example per row whatever it is.
    update_biases : bool
        ``False`` freezes the biases in :meth:`step` and :meth:`train` and in
        the explanation's update, as a problem file may say (classic-2-2-2).
    title, description : str
    chain_wording : dict of str
        A scalar chain's headings as the problem's source words them
        (:func:`chainrule.explain`'s ``chain_wording``).
    costs : list of float
        ``J`` before each update since the last reset or reconfiguration.
    """

    net: Network
    X: np.ndarray
    y: np.ndarray
    learning_rate: float = 0.1
    notation: str = "welch"
    convention: str = "row"
    update_biases: bool = True
    title: str = ""
    description: str = ""
    chain_wording: dict = field(default_factory=dict)
    costs: list[float] = field(default_factory=list)
    reset_point: tuple | None = field(default=None, repr=False)

    @classmethod
    def from_problem(cls, p: Problem) -> Playground:
        """A playground of a problem; its state is what :meth:`reset` returns to."""
        check_size(p.network.sizes, p.X)
        pg = cls(
            p.network.copy(),
            p.X.copy(),
            p.y.copy(),
            p.learning_rate or 0.1,
            p.notation,
            p.convention,
            p.update_biases,
            p.title,
            p.description,
            dict(p.chain_wording),
        )
        pg.reset_point = (pg.net.copy(), pg.X.copy(), pg.y.copy(), pg.learning_rate)
        return pg

    def replace(self, other: Playground) -> None:
        """Take over ``other``'s network, data, settings and reset point."""
        self.__dict__.update(other.__dict__)

    def snapshot(self) -> Playground:
        """A copy of the state, to :meth:`replace` this one with on a failure."""
        copy = Playground(**self.__dict__)
        copy.net, copy.X, copy.y = self.net.copy(), self.X.copy(), self.y.copy()
        copy.costs = list(self.costs)
        return copy

    # ------------------------------------------------------------------ views
    def explanation(self) -> Explanation:
        """:func:`chainrule.explain` of the current network, data and settings."""
        return explain(
            self.net,
            self.X,
            self.y,
            learning_rate=self.learning_rate,
            notation=self.notation,
            convention=self.convention,
            update_biases=self.biases_updated,
            title=self.title or None,
            description=self.description,
            chain_wording=self.chain_wording,
        )

    @property
    def biases_updated(self) -> bool:
        """Whether an update moves the biases (a network without any: ``True``)."""
        return self.update_biases or not any(self.net.bias)

    def settings(self) -> dict:
        """The settings the page's form shows."""
        cfg = self.net.config()
        return {
            "sizes": cfg["sizes"],
            "activation": cfg["activation"],
            "loss": cfg["loss"],
            "bias": cfg["bias"],
            "learning_rate": self.learning_rate,
            "notation": self.notation,
            "convention": self.convention,
        }

    # ------------------------------------------------------------ mutations
    def set_param(self, name: str, index: object, value: object) -> None:
        """Set one element of the parameter ``name`` (``"W1"``, ``"b2"``)."""
        params = self.net.params
        if not isinstance(name, str) or name not in params:
            raise InvalidValueError(
                f"name: expected one of {list(params)}, got {name!r}"
            )
        i, j = _index(name, index, params[name].shape)
        new = params[name].copy()
        new[i, j] = _number("value", value)
        self.net.set_params({**params, name: new})

    def set_data(self, name: str, index: object, value: object) -> None:
        """Set one cell of the inputs ``X`` or the targets ``y``."""
        if not isinstance(name, str) or name not in ("X", "y"):
            raise InvalidValueError(f"name: expected 'X' or 'y', got {name!r}")
        X, y = self.X.copy(), self.y.copy()
        target = X if name == "X" else y
        i, j = _index(name, index, target.shape)
        target[i, j] = _number("value", value)
        self.X, self.y = self.net.check_data(X, y)

    def configure(self, settings: dict) -> None:
        """Change sizes, activations, cost, bias, learning rate, notation or
        convention (the keys of :meth:`settings`).

        The parameters are kept when their shapes do not change; otherwise
        the new network starts from seeded initial weights.
        """
        cur = self.settings()
        unknown = sorted(set(settings) - set(cur))
        if unknown:
            raise InvalidValueError(
                f"settings: unknown key {unknown[0]!r}; expected some of {sorted(cur)}"
            )
        new = {**cur, **settings}
        sizes, acts = new["sizes"], cur["activation"]
        if "activation" not in settings and isinstance(sizes, list) and len(sizes) > 1:
            new["activation"] = [acts[0]] * (len(sizes) - 2) + [acts[-1]]
        if "bias" not in settings:
            new["bias"] = all(cur["bias"])
        lr = _number("learning_rate", new["learning_rate"], 1e3)
        if lr <= 0:
            raise InvalidValueError(f"learning_rate: expected > 0, got {lr!r}")
        if new["notation"] not in NOTATIONS:
            raise InvalidValueError(
                f"notation: expected one of {NOTATIONS}, got {new['notation']!r}"
            )
        if new["convention"] not in CONVENTIONS:
            raise InvalidValueError(
                f"convention: expected one of {CONVENTIONS}, got {new['convention']!r}"
            )
        net = self._network(new)
        X, y = net.check_data(self.X, self.y)
        if net.shapes == self.net.shapes:
            net.set_params(self.net.params)
        if net.config() != self.net.config():
            self.costs = []
        self.net, self.X, self.y = net, X, y
        self.learning_rate, self.notation = lr, new["notation"]
        self.convention = new["convention"]

    def _network(self, s: dict) -> Network:
        sizes = s["sizes"]
        if not isinstance(sizes, list) or len(sizes) < 2:
            raise InvalidValueError(
                f"sizes: expected a list of at least 2 layer sizes, got {sizes!r}"
            )
        if sizes[0] != self.X.shape[1] or sizes[-1] != self.y.shape[1]:
            raise InvalidValueError(
                f"sizes: the data has {self.X.shape[1]} inputs and "
                f"{self.y.shape[1]} outputs, so expected [{self.X.shape[1]}, ..., "
                f"{self.y.shape[1]}], got {sizes!r}"
            )
        if all(isinstance(n, int) and not isinstance(n, bool) for n in sizes):
            check_size(sizes, self.X)  # the playground's caps before anything else
        return Network(
            sizes, activation=s["activation"], loss=s["loss"], bias=s["bias"]
        )

    def step(self) -> tuple[float, float]:
        """One gradient-descent update; ``J`` before and after it.

        Raises
        ------
        InvalidValueError
            The update diverged (see :meth:`train`); nothing was changed.
        """
        before = self.snapshot()
        J = self.net.step(self.X, self.y, self.learning_rate, self.biases_updated)
        after = self.net.cost(self.X, self.y)
        self._check_bounded(before, [J, after])
        self._record([J])
        return J, after

    def train(self, steps: object) -> list[float]:
        """``steps`` updates; the cost before each (one :meth:`step` each).

        Raises
        ------
        InvalidValueError
            ``steps`` is not an integer from 1 to ``MAX_TRAIN_STEPS``, or the
            updates diverged: a weight beyond ``MAX_ABS`` (the largest number
            a cell may be set to) or a cost that is not finite. The state is
            then the one before the request.
        """
        if (
            isinstance(steps, bool)
            or not isinstance(steps, int)
            or not 1 <= steps <= MAX_TRAIN_STEPS
        ):
            raise InvalidValueError(
                f"steps: expected an integer from 1 to {MAX_TRAIN_STEPS}, got {steps!r}"
            )
        before = self.snapshot()
        costs = []
        try:
            for _ in range(steps):
                costs.append(
                    self.net.step(
                        self.X, self.y, self.learning_rate, self.biases_updated
                    )
                )
        except ChainruleError:
            if not costs:
                raise
        self._check_bounded(before, costs + [self.net.cost(self.X, self.y)])
        self._record(costs)
        return costs

    def _check_bounded(self, before: Playground, costs: list[float]) -> None:
        """Roll back to ``before`` and refuse when an update diverged."""
        largest = max(float(np.max(np.abs(p))) for p in self.net.params.values())
        if largest <= MAX_ABS and all(math.isfinite(J) for J in costs):
            return
        self.replace(before)
        raise InvalidValueError(
            f"learning_rate: training diverged at {self.learning_rate:g} (a weight "
            f"beyond {MAX_ABS:g} or a cost that is not finite); the state before "
            "this request is kept: lower the learning rate"
        )

    def _record(self, costs: list[float]) -> None:
        self.costs = (self.costs + costs)[-MAX_COSTS:]

    def reset(self) -> None:
        """Back to the network, data and learning rate first loaded."""
        if self.reset_point is None:
            return
        net, X, y, lr = self.reset_point
        self.net, self.X, self.y = net.copy(), X.copy(), y.copy()
        self.learning_rate, self.costs = lr, []
