"""Files: output paths, atomic writes, the checked safetensors reader, models.

Nothing here unpickles. :mod:`~chainrule.persist.model` turns a configuration
and a parameter dict into bytes and back; building a ``Network`` from them is
the job of :func:`chainrule.load`.

Layer: may import :mod:`chainrule.core`, :mod:`chainrule.errors` and
:mod:`chainrule.validation`.
"""
