"""Side effects go through civic.events: no bulk UPDATE/DELETE of a model whose changes are
counted or mirrored (statistics, open petitions, place properties) unless it is listed here with
why it needs no event, and no raw threads (background work goes through civic.jobs)."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "civic"

# Models whose rows the event consumers follow.
TRACKED = {"Petition", "Report", "Proposal", "PollVote", "Place"}

# (file, statement, model) -> how many, and why no event is needed. A bulk statement that changes
# a counted column emits the event itself or states ``events.CountsBypassed`` (a recount follows).
ALLOWED_BULK = {
    ("civic/petitions/service.py", "update", "Petition"): (1, "account deletion clears contact columns only"),
    ("civic/reports/service.py", "update", "Report"): (1, "account deletion clears the public name and contact"),
    ("civic/participation/supports.py", "update", "Proposal"): (
        5, "support counter and status moves under a row guard; crossing the threshold emits "
           "ProposalThresholdReached, expiry emits ProposalStatusChanged"),
    ("civic/participation/polls.py", "update", "PollVote"): (1, "a changed vote moves its option only"),
}

# Files allowed to start threads: the background job pool.
ALLOWED_THREADS = {"civic/jobs.py"}


def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        yield path.relative_to(ROOT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _bulk_statements(tree: ast.AST):
    """(statement, model) of every ``update(Model)`` / ``delete(Model)`` and
    ``Model.__table__.update()`` / ``.delete()``."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        if isinstance(func, ast.Name) and func.id in ("update", "delete") and node.args:
            target = node.args[0]
            if isinstance(target, ast.Attribute) and target.attr == "__table__":
                target = target.value
            if isinstance(target, ast.Name):
                yield func.id, target.id
        elif (isinstance(func, ast.Attribute) and func.attr in ("update", "delete")
              and isinstance(func.value, ast.Attribute) and func.value.attr == "__table__"
              and isinstance(func.value.value, ast.Name)):
            yield func.attr, func.value.value.id


def test_bulk_statements_on_tracked_models_are_listed():
    found: Counter = Counter()
    for path, tree in _sources():
        for statement, model in _bulk_statements(tree):
            if model in TRACKED:
                found[(path, statement, model)] += 1
    unlisted = {key: n for key, n in found.items() if key not in ALLOWED_BULK}
    assert not unlisted, (
        f"bulk {unlisted} bypasses the domain events: emit the event of each row, or state "
        "events.CountsBypassed and add it to ALLOWED_BULK with the reason")
    changed = {key: (found.get(key, 0), n) for key, (n, _why) in ALLOWED_BULK.items() if found.get(key, 0) != n}
    assert not changed, f"ALLOWED_BULK is out of date (found, listed): {changed}"


def test_the_rule_sees_bulk_statements():
    tree = ast.parse("db.session.execute(update(Petition).values(status='x'))\n"
                     "db.session.execute(delete(Place.__table__))\nPlace.__table__.delete()\n"
                     "update(Department)\n")
    assert sorted(_bulk_statements(tree)) == [("delete", "Place"), ("delete", "Place"), ("update", "Department"),
                                              ("update", "Petition")]


def _threads(tree: ast.AST) -> int:
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr == "Thread":
            count += 1
        elif isinstance(node, ast.ImportFrom) and node.module in ("threading", "_thread"):
            count += any(alias.name in ("Thread", "start_new_thread") for alias in node.names)
    return count


def test_no_raw_threads_outside_the_job_pool():
    offenders = [path for path, tree in _sources() if path not in ALLOWED_THREADS and _threads(tree)]
    assert offenders == [], f"{offenders} start threads: run background work through civic.jobs"


def test_the_rule_sees_threads():
    assert _threads(ast.parse("import threading\nthreading.Thread(target=f).start()")) == 1
    assert _threads(ast.parse("from threading import Thread")) == 1
    assert _threads(ast.parse("import threading\nlock = threading.Lock()")) == 0
