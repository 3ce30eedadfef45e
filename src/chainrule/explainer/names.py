"""The names of a derivation's quantities, in both notations, as text and LaTeX.

Welch notation is the tutorial's (input = layer 1: ``z⁽²⁾ = X W⁽¹⁾``);
bracket notation is seed 001's (``a[0] = X``, ``z[1] = a[0] W[1] + b[1]``,
``g[1z] = ∂L/∂z[1]``). The mapping itself lives in
:func:`chainrule.core.trace.welch_to_bracket`; this module only spells it.

Examples
--------
>>> n = Names("welch", 2)
>>> n.text("delta3"), n.latex("dJdW1")
('δ⁽³⁾', '\\\\frac{\\\\partial J}{\\\\partial W^{(1)}}')
>>> b = Names("bracket", 2)
>>> b.text("delta3"), b.latex("z2"), b.text("fprime2")
('g[2z]', 'z^{[1]}', 'g′(z[1])')
"""

from __future__ import annotations

import re

from chainrule.core.trace import NOTATIONS, welch_to_bracket
from chainrule.errors import UnknownNameError

_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_INDEXED = re.compile(r"(a|z|delta|dJdW|dJdb|dJda|W|b|fprime)(\d+)")


def check_notation(notation: object) -> str:
    """``notation`` if it is ``"welch"`` or ``"bracket"``, else an error."""
    if notation not in NOTATIONS:
        raise UnknownNameError(
            f"notation: unknown name {notation!r}; expected one of {NOTATIONS}"
        )
    return str(notation)


class Names:
    """Spell the Welch keys of a trace in one notation.

    Parameters
    ----------
    notation : {"welch", "bracket"}
    n_layers : int
        ``L``, the number of weight layers.
    """

    def __init__(self, notation: str, n_layers: int) -> None:
        self.notation = check_notation(notation)
        self.n_layers = n_layers

    @property
    def f(self) -> str:
        """The activation's letter: ``f`` (tutorial) or ``g`` (seed 001)."""
        return "f" if self.notation == "welch" else "g"

    def text(self, key: str) -> str:
        """Plain-text (Unicode) name of a Welch key such as ``"dJdW2"``."""
        if self.notation == "bracket":
            return self._bracket_text(key)
        fixed = {"X": "X", "y": "y", "yHat": "ŷ", "J": "J", "dJdyHat": "∂J/∂ŷ"}
        if key in fixed:
            return fixed[key]
        kind, i = self._split(key)
        sup = f"⁽{str(i).translate(_SUP)}⁾"
        return {
            "a": f"a{sup}",
            "z": f"z{sup}",
            "W": f"W{sup}",
            "b": f"b{sup}",
            "delta": f"δ{sup}",
            "dJdW": f"∂J/∂W{sup}",
            "dJdb": f"∂J/∂b{sup}",
            "dJda": f"∂J/∂a{sup}",
            "fprime": f"f′(z{sup})",
        }[kind]

    def latex(self, key: str) -> str:
        """LaTeX name of a Welch key (math mode)."""
        if self.notation == "bracket":
            return self._bracket_latex(key)
        fixed = {
            "X": "X",
            "y": "y",
            "yHat": r"\hat{y}",
            "J": "J",
            "dJdyHat": r"\frac{\partial J}{\partial \hat{y}}",
        }
        if key in fixed:
            return fixed[key]
        kind, i = self._split(key)
        sup = f"^{{({i})}}"
        return {
            "a": f"a{sup}",
            "z": f"z{sup}",
            "W": f"W{sup}",
            "b": f"b{sup}",
            "delta": rf"\delta{sup}",
            "dJdW": rf"\frac{{\partial J}}{{\partial W{sup}}}",
            "dJdb": rf"\frac{{\partial J}}{{\partial b{sup}}}",
            "dJda": rf"\frac{{\partial J}}{{\partial a{sup}}}",
            "fprime": f"f'(z{sup})",
        }[kind]

    # ---------------------------------------------------------------- bracket
    def _bracket_text(self, key: str) -> str:
        if key.startswith("fprime"):
            _, i = self._split(key)
            return f"g′({welch_to_bracket(f'z{i}', self.n_layers)})"
        name = welch_to_bracket(key, self.n_layers)
        if name is None:
            raise UnknownNameError(f"no bracket-notation name for {key!r}")
        return name

    def _bracket_latex(self, key: str) -> str:
        if key.startswith("fprime"):
            _, i = self._split(key)
            return f"g'({self._bracket_latex(f'z{i}')})"
        name = self._bracket_text(key)
        fixed = {"L": r"\mathcal{L}", "ŷ": r"\hat{y}", "y": "y"}
        if name in fixed:
            return fixed[name]
        m = re.fullmatch(r"(\w)\[(\w+)\]", name)
        return f"{m.group(1)}^{{[{m.group(2)}]}}"

    @staticmethod
    def _split(key: str) -> tuple[str, int]:
        m = _INDEXED.fullmatch(key)
        if m is None:
            raise UnknownNameError(f"not a name of a derivation step: {key!r}")
        return m.group(1), int(m.group(2))
