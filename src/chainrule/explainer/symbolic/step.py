"""``SymStep``: one step of a symbolic derivation (data only; no SymPy import)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SymStep:
    """One step of a symbolic derivation.

    Attributes
    ----------
    symbol : str
        The Welch key (``"dJdW2"``).
    phase : {"forward", "backward"}
    formula, formula_latex : str
        The matrix-level equation (``"∂J/∂W⁽²⁾ = (a⁽²⁾)ᵀ δ⁽³⁾"``).
    shape : tuple of int
    local : sympy.Matrix
        Element by element, in the earlier steps' symbols.
    base : sympy.Matrix
        The same in the base symbols.
    checks : tuple of SymCheck
        What SymPy checked, how, and whether it held.
    note : str
    """

    symbol: str
    phase: str
    formula: str
    formula_latex: str
    shape: tuple
    local: Any
    base: Any
    checks: tuple = ()
    note: str = ""

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)
