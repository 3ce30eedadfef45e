"""The layering of ARCHITECTURE.md, checked on every import in src/.

Every ``import`` and ``from ... import`` is read with ``ast`` (at module
level and inside functions, ``TYPE_CHECKING`` blocks included) and must go
down the layers::

    errors, validation, version  <-  core  <-  accel  <-  train, persist, data
      <-  network, loading, gradient_check, reference
      <-  explainer, sklearn, plot  <-  cli  <-  chainrule/__init__, __main__

A module may import its own subpackage and anything in a lower layer; the
graph of modules has no cycle. A private name (``_x``) is not imported from
another module (a private module of one's own package excepted), and no
module assigns a private attribute of another object (``obj._x = ...`` with
``obj`` other than ``self`` or ``cls``).

The checker is tested on synthetic packages below; to see it fail on the
real tree, add a cycle on purpose, e.g. ``from chainrule.network import
Network`` inside a function of ``src/chainrule/persist/model.py``, and run
``pytest tests/test_architecture.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import chainrule

SRC = Path(chainrule.__file__).parent

#: Layer of each top-level part of the package (the first name after
#: ``chainrule.``); a module may import its own part or a lower layer.
LAYERS = {
    "errors": 0,
    "validation": 0,
    "version": 0,
    "interrupt": 0,
    "core": 1,
    "accel": 1,
    "train": 2,
    "persist": 2,
    "data": 2,
    "network": 3,
    "loading": 3,
    "gradient_check": 3,
    "reference": 3,
    "explainer": 4,
    "sklearn": 4,
    "plot": 5,
    "playground": 5,
    "cli": 6,
    "": 7,  # chainrule/__init__.py
    "__main__": 7,
}
#: Same-layer parts that may import each other one way (no cycle allowed).
SIBLINGS = {
    ("validation", "errors"),
    ("accel", "core"),
    ("train", "persist"),
    ("loading", "network"),
    ("gradient_check", "network"),
}


# ------------------------------------------------------------------ checker
def modules(root: Path, package: str) -> dict[str, Path]:
    """Dotted module name -> file, for every ``.py`` under ``root``."""
    out = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def imports(name: str, path: Path, known: dict[str, Path]):
    """``(target module, imported name or None, node)`` of every import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    package = name if is_pkg else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, None, node
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(up + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                yield (full, None, node) if full in known else (base, alias.name, node)


def graph(known: dict[str, Path], package: str) -> dict[str, set[str]]:
    """Module -> the package's modules it imports (itself left out)."""
    edges: dict[str, set[str]] = {}
    for name, path in known.items():
        targets = set()
        for target, _, _ in imports(name, path, known):
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target.startswith(package) and target != name:
                targets.add(target)
        edges[name] = targets
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return found


def part(module: str, package: str) -> str:
    rest = module[len(package) + 1 :] if module != package else ""
    return rest.split(".")[0]


def layer_violations(edges, package: str, layers=LAYERS, siblings=SIBLINGS):
    """``importer -> imported`` pairs that go up a layer or sideways."""
    bad = []
    for src, targets in sorted(edges.items()):
        a = part(src, package)
        for dst in sorted(targets):
            b = part(dst, package)
            if a == b or (a, b) in siblings or a == "__main__" and b == "":
                continue
            if b == "" and dst == package:
                bad.append(f"{src} -> {dst} (the package's __init__ is the top)")
            elif layers[b] >= layers[a]:
                bad.append(f"{src} -> {dst} (layer {layers[a]} -> {layers[b]})")
    return bad


def private_imports(known: dict[str, Path]) -> list[str]:
    """``from other import _name``, except a private module of one's package."""
    bad = []
    for name, path in known.items():
        pkg = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for target, imported, node in imports(name, path, known):
            private = imported if imported else target.rpartition(".")[2]
            if not private.startswith("_") or private.startswith("__"):
                continue
            if imported is None and target.rpartition(".")[0] == pkg:
                continue  # a private module of the importer's own package
            if target == name:
                continue
            bad.append(f"{name}:{node.lineno} imports {private} from {target}")
    return bad


def private_assignments(known: dict[str, Path]) -> list[str]:
    """``obj._x = ...`` (also ``+=``, annotated) where ``obj`` is not self/cls."""
    bad = []
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
                targets = [node.target]
            else:
                continue
            for t in targets:
                for sub in ast.walk(t):
                    if not isinstance(sub, ast.Attribute):
                        continue
                    if not sub.attr.startswith("_") or sub.attr.startswith("__"):
                        continue
                    owner = sub.value
                    if isinstance(owner, ast.Name) and owner.id in ("self", "cls"):
                        continue
                    bad.append(f"{name}:{node.lineno} assigns {ast.unparse(sub)}")
    return bad


# --------------------------------------------------------- the real package
KNOWN = modules(SRC, "chainrule")
EDGES = graph(KNOWN, "chainrule")


def test_every_part_has_a_layer():
    assert {part(m, "chainrule") for m in KNOWN} <= set(LAYERS)


def test_no_import_cycle():
    assert cycles(EDGES) == []


def test_imports_go_down_the_layers():
    assert layer_violations(EDGES, "chainrule") == []


def test_no_private_name_crosses_a_module():
    assert private_imports(KNOWN) == []


def test_no_module_assigns_another_objects_private_attribute():
    assert private_assignments(KNOWN) == []


@pytest.mark.parametrize(
    "sub", sorted(p.parent.name for p in SRC.glob("*/__init__.py"))
)
def test_each_subpackage_says_what_it_is_for_and_what_it_may_import(sub):
    doc = ast.get_docstring(ast.parse((SRC / sub / "__init__.py").read_text()))
    assert doc and doc.splitlines()[0].strip(), sub
    assert "Layer:" in doc, f"chainrule.{sub}: no 'Layer:' paragraph"


#: Modules that import numba (the optional extra ``fast``).
NEEDS_NUMBA = {"chainrule.accel.kernels", "chainrule.accel.compiled"}


def test_every_module_path_imports_as_a_module():
    import importlib
    import importlib.util
    import types

    for name in KNOWN:
        if name.startswith("chainrule.sklearn") or name == "chainrule.plot":
            pytest.importorskip("sklearn")
            pytest.importorskip("matplotlib")
        if name in NEEDS_NUMBA and importlib.util.find_spec("numba") is None:
            continue  # the optional extra chainrule[fast]
        module = importlib.import_module(name)
        assert isinstance(module, types.ModuleType), name
        parent, _, child = name.rpartition(".")
        if parent:  # what `import chainrule.x.y as m` binds: not a function
            assert getattr(importlib.import_module(parent), child) is module, name


#: The explainer's own layers, bottom first: a module of
#: ``chainrule.explainer.<sub>`` imports its own subpackage or one listed
#: before it. ``vary`` is the path the documentation shows for
#: ``paths.vary``; it and the explainer's ``__init__`` ("") are the top.
EXPLAINER_ORDER = [
    "model",
    "notation",
    "render",
    "paths",
    "build",
    "problems",
    "assess",
    "symbolic",
    "worksheets",
    "vary",
    "",
]
EXPLAINER_LAYERS = {name: i for i, name in enumerate(EXPLAINER_ORDER)}
EXPLAINER_LAYERS[""] = EXPLAINER_LAYERS["vary"]


def sublayer_violations(edges, package: str, layers: dict[str, int]) -> list[str]:
    """Imports inside ``package`` that go up or sideways among its subpackages."""
    inside = {
        src: {dst for dst in targets if dst.startswith(package)}
        for src, targets in edges.items()
        if src == package or src.startswith(package + ".")
    }
    return layer_violations(inside, package, layers, set())


def test_every_explainer_part_has_a_layer():
    names = {
        part(m, "chainrule.explainer")
        for m in KNOWN
        if m == "chainrule.explainer" or m.startswith("chainrule.explainer.")
    }
    assert names <= set(EXPLAINER_LAYERS), names - set(EXPLAINER_LAYERS)


def test_explainer_imports_go_down_its_layers():
    assert sublayer_violations(EDGES, "chainrule.explainer", EXPLAINER_LAYERS) == []


# ---------------------------------------------------- the checker can fail
def write(root: Path, files: dict[str, str]) -> dict[str, Path]:
    for rel, text in files.items():
        path = root / "pkg" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return modules(root / "pkg", "pkg")


CLEAN = {
    "__init__.py": "from pkg.network import Network\n",
    "errors.py": "class E(Exception):\n    pass\n",
    "core/__init__.py": "",
    "core/forward.py": "from pkg.errors import E\n",
    "train/__init__.py": "",
    "train/fit.py": "from pkg.core import forward\n",
    "network.py": "from pkg.train.fit import *\n",
}


def test_checker_passes_a_clean_package(tmp_path):
    known = write(tmp_path, CLEAN)
    edges = graph(known, "pkg")
    assert edges["pkg.train.fit"] == {"pkg.core.forward"}
    assert cycles(edges) == [] and layer_violations(edges, "pkg") == []
    assert private_imports(known) == [] and private_assignments(known) == []


def test_checker_finds_a_cycle_made_inside_a_function(tmp_path):
    files = dict(CLEAN)
    files["core/forward.py"] += "def f():\n    from pkg.train import fit\n"
    edges = graph(write(tmp_path, files), "pkg")
    assert cycles(edges) == [["pkg.core.forward", "pkg.train.fit"]]
    assert layer_violations(edges, "pkg") == [
        "pkg.core.forward -> pkg.train.fit (layer 1 -> 2)"
    ]


def test_checker_finds_a_relative_import_against_the_layers(tmp_path):
    files = dict(CLEAN)
    files["train/fit.py"] += "from ..network import Network\n"
    edges = graph(write(tmp_path, files), "pkg")
    assert ["pkg.network", "pkg.train.fit"] in cycles(edges)
    assert "pkg.train.fit -> pkg.network (layer 2 -> 3)" in layer_violations(
        edges, "pkg"
    )


def test_checker_finds_an_import_of_the_package_top(tmp_path):
    files = dict(CLEAN)
    files["core/forward.py"] += "import pkg\n"
    edges = graph(write(tmp_path, files), "pkg")
    assert "pkg.core.forward -> pkg (the package's __init__ is the top)" in (
        layer_violations(edges, "pkg")
    )


def test_checker_finds_an_import_up_the_layers_of_a_subpackage(tmp_path):
    files = {
        "__init__.py": "",
        "explainer/__init__.py": "from pkg.explainer.build.make import make\n",
        "explainer/model/__init__.py": "",
        "explainer/model/step.py": "class Step:\n    pass\n",
        "explainer/render/__init__.py": "",
        "explainer/render/text.py": "from pkg.explainer.model.step import Step\n",
        "explainer/build/__init__.py": "",
        "explainer/build/make.py": "from pkg.explainer.render import text\n",
    }
    order = {"model": 0, "render": 1, "build": 2, "": 3}
    edges = graph(write(tmp_path, files), "pkg")
    assert sublayer_violations(edges, "pkg.explainer", order) == []
    files["explainer/model/step.py"] += (
        "def f():\n    from pkg.explainer.build import make\n"
    )
    edges = graph(write(tmp_path, files), "pkg")
    assert sublayer_violations(edges, "pkg.explainer", order) == [
        "pkg.explainer.model.step -> pkg.explainer.build.make (layer 0 -> 2)"
    ]


def test_checker_finds_private_imports_and_assignments(tmp_path):
    files = dict(CLEAN)
    files["train/fit.py"] += (
        "from pkg.core.forward import _helper\n"
        "def g(net, self):\n    net._params = 1\n    self._ok = 2\n"
        "    net.public = 3\n    net._count += 1\n"
    )
    known = write(tmp_path, files)
    assert private_imports(known) == [
        "pkg.train.fit:2 imports _helper from pkg.core.forward"
    ]
    assert private_assignments(known) == [
        "pkg.train.fit:4 assigns net._params",
        "pkg.train.fit:7 assigns net._count",
    ]


# ------------------------------------------------------- ARCHITECTURE.md tree
def unnamed_modules(root: Path, text: str) -> list[str]:
    """Modules under ``root`` whose name ARCHITECTURE.md's text never gives."""
    import re

    return [
        str(p.relative_to(root))
        for p in sorted(root.rglob("*.py"))
        if p.stem != "__init__"
        and not re.search(rf"(?<![\w]){re.escape(p.stem)}(?![\w])", text)
    ]


def test_architecture_md_names_every_module():
    text = (SRC.parents[1] / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert unnamed_modules(SRC, text) == []


def test_the_tree_check_finds_a_module_left_out(tmp_path):
    (tmp_path / "named.py").write_text("")
    (tmp_path / "forgotten.py").write_text("")
    assert unnamed_modules(tmp_path, "named: what it does") == ["forgotten.py"]
