"""Problem files: a network, its weights and its data, in TOML.

A problem file is what a textbook exercise states::

    title = "Seed 004"
    description = "One input, one hidden unit, one output."
    learning_rate = 0.1          # optional: add the update and forward again
    notation = "welch"           # optional: or "bracket"
    errata = "seed004"           # optional: append that seed's misprints

    [network]
    sizes = [1, 1, 1]
    activation = "relu"          # one name, or one per weight layer
    loss = "mse"
    bias = false                 # one bool, or one per weight layer
    # also: output_activation, l2, seed, init, dtype (as for Network)

    [weights]                    # optional: else seeded initial weights
    W1 = [[0.5]]
    W2 = [[0.8]]

    [data]
    X = [[3]]
    y = [[2]]                    # or: dataset = "test_scores"

    [chain_wording]              # optional: the source's own headings of a
    table_title = "Problem 3"    # scalar chain's table (also rule_title,
                                 # mapping_lead; see explain's chain_wording)

Every mistake is a :class:`~chainrule.errors.DataFileError` that names the
file, the key and what was expected.

Examples
--------
>>> p = load_example("seed004")
>>> p.network.sizes, p.learning_rate
([1, 1, 1], 0.1)
>>> p.explain()["dJdW1"].value
array([[-1.92]])
>>> parse_problem('[network]\\nsizes = [1, 1]\\n[data]\\nX = [[1]]\\ny = [[1, 2]]')
Traceback (most recent call last):
...
chainrule.errors.DataFileError: <string>: data.y: ...
"""

from __future__ import annotations

import tomllib
import warnings
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import numpy as np

from chainrule.core.trace import NOTATIONS
from chainrule.data import datasets
from chainrule.errors import ChainruleError, DataFileError, UnknownNameError
from chainrule.explainer.build.derivation import explain
from chainrule.explainer.build.explanation import Explanation
from chainrule.explainer.notation.names import CONVENTIONS
from chainrule.explainer.paths.scalar_chain import WORDING
from chainrule.explainer.problems.errata import describe as describe_errata
from chainrule.explainer.problems.errata import seeds as errata_seeds
from chainrule.network import Network
from chainrule.persist.text_files import check_toml_bounds, read_text_file

TOP_KEYS = {"title", "description", "learning_rate", "notation", "network", "errata"}
TOP_KEYS |= {"weights", "data", "convention", "update_biases", "chain_wording"}
NETWORK_KEYS = {"sizes", "activation", "output_activation", "loss", "bias", "l2"}
NETWORK_KEYS |= {"seed", "init", "dtype"}
DATASETS = {"test_scores": datasets.test_scores}


class AmbiguousOrientationWarning(UserWarning):
    """A square weight matrix in a problem file that states no convention."""


@dataclass
class Problem:
    """A network with its parameters and data, ready to explain."""

    network: Network
    X: np.ndarray
    y: np.ndarray
    title: str = ""
    description: str = ""
    learning_rate: float | None = None
    notation: str = "welch"
    source: str = "<string>"
    convention: str = "row"
    update_biases: bool = True
    chain_wording: dict = field(default_factory=dict)

    def explain(
        self,
        notation: str | None = None,
        *,
        convention: str | None = None,
        update_biases: bool | None = None,
        example_index: int | None = None,
        learning_rate: float | None = None,
        level: str = "matrix",
        steps: int = 1,
        uphill: bool = False,
        dropout: float = 0.0,
        mask_seed: int | None = None,
    ) -> Explanation:
        """:func:`~chainrule.explain.explain` with the problem's settings.

        Each argument given replaces the file's setting; ``X`` and ``y`` are
        held one example per row whatever the file's convention. ``dropout``
        and ``mask_seed`` are ``explain``'s ``dropout`` and ``seed`` (the
        masks of one training pass).
        """
        masks = {} if mask_seed is None else {"seed": mask_seed}
        return explain(
            self.network,
            self.X,
            self.y,
            learning_rate=self.learning_rate
            if learning_rate is None
            else learning_rate,
            level=level,
            steps=steps,
            uphill=uphill,
            notation=notation or self.notation,
            convention=convention or self.convention,
            update_biases=self.update_biases
            if update_biases is None
            else update_biases,
            example_index=example_index,
            title=self.title or None,
            description=self.description,
            chain_wording=self.chain_wording,
            dropout=dropout,
            **masks,
        )


def _fail(src: str, key: str, message: str) -> DataFileError:
    return DataFileError(f"{src}: {key}: {message}")


