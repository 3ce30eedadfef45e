"""The options of ``fit``, declared once, and the data types of training.

:data:`OPTIONS` holds one :class:`Option` per keyword of ``Network.fit``:
its name, type, default, the optimizers that use it and its help text.
``Network.fit``'s keyword-only signature, the checks of :func:`check_given`
and the ``chainrule train`` options (and their ``--help``) are made from it,
so that the library and the command line say no to the same things.

This module holds data only (:class:`History`, :class:`Settings`,
:class:`State`) and the checks that read the spec; it imports no training
behaviour.

Examples
--------
>>> from chainrule.train.options import OPTIONS, check_given
>>> OPTIONS["batch_size"].optimizers
('gd', 'sgd', 'adam')
>>> check_given("lbfgs", {"batch_size": 32})
Traceback (most recent call last):
...
chainrule.errors.ConfigError: batch_size: the optimizer 'lbfgs' does not use it; ...
>>> check_given("adam", {"patiance": 3})
Traceback (most recent call last):
...
chainrule.errors.ConfigError: patiance: ... did you mean `patience`?
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

from chainrule.errors import ConfigError, DivergenceError

Array = np.ndarray

#: Every optimizer name; the first three are first order, the last two SciPy's.
OPTIMIZERS = ("gd", "sgd", "adam", "bfgs", "lbfgs")
FIRST_ORDER = ("gd", "sgd", "adam")
QUASI_NEWTON = ("bfgs", "lbfgs")


class Option(NamedTuple):
    """One keyword option of ``fit``.

    Attributes
    ----------
    name : str
        The keyword (``batch_size``); the command line spells it
        ``--batch-size``.
    type : str
        The accepted values, in words (for documentation and ``--help``).
    default : object
    optimizers : tuple of str
        The optimizers that use it; a value other than the default with any
        other optimizer is an error.
    help : str
    hyper : bool
        A hyperparameter of the optimizer: an optimizer object
        (``cr.optimizers.adam(...)``) carries its own, so ``fit`` refuses it.
    """

    name: str
    type: str
    default: Any
    optimizers: tuple[str, ...]
    help: str
    hyper: bool = False

    @property
    def full_help(self) -> str:
        """``help``, and which optimizers use the option when not all do."""
        if set(self.optimizers) == set(OPTIMIZERS):
            return self.help
        return f"{self.help} ({', '.join(self.optimizers)} only)"


def _spec(*options: Option) -> dict[str, Option]:
    return {o.name: o for o in options}


# fmt: off
OPTIONS: dict[str, Option] = _spec(
    Option("epochs", "int > 0", 200, OPTIMIZERS,
           "Epochs (gd, sgd, adam: the total, counting resumed ones) or the "
           "maximum number of iterations (bfgs, lbfgs)."),
    Option("learning_rate", "float > 0 or None", None, FIRST_ORDER,
           "Step size α; default per optimizer: gd 0.5, sgd 0.05, adam 0.01.",
           hyper=True),
    Option("batch_size", "int > 0 or None", None, FIRST_ORDER,
           "Minibatch size; full batch when not given."),
    Option("shuffle", "bool", True, FIRST_ORDER,
           "Shuffle the minibatches each epoch."),
    Option("schedule", "'constant', 'inverse', 'step', 'cosine' or callable",
           "constant", FIRST_ORDER,
           "The learning rate of each epoch (see chainrule.train.schedules)."),
    Option("momentum", "float in [0, 1)", 0.0, ("sgd",),
           "Momentum μ.", hyper=True),
    Option("nesterov", "bool", False, ("sgd",),
           "Nesterov's form of momentum.", hyper=True),
    Option("b1", "float in [0, 1)", 0.9, ("adam",),
           "Adam's β1, the decay of the first moment.", hyper=True),
    Option("b2", "float in [0, 1)", 0.999, ("adam",),
           "Adam's β2, the decay of the second moment.", hyper=True),
    Option("eps", "float > 0", 1e-8, ("adam",),
           "Adam's ε.", hyper=True),
    Option("scipy_options", "dict or None", None, QUASI_NEWTON,
           "Options of scipy.optimize.minimize (gtol, maxcor, ...).",
           hyper=True),
    Option("validation_data", "(X_val, y_val) or None", None, OPTIMIZERS,
           "Data whose cost is recorded after each epoch."),
    Option("validation_split", "float in (0, 1) or None", None, OPTIMIZERS,
           "Fraction of the rows held out for validation, drawn with seed."),
    Option("early_stopping", "bool", False, FIRST_ORDER,
           "Stop when the validation cost (else the training cost) has not "
           "improved by more than tol for patience epochs; keep the best."),
    Option("patience", "int > 0", 10, FIRST_ORDER,
           "Epochs to wait without improvement (early stopping)."),
    Option("tol", "float >= 0", 0.0, FIRST_ORDER,
           "The improvement early stopping counts."),
    Option("seed", "int or None", None, OPTIMIZERS,
           "Seed of the shuffles and of validation_split (default: the "
           "network's seed)."),
    Option("update_biases", "bool", True, OPTIMIZERS,
           "Update the biases; frozen biases take part in the passes but keep "
           "their values."),
    Option("callbacks", "sequence of callables", (), OPTIMIZERS,
           "Called as callback(epoch, history, net) after each epoch; True "
           "stops training."),
    Option("progress", "bool", False, OPTIMIZERS,
           "Show a progress bar on stderr."),
    Option("threads", "int > 0, -1 or None", None, OPTIMIZERS,
           "BLAS threads for this fit (-1: every core); by default chosen "
           "from the size of the step's products (see chainrule.accel.threads)."),
    Option("checkpoint", "path or None", None, FIRST_ORDER,
           "Save the training state to this file."),
    Option("checkpoint_every", "int > 0", 1, FIRST_ORDER,
           "Epochs between checkpoints."),
    Option("resume", "path, True or None", None, FIRST_ORDER,
           "Continue from a checkpoint (True: from checkpoint if it exists)."),
    Option("sample_weight", "(n,) array of floats >= 0, or None", None,
           OPTIMIZERS,
           "One weight per example: each example's share of the cost and of "
           "every gradient (weighted mean for mse, bce, cce; weighted sum for "
           "sse); minibatches gather the weights with the rows."),
)
# fmt: on


def _is_default(value: object, default: object) -> bool:
    """``value`` is the option's default (``True`` is not ``1`` here)."""
    if value is default:
        return True
    scalar = (bool, int, float, str, np.generic)
    if not (isinstance(value, scalar) and isinstance(default, scalar)):
        return False
    if isinstance(default, bool) != isinstance(value, (bool, np.bool_)):
        return False
    return bool(value == default)


