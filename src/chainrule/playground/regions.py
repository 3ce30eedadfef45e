"""The Data view's state: a toy 2-D data set, a classifier, its decision regions.

A data set of :mod:`chainrule.data.toy` (drawn from a seed, split into a
training and a test set), a network ``2-…-1`` with a sigmoid output and the
cross-entropy cost (``bce``), trained in chunks of epochs by the library's
own :meth:`chainrule.Network.fit` (minibatch SGD), and the network's output
over a grid of the input plane (:meth:`chainrule.Network.predict`), which the
page draws as decision regions. Everything is bounded: at most
``MAX_POINTS`` points, ``MAX_LOSSES`` losses kept, ``MAX_STEPS`` updates per
request; a refused change leaves the state as it was.

Examples
--------
>>> view = DataView()
>>> view.configure({"dataset": "xor", "n": 100, "noise": 0.0, "hidden": [4]})
>>> view.X_train.shape, view.X_test.shape, view.net.sizes
((50, 2), (50, 2), [2, 4, 1])
>>> view.train(20)
>>> view.epochs, len(view.losses["train"]), len(view.grid())
(20, 2, 2500)
>>> view.configure({"n": 5000})
Traceback (most recent call last):
...
chainrule.errors.InvalidValueError: n: expected an integer from 10 to 1000, got 5000
"""

from __future__ import annotations

import copy
import math

import numpy as np

from chainrule.data.toy import TOY
from chainrule.errors import ChainruleError, InvalidValueError
from chainrule.explainer.problems import Problem
from chainrule.network import Network

MAX_POINTS = 1000  # the size slider's top: points in the data set
MIN_POINTS = 10
MAX_NOISE = 0.5
MAX_SEED = 2**31 - 1
MAX_HIDDEN_LAYERS = 3  # 4 weight layers, the playground's limit
MAX_UNITS = 8
MAX_EPOCHS = 100  # epochs in one train request
MAX_STEPS = 20_000  # updates (minibatches) in one train request
MAX_LOSSES = 2000  # points of the loss curves kept
MAX_ABS = 1e6  # a weight beyond: training diverged
MAX_SHOWN = 4  # examples of a minibatch in its derivation
GRID = 50  # the decision regions: GRID × GRID outputs
EXTENT = 1.3  # over [-EXTENT, EXTENT]²
ACTIVATIONS = ("tanh", "relu", "sigmoid", "leaky_relu", "identity")

DEFAULTS = {
    "dataset": "circle",
    "n": 200,
    "noise": 0.05,
    "seed": 1,
    "train_share": 0.5,
    "hidden": [4, 4],
    "activation": "tanh",
    "learning_rate": 0.3,
    "batch_size": 10,
}


