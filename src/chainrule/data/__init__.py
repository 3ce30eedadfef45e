"""Tables and data sets: reading files, preparing columns, scaling.

Layer: may import :mod:`chainrule.core`, :mod:`chainrule.errors` and
:mod:`chainrule.validation`.
"""
