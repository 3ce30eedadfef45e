"""The mathematics of one forward and one backward pass, as pure functions.

Activations and costs are registries of ``(f, f')``; :mod:`~chainrule.core.forward`
and :mod:`~chainrule.core.backward` run the passes over a parameter dict,
:mod:`~chainrule.core.workspace` holds reusable buffers for them, and
:mod:`~chainrule.core.trace` records every named intermediate.

Layer: may import :mod:`chainrule.errors` and :mod:`chainrule.validation` only.
"""
