"""The package's shape: small modules, no import cycles (function-local imports only where
allowed), every module importable on its own (CONTRIBUTING.md, "Small modules": past ~400 lines
a module is two subjects; each face module owns its blueprint), and a repository that refers to
nothing outside itself."""

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


def function_local_imports(name: str) -> set[str]:
    """civic modules that ``name`` imports inside functions, except its own submodules (a
    package's ``init_app`` registering its faces is the one intended use)."""
    path = MODULES[name]
    is_package = path.name == "__init__.py"
    targets: set[str] = set()
    for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    targets.update(_resolve(alias.name, None, 0, name, is_package))
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    targets.update(_resolve(node.module or "", alias.name, node.level, name, is_package))
    return {t for t in targets if t in MODULES and t != name and not t.startswith(name + ".")}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
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
            components.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10000))
    for name in graph:
        if name not in index:
            strongconnect(name)
    return components


def import_cycles() -> list[list[str]]:
    """Module-level import cycles: components of more than one module."""
    graph = {name: module_level_imports(name) for name in MODULES}
    return [c for c in strongly_connected(graph) if len(c) > 1]


def hidden_cycles() -> set[tuple[str, str]]:
    """Function-local imports that close a cycle: moving the import into a function only
    hides the cycle from the module-level check."""
    local = {name: function_local_imports(name) for name in MODULES}
    graph = {name: module_level_imports(name) | local[name] for name in MODULES}
    component = {m: i for i, members in enumerate(strongly_connected(graph)) for m in members}
    return {(a, b) for a, targets in local.items() for b in targets if component[a] == component[b]}


# Function-local imports that close a cycle today, each a known debt: the list only shrinks.
HIDDEN_CYCLES_ALLOWED = {
    # The unit of work dispatches events and uses the session; events and jobs need the app's
    # extensions, which import the model base from civic.db.
    ("civic.db", "civic.events"),
    ("civic.db", "civic.extensions"),
    ("civic.event_bus", "civic.extensions"),
    ("civic.event_bus", "civic.jobs"),
    ("civic.jobs", "civic.extensions"),
    # The registry collects the core settings, which are declared with the registry's types.
    ("civic.settings", "civic.config"),
    # Sending an alert drops the banner's cache; the banner asks the alerts service what is active.
    ("civic.alerts.banner", "civic.alerts.service"),
}


def test_no_module_over_the_size_limit():
    too_long = {name: n for name, path in MODULES.items()
                if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not too_long, f"modules over {MAX_LINES} lines (split them by subject): {too_long}"


def test_no_module_level_import_cycle():
    assert import_cycles() == []


def test_no_cycle_hidden_in_a_function():
    hidden = hidden_cycles()
    new = sorted(hidden - HIDDEN_CYCLES_ALLOWED)
    assert not new, ("function-local imports that close an import cycle (move the shared code to a module both "
                     f"can import): {new}")
    gone = sorted(HIDDEN_CYCLES_ALLOWED - hidden)
    assert not gone, f"fixed: remove from HIDDEN_CYCLES_ALLOWED: {gone}"


def test_cycle_finder_sees_function_local_imports():
    assert "civic.accounts.service" in function_local_imports("civic.alerts")
    assert not function_local_imports("civic.alerts") & {m for m in MODULES if m.startswith("civic.alerts.")}


@pytest.mark.timeout(600)  # one interpreter importing every module, one by one
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


# Words that point outside the repository: the design notes and data it was built from live next
# to it on the developers' machines, not in it. Provenance notes of copied data may name them.
OUTSIDE = ("../" + "shared", "/work/" + "shared", "DESIGN" + ".md", "STYLE" + ".md")


def _provenance_note(path: str) -> bool:
    return "/fixtures/" in f"/{path}" or Path(path).name.upper().startswith("SOURCES")


def tracked_text_files() -> list[str]:
    result = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=False)
    if result.returncode != 0:
        pytest.skip("not a git checkout")
    return [name for name in result.stdout.decode().split("\0") if name]


def test_nothing_refers_to_files_outside_the_repository():
    found = []
    for name in tracked_text_files():
        if _provenance_note(name) or not (ROOT / name).is_file():
            continue
        try:
            text = (ROOT / name).read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue  # images, fonts, data in other encodings
        for number, line in enumerate(text.splitlines(), 1):
            if any(word in line for word in OUTSIDE):
                found.append(f"{name}:{number}: {line.strip()[:120]}")
    assert not found, "references to files outside the repository (copy what is needed in):\n" + "\n".join(found)


# --- Dates and time zones: civic/timezone.py and civic/formatting.py only ----------------------------

TIME_HOMES = {"civic/timezone.py", "civic/formatting.py"}
# Known uses that are neither a time zone nor a date for people, each with its reason.
TIME_SIDE_PATHS_ALLOWED = {
    ("civic/backup.py", "strftime"),  # the UTC time stamp in a backup file's name
}
DATE_FORMATTERS = {"format_date", "format_datetime", "format_time", "format_timedelta", "format_skeleton",
                   "format_interval"}


def _is_utc(node: ast.AST) -> bool:
    return (isinstance(node, ast.Name) and node.id == "UTC") or (
        isinstance(node, ast.Attribute) and node.attr == "utc"
        and ast.unparse(node.value) in ("timezone", "datetime.timezone"))


