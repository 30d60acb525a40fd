"""/healthz for the load balancer, and the request id that follows a request through the logs."""

import pytest
from django.urls import reverse

from conftest import client_for
from imuse_portal import operations, request_id

pytestmark = pytest.mark.django_db


def test_healthz_says_ok_to_anyone_without_a_login(world):
    response = client_for(None).get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "migrations": "ok", "storage": "ok"},
    }
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.parametrize("failing", ["database", "migrations", "storage"])
def test_healthz_names_what_fails_with_a_503_and_no_detail(world, monkeypatch, failing):
    def broken():
        raise RuntimeError("connection to 10.0.0.5 refused: secret details")

    monkeypatch.setitem(operations.CHECKS, failing, broken)
    response = client_for(None).get(reverse("healthz"))
    assert response.status_code == 503
    assert response.json()["checks"][failing] == "failing"
    assert response.json()["status"] == "failing"
    assert b"10.0.0.5" not in response.content and b"secret" not in response.content


def test_a_pending_migration_is_a_failure(world, monkeypatch):
    monkeypatch.setattr(
        operations.MigrationExecutor, "migration_plan", lambda self, targets: [("x", False)]
    )
    assert client_for(None).get(reverse("healthz")).json()["checks"]["migrations"] == "failing"


def test_every_response_carries_a_request_id_and_the_logs_know_it(world, monkeypatch):
    seen = []
    monkeypatch.setitem(
        operations.CHECKS, "database", lambda: seen.append(request_id.REQUEST_ID.get()) or True
    )
    client = client_for(None)
    given = client.get(reverse("healthz"), headers={"X-Request-ID": "proxy-1234abcd"})
    assert given["X-Request-ID"] == "proxy-1234abcd" and seen == ["proxy-1234abcd"]
    forged = client.get(reverse("healthz"), headers={"X-Request-ID": "x\nInjected: yes"})
    assert len(forged["X-Request-ID"]) == 32 and "\n" not in forged["X-Request-ID"]
    assert seen[1] == forged["X-Request-ID"]


def test_the_log_filter_stamps_each_record():
    import logging

    record = logging.LogRecord("x", logging.INFO, __file__, 1, "message", (), None)
    token = request_id.REQUEST_ID.set("abcdef123456")
    try:
        assert request_id.RequestIdFilter().filter(record) is True
    finally:
        request_id.REQUEST_ID.reset(token)
    assert record.request_id == "abcdef123456"
