"""The package's shape: small modules, no module-level import cycles, every module importable
on its own (STYLE.md: small files; a blueprint per face module, no late sibling imports)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "civic"
MAX_LINES = 400


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _resolve(module: str, name: str | None, level: int, current: str, is_package: bool) -> list[str]:
    if level:
        base = current.split(".") if is_package else current.split(".")[:-1]
        base = base[: len(base) - (level - 1)]
        module = ".".join(base + ([module] if module else []))
    found = []
    if name and f"{module}.{name}" in MODULES:
        found.append(f"{module}.{name}")
    if module in MODULES:
        found.append(module)
    return found


def module_level_imports(name: str) -> set[str]:
    """civic modules that ``name`` imports when it is imported (not those imported inside
    functions), including the packages each import passes through."""
    path = MODULES[name]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    targets: set[str] = set()

    def visit(nodes):
        for node in nodes:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    targets.update(_resolve(alias.name, None, 0, name, path.name == "__init__.py"))
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    targets.update(_resolve(node.module or "", alias.name, node.level, name,
                                            path.name == "__init__.py"))
            elif isinstance(node, (ast.If, ast.Try)):
                # ``if TYPE_CHECKING:`` imports never run.
                if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                    continue
                visit(node.body)
                visit(getattr(node, "orelse", []))
                for handler in getattr(node, "handlers", []):
                    visit(handler.body)

    visit(tree.body)
    with_parents = set()
    for target in targets:
        parts = target.split(".")
        with_parents.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    with_parents.discard(name)
    return {t for t in with_parents if t in MODULES}


def import_cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    graph = {name: module_level_imports(name) for name in MODULES}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = [0]

    def strongconnect(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                strongconnect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    for name in graph:
        if name not in index:
            strongconnect(name)
    return cycles


def test_no_module_over_the_size_limit():
    too_long = {name: n for name, path in MODULES.items()
                if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not too_long, f"modules over {MAX_LINES} lines (split them by subject): {too_long}"


def test_no_module_level_import_cycle():
    assert import_cycles() == []


def test_every_module_imports_on_its_own():
    """Each module imported first, in a fresh interpreter, so an order-dependent import fails."""
    script = (
        "import importlib, sys, traceback\n"
        "failed = []\n"
        "for name in sys.argv[1:]:\n"
        "    before = set(sys.modules)\n"
        "    try:\n"
        "        importlib.import_module(name)\n"
        "    except Exception:\n"
        "        failed.append(name + ': ' + traceback.format_exc(limit=1).strip().splitlines()[-1])\n"
        "    for loaded in set(sys.modules) - before:\n"
        "        if loaded == 'civic' or loaded.startswith('civic.'):\n"
        "            del sys.modules[loaded]\n"
        "print('\\n'.join(failed))\n"
        "sys.exit(1 if failed else 0)\n"
    )
    names = [name for name in MODULES if name != "civic"]
    result = subprocess.run([sys.executable, "-c", script, *names], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", ["civic.reports.views", "civic.petitions.views"])
def test_cycle_finder_sees_imports(name):
    assert module_level_imports(name), "the import scan found nothing: it is broken"
