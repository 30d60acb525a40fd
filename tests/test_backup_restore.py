"""The backup and restore of docs/operations.md, tried: the database of a working portal dumped with
``pg_dump --format=custom``, restored with ``pg_restore --no-owner --role=…`` into a new
database, every table holds the same rows, no migration is left to apply, and the portal
started on the restored database answers ``/healthz`` and shows a family its invoices.

It needs PostgreSQL (and its client programs); in CI (CI=true) it may not be skipped.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import psycopg
import pytest
from django.conf import settings
from django.db import connection

from conftest import require, require_program
from tests.figures import report

RESTORED = "portal_restore_check"


def _environment(name: str) -> dict[str, str]:
    database = settings.DATABASES["default"]
    return {
        **os.environ,
        "PGHOST": str(database["HOST"] or "127.0.0.1"),
        "PGPORT": str(database["PORT"] or 5432),
        "PGUSER": database["USER"],
        "PGPASSWORD": database["PASSWORD"],
        "PGDATABASE": name,
    }


def _table_digests(name: str) -> dict[str, tuple[int, str]]:
    """Each table's row count and a digest of its rows (each row as text, in order)."""
    env = _environment(name)
    with psycopg.connect(
        host=env["PGHOST"],
        port=env["PGPORT"],
        user=env["PGUSER"],
        password=env["PGPASSWORD"],
        dbname=name,
        autocommit=True,
    ) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        return {
            table: conn.execute(
                "SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                f'FROM "{table}" t'
            ).fetchone()
            for table in tables
        }


def _admin_sql(statement: str) -> None:
    env = _environment("postgres")
    with psycopg.connect(
        host=env["PGHOST"],
        port=env["PGPORT"],
        user=env["PGUSER"],
        password=env["PGPASSWORD"],
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(statement)


PORTAL_ON_RESTORED = """
import json
from django.test import Client
from django.urls import reverse
from accounts.models import User
client = Client()
health = client.get("/healthz")
family = User.objects.get(identifier="abarre1")
client.force_login(family)
ledger = client.get(reverse("billing:ledger", args=["locations"]))
print(json.dumps({"health": health.status_code, "body": health.json(),
                  "ledger": ledger.status_code, "invoice": "12FC01785" in ledger.text}))
"""


@pytest.mark.django_db(transaction=True)
def test_a_dump_restores_into_a_working_portal(world, tmp_path):
    require(connection.vendor == "postgresql", "the restore test needs PostgreSQL")
    pg_dump, pg_restore = require_program("pg_dump"), require_program("pg_restore")
    source = connection.settings_dict["NAME"]
    dump = tmp_path / "portal.dump"
    subprocess.run(
        [pg_dump, "--format=custom", f"--file={dump}", source],
        env=_environment(source),
        check=True,
        capture_output=True,
    )
    _admin_sql(f'DROP DATABASE IF EXISTS "{RESTORED}"')
    _admin_sql(f'CREATE DATABASE "{RESTORED}"')
    try:
        subprocess.run(
            [
                pg_restore,
                "--no-owner",
                f"--role={_environment(source)['PGUSER']}",
                f"--dbname={RESTORED}",
                str(dump),
            ],
            env=_environment(RESTORED),
            check=True,
            capture_output=True,
        )
        before, after = _table_digests(source), _table_digests(RESTORED)
        env = _environment(RESTORED) | {
            "DATABASE_URL": (
                f"postgres://{_environment(RESTORED)['PGUSER']}:"
                f"{_environment(RESTORED)['PGPASSWORD']}@{_environment(RESTORED)['PGHOST']}:"
                f"{_environment(RESTORED)['PGPORT']}/{RESTORED}"
            ),
            "DEBUG": "1",
            "DJANGO_SETTINGS_MODULE": "imuse_portal.settings",  # production's, not the tests'
            "MEDIA_ROOT": str(tmp_path / "media"),
        }
        migrations = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--check", "--no-input"],
            env=env,
            capture_output=True,
            text=True,
            cwd=settings.BASE_DIR,
        )
        portal = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", PORTAL_ON_RESTORED],
            env=env,
            capture_output=True,
            text=True,
            cwd=settings.BASE_DIR,
        )
    finally:
        _admin_sql(f'DROP DATABASE IF EXISTS "{RESTORED}" WITH (FORCE)')
    rows = sum(count for count, _digest in before.values())
    report(
        f"backup and restore: {len(before)} tables, {rows} rows dumped and restored; "
        f"{sum(before[t] != after.get(t) for t in before)} tables differ"
    )
    assert after == before and rows > 100
    assert migrations.returncode == 0, migrations.stdout + migrations.stderr
    assert portal.returncode == 0, portal.stderr
    outcome = json.loads(portal.stdout.strip().splitlines()[-1])
    assert outcome == {
        "health": 200,
        "body": outcome["body"] | {"status": "ok"},
        "ledger": 200,
        "invoice": True,
    }
