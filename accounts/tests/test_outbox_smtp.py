"""With the mail server down, the request is answered and its mail waits; it leaves once, later."""

from aiosmtpd.controller import Controller
from django.core.management import call_command
from mailer.models import Message

from conftest import client_for
from tests.smtp import Recorder


def test_mail_survives_a_mail_server_outage_and_is_sent_once(world, smtp_settings):
    response = client_for(None).post(
        "/mot-de-passe/nouveau/",
        {
            "establishment": world.establishment_1.pk,
            "identifier": "abarre1",
            "email": world.family_a.user.email,
        },
    )
    assert response.status_code == 200

    call_command("mail_worker", once=True)  # nobody listens on the port: refused
    assert Message.objects.deferred().count() == 1

    recorder = Recorder()
    server = Controller(recorder, hostname="127.0.0.1", port=smtp_settings)
    server.start()
    try:
        call_command("mail_worker", once=True)  # retried, sent
        call_command("mail_worker", once=True)  # nothing left to send
    finally:
        server.stop()
    assert len(recorder.received) == 1
    assert recorder.received[0].rcpt_tos == [world.family_a.user.email]
    assert Message.objects.count() == 0


def test_a_bad_message_never_holds_up_the_others(world, smtp_settings):
    from django.core.mail import EmailMessage, get_connection

    world.establishment_1.name = "Conservatoire 1, CRR d'Orléans"
    world.establishment_1.save()
    broken = EmailMessage("Broken", "body", "a@example.org", ["not\nan address"])
    broken.connection = get_connection("mailer.backend.DbBackend")
    broken.send()
    client_for(None).post(
        "/mot-de-passe/nouveau/",
        {
            "establishment": world.establishment_1.pk,
            "identifier": "abarre1",
            "email": world.family_a.user.email,
        },
    )
    recorder = Recorder()
    server = Controller(recorder, hostname="127.0.0.1", port=smtp_settings)
    server.start()
    try:
        call_command("mail_worker", once=True)
    finally:
        server.stop()
    assert len(recorder.received) == 1
    assert b"Conservatoire 1, CRR" in recorder.received[0].content
    assert Message.objects.deferred().count() == 1  # the broken one, kept for the staff
