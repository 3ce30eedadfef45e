"""``import chainrule`` stays light: no heavy package is imported by it.

A behaviour test, not a timing test: the heavy packages (SciPy, SymPy, the
CLI's Rich and Typer, Arrow, numba, Matplotlib, scikit-learn, Dask, pandas)
are imported by the calls that need them, never by the import itself.
"""

import subprocess
import sys
from pathlib import Path

HEAVY = (
    "{'scipy','sympy','rich','typer','pyarrow','numba','matplotlib','sklearn',"
    "'dask','pandas'}"
)
SRC = str(Path(__file__).resolve().parents[1] / "src")


def _modules_after(code: str) -> str:
    script = (
        f"import sys; sys.path.insert(0, {SRC!r}); {code}; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {HEAVY}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def test_import_chainrule_imports_no_heavy_package():
    assert _modules_after("import chainrule") == "[]"


def test_the_first_use_imports_what_it_needs():
    """The check above is not vacuous: a lazy name does import its module."""
    assert "sympy" in _modules_after("import chainrule; chainrule.derive([1, 1])")
    assert _modules_after("import chainrule; chainrule.explain") == "[]"