def _table(doc: dict, key: str, allowed: set, src: str, required: bool) -> dict:
    value = doc.get(key)
    if value is None:
        if required:
            raise _fail(src, key, f"missing table [{key}]")
        return {}
    if not isinstance(value, dict):
        raise _fail(src, key, f"expected a table [{key}], got {value!r}")
    unknown = sorted(set(value) - allowed) if allowed else []
    if unknown:
        raise _fail(
            src,
            f"{key}.{unknown[0]}",
            f"unknown key; expected one of {sorted(allowed)}",
        )
    return value


def _network(spec: dict, src: str) -> Network:
    if "sizes" not in spec:
        raise _fail(src, "network.sizes", "missing; expected e.g. sizes = [2, 3, 1]")
    try:
        return Network(**spec)
    except ChainruleError as exc:
        text = str(exc)
        key = text.split(":", 1)[0]
        if key in NETWORK_KEYS:
            raise _fail(src, f"network.{key}", text.split(":", 1)[1].strip()) from None
        raise _fail(src, "network", text) from None


def _matrix(value: object, key: str, shape: tuple, what: str, src: str) -> np.ndarray:
    need = f"a {shape} matrix ({what})"
    column_bias = key.split(".")[-1].startswith("b") and shape[1] == 1
    try:
        a = np.array(value, dtype=float)
    except (TypeError, ValueError):
        got = f"expected {need}: rows of numbers, got {value!r}"
        raise _fail(src, key, got) from None
    row_bias = key.split(".")[-1].startswith("b") and a.shape == shape[1:]
    if a.ndim == 1 and (row_bias or (column_bias and a.shape == shape[:1])):
        a = a.reshape(shape)
    if a.shape != shape:
        raise _fail(src, key, f"expected {need}, got shape {a.shape}")
    if not np.all(np.isfinite(a)):
        raise _fail(src, key, "expected finite numbers, got NaN or infinity")
    return a


def _count(k: int, word: str) -> str:
    return f"{k} {word}" if k == 1 else f"{k} {word}s"


def _weights(net: Network, spec: dict, src: str, column: bool) -> None:
    """The weights as the file writes them; transposed when ``column``."""
    if not spec:
        return
    shapes = net.shapes
    missing = [k for k in shapes if k not in spec]
    unknown = [k for k in spec if k not in shapes]
    if unknown:
        raise _fail(
            src,
            f"weights.{unknown[0]}",
            f"unknown parameter; this network has {list(shapes)}",
        )
    if missing:
        k = missing[0]
        shape = shapes[k][::-1] if column else shapes[k]
        raise _fail(src, f"weights.{k}", f"missing; expected a {shape} matrix")
    params = {}
    for k, (n_in, n_out) in shapes.items():
        ins, units = _count(n_in, "input"), _count(n_out, "unit")
        if k[0] == "b":
            what = f"one {'column' if column else 'row'} of {_count(n_out, 'bias')}"
        else:
            what = f"{units} × {ins}" if column else f"{ins} × {units}"
        shape = (n_out, n_in) if column else (n_in, n_out)
        a = _matrix(spec[k], f"weights.{k}", shape, what, src)
        params[k] = a.T if column else a
    net.set_params(params)


def _warn_square(net: Network, spec: dict, src: str) -> None:
    """Warn when a file without a convention gives a square weight matrix."""
    square = [k for k, (r, c) in net.shapes.items() if k[0] == "W" and r == c > 1]
    if spec and square:
        warnings.warn(
            f"{src}: weights.{square[0]} is square, so its orientation is "
            "ambiguous; the file states no convention and is read in the row "
            'convention (inputs × units). Add convention = "row" (or "column", '
            "units × inputs) to say which.",
            AmbiguousOrientationWarning,
            stacklevel=3,
        )


def _columns(value: object) -> object:
    """A column-convention matrix (one example per column) as rows."""
    try:
        a = np.array(value, dtype=float)
    except (TypeError, ValueError):
        return value  # check_X / check_y say what is wrong
    return a.T if a.ndim == 2 else value


