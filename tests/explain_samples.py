"""Problems that the rendering tests explain: the built-in examples and more.

Besides every built-in example: the sample problem of docs/explain.md, and a
2-12-3-1 network on 30 examples, whose matrices are too wide and too tall for
a page unless a renderer breaks and abbreviates them.
"""

import numpy as np

import chainrule as cr
from chainrule.explainer.problems import list_examples, load_example, parse_problem

# The sample problem of docs/explain.md ("A 2-3-1 exercise"), as the docs write it.
DOCS_PROBLEM = """
title = "A 2-3-1 exercise"
learning_rate = 0.5
notation = "welch"
[network]
sizes = [2, 3, 1]
activation = "sigmoid"
loss = "sse"
bias = false
[weights]
W1 = [[1, 1, 1], [1, 1, 1]]
W2 = [[1], [1], [1]]
[data]
X = [[3, 5]]
y = [[0.75]]
"""


def thirty_examples(notation="welch"):
    """A 2-12-3-1 network on 30 examples: wide and tall matrices everywhere."""
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(30, 2)), rng.uniform(size=(30, 1))
    net = cr.Network([2, 12, 3, 1], seed=0)
    return cr.explain(net, X, y, learning_rate=0.1, notation=notation)


def explanation(name):
    if name == "docs-sample":
        return parse_problem(DOCS_PROBLEM).explain()
    if name == "thirty-examples":
        return thirty_examples()
    return load_example(name).explain()


PROBLEMS = [*sorted(list_examples()), "docs-sample", "thirty-examples"]
