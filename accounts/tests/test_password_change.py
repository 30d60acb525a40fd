import pytest
from django.test import Client
from django.urls import reverse

from conftest import client_for
from tests.html import page

CHANGE = reverse("accounts:password_change")


def change(client, old="Musique2024", new="Violon2026", again=None):
    return client.post(
        CHANGE, {"old_password": old, "new_password1": new, "new_password2": again or new}
    )


def test_the_policy_is_written_under_the_fields(world):
    text = page(client_for(world.family_a.user).get(CHANGE)).text
    assert "Mot de passe actuel" in text and "Ressaisir le nouveau mot de passe" in text
    assert (
        "Le nouveau mot de passe doit avoir une longueur comprise entre 8 et 20 caractères, et "
        "doit contenir au moins une lettre majuscule, une lettre minuscule et un chiffre."
    ) in text


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Vio1", "entre 8 et 20 caractères"),
        ("Violoncelle2026Orchestre", "entre 8 et 20 caractères"),
        ("violon2026", "une lettre majuscule"),
        ("VIOLON2026", "une lettre minuscule"),
        ("ViolonAlto", "un chiffre"),
        ("Password1", "trop courant"),
    ],
)
def test_each_rule_of_the_policy(world, new, message):
    response = change(client_for(world.family_a.user), new=new)
    assert response.status_code == 200
    assert message in page(response).text


def test_wrong_current_password_and_mismatch_get_messages(world):
    client = client_for(world.family_a.user)
    assert "Ce n'est pas votre mot de passe actuel." in page(change(client, old="Nope1234")).text
    text = page(change(client, again="Violon2027")).text
    assert "Les deux nouveaux mots de passe sont différents." in text


def test_change_keeps_this_session_and_ends_the_others(world):
    other = Client()
    other.post(
        reverse("accounts:login"),
        {
            "establishment": world.establishment_1.pk,
            "identifier": "abarre1",
            "password": "Musique2024",
        },
    )
    assert other.get(reverse("home")).status_code == 200
    client = Client()
    client.post(
        reverse("accounts:login"),
        {
            "establishment": world.establishment_1.pk,
            "identifier": "abarre1",
            "password": "Musique2024",
        },
    )
    response = change(client)
    assert response["Location"] == reverse("home")
    assert "Votre mot de passe a été modifié." in page(client.get(reverse("home"))).text
    assert other.get(reverse("home")).status_code == 302
    world.family_a.user.refresh_from_db()
    assert world.family_a.user.check_password("Violon2026")


def test_staff_passwords_are_longer_and_have_no_maximum():
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    from accounts.models import User

    staff = User(username="clerk", is_staff=True)
    validate_password("Une phrase de passe bien longue 2026", staff)
    with pytest.raises(ValidationError, match="au moins 12 caractères"):
        validate_password("Court2026a", staff)
    with pytest.raises(ValidationError, match="entre 8 et 20 caractères"):
        validate_password("Une phrase de passe bien longue 2026", User(username="c1:x"))
