"""The timeline's append-only guard in the database, with the one change it allows: retention.

A timeline entry is evidence of what happened, so the database refuses to rewrite it. Retention
(cases.retention) must still remove a person's words from a closed case's entries. The guard
therefore allows exactly one kind of UPDATE, and only on a closed case's entries:

- the kind, case, author, time and id stay as they are;
- each payload field keeps its value, except a field that `cases.events` declares as free text
  for that kind, which may become the empty string (the keys stay, and every reader of the
  payload still finds a string; the codes beside it stay for the figures);
- the summary stays, or becomes empty for a kind that declares words in its summary.

Everything else (another column, another field, any other value, an open case, any DELETE on
PostgreSQL) is refused, from the app's role and the owner alike. The rule is written from
`cases.events.EVENTS` each time `migrate` runs (post_migrate), so declaring a new free-text field
updates the guard with it.

PostgreSQL: a plpgsql trigger function; the app's role gets UPDATE on the `payload` and `summary`
columns only (cases.db_roles). SQLite: a trigger with the same rule over its JSON functions (no
DELETE trigger there: the test runner empties SQLite tables with DELETE).
"""

from __future__ import annotations

import json

from django.db.backends.base.base import BaseDatabaseWrapper

from cases.events import EVENTS

REFUSED = "The cases_caseevent table is append-only: only retention may blank declared free text"


def free_text_fields() -> dict[str, list[str]]:
    """Kind → its free-text payload fields, for the kinds that declare any."""
    return {
        str(kind): sorted(declared.free_text)
        for kind, declared in EVENTS.items()
        if declared.free_text
    }


def summary_kinds() -> list[str]:
    """Kinds whose summary may quote a person's words."""
    return sorted(str(kind) for kind, declared in EVENTS.items() if declared.words_in_summary)


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def postgresql_sql() -> str:
    free = _literal(json.dumps(free_text_fields(), sort_keys=True))
    summaries = "ARRAY[" + ", ".join(_literal(kind) for kind in summary_kinds()) + "]::text[]"
    # Built only from cases.events' declared names, each quoted by _literal: no user input.
    return f"""
CREATE OR REPLACE FUNCTION harbor_caseevent_redact_only() RETURNS trigger AS $$
DECLARE
    free jsonb := {free}::jsonb;
    summaries text[] := {summaries};
    field text;
BEGIN
    IF (to_jsonb(NEW) - 'payload' - 'summary') IS DISTINCT FROM
           (to_jsonb(OLD) - 'payload' - 'summary')
       OR (NEW.summary IS DISTINCT FROM OLD.summary
           AND NOT (NEW.summary = '' AND OLD.kind = ANY(summaries)))
       OR jsonb_typeof(NEW.payload) IS DISTINCT FROM 'object'
       OR NOT (NEW.payload ?& ARRAY(SELECT jsonb_object_keys(OLD.payload)))
       OR NOT (OLD.payload ?& ARRAY(SELECT jsonb_object_keys(NEW.payload)))
    THEN
        RAISE EXCEPTION '{REFUSED}';
    END IF;
    FOR field IN SELECT jsonb_object_keys(OLD.payload) LOOP
        IF NEW.payload -> field IS DISTINCT FROM OLD.payload -> field
           AND NOT (COALESCE(free -> OLD.kind, '[]'::jsonb) ? field
                    AND NEW.payload -> field = '""'::jsonb)
        THEN
            RAISE EXCEPTION '{REFUSED}';
        END IF;
    END LOOP;
    IF NOT EXISTS (SELECT 1 FROM cases_case WHERE id = OLD.case_id AND status = 'closed') THEN
        RAISE EXCEPTION '{REFUSED}';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER IF EXISTS cases_caseevent_append_only ON cases_caseevent;
DROP TRIGGER IF EXISTS cases_caseevent_no_delete ON cases_caseevent;
DROP TRIGGER IF EXISTS cases_caseevent_redact_only ON cases_caseevent;
CREATE TRIGGER cases_caseevent_no_delete
    BEFORE DELETE ON cases_caseevent
    FOR EACH ROW EXECUTE FUNCTION harbor_refuse_change();
CREATE TRIGGER cases_caseevent_redact_only
    BEFORE UPDATE ON cases_caseevent
    FOR EACH ROW EXECUTE FUNCTION harbor_caseevent_redact_only();
"""  # noqa: S608


def sqlite_sql() -> list[str]:
    pairs = [(kind, field) for kind, fields in free_text_fields().items() for field in fields]
    blankable = (
        "(OLD.kind, o.key) IN (VALUES "
        + ", ".join(f"({_literal(kind)}, {_literal(field)})" for kind, field in pairs)
        + ")"
        if pairs
        else "0"
    )
    summaries = ", ".join(_literal(kind) for kind in summary_kinds()) or "NULL"
    return [
        "DROP TRIGGER IF EXISTS cases_caseevent_redact_only",
        # Built only from cases.events' declared names, each quoted by _literal.
        f"""
CREATE TRIGGER cases_caseevent_redact_only BEFORE UPDATE ON cases_caseevent
FOR EACH ROW WHEN NOT (
    NEW.id IS OLD.id AND NEW.case_id IS OLD.case_id AND NEW.kind IS OLD.kind
    AND NEW."at" IS OLD."at" AND NEW.by_id IS OLD.by_id
    AND (NEW.summary IS OLD.summary OR (NEW.summary = '' AND OLD.kind IN ({summaries})))
    AND json_type(NEW.payload) = 'object'
    AND (SELECT count(*) FROM json_each(NEW.payload))
        = (SELECT count(*) FROM json_each(OLD.payload))
    AND NOT EXISTS (
        SELECT 1 FROM json_each(OLD.payload) AS o
        WHERE NOT EXISTS (
            SELECT 1 FROM json_each(NEW.payload) AS n
            WHERE n.key = o.key
              AND ((n.type = o.type AND n.value IS o.value)
                   OR (n.type = 'text' AND n.value = '' AND {blankable}))
        )
    )
    AND EXISTS (SELECT 1 FROM cases_case WHERE id = OLD.case_id AND status = 'closed')
)
BEGIN
    SELECT RAISE(ABORT, '{REFUSED}');
END
""",  # noqa: S608
    ]


def install(connection: BaseDatabaseWrapper, *, during_migration: bool = False) -> None:
    """(Re)write the guard from the current declarations. During a migration, SQLite's guard
    waits for post_migrate (drop_before_migrate says why)."""
    if during_migration and connection.vendor == "sqlite":
        return
    if "cases_caseevent" not in connection.introspection.table_names():
        return  # migrated back past the timeline: nothing to guard
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(postgresql_sql())
        elif connection.vendor == "sqlite":
            for statement in sqlite_sql():
                cursor.execute(statement)


def install_after_migrate(sender: object, using: str = "default", **kwargs: object) -> None:
    from django.db import connections

    install(connections[using])


def drop_before_migrate(sender: object, using: str = "default", **kwargs: object) -> None:
    """SQLite alters a table by rebuilding it (create, copy, drop, rename), and a trigger that
    names a table being rebuilt breaks the rename; so on SQLite the guard is taken off while
    migrations run and written again after them (install_after_migrate)."""
    from django.db import connections

    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS cases_caseevent_redact_only")
