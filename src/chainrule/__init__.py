"""chainrule: build, train, check and explain neural networks by backpropagation.

Examples
--------
>>> import chainrule as cr
>>> X, y = cr.datasets.test_scores()
>>> net = cr.Network([2, 3, 1], activation="sigmoid", loss="sse", seed=0)
>>> cr.gradcheck(net, X, y).ok
True
"""

from __future__ import annotations

# First, before the imports that take time: in the ``chainrule`` command,
# Ctrl-C during them exits 130 quietly (see chainrule.interrupt).
from chainrule import interrupt

interrupt.guard_startup()

# isort: split

import importlib
import importlib.util
from typing import TYPE_CHECKING

from chainrule.errors import (
    ChainruleError,
    ConfigError,
    DataFileError,
    DivergenceError,
    InvalidTypeError,
    InvalidValueError,
    ModelFileError,
    ShapeError,
    UnknownNameError,
)
from chainrule.version import VERSION

if TYPE_CHECKING:
    from chainrule import accel
    from chainrule.core.activations import register_activation
    from chainrule.core.dropout import Masks
    from chainrule.core.losses import register_loss
    from chainrule.core.trace import Trace
    from chainrule.data import datasets
    from chainrule.explainer import Explanation, Step, explain
    from chainrule.explainer.assess.grading import CheckItem, CheckReport, check
    from chainrule.explainer.symbolic import Derivation, derive
    from chainrule.explainer.worksheets import Worksheet, worksheet
    from chainrule.gradient_check import GradCheck, gradcheck
    from chainrule.loading import load
    from chainrule.network import Network
    from chainrule.train import optimizers
    from chainrule.train.options import History

#: Names imported on first use (PEP 562): name -> the module that defines it
#: (``accel``, ``datasets`` and ``optimizers`` are those modules themselves).
#: ``import chainrule`` loads only the errors, so that the ``chainrule``
#: command's help and a script's first line wait for nothing; the first use
#: of ``Network`` imports NumPy and the engine, of ``explain`` the explainer.
_LAZY = {
    "Network": "chainrule.network",
    "Trace": "chainrule.core.trace",
    "Masks": "chainrule.core.dropout",
    "History": "chainrule.train.options",
    "GradCheck": "chainrule.gradient_check",
    "gradcheck": "chainrule.gradient_check",
    "load": "chainrule.loading",
    "register_activation": "chainrule.core.activations",
    "register_loss": "chainrule.core.losses",
    "accel": "chainrule.accel",
    "optimizers": "chainrule.train.optimizers",
    "datasets": "chainrule.data.datasets",
    "Explanation": "chainrule.explainer",
    "Step": "chainrule.explainer",
    "explain": "chainrule.explainer",
    "CheckItem": "chainrule.explainer.assess.grading",
    "CheckReport": "chainrule.explainer.assess.grading",
    "check": "chainrule.explainer.assess.grading",
    "Derivation": "chainrule.explainer.symbolic",
    "derive": "chainrule.explainer.symbolic",
    "Worksheet": "chainrule.explainer.worksheets",
    "worksheet": "chainrule.explainer.worksheets",
}
_MODULES = {"accel", "datasets", "optimizers"}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        if importlib.util.find_spec(f"chainrule.{name}") is None:
            raise AttributeError(f"module 'chainrule' has no attribute {name!r}")
        return importlib.import_module(f"chainrule.{name}")  # a subpackage
    value = importlib.import_module(module)
    if name not in _MODULES:
        value = getattr(value, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__version__ = VERSION

__all__ = [
    "ChainruleError",
    "CheckItem",
    "CheckReport",
    "ConfigError",
    "DataFileError",
    "Derivation",
    "DivergenceError",
    "Explanation",
    "GradCheck",
    "History",
    "InvalidTypeError",
    "InvalidValueError",
    "Masks",
    "ModelFileError",
    "Network",
    "ShapeError",
    "Step",
    "Trace",
    "UnknownNameError",
    "Worksheet",
    "__version__",
    "accel",
    "check",
    "datasets",
    "derive",
    "explain",
    "gradcheck",
    "load",
    "optimizers",
    "register_activation",
    "register_loss",
    "worksheet",
]
