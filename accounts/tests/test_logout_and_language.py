import pytest
from django.conf import settings
from django.urls import reverse

from conftest import client_for
from tests.html import page


def test_logout_asks_for_confirmation_then_ends_the_session(world):
    client = client_for(world.family_a.user)
    confirmation = client.get(reverse("accounts:logout"))
    assert confirmation.status_code == 200
    assert "Voulez-vous vous déconnecter du portail ?" in page(confirmation).text
    assert "_auth_user_id" in client.session
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert "Déconnexion effectuée." in page(client.get(response["Location"])).text
    assert client.get(reverse("home")).status_code == 302


def test_anonymous_logout_goes_to_login(db):
    response = client_for(None).get(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_french_by_default_whatever_the_browser_says(world):
    response = client_for(None).get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-GB,en")
    assert page(response).lang == "fr"
    assert "Se connecter" in page(response).text
    assert response["Content-Language"] == "fr"


def test_language_switch_changes_the_page_and_is_remembered(world):
    client = client_for(world.family_a.user)
    response = client.post(
        reverse("accounts:set_language"), {"language": "en", "next": reverse("home")}
    )
    assert response["Location"] == reverse("home")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    home = page(client.get(reverse("home")))
    assert home.lang == "en"
    assert "Hello Mr ABARRE Jérémie" in home.text
    assert "Conservatoire 1: Home" in home.text
    world.family_a.user.refresh_from_db()
    assert world.family_a.user.language == "en"


def test_language_switch_from_the_login_page_works_anonymously(world):
    client = client_for(None)
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/connexion/"})
    assert "Username" in page(client.get("/connexion/")).text


def test_language_switch_ignores_unknown_languages_and_foreign_next(world):
    client = client_for(None)
    response = client.post(
        reverse("accounts:set_language"), {"language": "xx", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


@pytest.mark.parametrize("bad_next", ["-1", "eleves/", "/nulle-part/", "//evil.example/", "/\\x"])
def test_a_return_address_that_is_no_page_of_the_site_leads_home(world, bad_next):
    response = client_for(None).post(
        reverse("accounts:set_language"), {"language": "en", "next": bad_next}
    )
    assert response["Location"] == reverse("home")


def test_language_switch_by_get_changes_nothing(world):
    client = client_for(None)
    response = client.get(reverse("accounts:set_language"), {"language": "en"})
    assert response.status_code == 302
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies


def test_language_chosen_on_the_login_page_wins_over_the_stored_one(world):
    world.family_a.user.language = "fr"
    world.family_a.user.save()
    client = client_for(None)
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/connexion/"})
    client.post(
        "/connexion/",
        {
            "establishment": world.establishment_1.pk,
            "identifier": "abarre1",
            "password": "Musique2024",
        },
    )
    assert page(client.get(reverse("home"))).lang == "en"
    world.family_a.user.refresh_from_db()
    assert world.family_a.user.language == "en"


def test_logging_in_again_after_logout_does_not_land_on_logout(world):
    client = client_for(None)
    response = client.post(
        "/connexion/?next=/deconnexion/",
        {
            "establishment": world.establishment_1.pk,
            "identifier": "abarre1",
            "password": "Musique2024",
            "next": "/deconnexion/",
        },
    )
    assert response["Location"] == reverse("home")


def test_family_pages_are_never_cached(world):
    response = client_for(world.family_a.user).get(reverse("home"))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_an_expired_form_gets_a_portal_page_not_a_raw_error(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post("/connexion/", {"identifier": "abarre1"})
    assert response.status_code == 403
    seen = page(response)
    assert seen.h1 == ["Formulaire expiré"]
    assert "Rien n'a été enregistré" in seen.text


def test_a_return_address_written_with_escapes_is_kept(world):
    response = client_for(None).post(
        reverse("accounts:set_language"), {"language": "en", "next": "/famill%65/?onglet=1"}
    )
    assert response["Location"] == "/famill%65/?onglet=1"