def time_side_paths(package: Path) -> set[tuple[str, str, int]]:
    """(file, what, line) of every date or zone handled outside the two homes: zones named or
    converted to (``ZoneInfo``, ``.astimezone(zone)``), the machine's local clock (``datetime.now()``,
    ``date.today()``, ``fromtimestamp`` without a zone), dates formatted for people (``strftime``,
    Babel's date formatters). Converting to UTC and ``datetime.now(UTC)`` are fine anywhere."""
    found = set()
    for path in sorted(package.rglob("*.py")):
        name = path.relative_to(package.parent).as_posix()
        if name in TIME_HOMES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            what = None
            if isinstance(node, ast.Import):
                if any(alias.name.split(".")[0] in ("zoneinfo", "pytz", "tzlocal") or alias.name == "babel.dates"
                       for alias in node.names):
                    what = "import"
            elif isinstance(node, ast.ImportFrom) and node.module:
                root = node.module.split(".")[0]
                if root in ("zoneinfo", "pytz", "tzlocal") or node.module in ("babel.dates", "dateutil.tz") or (
                        root in ("flask_babel", "babel") and any(a.name in DATE_FORMATTERS for a in node.names)):
                    what = "import"
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                attr, args = node.func.attr, [*node.args, *(k.value for k in node.keywords)]
                if attr == "astimezone" and not (len(args) == 1 and _is_utc(args[0])):
                    what = "astimezone"
                elif attr == "now" and not (len(args) == 1 and _is_utc(args[0])) and \
                        ast.unparse(node.func.value) in ("datetime", "datetime.datetime"):
                    what = "now"
                elif attr in ("today", "utcnow", "utcfromtimestamp", "localtime", "mktime") and ast.unparse(
                        node.func.value) in ("date", "datetime", "time", "datetime.date", "datetime.datetime"):
                    what = attr
                elif attr == "fromtimestamp" and len(args) < 2:
                    what = "fromtimestamp"
                elif attr in ("strftime", *DATE_FORMATTERS) and ast.unparse(node.func.value) != "email.utils":
                    what = attr
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "ZoneInfo":
                what = "ZoneInfo"
            if what and (name, what) not in TIME_SIDE_PATHS_ALLOWED:
                found.add((name, what, node.lineno))
    return found


def test_dates_and_zones_go_through_timezone_and_formatting():
    """CONTRIBUTING, "Dates and times": zones through ``civic.timezone`` (``to_local``, ``to_utc``,
    ``local_now``, ``zone_named``), dates for people through ``civic.formatting``."""
    assert sorted(time_side_paths(PACKAGE)) == []


def test_the_side_path_finder_finds_side_paths(tmp_path):
    package = tmp_path / "civic"
    package.mkdir()
    (package / "timezone.py").write_text("from zoneinfo import ZoneInfo\nZONE = ZoneInfo('Asia/Seoul')\n")
    (package / "views.py").write_text(
        "from datetime import UTC, date, datetime\n"
        "from zoneinfo import ZoneInfo\n"
        "from flask_babel import format_datetime\n"
        "def a(m):\n    return m.astimezone(ZoneInfo('Asia/Seoul')).strftime('%m/%d')\n"
        "def b():\n    return datetime.now(), date.today(), datetime.fromtimestamp(0)\n"
        "def c(m):\n    return m.astimezone(UTC), datetime.now(UTC), datetime.fromtimestamp(0, UTC)\n")
    assert sorted(time_side_paths(package)) == [
        ("civic/views.py", "ZoneInfo", 5), ("civic/views.py", "astimezone", 5), ("civic/views.py", "fromtimestamp", 7),
        ("civic/views.py", "import", 2), ("civic/views.py", "import", 3), ("civic/views.py", "now", 7),
        ("civic/views.py", "strftime", 5), ("civic/views.py", "today", 7)]


# --- Feature dependencies (docs/architecture.md draws them) ---------------------------------------

# (feature, feature it must not import, why): push infrastructure both use lives in civic.webpush.
FORBIDDEN_FEATURE_IMPORTS = [
    ("civic.notifications", "civic.alerts", "personal pushes share civic.webpush with alerts, not alerts itself"),
    ("civic.webpush", "civic.alerts", "civic.webpush knows nothing of alerts"),
    ("civic.webpush", "civic.notifications", "civic.webpush knows nothing of accounts' devices"),
]


def feature_imports(feature: str, other: str) -> list[str]:
    """``module -> imported`` for every import of ``other`` (or its modules) by ``feature``'s
    modules, at module level or inside a function."""
    found = []
    for name in MODULES:
        if name != feature and not name.startswith(feature + "."):
            continue
        for target in sorted(module_level_imports(name) | function_local_imports(name)):
            if target == other or target.startswith(other + "."):
                found.append(f"{name} -> {target}")
    return found


@pytest.mark.parametrize("feature, other, why", FORBIDDEN_FEATURE_IMPORTS)
def test_feature_does_not_import(feature, other, why):
    assert feature_imports(feature, other) == [], why


def test_the_feature_import_finder_sees_imports():
    assert "civic.alerts.subscriptions -> civic.webpush.subscription" in feature_imports("civic.alerts",
                                                                                         "civic.webpush")
    assert feature_imports("civic.notifications", "civic.webpush")
