"""Training: the fit options, optimizers, schedules, loops and checkpoints.

:mod:`~chainrule.train.options` declares every option of ``fit`` once and
holds the data types (``History``, ``Settings``, ``State``);
:mod:`~chainrule.train.fit` validates a call and runs
:mod:`~chainrule.train.first_order` or :mod:`~chainrule.train.quasi_newton`.
The loops work on the parameters of a model through its public methods.

Layer: may import :mod:`chainrule.core`, :mod:`chainrule.persist`,
:mod:`chainrule.errors` and :mod:`chainrule.validation`.
"""
