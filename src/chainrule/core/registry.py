"""What the registries of activations and costs share: the printed forms of
an entry, and the checks of an entry that a user registers.

The registries themselves (:data:`chainrule.core.activations.ACTIVATIONS`,
:data:`chainrule.core.losses.LOSSES`) are read-only mappings: the built-in
entries cannot be replaced (the fast paths recognise them by name), and a
user's entry is added only through ``chainrule.register_activation`` or
``chainrule.register_loss``, which check it here first.

Examples
--------
>>> check_function("activation", "swish", "f", lambda z: z, 1)
>>> check_function("activation", "swish", "f", lambda y, z: z, 1)
Traceback (most recent call last):
...
chainrule.errors.ConfigError: register_activation('swish'): f: expected a function \
of 1 argument (z), got one that cannot be called so: missing a required argument: 'z'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import NamedTuple, TypeVar

import numpy as np

from chainrule.errors import ConfigError

T = TypeVar("T")

#: A name a user may register: lower case, a letter first (``swish``, ``huber_1``).
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]*\Z")


class ActivationFormula(NamedTuple):
    """``f(z)`` and ``f′(z)`` as a derivation writes them.

    Attributes
    ----------
    formula, latex : str
        ``f(z)`` in plain text and in LaTeX.
    prime_formula, prime_latex : str
        ``f′(z)`` in plain text (``"... = ..."`` gives equivalent forms; the
        first is printed) and in LaTeX.
    """

    formula: str
    prime_formula: str
    latex: str
    prime_latex: str


class CostFormula(NamedTuple):
    """The cost ``J`` and ``∂J/∂ŷ``: formulas and their substitutions.

    Placeholders: ``<y>`` and ``<yHat>`` stand for the names of y and ŷ in
    the chosen notation, ``⟦y⟧`` and ``⟦yHat⟧`` for their values, ``{n}`` for
    the number of examples.

    Attributes
    ----------
    formula, latex : str
        ``J`` in terms of ``<y>`` and ``<yHat>``.
    substituted, substituted_latex : str
        The same with ``⟦y⟧``, ``⟦yHat⟧`` and ``{n}``.
    grad_formula, grad_latex, grad_substituted : str
        ``∂J/∂ŷ``, plain and LaTeX, and its plain substitution.
    """

    formula: str
    latex: str
    substituted: str
    substituted_latex: str
    grad_formula: str
    grad_latex: str
    grad_substituted: str


def check_new_name(
    kind: str, name: object, taken: Iterable[str], builtin: Iterable[str]
) -> str:
    """``name`` if a user may register it as a ``kind``; else :class:`ConfigError`.

    A built-in name or alias is refused (the fast paths recognise the built-in
    entries by name); a name the user registered before may be registered
    again, which replaces that entry.
    """
    if not isinstance(name, str) or not NAME_PATTERN.match(name):
        raise ConfigError(
            f"register_{kind}: name: expected a lower-case name of letters, digits "
            f"and '_' starting with a letter, got {name!r}"
        )
    if name in builtin or name in taken:
        raise ConfigError(
            f"register_{kind}: {name!r} is a built-in {kind} and cannot be "
            "replaced; register yours under another name"
        )
    return name


def _parameters(arity: int, names: str) -> str:
    return f"{arity} argument{'s' if arity != 1 else ''} ({names})"


def check_function(
    kind: str, name: str, field: str, fn: object, arity: int, names: str = "z"
) -> None:
    """Raise :class:`ConfigError` unless ``fn`` can be called with ``arity``
    positional arguments (``names`` spells them in the message)."""
    where = f"register_{kind}({name!r}): {field}"
    if not callable(fn):
        raise ConfigError(
            f"{where}: expected a function of {_parameters(arity, names)}, "
            f"got {type(fn).__name__}"
        )
    if isinstance(fn, np.ufunc):
        if fn.nin != arity:
            raise ConfigError(
                f"{where}: expected a function of {_parameters(arity, names)}, "
                f"got the ufunc {fn.__name__} of {fn.nin}"
            )
        return
    import inspect  # 15 ms to import: only when a user registers an entry

    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # a builtin without a signature: trust it
        return
    try:
        signature.bind(*range(arity))
    except TypeError as exc:
        raise ConfigError(
            f"{where}: expected a function of {_parameters(arity, names)}, got one "
            f"that cannot be called so: {exc}"
        ) from None


def check_values(
    kind: str, name: str, field: str, fn: Callable, args: tuple, shape: tuple
) -> None:
    """Call ``fn(*args)`` once and check that it gives an array of ``shape``."""
    where = f"register_{kind}({name!r}): {field}"
    try:
        out = np.asarray(fn(*args))
    except Exception as exc:  # the user's function: say which and why
        raise ConfigError(
            f"{where}: calling it on a test array of shape {shape} raised "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    if out.shape != shape:
        raise ConfigError(
            f"{where}: expected an array of the input's shape {shape} (element-wise), "
            f"got shape {out.shape}"
        )


def check_formula(kind: str, name: str, formula: object, cls: type[T]) -> T | None:
    """``formula`` as a ``cls`` (a tuple of its strings is accepted), or None."""
    if formula is None or isinstance(formula, cls):
        return formula
    fields = cls._fields  # type: ignore[attr-defined]
    if (
        isinstance(formula, (tuple, list))
        and len(formula) == len(fields)
        and all(isinstance(s, str) for s in formula)
    ):
        return cls(*formula)
    raise ConfigError(
        f"register_{kind}({name!r}): formula: expected {cls.__name__} or a tuple of "
        f"{len(fields)} strings ({', '.join(fields)}), got {formula!r}"
    )


def remove(kind: str, name: str, entries: dict, builtin: Iterable[str]) -> None:
    """Remove a user's entry ``name`` of the ``kind`` registry ``entries``.

    Raises
    ------
    ConfigError
        ``name`` is built in (or an alias), or was not registered.
    """
    if name in set(builtin) or name not in entries:
        article = "an" if kind[0] in "aeiou" else "a"
        raise ConfigError(
            f"unregister_{kind}: expected the name of {article} {kind} registered "
            f"with register_{kind}, got {name!r}"
        )
    del entries[name]
