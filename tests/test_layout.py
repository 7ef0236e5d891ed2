"""The package's layering: who may import whoosh and click, one-way imports, ``__all__``."""

from __future__ import annotations

import ast
import types
from pathlib import Path

import pytest

import msqa_search

PACKAGE = Path(msqa_search.__file__).resolve().parent
MODULES = sorted(PACKAGE.rglob("*.py"))

#: Layers from the bottom up: a module may import from its own layer and those below.
LAYERS = (
    ("model", "results", "errors", "columns", "column_file", "column_writer", "store", "lock", "samples"),
    ("parse", "lexicon"),
    ("stance", "index_stance"),
    ("engine",),
    ("plan", "query", "suggestions", "facets", "ranking"),
    ("search_options", "hits", "related"),
    ("search",),
    ("index_open", "index_show"),
    ("index_update",),
    ("index", "indexing"),
    ("cli",),
    ("__init__", "__main__"),
)
#: Imports inside functions that load a heavy module on first use, for start-up speed (a
#: search never judges an answer, so it need not load the stance modules); none of them
#: stands in for a module-level import that would close a cycle.
LAZY_IMPORTS = frozenset({("msqa_search.index_stance", "msqa_search.stance.consensus")})
#: Modules that need no ``__all__`` (none).
WITHOUT_ALL: frozenset[str] = frozenset()


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def full_name(path: Path) -> str:
    name = module_name(path)
    return "msqa_search" if name == "__init__" else f"msqa_search.{name}"


MODULE_NAMES = frozenset(full_name(p) for p in MODULES)


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id.endswith("TYPE_CHECKING")) or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports(path: Path, *, module_level: bool) -> list[tuple[str, int]]:
    """``(absolute module name, line)`` of each import in ``path``: at module level only
    (``if TYPE_CHECKING`` blocks left out), or only those inside functions."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: list[tuple[str, int]] = []

    def resolve(node: ast.ImportFrom) -> list[str]:
        # ``from X import y`` imports the module X.y when there is one, else X.
        if node.level == 0:
            base = node.module or ""
        else:
            parts = ["msqa_search", *filter(None, package.split("."))]
            parts = parts[: len(parts) - (node.level - 1)]
            base = ".".join(parts + ([node.module] if node.module else []))
        return [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULE_NAMES else base for a in node.names]

    def visit(nodes, in_function: bool) -> None:
        for node in nodes:
            if isinstance(node, ast.If) and _type_checking(node):
                visit(node.orelse, in_function)
                continue
            if isinstance(node, (ast.Import, ast.ImportFrom)) and in_function != module_level:
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else resolve(node)
                found.extend((n, node.lineno) for n in names)
            function = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            visit(ast.iter_child_nodes(node), in_function or function)

    visit(parse(path).body, False)
    return found


def all_imports(path: Path) -> list[tuple[str, int]]:
    return imports(path, module_level=True) + imports(path, module_level=False)


def known(name: str) -> str | None:
    """The package module ``name`` refers to (a name imported from a module counts as
    that module), or None when it is not the package's."""
    while name and name not in MODULE_NAMES:
        name = name.rpartition(".")[0]
    return name or None


def layer(module: str) -> int:
    top = module.removeprefix("msqa_search").lstrip(".").split(".")[0] or "__init__"
    for rank, names in enumerate(LAYERS):
        if top in names:
            return rank
    raise AssertionError(f"{module} is in no layer of LAYERS")


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(PACKAGE.parent)}:{line}"


class TestThirdParty:
    def test_only_engine_imports_whoosh(self):
        """No module outside msqa_search/engine/ imports whoosh, even inside a function."""
        found = [
            where(p, line) for p in MODULES if "engine" not in p.relative_to(PACKAGE).parts
            for name, line in all_imports(p) if name.split(".")[0] == "whoosh"
        ]
        assert [] == found

    def test_only_cli_imports_click(self):
        """No module outside msqa_search/cli/ imports click."""
        found = [
            where(p, line) for p in MODULES if "cli" not in p.relative_to(PACKAGE).parts
            for name, line in all_imports(p) if name.split(".")[0] == "click"
        ]
        assert [] == found

    def test_whoosh_internals_only_in_compat(self):
        """Only engine/compat.py imports a private Whoosh name or reads a private
        attribute of another object (``x._name``)."""
        found = []
        for path in MODULES:
            if "engine" not in path.relative_to(PACKAGE).parts or path.name == "compat.py":
                continue
            for node in ast.walk(parse(path)):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh"):
                    found += [where(path, node.lineno) for a in node.names if a.name.startswith("_")]
                elif isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
                    if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")):
                        found.append(f"{where(path, node.lineno)} .{node.attr}")
        assert [] == found


class TestImports:
    def test_no_import_cycle(self):
        """Module-level imports between the package's modules form no cycle."""
        graph = {}
        for path in MODULES:
            name = full_name(path)
            edges = {known(n) for n, _ in imports(path, module_level=True)} - {None, name}
            graph[name] = edges
        cycles = []
        state: dict[str, int] = {}

        def walk(node: str, stack: list[str]) -> None:
            state[node] = 1
            for nxt in sorted(graph.get(node, ())):
                if state.get(nxt) == 1:
                    cycles.append(stack[stack.index(nxt):] + [nxt])
                elif nxt not in state:
                    walk(nxt, [*stack, nxt])
            state[node] = 2

        for node in sorted(graph):
            if node not in state:
                walk(node, [node])
        assert [] == cycles

    def test_no_package_import_inside_functions(self):
        """No function imports a module of the package (the way to dodge a cycle), but
        for the few listed in LAZY_IMPORTS."""
        found = [
            f"{where(p, line)} {name}" for p in MODULES for name, line in imports(p, module_level=False)
            if known(name) and (full_name(p), known(name)) not in LAZY_IMPORTS
        ]
        assert [] == found

    def test_imports_flow_down_the_layers(self):
        """A module imports only from its own layer and the layers below it."""
        found = []
        for path in MODULES:
            me = full_name(path)
            for name, line in imports(path, module_level=True):
                target = known(name)
                if target and target != "msqa_search" and layer(target) > layer(me):
                    found.append(f"{where(path, line)} {me} -> {target}")
        assert [] == found


class TestAll:
    @pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p))
    def test_module_has_all(self, path):
        """Every module names its public API in ``__all__``."""
        if module_name(path) in WITHOUT_ALL or path.name == "__main__.py":
            pytest.skip("no __all__ yet")
        tree = parse(path)
        names = [
            t.id for node in tree.body if isinstance(node, (ast.Assign, ast.AnnAssign))
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target]) if isinstance(t, ast.Name)
        ]
        assert "__all__" in names

    def test_public_names_are_in_all(self):
        """Every public name of msqa_search is in its ``__all__``, and each name there exists."""
        public = {
            n for n in dir(msqa_search)
            if not n.startswith("_") and n != "annotations"  # from __future__
            and not isinstance(getattr(msqa_search, n), types.ModuleType)
        }
        assert set() == public - set(msqa_search.__all__)
        assert [] == [n for n in msqa_search.__all__ if not hasattr(msqa_search, n)]
