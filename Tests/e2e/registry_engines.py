"""What a test reads of a registry behind Clientele's back, on either engine: its rows (`query`), a sandbox's rows
(`sandbox_query`), whether anything was written (`snapshot`) and all it stores (`stored_bytes`). SQLite through
Python's sqlite3 on the file; PostgreSQL through `psql` and `pg_dump`, PostgreSQL's own clients, so what the tests
see of the registry never goes through Clientele. Rows come back with SQLite's Python types on both: integers as
int, times as the text GRDB stores (`2026-11-23 12:00:00.000`), blobs as bytes, booleans as True/False (equal to
SQLite's 1/0)."""
import atexit
import hashlib
import json
import os
import re
import sqlite3
import subprocess
from pathlib import Path

import postgres

ENGINE = os.environ.get("CLIENTELE_TEST_ENGINE") or "sqlite"
assert ENGINE in ("sqlite", "postgres"), f"CLIENTELE_TEST_ENGINE is {ENGINE!r}: postgres, or unset for SQLite"


class SQLiteRegistry:
    def __init__(self, path: Path):
        self.path = path
        self.location = path

    def sandbox_file(self, idp):
        return self.path.parent / f"registry.sandbox-{idp}.sqlite"

    def query(self, sql, *params):
        with sqlite3.connect(self.path) as db:
            # As Clientele opens it, and as PostgreSQL always is: a delete cascades where the schema says.
            db.execute("PRAGMA foreign_keys = ON")
            return db.execute(sql, params).fetchall()

    def sandbox_query(self, idp, sql, *params):
        with sqlite3.connect(self.sandbox_file(idp)) as db:
            return db.execute(sql, params).fetchall()

    def caseless(self, expression):
        return f"{expression} COLLATE NOCASE"

    def json_text(self, column, key):
        """SQL for the text at `key` of the JSON object in `column`."""
        return f"json_extract({column}, '$.{key}')"

    def tamper(self, sql):
        # The sqlite3 shell, as someone with the file in hand would.
        subprocess.run(["sqlite3", str(self.path), sql], check=True)

    def stored_bytes(self, sandboxes=False):
        """The registry's bytes once the WAL is folded in (and, with `sandboxes`, every file beside it)."""
        with sqlite3.connect(self.path) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        if not sandboxes:
            return self.path.read_bytes()
        return b"".join(path.read_bytes() for path in sorted(self.path.parent.iterdir()) if path.is_file())

    def write(self, *statements):
        """`statements` in one transaction, as another process writing to the registry would."""
        with sqlite3.connect(self.path) as db:
            for statement in statements:
                db.execute(statement)

    def snapshot(self):
        """Equal snapshots mean nothing was written."""
        return hashlib.sha256(self.stored_bytes()).hexdigest()

    def drop(self):
        pass


def sandbox_schema(idp):
    """The schema a sandbox named `idp` keeps its state in (SandboxHome.newStateName): `sandbox_` and the name,
    lowercased, anything but ASCII letters and digits as `_`, cut to PostgreSQL's 63 bytes."""
    safe = "".join(c if c.isascii() and c.isalnum() else "_" for c in idp.lower())
    return ("sandbox_" + safe)[:63]


def literal(value):
    """`value` as a SQL literal (standard_conforming_strings is on in PostgreSQL 15: only quotes need doubling)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, bytes):
        return f"'\\x{value.hex()}'::bytea"
    if isinstance(value, str):
        assert "\x00" not in value, "PostgreSQL text holds no NUL"
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQL literal for {type(value).__name__}")


def bind(sql, params):
    """`sql` with each `?` outside quotes replaced by its parameter's literal."""
    pieces, remaining, quote = [], list(params), None
    for character in sql:
        if quote:
            quote = None if character == quote else quote
        elif character in "'\"":
            quote = character
        elif character == "?":
            assert remaining, f"more placeholders than parameters in: {sql}"
            pieces.append(literal(remaining.pop(0)))
            continue
        pieces.append(character)
    assert not remaining, f"more parameters than placeholders in: {sql}"
    return "".join(pieces)


TIMESTAMP = re.compile(r"^(\d{4}-\d\d-\d\d)T(\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?\+00:00$")
BYTEA = re.compile(r"^\\x(?:[0-9a-f]{2})*$")


