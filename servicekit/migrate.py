"""Least privilege in PostgreSQL: the short-lived migration step, run with an administrator's
connection before the services start (`tdkt migrate`, the compose `migrate` service, the
Kubernetes Job), makes for each service

- a login role named like its database (`tdkt_plan`), with the password it is given;
- an owner role (`tdkt_plan_owner`, no login) owning the database, its schema `public`, the
  event store's tables and the append-only tables (`Migration.owned`);
- grants: the login role may connect, create and use its own read-model tables, and only
  SELECT and INSERT the event tables (and take the lock that orders inserts); triggers refuse
  UPDATE, DELETE and TRUNCATE there. The login role owns none of them, so it can neither change
  them nor switch those triggers off. No superuser at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlsplit

import psycopg
from eventsourcing.postgres import PostgresDatastore
from psycopg import sql

from servicekit.pgstore import ChainedRecorder

APPEND_ONLY = """CREATE OR REPLACE FUNCTION tdkt_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"""


@dataclass(frozen=True)
class Migration:
    """What a service needs made before it runs: the event store of its Application (named
    like the Application class), and append-only tables (`owned`: statements creating them)."""

    event_store: str | None = None  # the Application's name, e.g. "Plans"
    owned: Sequence[str] = field(default_factory=tuple)
    owned_tables: Sequence[str] = field(default_factory=tuple)


def migrate(admin_dsn: str, database: str, migration: Migration, password: str) -> None:
    """Make (or bring up to date) the roles, database and tables of the service whose database
    is `database`; its login role is named the same and gets `password`."""
    login = database
    owner = f"{database}_owner"
    with psycopg.connect(_with_database(admin_dsn, "postgres"), autocommit=True) as conn:
        conn.execute("SELECT pg_advisory_lock(hashtext('tdkt:migrate'))")
        _role(conn, owner, login=False)
        _role(conn, login, login=True, password=password)
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(database), sql.Identifier(owner)))
        conn.execute(sql.SQL("ALTER DATABASE {} OWNER TO {}").format(sql.Identifier(database), sql.Identifier(owner)))
        conn.execute(sql.SQL("REVOKE ALL ON DATABASE {} FROM PUBLIC").format(sql.Identifier(database)))
        conn.execute(sql.SQL("GRANT CONNECT, TEMP ON DATABASE {} TO {}").format(
            sql.Identifier(database), sql.Identifier(login)))
    with psycopg.connect(_with_database(admin_dsn, database), autocommit=True) as conn:
        names = {"owner": sql.Identifier(owner), "login": sql.Identifier(login)}
        conn.execute(sql.SQL("ALTER SCHEMA public OWNER TO {owner}").format(**names))
        conn.execute(sql.SQL("GRANT USAGE, CREATE ON SCHEMA public TO {login}").format(**names))
        conn.execute(APPEND_ONLY)
        conn.execute(sql.SQL("ALTER FUNCTION tdkt_append_only() OWNER TO {owner}").format(**names))
        tables = list(migration.owned_tables)
        if migration.event_store:
            tables += _event_store(admin_dsn, database, migration.event_store)
        for statement in migration.owned:
            conn.execute(statement)
        lock = "MAINTAIN" if (conn.info.server_version or 0) >= 170000 else "UPDATE"  # LOCK ... EXCLUSIVE
        for table in tables:
            _append_only(conn, table, names, lock)


def _event_store(admin_dsn: str, database: str, application: str) -> list[str]:
    """Create the event tables (as the library would), return their names."""
    parts = urlsplit(admin_dsn)
    datastore = PostgresDatastore(
        dbname=database, host=parts.hostname or "127.0.0.1", port=str(parts.port or 5432),
        user=unquote(parts.username or "postgres"), password=unquote(parts.password or ""))
    try:
        recorder = ChainedRecorder(datastore, events_table_name=f"{application.lower()}_events", key=b"-",
                                   budget_s=10)
        recorder.create_table()
        return [recorder.events_table_name, recorder.chain_table]
    finally:
        datastore.close()


def _append_only(conn: psycopg.Connection[Any], table: str, names: dict[str, sql.Identifier], lock: str) -> None:
    ident = sql.Identifier(table)
    conn.execute(sql.SQL("ALTER TABLE {t} OWNER TO {owner}").format(t=ident, **names))
    conn.execute(sql.SQL("REVOKE ALL ON {t} FROM {login}").format(t=ident, **names))
    conn.execute(sql.SQL("GRANT SELECT, INSERT, " + lock + " ON {t} TO {login}").format(t=ident, **names))
    for sequence, in conn.execute(
            "SELECT s.relname FROM pg_class s JOIN pg_depend d ON d.objid = s.oid "
            "JOIN pg_class t ON d.refobjid = t.oid WHERE s.relkind = 'S' AND t.relname = %s", (table,)).fetchall():
        conn.execute(sql.SQL("GRANT USAGE, SELECT ON SEQUENCE {s} TO {login}").format(
            s=sql.Identifier(sequence), **names))
    for when, each in (("UPDATE OR DELETE", "ROW"), ("TRUNCATE", "STATEMENT")):
        trigger = sql.Identifier(f"{table}_append_only_{each.lower()}")
        conn.execute(sql.SQL("DROP TRIGGER IF EXISTS {g} ON {t}").format(g=trigger, t=ident))
        conn.execute(sql.SQL("CREATE TRIGGER {g} BEFORE " + when + " ON {t} FOR EACH " + each +
                             " EXECUTE FUNCTION tdkt_append_only()").format(g=trigger, t=ident))


def _role(conn: psycopg.Connection[Any], name: str, *, login: bool, password: str | None = None) -> None:
    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is not None
    verb = "ALTER" if exists else "CREATE"
    options = sql.SQL("LOGIN PASSWORD {}").format(sql.Literal(password)) if login else sql.SQL("NOLOGIN")
    conn.execute(sql.SQL(verb + " ROLE {} ").format(sql.Identifier(name)) + options)


def _with_database(dsn: str, database: str) -> str:
    return urlsplit(dsn)._replace(path=f"/{database}").geturl()
