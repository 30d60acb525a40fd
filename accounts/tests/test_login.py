from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from accounts.views import SITE_COOKIE
from conftest import client_for
from tests.html import page

LOGIN = "/connexion/"
GENERIC = "Les informations de connexion sont incorrectes"


def post_login(client, establishment, identifier, password, **extra):
    data = {
        "establishment": establishment.pk if establishment else "",
        "identifier": identifier,
        "password": password,
        **extra,
    }
    return client.post(LOGIN, data)


def test_login_page_has_the_fields_and_links_of_the_guide(world):
    response = client_for(None).get(LOGIN)
    text = page(response).text
    for label in ("Site", "Identifiant", "Mot de passe", "Se connecter"):
        assert label in text
    assert "Générer un nouveau mot de passe" in text
    assert "Aide - Accessibilité" in text
    assert "Conservatoire 1" in text and "École de musique de Saint-Jean" in text
    html = response.content.decode()
    assert 'aria-controls="id_password"' in html and "data-password-toggle" in html
    assert 'autocomplete="current-password"' in html


def test_family_logs_in_and_lands_on_home(world, client):
    response = post_login(client, world.establishment_1, "abarre1", "Musique2024")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    home = client.get(reverse("home"))
    assert "Bonjour Monsieur ABARRE Jérémie" in page(home).text


def test_identifier_is_trimmed_and_case_insensitive(world, client):
    response = post_login(client, world.establishment_1, "  ABarre1 ", "Musique2024")
    assert response.status_code == 302


def test_family_cannot_log_into_another_establishment(world, client):
    response = post_login(client, world.establishment_2, "abarre1", "Musique2024")
    assert response.status_code == 200
    assert GENERIC in page(response).text
    assert "_auth_user_id" not in client.session


def test_wrong_password_and_unknown_identifier_get_the_same_message(world, client):
    wrong_password = page(post_login(client, world.establishment_1, "abarre1", "Nope1234"))
    unknown = page(post_login(client, world.establishment_1, "nobody", "Musique2024"))
    assert GENERIC in wrong_password.text
    assert GENERIC in unknown.text
    assert wrong_password.text.replace("abarre1", "") == unknown.text.replace("nobody", "")


def test_failed_login_keeps_site_and_identifier_but_not_password(world, client):
    response = post_login(client, world.establishment_1, "abarre1", "Secret-typed-1")
    html = response.content.decode()
    assert 'value="abarre1"' in html
    assert f'<option value="{world.establishment_1.pk}" selected>' in html
    assert "Secret-typed-1" not in html
    assert page(response).title.startswith("Erreur :")


def test_empty_fields_get_messages_next_to_them_and_a_summary(world, client):
    response = post_login(client, None, "", "")
    html = response.content.decode()
    text = page(response).text
    assert "Choisissez votre site." in text
    assert "Saisissez votre identifiant." in text
    assert "Saisissez votre mot de passe." in text
    for field in ("id_establishment", "id_identifier", "id_password"):
        assert f'href="#{field}"' in html  # the summary links to the field
        assert f'id="{field}_error"' in html  # the message sits next to it
    assert 'id="error-summary"' in html


def test_staff_cannot_log_in_as_a_family(world, client):
    response = post_login(client, world.establishment_1, "secretariat1", "Musique2024")
    assert GENERIC in page(response).text


def test_inactive_account_is_refused(world, client):
    world.family_a.user.is_active = False
    world.family_a.user.save()
    response = post_login(client, world.establishment_1, "abarre1", "Musique2024")
    assert GENERIC in page(response).text


def test_inactive_establishment_is_not_offered_and_refused(world, client):
    world.establishment_2.is_active = False
    world.establishment_2.save()
    assert "Saint-Jean" not in page(client.get(LOGIN)).text
    response = post_login(client, world.establishment_2, "cdurand2", "Musique2024")
    assert "_auth_user_id" not in client.session
    assert response.status_code == 200


def test_anonymous_visitor_returns_to_the_requested_page_after_login(world, client):
    target = reverse("students:detail", args=[world.family_a.students[1].pk])
    response = client.get(target)
    assert response.status_code == 302
    login_url = response["Location"]
    assert urlsplit(login_url).path == LOGIN
    form = client.get(login_url)
    assert f'name="next" value="{target}"' in form.content.decode()
    response = post_login(client, world.establishment_1, "abarre1", "Musique2024", next=target)
    assert response["Location"] == target


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_login_never_redirects_off_site(world, client, target):
    response = post_login(client, world.establishment_1, "abarre1", "Musique2024", next=target)
    assert response["Location"] == reverse("home")


def test_logged_in_family_skips_the_login_page(world):
    response = client_for(world.family_a.user).get(LOGIN)
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_the_site_is_remembered_for_the_next_visit(world, client):
    post_login(client, world.establishment_2, "cdurand2", "Musique2024")
    assert client.cookies[SITE_COOKIE].value == "sj"
    client.post(reverse("accounts:logout"))
    html = client.get(LOGIN).content.decode()
    assert f'<option value="{world.establishment_2.pk}" selected>' in html


@pytest.mark.parametrize("cookie", ["\x00x", "x" * 300, "c1;drop", "é"])
def test_odd_site_cookie_is_ignored(world, client, cookie):
    client.cookies[SITE_COOKIE] = cookie
    assert client.get(LOGIN).status_code == 200


def test_switching_an_establishment_off_ends_its_sessions(world):
    client = client_for(world.family_c.user)
    assert client.get(reverse("home")).status_code == 200
    world.establishment_2.is_active = False
    world.establishment_2.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_the_language_stored_on_the_account_applies_after_login(world, client):
    world.family_a.user.language = "en"
    world.family_a.user.save()
    response = post_login(client, world.establishment_1, "abarre1", "Musique2024")
    home = client.get(response["Location"])
    assert "Hello Mr ABARRE Jérémie" in page(home).text


@pytest.mark.parametrize(
    "data",
    [
        {"establishment": "abc", "identifier": "x", "password": "y"},
        {"establishment": "999999999999999999999", "identifier": "x", "password": "y"},
        {"establishment": "1", "identifier": "x" * 500, "password": "y"},
        {"identifier": ["a", "b"], "password": "\x00"},
    ],
)
def test_odd_input_gets_a_message_never_an_error(world, client, data):
    response = client.post(LOGIN, data)
    assert response.status_code == 200
    assert 'id="error-summary"' in response.content.decode()
