"""Générer un nouveau mot de passe end to end: outbox, worker, temporary password, change."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils.timezone import now
from mailer.models import Message, MessageLog

from conftest import client_for
from tests.html import page

GENERATE = reverse("accounts:password_generate")
SENT = "Le mot de passe a été envoyé par e-mail, si ces informations correspondent à un compte."


def ask(client, world, identifier="abarre1", email=None, establishment=None, **extra):
    establishment = establishment or world.establishment_1
    return client.post(
        GENERATE,
        {
            "establishment": establishment.pk,
            "identifier": identifier,
            "email": email if email is not None else world.family_a.user.email,
        },
        **extra,
    )


def deliver() -> list:
    mail.outbox = []
    call_command("mail_worker", once=True)
    return mail.outbox


def mailed_password(message) -> str:
    return re.search(r"Mot de passe provisoire : (\S+)", message.body).group(1)


def log_in(client, world, password, identifier="abarre1"):
    return client.post(
        reverse("accounts:login"),
        {"establishment": world.establishment_1.pk, "identifier": identifier, "password": password},
    )


def test_the_whole_journey_of_a_new_password(world, client):
    response = ask(client, world)
    assert response.status_code == 200
    assert SENT in page(response).text
    assert Message.objects.count() == 1  # queued in the outbox, not sent yet

    (message,) = deliver()
    assert message.to == [world.family_a.user.email]
    assert message.from_email == "Conservatoire 1 <imuse@c1.example.org>"
    assert message.subject == "Conservatoire 1 : votre nouveau mot de passe"
    assert "Identifiant : abarre1" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    password = mailed_password(message)
    assert password in html

    # Sent: the outbox is empty and its log keeps no body, so no password is stored anywhere.
    assert Message.objects.count() == 0
    assert [log.message_data for log in MessageLog.objects.all()] == [None]
    assert (
        world.family_a.user.__class__.objects.get(pk=world.family_a.user.pk).temporary_password
        != password
    )

    response = log_in(client, world, password)
    assert response["Location"] == reverse("accounts:password_change")
    # Until a personal password is chosen, every page leads back to the change.
    assert client.get(reverse("home"))["Location"] == reverse("accounts:password_change")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": password, "new_password1": "Violon2026", "new_password2": "Violon2026"},
    )
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200

    fresh = client_for(None)
    assert log_in(fresh, world, password).status_code == 200  # the temporary one is spent
    assert log_in(fresh, world, "Violon2026").status_code == 302


def test_a_new_request_replaces_the_previous_temporary_password(world, client):
    ask(client, world)
    first = mailed_password(deliver()[0])
    ask(client, world)
    second = mailed_password(deliver()[0])
    assert first != second
    assert log_in(client_for(None), world, first).status_code == 200
    assert log_in(client_for(None), world, second).status_code == 302


def test_the_personal_password_keeps_working_after_a_request(world, client):
    ask(client, world)
    deliver()
    assert log_in(client_for(None), world, "Musique2024")["Location"] == reverse("home")


def test_an_expired_temporary_password_is_refused_with_a_clear_message(world, client):
    ask(client, world)
    password = mailed_password(deliver()[0])
    user = world.family_a.user.__class__.objects.get(pk=world.family_a.user.pk)
    user.temporary_password_expires_at = now() - timedelta(minutes=1)
    user.save()
    response = log_in(client, world, password)
    assert response.status_code == 200
    assert "Ce mot de passe provisoire a expiré." in page(response).text


@pytest.mark.parametrize(
    ("identifier", "email", "site"),
    [
        ("abarre1", "someone@example.org", 1),  # wrong e-mail
        ("nobody", "jeremie@example.org", 1),  # unknown identifier
        ("abarre1", None, 2),  # the right pair, in another establishment
    ],
)
def test_a_non_matching_pair_gets_the_very_same_answer(world, identifier, email, site):
    establishment = world.establishment_1 if site == 1 else world.establishment_2
    matching = ask(client_for(None), world)
    other = ask(client_for(None), world, identifier, email, establishment)
    assert other.status_code == matching.status_code == 200
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    assert strip.sub("", other.content.decode()) == strip.sub("", matching.content.decode())
    assert len(deliver()) == 1  # only the matching pair got a mail


def test_empty_fields_ask_to_check_the_details_and_keep_what_was_typed(world, client):
    response = client.post(
        GENERATE, {"establishment": world.establishment_1.pk, "identifier": "abarre1", "email": ""}
    )
    text = page(response).text
    assert "Veuillez vérifier les renseignements saisis" in text
    assert "Saisissez l'adresse e-mail de votre compte." in text
    assert 'value="abarre1"' in response.content.decode()
    assert Message.objects.count() == 0


def test_requests_are_limited_per_identifier(world, settings):
    settings.PASSWORD_GENERATION_RATE_PER_IDENTIFIER = "3/h"
    for n in range(3):
        assert ask(client_for(None), world, REMOTE_ADDR=f"10.0.0.{n}").status_code == 200
    response = ask(client_for(None), world, REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 429
    assert "Trop de demandes de nouveau mot de passe" in page(response).text
    assert 'value="abarre1"' in response.content.decode()
    assert len(deliver()) == 3


def test_requests_are_limited_per_address(world, settings):
    settings.PASSWORD_GENERATION_RATE_PER_ADDRESS = "3/h"
    for n in range(3):
        assert ask(client_for(None), world, f"inconnu{n}").status_code == 200
    assert ask(client_for(None), world).status_code == 429
    assert ask(client_for(None), world, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_the_mail_is_in_the_language_of_the_account(world, client):
    world.family_a.user.language = "en"
    world.family_a.user.save()
    ask(client, world)
    (message,) = deliver()
    assert message.subject == "Conservatoire 1: your new password"
    assert "Temporary password:" in message.body


def test_a_rolled_back_request_sends_nothing(world):
    from django.db import transaction

    from accounts.services import temporary_password_send

    with pytest.raises(RuntimeError), transaction.atomic():
        temporary_password_send(
            establishment=world.establishment_1,
            identifier="abarre1",
            email=world.family_a.user.email,
            login_url="http://testserver/connexion/",
        )
        raise RuntimeError("the request failed after the mail was queued")
    assert Message.objects.count() == 0
    assert deliver() == []
