"""The user admin: family accounts by staff, every account by superusers, no 500, no takeover."""

import json

import pytest
from django.urls import reverse

from accounts.models import User
from conftest import client_for, make_staff

ADD = reverse("admin:accounts_user_add")


def change_url(user):
    return reverse("admin:accounts_user_change", args=[user.pk])


def new_account(**fields):
    return {
        "usable_password": "true",
        "password1": "Chorale-2026x",
        "password2": "Chorale-2026x",
        **fields,
    }


def errors_of(response) -> str:
    return response.content.decode()


def test_staff_create_a_family_account_whose_login_is_derived(world):
    response = client_for(world.staff_1).post(
        ADD,
        new_account(
            establishment=world.establishment_1.pk, identifier=" Dupont3 ", email="d@example.org"
        ),
    )
    assert response.status_code == 302, errors_of(response)
    user = User.objects.get(identifier="dupont3")
    assert user.username == "c1:dupont3"
    assert user.establishment == world.establishment_1
    assert not user.is_staff and not user.is_superuser
    assert user.check_password("Chorale-2026x")


def test_same_identifier_in_another_establishment_is_allowed(world):
    response = client_for(world.staff_2).post(
        ADD, new_account(establishment=world.establishment_2.pk, identifier="abarre1")
    )
    assert response.status_code == 302
    assert User.objects.filter(identifier="abarre1").count() == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"identifier": "abarre1"}, "Cet identifiant est déjà utilisé dans cet établissement."),
        ({"identifier": ""}, "Un compte famille doit avoir un identifiant."),
        ({"identifier": "a b"}, "Utilisez uniquement des lettres minuscules"),
        ({"establishment": ""}, "Ce champ est obligatoire."),
    ],
)
def test_bad_family_accounts_get_a_message_next_to_the_field(world, fields, message):
    data = new_account(establishment=world.establishment_1.pk, identifier="ok1", **{})
    data.update(fields)
    response = client_for(world.staff_1).post(ADD, data)
    assert response.status_code == 200
    assert message in errors_of(response)
    assert User.objects.count() == 7


def test_staff_cannot_create_an_account_in_another_establishment(world):
    response = client_for(world.staff_1).post(
        ADD, new_account(establishment=world.establishment_2.pk, identifier="intrus")
    )
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in errors_of(response)
    assert not User.objects.filter(identifier="intrus").exists()


def test_staff_cannot_create_staff_or_superusers(world):
    response = client_for(world.staff_1).post(
        ADD,
        new_account(
            establishment=world.establishment_1.pk,
            identifier="boss",
            is_staff="on",
            is_superuser="on",
        ),
    )
    assert response.status_code == 302
    user = User.objects.get(identifier="boss")
    assert not user.is_staff and not user.is_superuser


def test_staff_edit_a_family_account_and_its_login_follows(world):
    account = world.family_b.user
    client = client_for(world.staff_1)
    form = client.get(change_url(account)).content.decode()
    assert 'name="username"' not in form
    response = client.post(
        change_url(account),
        {
            "establishment": world.establishment_1.pk,
            "identifier": "bmartin9",
            "language": "",
            "first_name": "",
            "last_name": "",
            "email": "new@example.org",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, errors_of(response)
    account.refresh_from_db()
    assert (account.username, account.email) == ("c1:bmartin9", "new@example.org")


def test_staff_clearing_the_establishment_get_a_message(world):
    response = client_for(world.staff_1).post(
        change_url(world.family_b.user),
        {"establishment": "", "identifier": "bmartin1", "email": "", "is_active": "on"},
    )
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in errors_of(response)


def test_staff_cannot_reach_a_colleagues_account(world):
    colleague = make_staff(world.establishment_1, "secretariat9")
    client = client_for(world.staff_1)
    assert "secretariat9" not in errors_of(client.get(reverse("admin:accounts_user_changelist")))
    assert client.get(change_url(colleague)).status_code == 302
    password_url = reverse("admin:auth_user_password_change", args=[colleague.pk])
    response = client.post(
        password_url,
        {"usable_password": "true", "password1": "Takeover-2024x", "password2": "Takeover-2024x"},
    )
    assert response.status_code == 404
    colleague.refresh_from_db()
    assert not colleague.check_password("Takeover-2024x")


def test_staff_can_still_open_their_own_account_without_raising_rights(world):
    html = errors_of(client_for(world.staff_1).get(change_url(world.staff_1)))
    assert 'name="is_superuser"' not in html and 'name="groups"' not in html
    assert 'name="establishment"' not in html


def test_superuser_creates_a_staff_account(world):
    response = client_for(world.superuser).post(
        ADD,
        new_account(username="compta1", is_staff="on", establishment=world.establishment_2.pk),
    )
    assert response.status_code == 302, errors_of(response)
    user = User.objects.get(username="compta1")
    assert user.is_staff and user.establishment == world.establishment_2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"username": "compta1", "establishment": ""}, "Choisissez l&#x27;établissement"),
        ({"username": "c1:compta", "establishment": 1}, "ne peut pas contenir de deux-points"),
        ({"username": "", "establishment": 1}, "Saisissez la connexion du membre du personnel."),
    ],
)
def test_superuser_mistakes_on_staff_accounts_get_messages(world, fields, message):
    fields = {
        **fields,
        "establishment": world.establishment_1.pk if fields["establishment"] else "",
    }
    response = client_for(world.superuser).post(ADD, new_account(is_staff="on", **fields))
    assert response.status_code == 200
    assert message in errors_of(response)


def test_guardian_login_choices_are_family_accounts_only(world):
    response = client_for(world.staff_1).get(
        reverse("admin:autocomplete"),
        {"app_label": "family", "model_name": "guardian", "field_name": "user", "term": ""},
    )
    labels = {result["text"] for result in json.loads(response.content)["results"]}
    assert labels == {"abarre1", "abarre2", "bmartin1"}


def test_a_guardian_cannot_join_a_family_of_another_establishment(world):
    response = client_for(world.superuser).post(
        reverse("admin:family_family_add"),
        {
            "establishment": world.establishment_2.pk,
            "name": "MIXTE",
            "guardians-TOTAL_FORMS": "1",
            "guardians-INITIAL_FORMS": "0",
            "guardians-0-establishment": world.establishment_1.pk,
            "guardians-0-last_name": "MIXTE",
            "guardians-0-first_name": "Max",
        },
    )
    assert response.status_code == 200
    assert "appartient à un autre établissement" in errors_of(response)


def test_a_password_set_by_staff_must_be_replaced_by_the_family(world):
    account = world.family_b.user
    account.temporary_password = "md5$pending"
    account.save()
    response = client_for(world.staff_1).post(
        reverse("admin:auth_user_password_change", args=[account.pk]),
        {"usable_password": "true", "password1": "Accueil2026x", "password2": "Accueil2026x"},
    )
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.check_password("Accueil2026x")
    assert account.must_change_password and account.temporary_password == ""
