"""The command line, a thin layer over the library.

:func:`~chainrule.cli.app.main` parses, handles errors and exit codes; each
command lives in its own module.

Layer: may import everything else in chainrule; nothing imports it but
``chainrule.__main__``.
"""

from chainrule.cli.app import main

__all__ = ["main"]
