"""A marker that changes whenever the referral directory changes, kept by the database itself.

What reads the directory often (the hotlines every case tab offers) may keep its answer while
the marker stays the same. The marker is one row, `referrals_directory_version`, whose `token`
triggers on every directory table replace with a new random value on every write: an edit, a
verification, a retirement, an HSDS import, a management command, a queryset `update()` or raw
SQL alike, since no write path has to remember it. A random token rather than a counter: a
rolled-back write may have been read inside its own transaction, and its token must never
come back meaning something else.

PostgreSQL: the token is replaced when the writing transaction commits (a deferred constraint
trigger), so concurrent writers of different entries never wait on each other's row lock for
the length of their transactions (only for the instant of commit); a transaction that wrote
to the directory sees a transaction-local setting (`harbor.directory_touched`), and nothing
is cached from inside it. SQLite (the demo, the test suite) serialises its writers anyway: the
row is replaced by each write, visible to the writer at once and to others on commit.

The table is made by migration (referrals 0009), not by a model, so that emptying the
database between tests (flush) leaves it and its token in place.
"""

from __future__ import annotations

from django.db import connections

TABLE = "referrals_directory_version"  # named as such in the SQL below

# The directory's rows (HSDS): everything search, the hotlines and the export read.
DIRECTORY_MODELS = (
    "TaxonomyTerm",
    "Organization",
    "Service",
    "Language",
    "Phone",
    "Schedule",
    "ServiceArea",
    "Location",
    "Address",
    "ServiceAtLocation",
    "Attribute",
)

POSTGRESQL_FUNCTIONS = """
CREATE TABLE IF NOT EXISTS referrals_directory_version (
    id integer PRIMARY KEY CHECK (id = 1),
    token varchar(64) NOT NULL
);
INSERT INTO referrals_directory_version (id, token) VALUES (1, gen_random_uuid()::text)
    ON CONFLICT (id) DO NOTHING;

CREATE OR REPLACE FUNCTION harbor_directory_touched() RETURNS trigger AS $$
BEGIN
    -- This transaction now reads a directory no other one sees yet.
    PERFORM set_config('harbor.directory_touched', gen_random_uuid()::text, true);
    IF TG_OP = 'TRUNCATE' THEN  -- no row trigger fires for it
        UPDATE referrals_directory_version SET token = gen_random_uuid()::text WHERE id = 1;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION harbor_directory_committed() RETURNS trigger AS $$
BEGIN
    -- Deferred to the commit: one new token per writing transaction, published with it.
    IF current_setting('harbor.directory_committed', true) IS DISTINCT FROM 'on' THEN
        UPDATE referrals_directory_version SET token = gen_random_uuid()::text WHERE id = 1;
        PERFORM set_config('harbor.directory_committed', 'on', true);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
"""

POSTGRESQL_TABLE_TRIGGERS = """
DROP TRIGGER IF EXISTS harbor_directory_touched ON {table};
CREATE TRIGGER harbor_directory_touched AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION harbor_directory_touched();
DROP TRIGGER IF EXISTS harbor_directory_committed ON {table};
CREATE CONSTRAINT TRIGGER harbor_directory_committed AFTER INSERT OR UPDATE OR DELETE ON {table}
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION harbor_directory_committed();
"""

# SQLite runs one statement per execute.
SQLITE_TABLE = [
    "CREATE TABLE IF NOT EXISTS referrals_directory_version"
    " (id integer PRIMARY KEY CHECK (id = 1), token varchar(64) NOT NULL)",
    "INSERT OR IGNORE INTO referrals_directory_version (id, token)"
    " VALUES (1, lower(hex(randomblob(16))))",
]
SQLITE_OPS = ("INSERT", "UPDATE", "DELETE")
SQLITE_TABLE_TRIGGER = """CREATE TRIGGER IF NOT EXISTS harbor_directory_{table}_{suffix}
AFTER {op} ON {table}
BEGIN
    UPDATE referrals_directory_version SET token = lower(hex(randomblob(16))) WHERE id = 1;
END"""


def install_sql(vendor: str, tables: list[str]) -> list[str]:
    """The statements that make the marker and its triggers on `tables` (idempotent)."""
    if vendor == "postgresql":
        statements = [POSTGRESQL_FUNCTIONS]
        statements += [POSTGRESQL_TABLE_TRIGGERS.format(table=table) for table in tables]
        return statements
    if vendor == "sqlite":
        triggers = [
            SQLITE_TABLE_TRIGGER.format(table=table, op=op, suffix=op.lower())
            for table in tables
            for op in SQLITE_OPS
        ]
        return [*SQLITE_TABLE, *triggers]
    return []


def uninstall_sql(vendor: str, tables: list[str]) -> list[str]:
    if vendor == "postgresql":
        statements = [
            f"DROP TRIGGER IF EXISTS harbor_directory_touched ON {table};"
            f"DROP TRIGGER IF EXISTS harbor_directory_committed ON {table};"
            for table in tables
        ]
        return [
            *statements,
            "DROP FUNCTION IF EXISTS harbor_directory_touched();"
            "DROP FUNCTION IF EXISTS harbor_directory_committed();"
            f"DROP TABLE IF EXISTS {TABLE};",
        ]
    if vendor == "sqlite":
        statements = [
            f"DROP TRIGGER IF EXISTS harbor_directory_{table}_{op.lower()}"
            for table in tables
            for op in SQLITE_OPS
        ]
        return [*statements, f"DROP TABLE IF EXISTS {TABLE}"]
    return []


READ_SQL = {
    "postgresql": (
        "SELECT token, COALESCE(current_setting('harbor.directory_touched', true), '')"
        " FROM referrals_directory_version WHERE id = 1"
    ),
    "sqlite": "SELECT token, '' FROM referrals_directory_version WHERE id = 1",
}


def directory_version(using: str = "default") -> str | None:
    """The directory's current marker, in one small query; None when nothing may be kept:
    this transaction has itself written to the directory (PostgreSQL), or the database has
    no marker (another backend, or not migrated)."""
    connection = connections[using]
    sql = READ_SQL.get(connection.vendor)
    if sql is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql)
        row = cursor.fetchone()
    if row is None or row[1]:
        return None
    return str(row[0])
