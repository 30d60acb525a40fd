"""Première connexion: staff create the family's login, mail its identifier or print a letter."""

from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from conftest import client_for
from tests.factories import GuardianFactory
from tests.html import page

CHANGELIST = reverse("admin:family_guardian_changelist")


def act(client, action, *guardians):
    return client.post(
        CHANGELIST,
        {"action": action, "_selected_action": [g.pk for g in guardians]},
        follow=action != "print_letter",
    )


def new_guardian(world, **fields):
    values = {"last_name": "Martin", "first_name": "Paul", "email": "paul.martin@example.org"}
    return GuardianFactory(family=world.family_b.family, **{**values, **fields})


def test_staff_create_a_login_named_after_the_family(world):
    guardian = new_guardian(world)
    response = act(client_for(world.staff_1), "create_login", guardian)
    assert "MARTIN Paul : connexion martin1 créée." in page(response).text
    guardian.refresh_from_db()
    user = guardian.user
    assert (user.identifier, user.username, user.email) == (
        "martin1",
        "c1:martin1",
        "paul.martin@example.org",
    )
    assert not user.has_usable_password()  # the family asks for one itself


def test_one_login_per_e_mail_address(world):
    guardian = new_guardian(world, email=world.family_a.user.email)
    response = act(client_for(world.staff_1), "create_login", guardian)
    assert "a déjà une connexion dans cet établissement" in page(response).text
    guardian.refresh_from_db()
    assert guardian.user is None


def test_a_guardian_without_e_mail_gets_a_message(world):
    guardian = new_guardian(world, email="")
    response = act(client_for(world.staff_1), "create_login", guardian)
    assert "n'a pas d'adresse e-mail" in page(response).text


def test_the_identifier_is_mailed_with_the_way_to_a_password(world):
    response = act(client_for(world.staff_1), "send_identifier", world.family_a.guardian)
    assert "identifiant envoyé à" in page(response).text
    mail.outbox = []
    call_command("mail_worker", once=True)
    (message,) = mail.outbox
    assert message.to == [world.family_a.user.email]
    assert "Votre identifiant : abarre1" in message.body
    assert "Générer un nouveau mot de passe" in message.body


def test_the_letter_is_a_printable_page_with_the_address_and_identifier(world):
    response = act(client_for(world.staff_1), "print_letter", world.family_a.guardian)
    assert response.status_code == 200
    letter = page(response)
    assert "Votre identifiant : abarre1" in letter.text
    assert "19 rue de Paris 45000 ORLEANS" in letter.text
    assert "Conservatoire 1" in letter.text


def test_staff_cannot_act_on_another_establishments_guardians(world):
    response = act(client_for(world.staff_2), "send_identifier", world.family_a.guardian)
    assert response.status_code == 200
    mail.outbox = []
    call_command("mail_worker", once=True)
    assert mail.outbox == []
    assert User.objects.filter(identifier="abarre1").count() == 1


def test_staff_cannot_create_logins_or_print_letters_for_another_establishment(world):
    guardian = new_guardian(world)
    act(client_for(world.staff_2), "create_login", guardian)
    guardian.refresh_from_db()
    assert guardian.user is None
    response = act(client_for(world.staff_2), "print_letter", world.family_a.guardian)
    assert "abarre1" not in response.content.decode()
