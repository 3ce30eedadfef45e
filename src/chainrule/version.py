"""The version of chainrule (also ``chainrule.__version__``).

Layer: the bottom, with :mod:`chainrule.errors`; imports nothing.
"""

VERSION = "0.1.0"
