"""chainrule: build, train, check and explain neural networks by backpropagation.

Examples
--------
>>> import chainrule as cr
>>> X, y = cr.datasets.test_scores()
>>> net = cr.Network([2, 3, 1], activation="sigmoid", loss="sse", seed=0)
>>> cr.gradcheck(net, X, y).ok
True
"""

# First, before the imports that take time: in the ``chainrule`` command,
# Ctrl-C during them exits 130 quietly (see chainrule.interrupt).
from chainrule import interrupt

interrupt.guard_startup()

# isort: split
from chainrule.core.trace import Trace
from chainrule.data import datasets
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
from chainrule.explainer import Explanation, Step, explain
from chainrule.explainer.grading import CheckItem, CheckReport, check
from chainrule.explainer.symbolic import Derivation, derive
from chainrule.explainer.worksheets import Worksheet, worksheet
from chainrule.gradient_check import GradCheck, gradcheck
from chainrule.loading import load
from chainrule.network import Network
from chainrule.train import optimizers
from chainrule.train.options import History
from chainrule.version import VERSION

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
    "ModelFileError",
    "Network",
    "ShapeError",
    "Step",
    "Trace",
    "UnknownNameError",
    "Worksheet",
    "__version__",
    "check",
    "datasets",
    "derive",
    "explain",
    "gradcheck",
    "load",
    "optimizers",
    "worksheet",
]
