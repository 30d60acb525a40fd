"""``/healthz``, for a load balancer: the database answers, every migration is applied, the
storages take a file. (The request id of the logs is in ``imuse_portal.request_id``.)"""

from __future__ import annotations

import logging

from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.access import public

logger = logging.getLogger(__name__)


def _database() -> bool:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def _migrations() -> bool:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    return not executor.migration_plan(executor.loader.graph.leaf_nodes())


def _storage() -> bool:
    for alias in ("default", "documents", "billing"):
        storage = storages[alias]
        name = storage.save("healthz/probe.txt", ContentFile(b"ok"))
        storage.delete(name)
    return True


CHECKS = {"database": _database, "migrations": _migrations, "storage": _storage}


@public
@never_cache
@require_safe
def healthz(request):
    """200 when the database answers, every migration is applied and the storages take a
    file; 503 otherwise, naming what failed (nothing else: no data, no error text)."""
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = "ok" if check() else "failing"
        except Exception:  # a health check reports, it does not raise
            logger.exception("healthz: %s failed", name)
            results[name] = "failing"
    healthy = all(value == "ok" for value in results.values())
    return JsonResponse(
        {"status": "ok" if healthy else "failing", "checks": results},
        status=200 if healthy else 503,
    )
