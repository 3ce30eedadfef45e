"""chainrule: build, train, check and explain neural networks by backpropagation.

Examples
--------
>>> import chainrule as cr
>>> X, y = cr.datasets.test_scores()
>>> net = cr.Network([2, 3, 1], activation="sigmoid", loss="sse", seed=0)
>>> cr.gradcheck(net, X, y).ok
True
"""

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
from chainrule.gradient_check import GradCheck, gradcheck
from chainrule.network import Network
from chainrule.persist.model import load
from chainrule.train.fit import History

__version__ = "0.1.0"

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
    "__version__",
    "check",
    "datasets",
    "derive",
    "explain",
    "gradcheck",
    "load",
]
