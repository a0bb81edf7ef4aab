"""The package's import graph has no cycles, and the low modules do not reach up.

Every ``import``/``from ... import`` inside bpnn counts, at module level or inside a
function (a lazy import still closes a cycle: it only moves the failure to run time).
"""

import ast
import subprocess
import sys
from pathlib import Path

import bpnn

PKG = Path(bpnn.__file__).resolve().parent


def _module_name(path: Path) -> tuple[str, list[str]]:
    parts = list(path.relative_to(PKG.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
        return ".".join(parts), parts
    return ".".join(parts), parts[:-1]


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST):
    """Every node except those under ``if TYPE_CHECKING:`` (imports a type checker reads
    and Python never runs: they close no cycle)."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
            continue
        stack.extend(ast.iter_child_nodes(node))


def import_graph() -> dict[str, set[str]]:
    """bpnn module -> the bpnn modules it imports (the package root ``bpnn`` left out)."""
    raw = {}
    for path in sorted(PKG.rglob("*.py")):
        name, package = _module_name(path)
        targets = set()
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package[: len(package) - (node.level - 1)]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                targets.add(module)
                targets.update(f"{module}.{alias.name}" for alias in node.names)
            elif isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
        raw[name] = targets
    return {
        name: {t for t in targets if t in raw and t not in (name, "bpnn")}
        for name, targets in raw.items()
    }


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle as a path [a, b, ..., a], or None (depth-first search, three colours)."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return stack[stack.index(nxt) :] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_graph_sees_the_imports_it_should():
    graph = import_graph()
    assert "bpnn.objective" in graph["bpnn.trainer"]  # module level
    assert "bpnn.checkpoint" in graph["bpnn.trainer"]  # inside a function
    assert "bpnn.estimators" in graph["bpnn.io"]
    assert "bpnn._atomic" in graph["bpnn.checkpoint"]
    assert "bpnn.cli._shared" in graph["bpnn.cli.train"]  # relative, one level


def test_type_checking_imports_are_left_out():
    tree = ast.parse(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import a\n"
        "else:\n    import b\nimport c\n"
    )
    names = {
        alias.name
        for node in _runtime_nodes(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert names == {"b", "c"}


def test_find_cycle_finds_a_planted_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_cycle_in_bpnn():
    cycle = find_cycle(import_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_atomic_writer_imports_nothing_from_bpnn():
    assert import_graph()["bpnn._atomic"] == set()


def test_importing_checkpoint_does_not_import_the_model_file_module():
    code = (
        "import sys, bpnn.checkpoint; "
        "print(sorted(m for m in sys.modules if m in ('bpnn.io', 'bpnn.estimators')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=PKG.parent,
        timeout=120,
    ).stdout
    assert out.strip() == "[]"


def _under(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_the_app_imports_nothing_from_the_cli():
    # the app and the CLI share what they need through bpnn.tables.frames, not each other
    assert "bpnn.tables.frames" in import_graph()["bpnn.app.session"]
    found = {
        (mod, target)
        for mod, targets in import_graph().items()
        if _under(mod, "bpnn.app")
        for target in targets
        if _under(target, "bpnn.cli")
    }
    assert found == set()


def test_only_the_app_command_imports_the_app():
    found = {
        mod
        for mod, targets in import_graph().items()
        if not _under(mod, "bpnn.app") and any(_under(t, "bpnn.app") for t in targets)
    }
    assert found == {"bpnn.cli.app"}  # `bpnn app`, which starts it


def test_the_data_layer_imports_no_front_end():
    found = {
        (mod, target)
        for mod, targets in import_graph().items()
        if _under(mod, "bpnn.tables")
        for target in targets
        if _under(target, "bpnn.cli") or _under(target, "bpnn.app")
    }
    assert found == set()
