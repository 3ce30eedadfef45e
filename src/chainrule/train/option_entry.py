"""The entries of the options spec: :class:`Option`, :class:`Flag`, the checks.

:data:`chainrule.train.options.OPTIONS` is a table of :class:`Option`
entries; this module holds their type and the ``check(name, value)``
functions the entries name (each returns the value the training uses, or
raises an error naming the option).

Examples
--------
>>> positive_count("patience", 3), optional(positive_count)("batch_size", None)
(3, None)
>>> positive_count("patience", 0)
Traceback (most recent call last):
...
chainrule.errors.InvalidValueError: patience: expected an integer > 0, got 0
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, NamedTuple

from chainrule.accel.threads import check_threads
from chainrule.core.dropout import check_rate
from chainrule.errors import ConfigError
from chainrule.train.optimizers import NAMES, TABLE
from chainrule.validation import (
    check_callbacks,
    check_positive,
    check_seed,
    check_validation_data,
)

#: ``check(name, value) -> value``: raises an error naming the option, or
#: returns the value as the training uses it.
Check = Callable[[str, Any], Any]


class Flag(NamedTuple):
    """How ``chainrule train`` offers an option (``batch_size``: ``--batch-size``).

    Attributes
    ----------
    type : type or None
        What the command line parses (``int``, ``float | None``, ``bool``,
        ``Path | None``); ``None``: the option's ``annotation``.
    decls : tuple of str
        The flag's declarations when not the plain ``--name``: a switch
        (``"--nesterov"``) or an on/off pair (``"--shuffle/--no-shuffle"``).
    """

    type: Any = None
    decls: tuple[str, ...] = ()


class Option(NamedTuple):
    """One keyword option of ``fit``: one entry of :data:`OPTIONS`.

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
        other optimizer is an error. A hyperparameter's are those that carry
        it in :data:`chainrule.train.optimizers.TABLE` (``carried_by``).
    help : str
    check : callable or None
        ``check(name, value)`` returns the value the training uses or raises
        an error naming the option; ``None``: taken as given (an optimizer's
        hyperparameters are checked by its factory).
    annotation : type
        The Python type in ``Network.fit``'s signature.
    cli : Flag or None
        ``chainrule train`` offers the option as this flag; ``None``: not
        offered (or offered with a meaning of its own, such as ``--seed``).
    """

    name: str
    type: str
    default: Any
    optimizers: tuple[str, ...]
    help: str
    check: Check | None = None
    annotation: Any = Any
    cli: Flag | None = None

    @property
    def hyper(self) -> bool:
        """A hyperparameter of the optimizer: an optimizer object
        (``cr.optimizers.adam(...)``) carries its own, so ``fit`` refuses it."""
        return any(self.name in entry.hyper for entry in TABLE.values())

    @property
    def full_help(self) -> str:
        """``help``, and which optimizers use the option when not all do."""
        if set(self.optimizers) == set(NAMES):
            return self.help
        return f"{self.help} ({', '.join(self.optimizers)} only)"


def optional(check: Check) -> Check:
    """``check``, with ``None`` accepted as it is."""

    def checked(name: str, value: Any) -> Any:
        return None if value is None else check(name, value)

    return checked


def positive_number(name: str, value: Any) -> float:
    """A finite number > 0."""
    return check_positive(name, value)


def positive_count(name: str, value: Any) -> int:
    """An integer > 0."""
    return int(check_positive(name, value, integer=True))


def data_pair(name: str, value: Any) -> Any:
    """``None`` or a pair ``(X, y)``; the arrays are checked with the data."""
    check_validation_data(value)
    return value


def seed_or_none(name: str, value: Any) -> int | None:
    """``None`` or an integer >= 0."""
    return check_seed(value)


def callback_list(name: str, value: Any) -> list:
    """A sequence of callables, as a new list."""
    return check_callbacks(value)


def thread_count(name: str, value: Any) -> int | None:
    """``None``, a number of threads > 0, or -1 (every core)."""
    return check_threads(value)


def checkpoint_path(name: str, value: Any) -> str:
    """A path in a folder that exists, as text."""
    path = os.fspath(value)
    folder = os.path.dirname(path) or "."
    if not os.path.isdir(folder):
        raise ConfigError(f"{name}: the folder {folder!r} does not exist")
    return path


def dropout_rate(name: str, value: Any) -> float:
    """A dropout probability in ``[0, 1)`` (:mod:`chainrule.core.dropout`)."""
    return check_rate(name, value)