def unknown_option(name: str, known=OPTIONS, where: str = "fit") -> ConfigError:
    """The error for a misspelt option, with the closest known name."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    hint = (
        f"; did you mean `{close[0]}`?" if close else f"; expected one of {list(known)}"
    )
    return ConfigError(f"{name}: not an option of {where}{hint}")


def check_given(
    optimizer: str,
    given: Mapping[str, object],
    *,
    object_given: bool = False,
    spell: Callable[[str], str] = str,
) -> None:
    """Refuse unknown options and those ``optimizer`` would ignore.

    Parameters
    ----------
    optimizer : str
        A name of :data:`OPTIMIZERS`.
    given : dict
        Option name to value; a value equal to the option's default counts as
        not given.
    object_given : bool
        The optimizer is an object carrying its hyperparameters: the
        ``hyper`` options are refused.
    spell : callable
        How to write an option's name in a message (the CLI: ``--batch-size``).

    Raises
    ------
    ConfigError
        A misspelt option (with the closest name), or one that the optimizer
        does not use (named with the optimizer).
    """
    for name, value in given.items():
        opt = OPTIONS.get(name)
        if opt is None:
            raise unknown_option(name)
        if _is_default(value, opt.default):
            continue
        if optimizer not in opt.optimizers:
            raise ConfigError(
                f"{spell(name)}: the optimizer {optimizer!r} does not use it; it "
                f"applies to {', '.join(opt.optimizers)}"
            )
        if object_given and opt.hyper:
            raise ConfigError(
                f"{spell(name)}: the optimizer object {optimizer!r} carries its "
                "own hyperparameters; give them to it, e.g. "
                f"cr.optimizers.{optimizer}({name}=...)"
            )


def refused(optimizer: str) -> list[str]:
    """The options that ``optimizer`` does not use (an error if given)."""
    return [n for n, o in OPTIONS.items() if optimizer not in o.optimizers]


def options_doc(indent: str = "") -> str:
    """The numpydoc ``Parameters`` entries of every option, from the spec.

    Examples
    --------
    >>> print(options_doc().splitlines()[0])
    epochs : int > 0, default 200
    """
    lines = []
    for o in OPTIONS.values():
        lines.append(f"{o.name} : {o.type}, default {o.default!r}")
        lines.append(f"    {o.full_help}")
    return f"\n{indent}".join(lines)


def suggest_options(method: Callable) -> Callable:
    """Decorate ``fit``: a misspelt keyword is a :class:`ConfigError`.

    Python's own ``TypeError`` would name the keyword only; this one also
    suggests the closest option (``patiance`` → ``patience``). The
    ``{options}`` placeholder of the docstring becomes :func:`options_doc`.
    """
    import inspect

    names = set(inspect.signature(method).parameters)

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        for name in kwargs:
            if name not in names:
                raise unknown_option(name, sorted(names - {"self"}))
        return method(*args, **kwargs)

    doc = method.__doc__ or ""
    wrapper.__doc__ = doc.replace("{options}", options_doc(" " * 8))
    return wrapper


@dataclass
class History:
    """What happened during :meth:`Network.fit`.

    Attributes
    ----------
    cost : list of float
        Training cost of each epoch. Full batch (and BFGS, L-BFGS, per
        iteration): the cost after the epoch's update, ``net.cost(X, y)``.
        Minibatches: the mean, weighted by batch size, of the cost of each
        minibatch before its update, as scikit-learn's ``loss_curve_`` and
        Keras report it (no extra pass over the data).
    val_cost : list of float
        Validation cost after each epoch; empty without validation data.
    time : list of float
        Seconds since the start of training at the end of each epoch.
    learning_rate : list of float
        The learning rate of each epoch (first-order optimizers).
    optimizer : str
    stopped_early : bool
    best_epoch : int or None
        The epoch (1-based) whose parameters were kept by early stopping.
    interrupted : bool
        Training was ended by Ctrl-C (``KeyboardInterrupt``).
    message : str
    """

    cost: list[float] = field(default_factory=list)
    val_cost: list[float] = field(default_factory=list)
    time: list[float] = field(default_factory=list)
    learning_rate: list[float] = field(default_factory=list)
    optimizer: str = ""
    stopped_early: bool = False
    best_epoch: int | None = None
    interrupted: bool = False
    message: str = ""

    @property
    def epochs(self) -> int:
        """The number of epochs or iterations recorded."""
        return len(self.cost)

    def __len__(self) -> int:
        return len(self.cost)


@dataclass
class Settings:
    """The checked options of one call to ``fit``.

    ``optimizer`` is the name; ``opt`` the optimizer object (first order:
    :class:`~chainrule.train.optimizers.Optimizer`; quasi-Newton:
    :class:`~chainrule.train.optimizers.QuasiNewton`).
    """

    optimizer: str
    opt: Any
    epochs: int
    batch_size: int | None
    early_stopping: bool
    patience: int
    tol: float
    shuffle: bool
    seed: int | None
    schedule: Any
    callbacks: list
    update_biases: bool
    checkpoint: str | None
    checkpoint_every: int
    resume: Any
    sample_weight: Array | None = None
    threads: int | None = None


@dataclass
class State:
    """Everything a checkpoint holds: training resumes from exactly this."""

    epoch: int
    theta: Array
    opt_state: object
    rng: np.random.Generator
    hist: History
    best: Array | None = None
    best_cost: float = np.inf
    waited: int = 0
    elapsed: float = 0.0
    views: dict | None = None
    version: int = -1
    cache: dict | None = None


def diverged(hist: History, epoch: int, lr: float | None) -> DivergenceError:
    """The error raised when the cost stops being finite at ``epoch``."""
    hint = f" (learning_rate={lr:g})" if lr is not None else ""
    err = DivergenceError(
        f"training diverged: the cost is not finite at epoch {epoch}; the "
        f"parameters of the last finite epoch are kept. Try a smaller "
        f"learning rate{hint}.",
        epoch=epoch,
    )
    err.history = hist
    return err
