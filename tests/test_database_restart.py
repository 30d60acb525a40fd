"""A fault test: PostgreSQL restarts while families save their records.

Requests caught by the restart get the portal's clean error page (never a traceback); each
saved change is whole (the change request, its audit entry and its acknowledgement mail, or
none of them); and the portal serves again once the database is back, without a restart of
its own (stale connections are checked at each request).

It needs PostgreSQL and a command that restarts it (``DATABASE_RESTART``, which ``.ci/run``
sets); in CI (CI=true) it may not be skipped.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import threading
import time
from collections import Counter

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from mailer.models import Message

from accounts.models import AuditEntry
from conftest import require
from family.forms import GuardianIdentityForm
from family.models import ChangeRequest, Guardian
from tests.factories import (
    EstablishmentFactory,
    FamilyFactory,
    FamilyUserFactory,
    GuardianFactory,
    SchoolYearFactory,
)
from tests.figures import report
from tests.html import page

FAMILIES = 12
THREADS = 4


def restart_command() -> list[str]:
    require(connection.vendor == "postgresql", "the restart test needs PostgreSQL")
    command = os.environ.get("DATABASE_RESTART", "")
    require(bool(command), "DATABASE_RESTART (the command restarting PostgreSQL) is not set")
    return shlex.split(command)


def identity_data(guardian: Guardian, city: str) -> dict:
    form = GuardianIdentityForm(instance=guardian, establishment=guardian.establishment_id)
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    return data | {"city": city}


class Families(threading.Thread):
    """One browser per family, saving the family's record again and again with a new city."""

    def __init__(self, guardians: list[Guardian], stop: threading.Event):
        super().__init__(daemon=True)
        self.guardians = guardians
        # The form's values read now: during the restart only the requests touch the database.
        self.data = {guardian.pk: identity_data(guardian, "") for guardian in guardians}
        self.stop = stop
        self.outcomes: Counter = Counter()
        self.unclean: list[str] = []

    def run(self):
        clients = {}
        for guardian in self.guardians:
            clients[guardian.pk] = Client(raise_request_exception=False)
            clients[guardian.pk].force_login(guardian.user)
        round_ = 0
        try:
            while not self.stop.is_set():
                round_ += 1
                for guardian in self.guardians:
                    response = clients[guardian.pk].post(
                        reverse("family:identity"),
                        self.data[guardian.pk] | {"city": f"VILLE {round_}"},
                    )
                    self.outcomes[response.status_code] += 1
                    if response.status_code >= 500:
                        text = page(response).text
                        if "Server error" not in text and "Erreur du serveur" not in text:
                            self.unclean.append(text[:200])
                        if "Traceback" in text or "OperationalError" in text:
                            self.unclean.append(text[:200])
        finally:
            connections.close_all()


@pytest.mark.django_db(transaction=True)
def test_the_portal_survives_a_database_restart():
    command = restart_command()
    establishment = EstablishmentFactory(code="c1", name="Conservatoire 1")
    SchoolYearFactory(establishment=establishment)
    guardians = []
    for n in range(FAMILIES):
        family = FamilyFactory(establishment=establishment, name=f"FAMILLE{n}")
        user = FamilyUserFactory(establishment=establishment, identifier=f"famille{n}")
        guardians.append(GuardianFactory(family=family, user=user, email=f"famille{n}@example.org"))
    stop = threading.Event()
    workers = [Families(guardians[i::THREADS], stop) for i in range(THREADS)]
    for worker in workers:
        worker.start()
    time.sleep(1.5)  # requests are running
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    time.sleep(1.5)  # and keep running once the database is back
    stop.set()
    for worker in workers:
        worker.join(timeout=120)
    connection.close()  # this thread's connection died with the server

    outcomes = sum((worker.outcomes for worker in workers), Counter())
    unclean = [text for worker in workers for text in worker.unclean]
    # Each saved change is whole: its audit entry and its mail, or neither.
    whole = 0
    for guardian in guardians:
        audited = AuditEntry.objects.filter(
            action="family.change.requested", object_id=str(guardian.pk)
        ).count()
        mailed = sum(guardian.email in m.to_addresses for m in Message.objects.all())
        asked = ChangeRequest.objects.filter(object_id=guardian.pk, status="pending").exists()
        assert audited == mailed, (guardian, audited, mailed)
        assert asked == (audited > 0), (guardian, asked, audited)  # the request with them
        whole += audited
    # The portal serves again, in the same process: a family saves once more.
    client = Client()
    client.force_login(guardians[0].user)
    response = client.post(reverse("family:identity"), identity_data(guardians[0], "APRÈS"))
    report(
        f"database restart: {sum(outcomes.values())} requests during the test "
        f"({dict(sorted(outcomes.items()))}), {whole} changes saved whole, "
        f"{len(unclean)} unclean error pages; served again after it"
    )
    assert response.status_code == 302
    assert unclean == []
    assert outcomes[302] > 0 and sum(outcomes.values()) > outcomes[302]  # some were caught
    assert set(outcomes) <= {302, 500}
