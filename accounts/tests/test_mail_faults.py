"""Mail faults across the board, with a real SMTP server (aiosmtpd) stopped then started: a
hundred requests of each kind that mails (a change request, a document refused, a
re-enrolment sent, a new password) are saved and answered while the server is down; their
mails wait in the outbox and each leaves exactly once when it is back. A rolled-back change
mails nothing."""

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from mailer.models import Message

from accounts.emails import queue_mail
from conftest import client_for, send_document
from family.models import Document
from reenrolment import services as reenrolment
from reenrolment.tests.test_services import courses, open_campaign
from tests.factories import StudentFactory
from tests.figures import report
from tests.html import page
from tests.smtp import Recorder

N = 100


def identity_data(response, **changes) -> dict:
    form = response.context["form"]
    data = {}
    for field in form:
        value = field.value()
        data[field.html_name] = "" if value is None else value
    return {**data, **changes}


def change_requests(world):
    client = client_for(world.family_a.user)
    data = identity_data(client.get(reverse("family:identity")))
    for n in range(N):
        response = client.post(reverse("family:identity"), {**data, "city": f"VILLE {n}"})
        assert response.status_code == 302, n


def refusals(world):
    staff = client_for(world.staff_1)
    for n in range(N):
        document = send_document(world.family_a, world.family_document_type)
        response = staff.post(
            reverse("admin:family_document_changelist"),
            {
                "action": "refuse_selected",
                "_selected_action": [document.pk],
                "apply": "1",
                "reason": f"Illisible ({n})",
            },
        )
        assert response.status_code == 302, n
    assert Document.objects.filter(status="refused").count() == N


def reenrolments(world):
    campaign, choir, _piano, slot = open_campaign(world.establishment_1, seats=N)
    client = client_for(world.family_a.user)
    for n in range(N):
        student = StudentFactory(family=world.family_a.family, first_name=f"Élève{n}")
        student.responsible_guardians.add(world.family_a.guardian)  # one mail: one guardian's
        request = reenrolment.request_start(campaign=campaign, student=student)
        reenrolment.request_save_step(
            request=request, step=reenrolment.COURSES, answer=courses(choir, slot)
        )
        response = client.post(
            reverse("reenrolment:step", args=[student.pk, "finalisation"]), {"go": "send"}
        )
        assert response["Location"] == reverse("reenrolment:start", args=[student.pk]), n


def passwords(world):
    client = client_for(None)
    for n in range(N):
        response = client.post(
            reverse("accounts:password_generate"),
            {
                "establishment": world.establishment_1.pk,
                "identifier": "abarre1",
                "email": world.family_a.user.email,
            },
        )
        assert response.status_code == 200, n


@pytest.mark.django_db(transaction=True)
def test_four_hundred_mails_wait_for_the_server_and_each_leaves_once(
    world, smtp_settings, settings
):
    settings.PASSWORD_GENERATION_RATE_PER_IDENTIFIER = "1000/h"
    settings.PASSWORD_GENERATION_RATE_PER_ADDRESS = "1000/h"
    Message.objects.all().delete()
    for kind in (change_requests, refusals, reenrolments, passwords):
        kind(world)
    assert Message.objects.count() == 4 * N  # every request answered, every mail kept

    call_command("mail_worker", once=True)  # the server is down: all deferred, none lost
    assert Message.objects.deferred().count() == 4 * N

    recorder = Recorder()
    server = Controller(recorder, hostname="127.0.0.1", port=smtp_settings)
    server.start()
    try:
        call_command("mail_worker", once=True)
        call_command("mail_worker", once=True)  # nothing left: nothing sent twice
    finally:
        server.stop()
    ids = [
        envelope.content.split(b"Message-ID: ")[1].split(b"\r\n")[0]
        for envelope in recorder.received
    ]
    assert len(recorder.received) == 4 * N and len(set(ids)) == 4 * N
    assert Message.objects.count() == 0
    report(f"mail faults: {4 * N} mails kept while the server was down, {len(ids)} sent once")


@pytest.mark.django_db
def test_failed_mails_are_shown_to_the_superuser_on_the_admin_home(world, smtp_settings):
    client_for(None).post(
        reverse("accounts:password_generate"),
        {
            "establishment": world.establishment_1.pk,
            "identifier": "abarre1",
            "email": world.family_a.user.email,
        },
    )
    call_command("mail_worker", once=True)
    home = page(client_for(world.superuser).get(reverse("admin:index"))).text
    assert "Mails non envoyés 1" in home


@pytest.mark.django_db
def test_a_rolled_back_change_mails_nothing(world):
    before = Message.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_mail(
            to="x@example.org",
            template="identifier",
            context={"identifier": "x", "login_url": "/"},
            language="fr",
            establishment=world.establishment_1,
        )
        raise RuntimeError("the change failed")
    assert Message.objects.count() == before
