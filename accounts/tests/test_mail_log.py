"""The admin's mail log: a secretary answers "je n'ai pas reçu le mail" with the recipient, the
subject, the date and what became of the mail, in French, for her establishment only; the
mail's text is kept in development alone (a mail may hold a temporary password)."""

import html
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Mail
from conftest import client_for
from family.services import family_anonymise
from tests.html import page

pytestmark = pytest.mark.django_db

LOG = reverse("admin:accounts_mail_changelist")
SUBJECT = "Conservatoire 1 : votre nouveau mot de passe"


@pytest.fixture(autouse=True)
def empty_log(request):
    """The world's own mails (acknowledgements of its requests) left out of these lists."""
    if "world" in request.fixturenames:
        request.getfixturevalue("world")
        Mail.objects.all().delete()


def ask_for_a_password(world) -> None:
    response = client_for(None).post(
        reverse("accounts:password_generate"),
        {
            "establishment": world.establishment_1.pk,
            "identifier": "abarre1",
            "email": world.family_a.user.email,
        },
    )
    assert response.status_code == 200


def rows(response) -> list[str]:
    """The rows of the admin list, as text."""
    content = response.content.decode()
    return [
        html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip())
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", content.split("<tbody>")[-1], re.S)
    ]


def test_a_secretary_reads_to_whom_what_when_and_whether_a_mail_left(world):
    ask_for_a_password(world)
    staff = client_for(world.staff_1)
    (waiting,) = rows(staff.get(LOG))
    assert world.family_a.user.email in waiting and SUBJECT in waiting
    assert "En attente d'envoi" in waiting

    call_command("mail_worker", once=True)
    response = staff.get(LOG)
    assert response.status_code == 200
    text = page(response).text
    for heading in ("Date", "Destinataire", "Objet", "État"):
        assert heading in text
    assert "Journal des mails" in text and "1 mail" in text
    assert "unavailable" not in text and "objet mail" not in text and "1 journal" not in text
    (sent,) = rows(response)
    assert world.family_a.user.email in sent and SUBJECT in sent
    assert re.search(r"Envoyé le \d\d/\d\d/\d{4} \d\d:\d\d", sent), sent

    # Searched by the family's login; its page says what is kept, never the password.
    assert len(rows(staff.get(LOG, {"q": "abarre1"}))) == 1
    assert "0 résultat" in page(staff.get(LOG, {"q": "bmartin1"})).text
    entry = Mail.objects.get()
    detail = page(staff.get(reverse("admin:accounts_mail_change", args=[entry.pk]))).text
    assert "abarre1" in detail and SUBJECT in detail
    assert "Non conservé" in detail
    (sent_mail,) = mail.outbox
    password = re.search(r"Mot de passe provisoire : (\S+)", sent_mail.body).group(1)
    assert password not in detail
    assert password not in repr(list(Mail.objects.values()))


def test_staff_of_another_establishment_see_none_of_its_mails(world):
    ask_for_a_password(world)
    entry = Mail.objects.get()
    other = client_for(world.staff_2)
    assert world.family_a.user.email not in other.get(LOG).content.decode()
    response = other.get(reverse("admin:accounts_mail_change", args=[entry.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    # A superuser sees every establishment's, with the establishment's name.
    (row,) = rows(client_for(world.superuser).get(LOG))
    assert "Conservatoire 1" in row


def test_a_mail_the_server_refuses_is_shown_as_retried_then_given_up(
    world, smtp_settings, settings
):
    ask_for_a_password(world)
    call_command("mail_worker", once=True)  # nobody listens: refused
    staff = client_for(world.staff_1)
    (row,) = rows(staff.get(LOG))
    assert (
        "Pas encore envoyé : nouvel essai prévu (le serveur de messagerie est injoignable)" in row
    )
    # The secretariat's home page counts it, and leads to it; the other establishment's not.
    assert "Mails non envoyés 1" in page(staff.get(reverse("admin:index"))).text
    assert "Mails non envoyés 0" in page(client_for(world.staff_2).get("/admin/")).text
    assert len(rows(staff.get(LOG + "?status__in=deferred,failed"))) == 1

    settings.MAILER_EMAIL_MAX_RETRIES = 1
    call_command("mail_worker", once=True)  # tried again: given up
    entry = Mail.objects.get()
    assert entry.status == Mail.Status.FAILED and entry.attempts == 2
    (row,) = rows(staff.get(LOG))
    assert "Non envoyé : trop d'essais" in row


def test_in_development_the_text_and_its_links_are_readable_in_the_log(world, settings):
    settings.MAIL_LOG_BODIES = True
    ask_for_a_password(world)
    call_command("mail_worker", once=True)
    entry = Mail.objects.get()
    response = client_for(world.staff_1).get(reverse("admin:accounts_mail_change", args=[entry.pk]))
    assert '<a href="http://testserver/connexion/"' in response.content.decode()
    assert "Mot de passe provisoire" in page(response).text


def test_anonymising_a_family_erases_its_lines_of_the_log(world):
    from family.tests.test_anonymise import settle

    ask_for_a_password(world)
    call_command("mail_worker", once=True)
    client_for(None).post(
        reverse("accounts:password_generate"),
        {
            "establishment": world.establishment_1.pk,
            "identifier": "bmartin1",
            "email": world.family_b.user.email,
        },
    )
    assert Mail.objects.count() == 2
    settle(world)
    family_anonymise(family=world.family_a.family, actor=world.staff_1)
    assert list(Mail.objects.values_list("recipient", flat=True)) == [world.family_b.user.email]


def test_the_outbox_never_shows_a_temporary_password_and_sends_nothing_from_the_page(world):
    from mailer.models import PRIORITY_HIGH, Message

    ask_for_a_password(world)
    waiting = Message.objects.get()
    admin = client_for(world.superuser)
    shown = page(admin.get(reverse("admin:mailer_message_change", args=[waiting.pk]))).text
    assert "ce mail contient un mot de passe temporaire" in shown
    assert "Mot de passe provisoire" not in shown and "Identifiant :" not in shown
    response = admin.post(
        reverse("admin:mailer_message_changelist"),
        {"action": "send_now", "_selected_action": [waiting.pk]},
        follow=True,
    )
    assert "1 mail passe en tête de la file" in page(response).text
    assert not mail.outbox  # handed to the worker, not sent while the page waits
    assert Message.objects.get().priority == PRIORITY_HIGH
