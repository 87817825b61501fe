"""Reading SQLite's query plans of the statements a store ran (tests of what grows with a show)."""

from __future__ import annotations

from videohelp.core.store import Store


def traced(store: Store) -> list[str]:
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    return statements


def scans(store: Store, statements: list[str]) -> list[tuple[str, list[str]]]:
    """Statements whose plan scans a table (not an index range, not a rowid lookup)."""
    found = []
    for statement in set(statements):
        # An INSERT's plan lists the foreign-key checks a conflict would need; they do not run.
        if not statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
            continue
        plan = [row[3] for row in store.conn.execute("EXPLAIN QUERY PLAN " + statement)]
        # The (VALUES ...) lists the ingest joins against are scanned, and that is fine.
        values = {step.split()[1] for step in plan if step.startswith("MATERIALIZE")}
        if any(step.startswith("SCAN") and "CONSTANT ROWS" not in step
               and step.split()[1] not in values for step in plan):
            found.append((statement[:200], plan))
    return found