def _int(name: str, value: object, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise InvalidValueError(
            f"{name}: expected an integer from {lo} to {hi}, got {value!r:.40}"
        )
    return int(value)


def _real(name: str, value: object, lo: float, hi: float, open_lo=False) -> float:
    ok = not isinstance(value, bool) and isinstance(value, (int, float))
    x = float(value) if ok and abs(value) < 1e300 else math.nan
    if not (x > lo if open_lo else x >= lo) or not x <= hi:
        bound = f"above {lo:g}" if open_lo else f"from {lo:g}"
        raise InvalidValueError(
            f"{name}: expected a number {bound} to {hi:g}, got {value!r:.40}"
        )
    return x


def check_settings(settings: object) -> dict:
    """``settings`` (any subset of ``DEFAULTS``' keys) checked, as a dict.

    Raises
    ------
    InvalidValueError
        An unknown key, or a value outside its range, named.
    """
    if not isinstance(settings, dict):
        raise InvalidValueError(f"body: expected a JSON object, got {settings!r:.40}")
    unknown = sorted(set(settings) - set(DEFAULTS))
    if unknown:
        raise InvalidValueError(
            f"settings: unknown key {unknown[0]!r:.40}; expected some of "
            f"{sorted(DEFAULTS)}"
        )
    s = dict(settings)
    checks = {
        "dataset": lambda v: _choice("dataset", v, tuple(TOY)),
        "n": lambda v: _int("n", v, MIN_POINTS, MAX_POINTS),
        "noise": lambda v: _real("noise", v, 0.0, MAX_NOISE),
        "seed": lambda v: _int("seed", v, 0, MAX_SEED),
        "train_share": lambda v: _real("train_share", v, 0.1, 0.9),
        "hidden": _hidden,
        "activation": lambda v: _choice("activation", v, ACTIVATIONS),
        "learning_rate": lambda v: _real("learning_rate", v, 0.0, 10.0, True),
        "batch_size": lambda v: _int("batch_size", v, 1, MAX_POINTS),
    }
    return {k: checks[k](v) for k, v in s.items()}


def _choice(name: str, value: object, choices: tuple) -> str:
    if not isinstance(value, str) or value not in choices:
        raise InvalidValueError(
            f"{name}: expected one of {list(choices)}, got {value!r:.40}"
        )
    return value


def _hidden(value: object) -> list[int]:
    ok = isinstance(value, list) and len(value) <= MAX_HIDDEN_LAYERS
    if ok:
        try:
            return [_int("hidden", n, 1, MAX_UNITS) for n in value]
        except InvalidValueError:
            pass
    raise InvalidValueError(
        f"hidden: expected a list of at most {MAX_HIDDEN_LAYERS} layer sizes, each "
        f"from 1 to {MAX_UNITS}, got {value!r:.60}"
    )


class DataView:
    """One page's Data view: the settings, the data, the network, the losses.

    Attributes
    ----------
    settings : dict
        The keys of ``DEFAULTS``.
    X_train, X_test : (n_train, 2), (n_test, 2) arrays
    y_train, y_test : (n_train, 1), (n_test, 1) arrays of 0.0 and 1.0
    net : Network
        ``[2, *hidden, 1]``, the hidden activation, a sigmoid output, ``bce``.
    epochs : int
        Epochs trained since the network was made.
    losses : dict of lists
        ``epoch``, ``train`` and ``test``: the costs after each train request.
    """

    def __init__(self, settings: dict | None = None) -> None:
        self.settings = {**DEFAULTS, **check_settings(settings or {})}
        self._draw()
        self._new_network()

    def _draw(self) -> None:
        s = self.settings
        X, y = TOY[s["dataset"]](s["n"], s["noise"], s["seed"])
        cut = max(1, min(len(X) - 1, round(len(X) * s["train_share"])))
        self.X_train, self.y_train = X[:cut], y[:cut]  # the rows come shuffled
        self.X_test, self.y_test = X[cut:], y[cut:]

    def _new_network(self) -> None:
        s = self.settings
        sizes = [2, *s["hidden"], 1]
        self.net = Network(
            sizes, s["activation"], "sigmoid", loss="bce", seed=s["seed"]
        )
        self.epochs = 0
        self.losses: dict[str, list] = {"epoch": [], "train": [], "test": []}
        self._record()

    def _record(self) -> None:
        self.losses["epoch"].append(self.epochs)
        self.losses["train"].append(self.net.cost(self.X_train, self.y_train))
        self.losses["test"].append(self.net.cost(self.X_test, self.y_test))
        for k in self.losses:
            del self.losses[k][:-MAX_LOSSES]

    def snapshot(self) -> DataView:
        """A copy, to :meth:`restore` on a failure."""
        other = copy.copy(self)
        other.settings = copy.deepcopy(self.settings)
        other.net = self.net.copy()
        other.losses = {k: list(v) for k, v in self.losses.items()}
        return other

    def restore(self, other: DataView) -> None:
        """Take over ``other``'s state (a :meth:`snapshot`)."""
        self.__dict__.update(other.__dict__)

    # ------------------------------------------------------------ changes
    def configure(self, settings: object) -> None:
        """Change some settings; a new data set or network where they need one.

        The data are drawn again when ``dataset``, ``n``, ``noise``, ``seed``
        or ``train_share`` change, and the network is made again (from the
        seed, losses cleared) when the data, ``hidden`` or ``activation``
        change; ``learning_rate`` and ``batch_size`` keep the training so far.
        """
        new = {**self.settings, **check_settings(settings)}
        old, self.settings = self.settings, new
        data_keys = ("dataset", "n", "noise", "seed", "train_share")
        redraw = any(new[k] != old[k] for k in data_keys)
        if redraw:
            self._draw()
        if redraw or any(new[k] != old[k] for k in ("hidden", "activation")):
            self._new_network()

    def reset(self) -> None:
        """The network back to its first weights (from the seed), losses cleared."""
        self._new_network()

    def train(self, epochs: object) -> None:
        """``epochs`` epochs of minibatch SGD by :meth:`Network.fit`.

        Raises
        ------
        InvalidValueError
            ``epochs`` is not an integer from 1 to ``MAX_EPOCHS``, the
            request would take more than ``MAX_STEPS`` updates, or training
            diverged (the state before is kept).
        """
        k = _int("epochs", epochs, 1, MAX_EPOCHS)
        s, n = self.settings, len(self.X_train)
        batch = min(s["batch_size"], n)
        updates = k * math.ceil(n / batch)
        if updates > MAX_STEPS:
            raise InvalidValueError(
                f"epochs: {k} epochs of {math.ceil(n / batch)} minibatches are "
                f"{updates} updates, more than {MAX_STEPS} in one request: "
                "fewer epochs or a larger batch size"
            )
        before = self.net.copy()
        try:
            self.net.fit(
                self.X_train,
                self.y_train,
                "sgd",
                epochs=k,
                batch_size=batch,
                learning_rate=s["learning_rate"],
                seed=(s["seed"] + self.epochs) % (MAX_SEED + 1),
            )
            bounded = max(float(np.abs(p).max()) for p in self.net.params.values())
            ok = bounded <= MAX_ABS
        except ChainruleError:
            ok = False
        if not ok or not math.isfinite(self.net.cost(self.X_train, self.y_train)):
            self.net = before
            raise InvalidValueError(
                f"learning_rate: training diverged at {s['learning_rate']:g}; the "
                "network before this request is kept: lower the learning rate"
            )
        self.epochs += k
        self._record()

    # -------------------------------------------------------------- views
    def grid(self) -> list[float]:
        """The network's output on ``GRID × GRID`` points of the plane, row by
        row from the top (``x₂ = EXTENT``), each row from the left."""
        ticks = np.linspace(-EXTENT, EXTENT, GRID)
        x1, x2 = np.meshgrid(ticks, ticks[::-1])
        out = self.net.predict(np.stack([x1.ravel(), x2.ravel()], axis=1))
        return np.round(out[:, 0], 4).tolist()

    def minibatch(self) -> tuple[np.ndarray, list[int]]:
        """The current minibatch: ``batch_size`` training rows drawn from the
        seed and the epochs so far (sorted row numbers), and the first
        ``MAX_SHOWN`` of them, the ones a derivation shows."""
        s, n = self.settings, len(self.X_train)
        rng = np.random.default_rng([s["seed"], self.epochs])
        rows = np.sort(rng.permutation(n)[: min(s["batch_size"], n)])
        return rows, rows[:MAX_SHOWN].tolist()

    def derivation_problem(self) -> tuple[Problem, dict]:
        """The current network on the shown rows of the minibatch, as a problem
        for the main view's derivation, and what the page says about it."""
        rows, shown = self.minibatch()
        s = self.settings
        about = {
            "rows": shown,
            "batch": rows.tolist(),
            "text": (
                f"The derivation of one update on training examples "
                f"{', '.join(str(r + 1) for r in shown)}: the first {len(shown)} of "
                f"the {len(rows)} in the current minibatch of {s['dataset']} "
                f"(epoch {self.epochs + 1}); a derivation of more rows would not "
                "be readable."
            ),
        }
        title = f"Data view: {s['dataset']}, minibatch examples " + ", ".join(
            str(r + 1) for r in shown
        )
        problem = Problem(
            self.net.copy(),
            self.X_train[shown].copy(),
            self.y_train[shown].copy(),
            title,
            about["text"],
            learning_rate=s["learning_rate"],
        )
        return problem, about

    def frame(self) -> dict:
        """What a training frame sends: the epochs, the last losses (the page
        appends them to its curves), the grid."""
        return {
            "epochs": self.epochs,
            "loss": {k: v[-1] for k, v in self.losses.items()},
            "grid": {"size": GRID, "extent": EXTENT, "values": self.grid()},
        }

    def payload(self) -> dict:
        """Everything the Data view draws: :meth:`frame`, every loss kept and
        the points (``[x₁, x₂, label]`` rows)."""

        def points(X, y):
            return np.round(np.hstack([X, y]), 5).tolist()

        return {
            **self.frame(),
            "losses": self.losses,
            "settings": self.settings,
            "sizes": self.net.sizes,
            "train": points(self.X_train, self.y_train),
            "test": points(self.X_test, self.y_test),
            "params": {k: v.tolist() for k, v in self.net.params.items()},
            "choices": {"dataset": list(TOY), "activation": list(ACTIVATIONS)},
            "limits": {
                "points": [MIN_POINTS, MAX_POINTS],
                "noise": MAX_NOISE,
                "hidden_layers": MAX_HIDDEN_LAYERS,
                "units": MAX_UNITS,
                "epochs": MAX_EPOCHS,
                "shown": MAX_SHOWN,
                "losses": MAX_LOSSES,
            },
        }
