"""The import contract: nncalc's packages import one way, down the layers, with no cycle.

Every ``import`` of every module counts, at module level and inside functions (found with
``ast``; ``if TYPE_CHECKING:`` blocks, which never run, do not). The package-level graph has a
node per package or top-level module of nncalc (``core``, ``layers``, ``summary``, ``cli``, ...).

The layering refactor (issue 20) is not done: both checks are expected to fail today
(``xfail(strict=True)``, with today's cycles and upward imports in the reasons below), and
each turns into a failure ("XPASS") the day it holds, to be made a plain test then.
``python -m tests.test_imports`` prints both lists.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "nncalc"

# The intended layers, lowest first: a module may import its own layer and those below it.
# A module's layer is that of its longest prefix listed here.
LAYERS = [
    ("base", ["errors", "session", "optimizers", "core.records", "core.dtypes", "core.args",
              "core.naming", "core.explain", "core.cost", "core.tf_flops"]),
    ("graph", ["core.tensor", "core.node", "core.layer", "core.tracing", "core.masking", "core"]),
    ("ops and layers", ["ops", "layers"]),
    ("models", ["core.functional", "core.sequential", "core.model"]),
    ("io", ["io"]),
    ("analysis", ["analysis"]),
    ("summary", ["summary"]),
    ("render", ["render"]),
    ("front doors", ["keras", "script", "watchdog", "api", "cli", "serve", "__init__", "__main__"]),
]
LAYER_OF = {prefix: rank for rank, (_, prefixes) in enumerate(LAYERS) for prefix in prefixes}


def module_names() -> dict[str, Path]:
    """``{"core.model": path, "core": path of core/__init__.py, "__init__": ...}``."""
    names = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__" and len(parts) > 1:
            parts.pop()
        names[".".join(parts)] = path
    return names


def _under_type_checking(node, parents) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            return True
    return False


def imports_of(name: str, path: Path, known) -> set[str]:
    """The nncalc modules ``name`` imports (wherever the import statement is)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    is_package = path.name == "__init__.py"
    package = name.split(".") if is_package and name != "__init__" else name.split(".")[:-1]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                module = ".".join(["nncalc", *base] + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # ``from . import session``: the submodule if there is one, else the package
            targets = [f"{module}.{alias.name}" if f"{module}.{alias.name}"[7:] in known else module
                       for alias in node.names]
        else:
            continue
        if _under_type_checking(node, parents):
            continue
        for target in targets:
            if target == "nncalc":
                found.add("__init__")
            elif target.startswith("nncalc."):
                found.add(target[len("nncalc."):])
    return found


@functools.lru_cache(maxsize=1)
def module_graph() -> dict[str, set[str]]:
    known = module_names()
    return {name: imports_of(name, path, known) for name, path in known.items()}


def top(name: str) -> str:
    return name.split(".")[0]


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name, targets in module_graph().items():
        graph.setdefault(top(name), set()).update(top(t) for t in targets if top(t) != top(name))
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in sorted(graph.get(node, ())):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def layer_of(name: str):
    parts = name.split(".")
    for cut in range(len(parts), 0, -1):
        if ".".join(parts[:cut]) in LAYER_OF:
            return LAYER_OF[".".join(parts[:cut])]
    return None


def upward_imports() -> list[str]:
    """``"core.model -> summary (models -> summary)"`` for each import of a higher layer, and
    ``"x: no layer"`` for a module that LAYERS does not place."""
    found = []
    for name, targets in sorted(module_graph().items()):
        rank = layer_of(name)
        if rank is None:
            found.append(f"{name}: no layer")
            continue
        for target in sorted(targets):
            other = layer_of(target)
            if other is not None and other > rank:
                found.append(f"{name} -> {target} ({LAYERS[rank][0]} -> {LAYERS[other][0]})")
    return found


def test_the_graph_sees_imports_inside_functions():
    """The checks below rest on this: imports in function bodies count (summary.py imports the
    renderers only inside its methods), relative ones are resolved, TYPE_CHECKING ones do not."""
    graph = module_graph()
    assert "render.keras3" in graph["summary"] or "render" in {top(t) for t in graph["summary"]}
    assert "session" in graph["core.model"]
    nodes = package_graph()
    assert all(top(t) in nodes for targets in graph.values() for t in targets)


# Today's cycles, for the reason below (python -m tests.test_imports prints them afresh).
TODAY_CYCLES = ["__init__ analysis api cli core errors io keras layers ops optimizers render script serve "
                "session summary"]


@pytest.mark.xfail(strict=True, reason="the layering refactor is not done: one cycle of " + "; ".join(TODAY_CYCLES))
def test_no_import_cycle_among_packages():
    found = cycles(package_graph())
    assert not found, "import cycles among nncalc's packages: " + "; ".join(" ".join(c) for c in found)


@pytest.mark.xfail(strict=True, reason="the layering refactor is not done: 27 imports go up today, among "
                                       "them core.model -> summary, render; summary -> render; layers -> "
                                       "analysis.receptive_field, io.config; analysis.memory -> cli; errors -> "
                                       "core (python -m tests.test_imports lists them)")
def test_every_import_goes_down_the_layers():
    found = upward_imports()
    assert not found, "imports of a higher layer:\n" + "\n".join(found)


if __name__ == "__main__":
    for component in cycles(package_graph()):
        print("cycle:", " ".join(component))
    for line in upward_imports():
        print("upward:", line)
