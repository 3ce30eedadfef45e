r"""Prose with maths: how every document's sentences hold their formulas.

The sentences of the data -- a worksheet's questions, answers and choices,
the seeds' errata, an example's description -- are plain text with two kinds
of span: ``$...$`` holds LaTeX maths, ``\`...\``` a literal (an option name,
a misprint quoted as the seed prints it). ``\$`` is a dollar sign; a ``$``
without its closing one is text. Text without spans is unchanged in every
format, so a user's description reads as it was written.

:func:`convert` is the one reader: it cuts the sentence into spans and hands
each to the format's writer (its escape for text; its maths; its literal).
Each format module calls it with its own writers: LaTeX keeps the maths as is,
HTML turns it into MathML, text and the terminal write it in Unicode with
:func:`unicode` (``$W_{i,1}^{[3]}$`` as ``Wᵢ,₁[3]``, ``$e^{-z}$`` as ``e⁻ᶻ``).

Examples
--------
>>> spans(r"each $W_{i,1}^{[3]}$ costs \$1 (`a_b`)")  # doctest: +NORMALIZE_WHITESPACE
[('text', 'each '), ('math', 'W_{i,1}^{[3]}'), ('text', ' costs $1 ('),
 ('code', 'a_b'), ('text', ')')]
>>> unicode(r"\sigma(z) = \frac{1}{1 + e^{-z}}")
'σ(z) = 1/(1 + e⁻ᶻ)'
>>> unicode(r"\frac{\partial L}{\partial W^{[3]}_{i,1}}, g_h'(z^{[2]}), \hat{y}")
'∂L/∂W[3]ᵢ,₁, gₕ′(z[2]), ŷ'
>>> plain("$X \\in \\mathbb{R}^{N \\times 2}$, $(a^{(2)})^{\\top}\\delta^{(3)}$")
'X ∈ ℝᴺˣ², (a⁽²⁾)ᵀδ⁽³⁾'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

__all__ = ["convert", "plain", "spans", "unicode"]

_SPAN = re.compile(r"\\\$|`[^`]*`|\$(?:\\.|[^$\\])+\$")


def spans(text: str) -> list[tuple[str, str]]:
    """``text`` cut into ``("text" | "math" | "code", content)`` spans."""
    out: list[tuple[str, str]] = []

    def add(kind: str, s: str) -> None:
        if kind == "text" and out and out[-1][0] == "text":
            out[-1] = ("text", out[-1][1] + s)
        elif s or kind != "text":
            out.append((kind, s))

    at = 0
    for m in _SPAN.finditer(text):
        add("text", text[at : m.start()])
        s = m.group()
        if s == "\\$":
            add("text", "$")
        elif s[0] == "`":
            add("code", s[1:-1])
        else:
            add("math", s[1:-1])
        at = m.end()
    add("text", text[at:])
    return out


def convert(
    text: str,
    escape: Callable[[str], str],
    math: Callable[[str], str],
    code: Callable[[str], str],
) -> str:
    """``text`` written span by span: ``escape`` the text, ``math`` the
    LaTeX of each maths span, ``code`` each literal."""
    writers = {"text": escape, "math": math, "code": code}
    return "".join(writers[kind](s) for kind, s in spans(text))


def plain(text: str) -> str:
    """Plain text: maths in Unicode, literals in backquotes."""
    return convert(text, str, unicode, lambda c: f"`{c}`")


# ------------------------------------------------- LaTeX maths as Unicode
_SUP = dict(zip("0123456789+-−=()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ⁿ", strict=True))
_SUP.update(zip("abcdefghijklmoprstuvwxyz", "ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐᵒᵖʳˢᵗᵘᵛʷˣʸᶻ", strict=True))
_SUP.update({"T": "ᵀ", "ᵀ": "ᵀ", "×": "ˣ", "N": "ᴺ", "′": "′", " ": ""})
_SUB = dict(zip("0123456789+-−=()", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎", strict=True))
_SUB.update(zip("aehijklmnoprstuvx", "ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ", strict=True))
_SUB.update({",": ",", "×": "ₓ", " ": ""})

_SYMBOLS = {
    "partial": "∂",
    "cdot": "·",
    "circ": "∘",
    "odot": "⊙",
    "oslash": "⊘",
    "times": "×",
    "top": "ᵀ",
    "in": "∈",
    "sum": "Σ",
    "prod": "Π",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "ne": "≠",
    "neq": "≠",
    "approx": "≈",
    "to": "→",
    "rightarrow": "→",
    "mapsto": "↦",
    "infty": "∞",
    "prime": "′",
    "ldots": "…",
    "dots": "…",
    "cdots": "⋯",
    "nabla": "∇",
    "pm": "±",
    "mid": "|",
    "vert": "|",
    "lvert": "|",
    "rvert": "|",
    "|": "‖",
    "Vert": "‖",
    "lbrack": "[",
    "rbrack": "]",
    "{": "{",
    "}": "}",
    "$": "$",
    "%": "%",
    "&": "&",
    "_": "_",
    "#": "#",
    ",": " ",
    ";": " ",
    ":": " ",
    " ": " ",
    "quad": "  ",
    "qquad": "   ",
    "!": "",
    "left": "",
    "right": "",
    "big": "",
    "Big": "",
    "bigl": "",
    "bigr": "",
    "varepsilon": "ε",
    "vartheta": "ϑ",
    "varphi": "φ",
    "ell": "ℓ",
}
for _ch in "αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΥΦΨΩ":  # \\alpha, ..., \\Omega
    _small, _name = unicodedata.name(_ch).split()[1:4:2]
    _name = _name.lower().replace("lamda", "lambda")
    _SYMBOLS[_name if _small == "SMALL" else _name.capitalize()] = _ch
_TIGHT = {"partial", "nabla", "left", "right", "big", "Big", "bigl", "bigr"}
_WORDS = {"log", "ln", "exp", "max", "min", "sin", "cos", "tanh", "arg"}
_ACCENTS = {"hat": "\u0302", "bar": "\u0304", "tilde": "\u0303", "vec": "\u20d7"}
_LETTERS = {"mathbb": {"R": "ℝ", "N": "ℕ", "Z": "ℤ", "E": "𝔼"}}
# commands whose argument is written as it is
_AS_IS = {"text", "textrm", "mathrm", "mathit", "mathbf", "mathcal", "operatorname"}
_AS_IS |= {"boldsymbol", "mathrel", "mathop", "mathsf", "texttt", "mbox"}
_TOKEN = re.compile(r"\\[A-Za-z]+ ?|\\.|\s+|.", re.S)


class _Reader:
    """LaTeX tokens read one group at a time."""

    def __init__(self, tex: str) -> None:
        self.tokens = _TOKEN.findall(tex)
        self.at = 0

    def next(self) -> str | None:
        if self.at >= len(self.tokens):
            return None
        self.at += 1
        return self.tokens[self.at - 1]

    def argument(self) -> str:
        """The next token or ``{group}``, in Unicode."""
        t = self.next()
        while t is not None and t.isspace():
            t = self.next()
        if t is None:
            return ""
        return self.group() if t == "{" else self.one(t)

    def group(self, until: str | None = "}") -> str:
        out = []
        while (t := self.next()) is not None and t != until:
            out.append(self.one(t))
        return "".join(out)

    def one(self, t: str) -> str:
        if t == "{":
            return self.group()
        if t == "^":
            return _script(self.argument(), _SUP, "^")
        if t == "_":
            return _script(self.argument(), _SUB, "_")
        if t == "-":
            return "−"
        if t == "'":
            return "′"
        if t == ",":  # LaTeX spaces after a comma (not in a subscript: ᵢ,₁)
            return ", "
        if t.isspace():
            return " "
        if t[0] != "\\" or len(t) == 1:
            return t
        name = t[1:].rstrip() if t[1].isalpha() else t[1:]
        out = self.command(name)
        # a command's space is kept after a symbol (``X \\in A``), not after ∂
        keep = t.endswith(" ") and name in _SYMBOLS.keys() - _TIGHT | _WORDS
        return out + " " if keep and out else out

    def command(self, name: str) -> str:
        if name == "frac" or name in ("dfrac", "tfrac"):
            top, bottom = self.argument(), self.argument()
            if top + bottom in _FRACTIONS:
                return _FRACTIONS[top + bottom]
            return f"{_wrap(top)}/{_wrap(bottom, denominator=True)}"
        if name == "sqrt":
            return f"√{_wrap(self.argument())}"
        if name in _ACCENTS:
            return unicodedata.normalize("NFC", self.argument() + _ACCENTS[name])
        if name in _LETTERS:
            arg = self.argument()
            return "".join(_LETTERS[name].get(c, c) for c in arg)
        if name in _AS_IS:
            return self.argument()
        if name in _SYMBOLS:
            return _SYMBOLS[name]
        if name in _WORDS:
            return name
        return "\\" + name  # unknown: shown as written


def _wrap(s: str, denominator: bool = False) -> str:
    """``s`` in parentheses when it has more than one term or factor (a
    denominator ``2N`` too)."""
    s = s.strip()
    top = re.sub(r"\([^()]*\)", "()", s)  # what is outside parentheses
    many = re.search(r"[\s+−/·×]", top) or (denominator and re.match(r"\d.", top))
    return f"({s})" if many else s


_FRACTIONS = {"12": "½", "13": "⅓", "14": "¼", "34": "¾", "23": "⅔"}


def _script(s: str, table: dict, mark: str) -> str:
    """A super- or subscript in Unicode; a bracket ``[1]`` as it is (seed
    001's layers, ``[3]ᵀ``); else ``^(...)`` or ``_(...)``."""
    bracket, rest = re.fullmatch(r"(\[[^\]]*\]|)(.*)", s).groups()
    if all(c in table for c in rest):
        return bracket + "".join(table[c] for c in rest)
    return f"{mark}{s}" if len(s) == 1 else f"{mark}({s})"


def unicode(tex: str) -> str:
    """LaTeX maths as Unicode text (see the module's examples).

    Spaces are kept as written (``1 + e^{-z}``, ``x \\in A``), but not
    after ``\\partial`` (``\\partial L`` is ``∂L``). A super- or subscript
    without Unicode characters is written ``^(...)``; a command this table
    does not know is shown as written.
    """
    out = _Reader(tex).group(until=None)
    return re.sub(r" {2,}", " ", out).strip()