def as_sqlite_value(value):
    """A value of row_to_json's as sqlite3 would have returned it."""
    if isinstance(value, str):
        stamp = TIMESTAMP.match(value)
        if stamp:
            return f"{stamp[1]} {stamp[2]}.{(stamp[3] or '').ljust(3, '0')[:3]}"
        if BYTEA.match(value) and len(value) > 2:
            return bytes.fromhex(value[2:])
    return value


class PostgresRegistry:
    """A database of the test's own on the run's server (a fresh one unless `location` names it), dropped when the
    test ends."""

    _built = {}

    def __init__(self, location=None):
        self.location = location or postgres.fresh_database("e2e")
        self.name = self.location.rsplit("/", 1)[1]

    @classmethod
    def copy_of_built(cls, key, build):
        """A copy of the registry `build(url)` made in a database of its own, built once per run for each `key`
        (a deterministic build's arguments and clock) and copied by CREATE DATABASE … TEMPLATE: the demo takes
        seconds to build on PostgreSQL, a copy a tenth of one."""
        if key not in cls._built:
            template = cls()
            build(template.location)
            cls._built[key] = template
            atexit.register(template.drop)
        template = cls._built[key]
        return cls(postgres.fresh_database("e2e", template=template.name))

    def _psql(self, sql, schema=None):
        # UTC, as Clientele reads and writes times; a sandbox's tables resolve in its schema, as SandboxStore does.
        environment = {**os.environ, "PGTZ": "UTC"}
        if schema:
            environment["PGOPTIONS"] = f"-c search_path={schema}"
        result = subprocess.run(["psql", self.location, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-c", sql],
                                capture_output=True, text=True, timeout=60, env=environment)
        assert result.returncode == 0, f"psql: {result.stderr.strip()} in: {sql}"
        return result.stdout

    def _rows(self, sql, params, schema=None):
        statement = bind(sql, params).strip().rstrip(";")
        if not re.match(r"(?is)^\s*(SELECT|WITH|VALUES)\b", statement):
            self._psql(statement, schema)
            return []
        # row_to_json keeps each value's type (numbers, booleans, NULL) and the columns' order, duplicates too.
        output = self._psql(f"SELECT row_to_json(q)::text FROM (\n{statement}\n) q", schema)
        return [tuple(as_sqlite_value(value) for _, value in json.loads(line, object_pairs_hook=list))
                for line in output.splitlines() if line]

    def query(self, sql, *params):
        return self._rows(sql, params)

    def sandbox_query(self, idp, sql, *params):
        return self._rows(sql, params, schema=sandbox_schema(idp))

    def caseless(self, expression):
        return f"lower({expression})"

    def json_text(self, column, key):
        return f"(CAST({column} AS json) ->> '{key}')"

    def tamper(self, sql):
        # As a superuser, past any trigger (the append-only one `init --print-roles` installs, PostgresRoles.swift).
        self._psql("BEGIN; SET LOCAL session_replication_role = replica; " + sql.rstrip(";") + "; COMMIT")

    def stored_bytes(self, sandboxes=False):
        """Every row of the registry's tables (and, with `sandboxes`, of every schema in the database) as pg_dump
        writes them, with byte strings in escape form so text sealed in clear would show as itself."""
        schemas = [] if sandboxes else ["--schema=public"]
        result = subprocess.run(["pg_dump", "--data-only", "--no-owner", "--restrict-key=clientele", *schemas, "-d", self.location],
                                capture_output=True, timeout=60,
                                env={**os.environ, "PGTZ": "UTC", "PGOPTIONS": "-c bytea_output=escape"})
        assert result.returncode == 0, f"pg_dump: {result.stderr.decode().strip()}"
        return result.stdout

    def write(self, *statements):
        """`statements` in one transaction, as another process writing to the registry would."""
        self._psql("BEGIN; " + "; ".join(statement.rstrip(";") for statement in statements) + "; COMMIT")

    def snapshot(self):
        """Equal snapshots mean nothing was written: a hash of every row of every registry table."""
        return hashlib.sha256(self.stored_bytes()).hexdigest()

    def drop(self):
        # Only this test's own database; FORCE ends a connection a killed child may have left behind.
        postgres.psql(self.location.rsplit("/", 1)[0] + "/postgres", f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)")


def registry_at(location):
    """The registry a test built at `location`: a PostgreSQL URL or a SQLite file's path."""
    if str(location).startswith(("postgres://", "postgresql://")):
        return PostgresRegistry(str(location))
    return SQLiteRegistry(Path(location))
