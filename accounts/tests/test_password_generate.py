"""Générer un nouveau mot de passe end to end: outbox, worker, temporary password, change."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth.hashers import MD5PasswordHasher
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


def test_a_temporary_password_works_once_and_replaces_the_old_one(world, client):
    ask(client, world)
    password = mailed_password(deliver()[0])
    assert log_in(client_for(None), world, password)["Location"] == reverse(
        "accounts:password_change"
    )
    assert log_in(client_for(None), world, "Musique2024").status_code == 200
    # Used once, it is now the account's password, still to be replaced.
    again = client_for(None)
    assert log_in(again, world, password)["Location"] == reverse("accounts:password_change")


def test_logging_in_with_the_personal_password_drops_a_pending_temporary_one(world, client):
    ask(client, world)
    password = mailed_password(deliver()[0])
    assert log_in(client_for(None), world, "Musique2024")["Location"] == reverse("home")
    assert log_in(client_for(None), world, password).status_code == 200


HASHES: list[str] = []


class CountingHasher(MD5PasswordHasher):
    """MD5 verifies by hashing again, so counting encodes counts every hash computed."""

    def encode(self, password, salt):
        HASHES.append(password)
        return super().encode(password, salt)


def test_every_login_attempt_costs_the_same_hashing(world, settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    inactive = world.family_b.user
    inactive.is_active = False
    inactive.save()
    ask(client_for(None), world)
    deliver()
    counts = {}
    for identifier in ("nobody", "bmartin1", "abarre1", "cdurand2"):
        HASHES.clear()
        log_in(client_for(None), world, "Wrong1234", identifier=identifier)
        counts[identifier] = len(HASHES)
    assert len(set(counts.values())) == 1, counts


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


def test_requests_are_limited_per_login_without_telling(world, settings):
    settings.PASSWORD_GENERATION_RATE_PER_IDENTIFIER = "3/h"
    for n in range(3):
        assert ask(client_for(None), world, REMOTE_ADDR=f"10.0.0.{n}").status_code == 200
    # Same page, but no fourth mail: "01" is the same site, "ABARRE1" the same login.
    response = ask(client_for(None), world, "ABARRE1", REMOTE_ADDR="10.0.0.9")
    assert response.status_code == 200 and SENT in page(response).text
    client_for(None).post(
        GENERATE,
        {
            "establishment": f"0{world.establishment_1.pk}",
            "identifier": "abarre1",
            "email": world.family_a.user.email.upper(),
        },
        REMOTE_ADDR="10.0.0.8",
    )
    assert len(deliver()) == 3


def test_requests_with_a_wrong_e_mail_do_not_use_up_the_familys_own(world, settings):
    settings.PASSWORD_GENERATION_RATE_PER_IDENTIFIER = "3/h"
    for n in range(5):
        ask(client_for(None), world, email=f"pirate{n}@example.org", REMOTE_ADDR=f"10.1.0.{n}")
    ask(client_for(None), world, REMOTE_ADDR="10.1.0.9")
    assert len(deliver()) == 1


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


def test_a_password_mail_that_could_not_leave_in_time_loses_its_body(world, settings):
    from accounts.emails import redact_expired_secrets

    ask(client_for(None), world)
    Message.objects.update(priority="4", when_added=now() - timedelta(hours=49))  # deferred
    assert redact_expired_secrets() == 1
    (message,) = Message.objects.all()
    assert "Mot de passe provisoire" not in message.email.body
    assert message.email.alternatives == []
    assert message.email.subject == "Conservatoire 1 : votre nouveau mot de passe"


def test_plain_text_mails_are_not_html_escaped(world, client):
    world.establishment_1.name = "CRR d'Orléans & Loiret"
    world.establishment_1.save()
    ask(client, world)
    (message,) = deliver()
    assert message.subject == "CRR d'Orléans & Loiret : votre nouveau mot de passe"
    assert message.body.rstrip().endswith("CRR d'Orléans & Loiret")
