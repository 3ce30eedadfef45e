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
>>> b.text("delta3"), b.latex("z2"), b.text("fprime2"), b.text("fprime3")
('g[2z]', 'z^{[1]}', 'g′ₕ(z[1])', 'g′ₒ(z[2])')
>>> c = Names("welch", 2, convention="column")
>>> c.text("delta3"), c.text("dJdW1"), c.latex("a2"), c.text("yHat")
('dZ[2]', 'dW[1]', 'A^{[1]}', 'Ŷ')
"""

from __future__ import annotations

import re

from chainrule.core.trace import NOTATIONS, welch_to_bracket
from chainrule.errors import UnknownNameError

_SUP = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")
_SUB = str.maketrans("0123456789x,", "₀₁₂₃₄₅₆₇₈₉ₓ,")
CONVENTIONS = ("row", "column")
_INDEXED = re.compile(r"(a|z|delta|dJdW|dJdb|dJda|W|b|fprime|m|am)(\d+)")


def check_notation(notation: object) -> str:
    """``notation`` if it is ``"welch"`` or ``"bracket"``, else an error."""
    if notation not in NOTATIONS:
        raise UnknownNameError(
            f"notation: unknown name {notation!r}; expected one of {NOTATIONS}"
        )
    return str(notation)


def check_convention(convention: object) -> str:
    """``convention`` if it is ``"row"`` or ``"column"``, else an error."""
    if convention not in CONVENTIONS:
        raise UnknownNameError(
            f"convention: unknown name {convention!r}; expected one of {CONVENTIONS}"
        )
    return str(convention)


def subscript(text: str) -> str:
    """``"2x1"`` as ``"₂ₓ₁"``: digits, ``x`` and commas as subscripts."""
    return str(text).translate(_SUB)


def shape_sub(shape: tuple) -> tuple[str, str]:
    """An operand's shape as seed 001 writes it: ``₂ₓ₁``, ``_{2 \times 1}``."""
    r, c = (tuple(shape) + (1, 1))[:2] if len(shape) < 2 else shape
    return subscript(f"{r}x{c}"), rf"_{{{r} \times {c}}}"


class Names:
    """Spell the Welch keys of a trace in one notation.

    Parameters
    ----------
    notation : {"welch", "bracket"}
    n_layers : int
        ``L``, the number of weight layers.
    convention : {"row", "column"}
        ``"column"`` spells CS230's names (``Z[l]``, ``A[l]``, ``dZ[l]``,
        ``dW[l]``), whatever ``notation`` says.
    """

    def __init__(self, notation: str, n_layers: int, convention: str = "row") -> None:
        self.notation = check_notation(notation)
        self.n_layers = n_layers
        self.convention = check_convention(convention)

    @property
    def style(self) -> str:
        """``"welch"``, ``"bracket"`` or ``"column"``: whose names are spelled."""
        return "column" if self.convention == "column" else self.notation

    @property
    def first_layer(self) -> int:
        """The input layer's number: 1 in Welch notation, 0 in seed 001's
        bracket notation and in CS230's column convention."""
        return 1 if self.style == "welch" else 0

    def layer(self, l: int) -> int:
        """Welch layer ``l`` (input = 1) as this notation numbers it.

        Examples
        --------
        >>> Names("welch", 3).layer(3), Names("bracket", 3).layer(3)
        (3, 2)
        """
        return l - 1 + self.first_layer

    @property
    def f(self) -> str:
        """The activation's letter: ``f`` (tutorial) or ``g`` (seed 001, CS230)."""
        return "f" if self.style == "welch" else "g"

    def act(self, output: bool) -> tuple[str, str]:
        """The activation's name, text and LaTeX: seed 001 writes ``gₕ`` and ``gₒ``."""
        if self.style == "bracket":
            return ("gₒ", "g_o") if output else ("gₕ", "g_h")
        return self.f, self.f

    def text(self, key: str) -> str:
        """Plain-text (Unicode) name of a Welch key such as ``"dJdW2"``."""
        if self.style == "column":
            return self._column(key, latex=False)
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
            "m": f"m{sup}",
            "am": f"ã{sup}",
        }[kind]

    def latex(self, key: str) -> str:
        """LaTeX name of a Welch key (math mode)."""
        if self.style == "column":
            return self._column(key, latex=True)
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
            "m": f"m{sup}",
            "am": rf"\tilde{{a}}{sup}",
        }[kind]

    # ----------------------------------------------------------------- column
    def _column(self, key: str, latex: bool) -> str:
        """CS230's names: ``X``, ``Y``, ``Ŷ``, ``Z[l]``, ``A[l]``, ``dZ[l]``..."""
        L = self.n_layers
        fixed = {"X": "X", "y": "Y", "J": "J"}
        fixed["yHat"] = r"\hat{Y}" if latex else "Ŷ"
        if key in fixed:
            return fixed[key]
        if key == "dJdyHat":
            kind, i = "dA", L
        else:
            k, n = self._split(key)
            kind, i = {
                "a": ("A", n - 1),
                "z": ("Z", n - 1),
                "W": ("W", n),
                "b": ("b", n),
                "delta": ("dZ", n - 1),
                "dJda": ("dA", n - 1),
                "dJdW": ("dW", n),
                "dJdb": ("db", n),
                "fprime": ("g′", n - 1),
                "m": ("M", n - 1),
                "am": ("Ã", n - 1),
            }[k]
        if kind == "g′":
            z = f"Z^{{[{i}]}}" if latex else f"Z[{i}]"
            return f"g'({z})" if latex else f"g′({z})"
        if latex and kind == "Ã":
            return rf"\tilde{{A}}^{{[{i}]}}"
        if latex:
            return (
                rf"\mathrm{{d}}{kind[1:]}^{{[{i}]}}"
                if kind[0] == "d"
                else (f"{kind}^{{[{i}]}}")
            )
        return f"{kind}[{i}]"

    # ---------------------------------------------------------------- bracket
    def _bracket_text(self, key: str) -> str:
        if key.startswith("fprime"):
            _, i = self._split(key)
            h = "ₒ" if i == self.n_layers + 1 else "ₕ"
            return f"g′{h}({welch_to_bracket(f'z{i}', self.n_layers)})"
        name = welch_to_bracket(key, self.n_layers)
        if name is None:
            raise UnknownNameError(f"no bracket-notation name for {key!r}")
        return name

    def _bracket_latex(self, key: str) -> str:
        if key.startswith("fprime"):
            _, i = self._split(key)
            h = "o" if i == self.n_layers + 1 else "h"
            return f"g'_{h}({self._bracket_latex(f'z{i}')})"
        name = self._bracket_text(key)
        fixed = {"L": r"\mathcal{L}", "ŷ": r"\hat{y}", "y": "y"}
        if name in fixed:
            return fixed[name]
        if name.startswith("ã["):
            return rf"\tilde{{a}}^{{[{name[2:-1]}]}}"
        m = re.fullmatch(r"(\w)\[(\w+)\]", name)
        return f"{m.group(1)}^{{[{m.group(2)}]}}"

    @staticmethod
    def _split(key: str) -> tuple[str, int]:
        m = _INDEXED.fullmatch(key)
        if m is None:
            raise UnknownNameError(f"not a name of a derivation step: {key!r}")
        return m.group(1), int(m.group(2))
