"""chainrule: build, train, check and explain neural networks by backpropagation.

Examples
--------
>>> import chainrule as cr
>>> X, y = cr.datasets.test_scores()
>>> net = cr.Network([2, 3, 1], activation="sigmoid", loss="sse", seed=0)
>>> cr.gradcheck(net, X, y).ok
True
"""

from chainrule import datasets
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
from chainrule.explain import Explanation, Step, explain
from chainrule.gradcheck import GradCheck, gradcheck
from chainrule.io import load
from chainrule.network import Network
from chainrule.trace import Trace
from chainrule.training import History

__version__ = "0.1.0"

__all__ = [
    "ChainruleError",
    "ConfigError",
    "DataFileError",
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
    "datasets",
    "explain",
    "gradcheck",
    "load",
]
