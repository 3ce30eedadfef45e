"""The exceptions chainrule raises.

Every error is a :class:`ChainruleError`. Each subclass also derives from the
built-in exception that Python users expect for that kind of mistake, so that
``except ValueError`` keeps working.

========================  ==========================  ==========================
class                     also a                      raised for
========================  ==========================  ==========================
``ShapeError``            ``ValueError``              an array of the wrong shape
``InvalidValueError``     ``ValueError``              NaN, infinity, out of range
``InvalidTypeError``      ``TypeError`` (and an       a string, bool, complex,
                          ``InvalidValueError``)      object or ragged value where
                                                      numbers are expected
``UnknownNameError``      ``ValueError``              an unknown activation, cost,
                                                      optimizer or notation name
``ConfigError``           ``ValueError``              an invalid combination of
                                                      settings
``DivergenceError``       ``ArithmeticError``         training whose cost stopped
                                                      being finite
``ModelFileError``        ``ValueError``              a model file that cannot be
                                                      trusted or read
``DataFileError``         ``ValueError``              a data or problem file that
                                                      cannot be read
``FileWriteError``        ``OSError``                 a file that cannot be
                                                      written (no permission, disk
                                                      full, file-size limit)
========================  ==========================  ==========================
"""

from __future__ import annotations

from typing import Any


class ChainruleError(Exception):
    """Base class of every error chainrule raises on purpose."""


class ShapeError(ChainruleError, ValueError):
    """An array has the wrong number of dimensions or the wrong shape."""


class InvalidValueError(ChainruleError, ValueError):
    """A value is not finite, out of range or of the wrong type."""


class InvalidTypeError(InvalidValueError, TypeError):
    """A value of the wrong type: a string, bool, complex or object where numbers
    are expected.

    It is a ``TypeError`` for Python users and an :class:`InvalidValueError`
    (so a ``ValueError`` too) for code that catches bad values as a whole.
    """


class UnknownNameError(ChainruleError, ValueError):
    """A name (activation, cost, optimizer, notation, ...) is not known."""


class ConfigError(ChainruleError, ValueError):
    """Settings that are valid alone but not together."""


class DivergenceError(ChainruleError, ArithmeticError):
    """Training produced a non-finite cost; the last finite parameters are kept."""

    #: The fit's :class:`~chainrule.History` up to the divergence, set by the
    #: fit that raises it (``Network.fit``; the estimators' errors have none).
    history: Any

    def __init__(self, message: str, *, epoch: int | None = None) -> None:
        super().__init__(message)
        self.epoch = epoch


class ModelFileError(ChainruleError, ValueError):
    """A model file is missing, truncated, corrupted or not chainrule's."""


class DataFileError(ChainruleError, ValueError):
    """A data or problem file cannot be read or does not fit."""


class FileWriteError(ChainruleError, OSError):
    """A file cannot be written: no permission, disk full, a file-size limit.

    Nothing was replaced: the old file, if any, is intact.
    """


__all__ = [
    "ChainruleError",
    "ConfigError",
    "DataFileError",
    "DivergenceError",
    "FileWriteError",
    "InvalidTypeError",
    "InvalidValueError",
    "ModelFileError",
    "ShapeError",
    "UnknownNameError",
]
