"""Checks of user input, made before any work is done.

Every error names the argument, what was expected and what was found. A
check either returns a clean value or raises; it never changes its input.

The checks are in three modules, all importable from here:
:mod:`~chainrule.validation.arrays` (``X``, ``y``, sample weights, targets
against the cost), :mod:`~chainrule.validation.scalars` (numbers, booleans,
seeds) and :mod:`~chainrule.validation.config` (layer sizes, biases, dtype,
device, registry names, fit's structured options);
:mod:`~chainrule.validation.text` shows control characters escaped in what is
printed to a terminal. The limits on what a run may ask for are set here:
``chainrule.validation.MAX_EPOCHS`` and ``chainrule.validation.MAX_EXPLAIN_...``.

Layer: the lowest, with :mod:`chainrule.errors` (the only module it imports).

Examples
--------
>>> from chainrule.validation import check_positive
>>> check_positive("learning_rate", 0.5)
0.5
>>> check_positive("learning_rate", -1)
Traceback (most recent call last):
    ...
chainrule.errors.InvalidValueError: learning_rate: expected a number > 0, got -1
>>> check_positive("epochs", True, integer=True)
Traceback (most recent call last):
    ...
chainrule.errors.InvalidTypeError: epochs: expected an integer > 0, got True (bool)
"""

from __future__ import annotations

from chainrule.errors import ConfigError, InvalidValueError
from chainrule.validation.arrays import (
    Array,
    as_array,
    as_matrix,
    check_sample_weight,
    check_sparse_X,
    check_targets_for_loss,
    check_X,
    check_y,
    is_sparse,
)
from chainrule.validation.config import (
    DEVICES,
    DTYPES,
    check_bias,
    check_callbacks,
    check_device,
    check_dtype,
    check_output_units,
    check_sizes,
    check_validation_data,
    resolve_name,
)
from chainrule.validation.scalars import (
    check_bool,
    check_momentum,
    check_non_negative,
    check_positive,
    check_seed,
    checked_schedule,
)
from chainrule.validation.text import TerminalStream, terminal_text

__all__ = [
    "DEVICES",
    "TerminalStream",
    "terminal_text",
    "DTYPES",
    "MAX_EPOCHS",
    "MAX_EXPLAIN_ROWS",
    "MAX_EXPLAIN_UNITS",
    "MAX_EXPLAIN_WEIGHTS",
    "Array",
    "as_array",
    "as_matrix",
    "check_X",
    "check_bias",
    "check_bool",
    "check_callbacks",
    "check_device",
    "check_dtype",
    "check_epochs",
    "check_explain_size",
    "check_momentum",
    "check_non_negative",
    "check_output_units",
    "check_positive",
    "check_sample_weight",
    "check_seed",
    "check_sizes",
    "check_sparse_X",
    "is_sparse",
    "check_targets_for_loss",
    "check_validation_data",
    "check_y",
    "checked_schedule",
    "resolve_name",
]


#: What ``explain`` writes out in full: every matrix of a pass, so its size
#: grows with weights x rows. Beyond these, explain a slice of the data or a
#: smaller network (raise them in Python: ``chainrule.validation.MAX_...``).
MAX_EXPLAIN_WEIGHTS = 10_000
MAX_EXPLAIN_ROWS = 1_000
MAX_EXPLAIN_UNITS = 200


def check_explain_size(sizes: list[int], n_rows: int) -> None:
    """Refuse a derivation too large to read (or to render) before any work.

    Parameters
    ----------
    sizes : list of int
        Layer sizes, input first.
    n_rows : int
        Rows of data.

    Raises
    ------
    ConfigError
        Naming the limit and how to explain a smaller problem.

    Examples
    --------
    >>> check_explain_size([2, 3, 1], 3)
    >>> check_explain_size([300, 300, 300, 10], 20)
    Traceback (most recent call last):
        ...
    chainrule.errors.ConfigError: explain: the network [300, 300, 300, 10] has ...
    """
    weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
    shown = f"{sizes[:8]}" if len(sizes) <= 8 else f"{sizes[:8]}..."
    if weights > MAX_EXPLAIN_WEIGHTS or max(sizes) > MAX_EXPLAIN_UNITS:
        raise ConfigError(
            f"explain: the network {shown} has {weights} weights and up to "
            f"{max(sizes)} units in a layer; a derivation written out in full "
            f"takes at most {MAX_EXPLAIN_WEIGHTS} weights and {MAX_EXPLAIN_UNITS} "
            "units a layer: explain a smaller network"
        )
    if n_rows * max(sizes) > MAX_EXPLAIN_ROWS * 10 or n_rows > MAX_EXPLAIN_ROWS:
        raise ConfigError(
            f"explain: {n_rows} rows of data for a network {shown}: a derivation "
            f"written out in full takes at most {MAX_EXPLAIN_ROWS} rows and "
            f"{MAX_EXPLAIN_ROWS * 10} rows x units; explain a slice of the data "
            "(for example X[:10], y[:10])"
        )


#: The most epochs a run may ask for; beyond it a typo is more likely than a
#: plan (10**7 epochs of one row take hours).
MAX_EPOCHS = 10**7


def check_epochs(name: str, value: object) -> int:
    """A count of epochs: an integer in [1, :data:`MAX_EPOCHS`]."""
    n = check_positive(name, value, integer=True)
    if n > MAX_EPOCHS:
        raise InvalidValueError(
            f"{name}: expected at most {MAX_EPOCHS} epochs, got {value!r:.40}"
        )
    return int(n)
