"""Recompute every statistics aggregate from the tables (``flask stats rebuild``).

The aggregates are kept up to date by ``tracking.py`` from the domain events; this is for data
that arrived around them (bulk imports, the benchmark, ``CountsBypassed``) and for a first
install. It recounts with the same key functions (``recount.py``), replaces the day counters and
the open-petitions mirror in one transaction, and moves the window totals (``windows.py``) from
the new counters. On PostgreSQL it takes the statistics lock exclusively (every ``apply_deltas``
holds it shared): a use case committing meanwhile waits for the rebuild and then adds its own
deltas, so a rebuild can run while the site is live.
"""

from __future__ import annotations

from collections import Counter

from sqlalchemy import delete, func, select

from civic.db import unit_of_work, utcnow
from civic.extensions import db
from civic.stats import models as m
from civic.stats import windows
from civic.stats.recount import recount

CHUNK = 1000  # rows per multi-row INSERT (at most 6,000 parameters: SQLite >= 3.32 takes 32,766)
OLD_SQLITE_PARAMETERS = 999  # the limit before SQLite 3.32


def expected_counts() -> Counter:
    """What the day counters must hold, recounted from the tables (nothing written)."""
    return recount().counts


def _insert_rows(connection, table, rows: list[dict]) -> None:
    """Write many rows at once: ``COPY … FROM STDIN`` on PostgreSQL (psycopg), chunks of
    multi-row ``INSERT … VALUES (…), (…), …`` elsewhere.

    An executemany costs a pipeline step per row on PostgreSQL and a parameter set per row in
    SQLAlchemy; SQLAlchemy compiles a multi-row statement anew for every chunk (it cannot cache
    one), and psycopg parses a long statement text anew for every execution. So the text is made
    once per chunk size and run on the driver. Each value goes through its column type's bind
    processing first, as SQLAlchemy would (the stored values are the same as an ORM insert's)."""
    if not rows:
        return
    dialect = connection.dialect
    columns = tuple(rows[0])
    processors = [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]

    def values(chunk: list[dict]) -> list:
        flat = [row[name] for row in chunk for name in columns]
        for i, process in enumerate(processors):
            if process is not None:
                flat[i::len(columns)] = [process(value) for value in flat[i::len(columns)]]
        return flat

    prepare = dialect.identifier_preparer
    target = f"{prepare.format_table(table)} ({', '.join(prepare.format_column(table.c[name]) for name in columns)})"
    if dialect.name == "postgresql" and dialect.driver == "psycopg":
        flat = values(rows)
        with connection.connection.driver_connection.cursor() as cursor, \
                cursor.copy(f"COPY {target} FROM STDIN") as copy:
            for start in range(0, len(flat), len(columns)):
                copy.write_row(flat[start:start + len(columns)])
        return
    if dialect.paramstyle not in ("qmark", "format", "pyformat"):
        connection.execute(table.insert(), rows)
        return
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    one = f"({', '.join([mark] * len(columns))})"
    size = CHUNK
    if dialect.name == "sqlite" and dialect.loaded_dbapi.sqlite_version_info < (3, 32):
        size = OLD_SQLITE_PARAMETERS // len(columns)
    texts: dict[int, str] = {}
    for start in range(0, len(rows), size):
        chunk = rows[start:start + size]
        text = texts.get(len(chunk))
        if text is None:
            text = texts[len(chunk)] = f"INSERT INTO {target} VALUES " + ", ".join([one] * len(chunk))
        connection.exec_driver_sql(text, tuple(values(chunk)))


def rebuild() -> dict[str, int]:
    """Replace the aggregates with a fresh count; returns rows written per table."""
    from civic.stats.keys import local_day

    with unit_of_work():
        connection = db.session.connection()
        windows.exclusive_lock(connection)
        result = recount()
        # In key order: the new rows go to the end of the primary-key index.
        rows = [{"metric": k[0], "day": k[1], "k1": k[2], "k2": k[3], "k3": k[4], "n": n}
                for k, n in sorted(result.counts.items()) if n]
        open_rows = [{"petition_id": pid, "department_id": dept, "due_at": due}
                     for pid, (dept, due) in sorted(result.open_petitions.items())]
        connection.execute(delete(m.StatCount))
        connection.execute(delete(m.OpenPetition))
        _insert_rows(connection, m.StatCount.__table__, rows)
        _insert_rows(connection, m.OpenPetition.__table__, open_rows)
        windows.move(connection, local_day(utcnow()), rebuild=True)
        stat_windows = connection.execute(select(func.count()).select_from(m.StatWindow)).scalar_one()
    return {"stat_counts": len(rows), "stat_open_petitions": len(open_rows), "stat_windows": stat_windows}