def _data(
    net: Network, spec: dict, src: str, column: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """``X`` and ``y`` one example per row; a column file has them per column."""
    if "dataset" in spec:
        extra = sorted(set(spec) - {"dataset"})
        if extra:
            raise _fail(src, f"data.{extra[0]}", "give either dataset or X and y")
        name = spec["dataset"]
        if name not in DATASETS:
            raise _fail(
                src,
                "data.dataset",
                f"unknown name {name!r}; expected one of {sorted(DATASETS)}",
            )
        X, y = DATASETS[name]()
    else:
        for k in ("X", "y"):
            if k not in spec:
                per = "column" if column else "row"
                raise _fail(
                    src,
                    f"data.{k}",
                    f"missing; expected a matrix, one {per} per example",
                )
        X, y = spec["X"], spec["y"]
        if column:
            X, y = _columns(X), _columns(y)
    try:
        Xa = net.check_X(X)
    except ChainruleError as exc:
        raise _fail(src, "data.X", str(exc).removeprefix("X: ")) from None
    try:
        return net.check_data(Xa, y)
    except ChainruleError as exc:
        raise _fail(src, "data.y", str(exc).removeprefix("y: ")) from None


def _convention(doc: dict, src: str) -> tuple[str | None, bool]:
    """The file's ``convention`` (``None`` if it states none), ``update_biases``."""
    convention = doc.get("convention")
    if convention is not None and convention not in CONVENTIONS:
        raise _fail(
            src, "convention", f"expected one of {CONVENTIONS}, got {convention!r}"
        )
    update = doc.get("update_biases", True)
    if not isinstance(update, bool):
        raise _fail(src, "update_biases", f"expected true or false, got {update!r}")
    return convention, update


def _settings(doc: dict, src: str) -> tuple[float | None, str, str, str]:
    lr = doc.get("learning_rate")
    if lr is not None and (
        isinstance(lr, bool)
        or not isinstance(lr, (int, float))
        or not lr > 0
        or not np.isfinite(lr)
    ):
        raise _fail(src, "learning_rate", f"expected a positive number, got {lr!r}")
    notation = doc.get("notation", "welch")
    if notation not in NOTATIONS:
        raise _fail(src, "notation", f"expected one of {NOTATIONS}, got {notation!r}")
    texts = []
    for key in ("title", "description"):
        value = doc.get(key, "")
        if not isinstance(value, str):
            raise _fail(src, key, f"expected a string, got {value!r}")
        texts.append(" ".join(value.split()))
    return (None if lr is None else float(lr)), notation, texts[0], texts[1]


def _with_errata(doc: dict, description: str, src: str) -> str:
    """The description, with the misprints of the seed named by ``errata``."""
    seed = doc.get("errata")
    if seed is None:
        return description
    if seed not in errata_seeds():
        raise _fail(src, "errata", f"expected one of {errata_seeds()}, got {seed!r}")
    return f"{description} {describe_errata(seed)}".strip()


def parse_problem(text: str, source: str = "<string>") -> Problem:
    """Read a problem from TOML text; ``source`` names it in error messages."""
    check_toml_bounds(
        text, source, "problem file"
    )  # depth and key count, before tomllib
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DataFileError(f"{source}: not valid TOML: {exc}") from None
    except RecursionError:  # tomllib parses nested arrays recursively
        raise DataFileError(
            f"{source}: not a problem file: arrays or tables nested too deeply to read"
        ) from None
    unknown = sorted(set(doc) - TOP_KEYS)
    if unknown:
        raise _fail(
            source, unknown[0], f"unknown key; expected one of {sorted(TOP_KEYS)}"
        )
    lr, notation, title, description = _settings(doc, source)
    description = _with_errata(doc, description, source)
    convention, update = _convention(doc, source)
    column = convention == "column"
    net = _network(_table(doc, "network", NETWORK_KEYS, source, True), source)
    weights = _table(doc, "weights", set(), source, False)
    _weights(net, weights, source, column)
    data = _table(doc, "data", {"X", "y", "dataset"}, source, True)
    X, y = _data(net, data, source, column)
    if convention is None:
        _warn_square(net, weights, source)
    wording = _table(doc, "chain_wording", set(WORDING), source, False)
    for key, text in wording.items():
        if not isinstance(text, str):
            raise _fail(source, f"chain_wording.{key}", f"expected a string: {text!r}")
    settings = (lr, notation, source, convention or "row", update, wording)
    return Problem(net, X, y, title, description, *settings)


def load_problem(path: str | Path) -> Problem:
    """Read a problem file (TOML); every error names the file and the key."""
    p = Path(path)
    return parse_problem(read_text_file(p, "problem file"), str(p))


def _examples():
    return resources.files("chainrule.explainer.problems") / "examples"


def list_examples() -> dict[str, str]:
    """The built-in examples: name to title, sorted by name."""
    out = {}
    for f in sorted(_examples().iterdir(), key=lambda f: f.name):
        if f.name.endswith(".toml"):
            out[f.name[:-5]] = tomllib.loads(f.read_text("utf-8")).get("title", "")
    return out


def load_example(name: str) -> Problem:
    """A built-in example by name (see :func:`list_examples`)."""
    names = list_examples()
    if name not in names:
        raise UnknownNameError(
            f"example: unknown name {name!r}; expected one of {list(names)}"
        )
    f = _examples() / f"{name}.toml"
    return parse_problem(f.read_text("utf-8"), f"example {name}")
