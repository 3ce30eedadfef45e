"""The options of ``fit``, declared once: :data:`OPTIONS`.

:data:`OPTIONS` holds one :class:`Option` per keyword of ``Network.fit``:
its name, the values it takes (in words and as a Python type), its default,
the optimizers that use it, its check, its help text and, when
``chainrule train`` offers it, its :class:`Flag`. Everything else is made
from it: ``Network.fit``'s keyword-only signature and docstring
(:func:`suggest_options`), the :class:`Settings` of a call, the checks of
:func:`chainrule.train.fit.settings` and :func:`check_given`, and the
options of ``chainrule train`` (with their ``--help``), so that the library
and the command line say no to the same things. Which optimizer carries
which hyperparameter is read from the one optimizer table,
:data:`chainrule.train.optimizers.TABLE`.

This module holds data and the checks that read the spec; it imports no
training behaviour. :class:`History` and :class:`State` are re-exported from
:mod:`chainrule.train.records`.

Examples
--------
>>> from chainrule.train.options import OPTIONS, check_given
>>> OPTIONS["batch_size"].optimizers
('gd', 'sgd', 'adam')
>>> OPTIONS["momentum"].optimizers, OPTIONS["momentum"].hyper
(('sgd',), True)
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

import contextlib
import difflib
import functools
import inspect
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from chainrule.errors import ConfigError
from chainrule.train.optimizers import FIRST_ORDER, QUASI_NEWTON, TABLE, carried_by
from chainrule.train.optimizers import NAMES as OPTIMIZERS
from chainrule.train.option_entry import (
    Flag,
    Option,
    callback_list,
    checkpoint_path,
    data_pair,
    dropout_rate,
    optional,
    positive_count,
    positive_number,
    seed_or_none,
    thread_count,
)
from chainrule.train.records import History, State, diverged
from chainrule.validation import check_bool, check_non_negative

__all__ = [
    "FIRST_ORDER",
    "OPTIMIZERS",
    "OPTIONS",
    "QUASI_NEWTON",
    "Flag",
    "History",
    "Option",
    "Settings",
    "State",
    "check_given",
    "cli_options",
    "diverged",
    "extended",
    "options_doc",
    "refused",
    "spec_parameters",
    "suggest_options",
    "unknown_option",
]

_RATES = ", ".join(
    f"{n} {e.learning_rate:g}" for n, e in TABLE.items() if e.learning_rate
)


def _spec(*options: Option) -> dict[str, Option]:
    return {o.name: o for o in options}


# fmt: off
_OPTIONS: dict[str, Option] = _spec(
    Option("epochs", "int > 0", 200, OPTIMIZERS,
           "Epochs (gd, sgd, adam: the total, counting resumed ones) or the "
           "maximum number of iterations (bfgs, lbfgs).",
           positive_count, int, Flag()),
    Option("learning_rate", "float > 0 or None", None,
           carried_by("learning_rate"),
           f"Step size α; default per optimizer: {_RATES}.",
           optional(positive_number), float | None, Flag()),
    Option("batch_size", "int > 0 or None", None, FIRST_ORDER,
           "Minibatch size; full batch when not given.",
           optional(positive_count), int | None, Flag()),
    Option("shuffle", "bool", True, FIRST_ORDER,
           "Shuffle the minibatches each epoch.",
           check_bool, bool, Flag(decls=("--shuffle/--no-shuffle",))),
    Option("schedule", "'constant', 'inverse', 'step', 'cosine' or callable",
           "constant", FIRST_ORDER,
           "The learning rate of each epoch (see chainrule.train.schedules).",
           None, str | Callable[[int], float], Flag(str)),
    Option("momentum", "float in [0, 1)", 0.0, carried_by("momentum"),
           "Momentum μ.", None, float, Flag()),
    Option("nesterov", "bool", False, carried_by("nesterov"),
           "Nesterov's form of momentum.", None, bool,
           Flag(decls=("--nesterov",))),
    Option("b1", "float in [0, 1)", 0.9, carried_by("b1"),
           "Adam's β1, the decay of the first moment.", None, float, Flag()),
    Option("b2", "float in [0, 1)", 0.999, carried_by("b2"),
           "Adam's β2, the decay of the second moment.", None, float, Flag()),
    Option("eps", "float > 0", 1e-8, carried_by("eps"),
           "Adam's ε.", None, float, Flag()),
    Option("scipy_options", "dict or None", None, carried_by("scipy_options"),
           "Options of scipy.optimize.minimize (gtol, maxcor, ...).",
           None, Mapping[str, object] | None),
    Option("validation_data", "(X_val, y_val) or None", None, OPTIMIZERS,
           "Data whose cost is recorded after each epoch.",
           data_pair, tuple | None),
    Option("validation_split", "float in (0, 1) or None", None, OPTIMIZERS,
           "Fraction of the rows held out for validation, drawn with seed.",
           optional(positive_number), float | None),
    Option("early_stopping", "bool", False, FIRST_ORDER,
           "Stop when the validation cost (else the training cost) has not "
           "improved by more than tol for patience epochs; keep the best.",
           check_bool, bool,
           Flag(decls=("--early-stopping/--no-early-stopping",))),
    Option("patience", "int > 0", 10, FIRST_ORDER,
           "Epochs to wait without improvement (early stopping).",
           positive_count, int, Flag()),
    Option("tol", "float >= 0", 0.0, FIRST_ORDER,
           "The improvement early stopping counts.",
           check_non_negative, float, Flag()),
    Option("seed", "int or None", None, OPTIMIZERS,
           "Seed of the shuffles and of validation_split (default: the "
           "network's seed).",
           seed_or_none, int | None),
    Option("update_biases", "bool", True, OPTIMIZERS,
           "Update the biases; frozen biases take part in the passes but keep "
           "their values.",
           check_bool, bool, Flag(decls=("--update-biases/--freeze-biases",))),
    Option("callbacks", "sequence of callables", (), OPTIMIZERS,
           "Called as callback(epoch, history, net) after each epoch; True "
           "stops training.",
           callback_list, Sequence[Callable[..., Any]]),
    Option("progress", "bool", False, OPTIMIZERS,
           "Show a progress bar on stderr.",
           check_bool, bool),
    Option("threads", "int > 0, -1 or None", None, OPTIMIZERS,
           "BLAS threads for this fit (-1: every core); by default chosen "
           "from the size of the step's products (see chainrule.accel.threads).",
           thread_count, int | None, Flag()),
    Option("checkpoint", "path or None", None, FIRST_ORDER,
           "Save the training state to this file.",
           optional(checkpoint_path), str | os.PathLike | None, Flag(Path | None)),
    Option("checkpoint_every", "int > 0", 1, FIRST_ORDER,
           "Epochs between checkpoints.",
           positive_count, int, Flag()),
    Option("resume", "path, True or None", None, FIRST_ORDER,
           "Continue from a checkpoint (True: from checkpoint if it exists).",
           None, str | os.PathLike | bool | None),
    Option("dropout", "float in [0, 1)", 0.0, FIRST_ORDER,
           "Inverted dropout p: while training, each hidden unit's activation "
           "is zeroed with probability p (per example, drawn with seed) and "
           "the kept ones scaled by 1/(1 - p); prediction and validation use "
           "every unit.",
           dropout_rate, float, Flag()),
    Option("sample_weight", "(n,) array of floats >= 0, or None", None,
           OPTIMIZERS,
           "One weight per example: each example's share of the cost and of "
           "every gradient (weighted mean for mse, bce, cce; weighted sum for "
           "sse); minibatches gather the weights with the rows.",
           None, object),
)
# fmt: on
#: THE spec: every option of ``fit``, in the order of its signature (read
#: only; :func:`extended` adds entries for the length of a ``with`` block).
OPTIONS: Mapping[str, Option] = MappingProxyType(_OPTIONS)


def cli_options() -> tuple[str, ...]:
    """The options that ``chainrule train`` offers as flags, in spec order."""
    return tuple(n for n, o in OPTIONS.items() if o.cli is not None)


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


def unknown_option(
    name: str, known: Iterable[str] = OPTIONS, where: str = "fit"
) -> ConfigError:
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


class Settings:
    """The checked options of one call to ``fit``.

    ``optimizer`` is the name; ``opt`` the optimizer object (first order:
    :class:`~chainrule.train.optimizers.Optimizer`; quasi-Newton:
    :class:`~chainrule.train.optimizers.QuasiNewton`), which carries the
    hyperparameters. Every other option of :data:`OPTIONS` is an attribute
    of the same name (``s.epochs``, ``s.batch_size``, ``s.tol``, ...), its
    default when not given.

    Examples
    --------
    >>> s = Settings("gd", None, epochs=3)
    >>> s.epochs, s.tol, hasattr(s, "momentum")
    (3, 0.0, False)
    """

    def __init__(self, optimizer: str, opt: Any, **values: Any) -> None:
        names = [n for n, o in OPTIONS.items() if not o.hyper]
        unknown = sorted(set(values) - set(names))
        if unknown:
            raise TypeError(f"Settings: not options of fit: {unknown}")
        self.optimizer = optimizer
        self.opt = opt
        for name in names:
            setattr(self, name, values.get(name, OPTIONS[name].default))

    def __getattr__(self, name: str) -> Any:
        # only reached for a name that is not set: say where the names are
        raise AttributeError(
            f"Settings has no {name!r}; its attributes are the options of "
            "chainrule.train.options.OPTIONS that are not hyperparameters"
        )

    def __setattr__(self, name: str, value: Any) -> None:
        # the attributes are made from the spec, so they are set by name (and
        # fit replaces sample_weight by the checked weights)
        object.__setattr__(self, name, value)

    def __repr__(self) -> str:
        items = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"Settings({items})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Settings) and vars(self) == vars(other)

    __hash__ = None  # type: ignore[assignment]  # mutable, as a dataclass


# ------------------------------------------- what is made from the spec
#: The functions whose keyword-only parameters are the spec's, each with the
#: function that remakes its signature and docstring (see :func:`extended`).
_SIGNED: list[Callable[[], None]] = []


def spec_parameters() -> list[inspect.Parameter]:
    """One keyword-only parameter per option: its default and annotation."""
    kw = inspect.Parameter.KEYWORD_ONLY
    return [
        inspect.Parameter(o.name, kw, default=o.default, annotation=o.annotation)
        for o in OPTIONS.values()
    ]


def suggest_options(method: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate ``fit(self, X, y, optimizer, **options)`` with the spec.

    The decorated function's signature is the method's own parameters
    followed by one keyword-only parameter per option of :data:`OPTIONS`
    (``inspect.signature``, ``help()`` and IDEs show them), and the
    ``{options}`` placeholder of its docstring becomes :func:`options_doc`.
    A misspelt keyword is a :class:`ConfigError` suggesting the closest
    option (``patiance`` → ``patience``), where Python's own ``TypeError``
    would name the keyword only.
    """
    own = inspect.signature(method)
    head = [p for p in own.parameters.values() if p.kind is not p.VAR_KEYWORD]
    template = method.__doc__ or ""

    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        for name in kwargs:
            if name not in OPTIONS and name not in own.parameters:
                known = {p.name for p in head} - {"self"} | set(OPTIONS)
                raise unknown_option(name, sorted(known))
        return method(*args, **kwargs)

    def sign() -> None:
        wrapper.__signature__ = own.replace(  # type: ignore[attr-defined]
            parameters=[*head, *spec_parameters()]
        )
        wrapper.__doc__ = template.replace("{options}", options_doc(" " * 8))

    sign()
    _SIGNED.append(sign)
    return wrapper


@contextlib.contextmanager
def extended(*entries: Option) -> Iterator[Mapping[str, Option]]:
    """The spec with ``entries`` added at its end, while a ``with`` block runs.

    What is made from the spec follows: the signature and docstring of
    ``Network.fit``, its checks, :class:`Settings` and the flags of
    ``chainrule train``. This is how a test proves that an option is one
    entry; an option that the training does not use does nothing.

    Raises
    ------
    ConfigError
        An entry whose name the spec already has.
    """
    taken = [e.name for e in entries if e.name in _OPTIONS]
    if taken:
        raise ConfigError(f"extended: {taken} are options already")
    _OPTIONS.update(_spec(*entries))
    try:
        for sign in _SIGNED:
            sign()
        yield OPTIONS
    finally:
        for entry in entries:
            del _OPTIONS[entry.name]
        for sign in _SIGNED:
            sign()
