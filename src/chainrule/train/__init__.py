"""Training: the fit options, optimizers, schedules, loops and checkpoints.

:mod:`~chainrule.train.options` declares every option of ``fit`` once
(``OPTIONS``, whose entries are :mod:`~chainrule.train.option_entry`'s) and
makes ``Settings`` from it; :mod:`~chainrule.train.optimizers` holds the one
optimizer table (``TABLE``); :mod:`~chainrule.train.records` the data types
``History`` and ``State``;
:mod:`~chainrule.train.fit` validates a call and runs
:mod:`~chainrule.train.first_order` or :mod:`~chainrule.train.quasi_newton`.
The loops work on the parameters of a model through its public methods.

Layer: may import :mod:`chainrule.core`, :mod:`chainrule.persist`,
:mod:`chainrule.errors` and :mod:`chainrule.validation`.
"""
