"""How long a login lasts: idle and absolute limits; a new session key at login; sessions that
die at logout, password change and deactivation."""

import time

import pytest
from django.test import Client
from django.urls import reverse

from accounts.sessions import LOGGED_IN_AT, SEEN_AT
from conftest import log_in_with_the_form
from tests.html import page

pytestmark = pytest.mark.django_db


def logged_in(world) -> Client:
    client = Client()
    log_in_with_the_form(client, world.family_a)
    return client


def age(client, **seconds_ago):
    session = client.session
    for key, seconds in seconds_ago.items():
        session[key] = int(time.time()) - seconds
    session.save()


def test_logging_in_gives_a_new_session_key(world):
    client = Client()
    client.get(reverse("accounts:login"))
    client.session.save()
    before = client.session.session_key
    log_in_with_the_form(client, world.family_a)
    assert client.session.session_key != before


def test_a_login_ends_after_its_absolute_limit_whatever_the_activity(world, settings):
    settings.SESSION_ABSOLUTE_HOURS = 12
    client = logged_in(world)
    age(client, **{LOGGED_IN_AT: 12 * 3600 + 5, SEEN_AT: 10})
    response = client.get(reverse("home"), follow=True)
    text = page(response).text
    assert "une connexion dure 12 heures" in text and "Connexion" in text
    assert client.get(reverse("home")).status_code == 302  # logged out


def test_the_idle_limit_is_moved_on_at_most_once_a_minute(world, settings):
    client = logged_in(world)
    age(client, **{SEEN_AT: 30})
    seen = client.session[SEEN_AT]
    client.get(reverse("home"))
    assert client.session[SEEN_AT] == seen  # not written again within the minute
    age(client, **{SEEN_AT: 61})
    client.get(reverse("home"))
    assert client.session[SEEN_AT] >= int(time.time()) - 2  # renewed: the idle expiry moves on
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_MINUTES * 60


def test_a_deactivated_account_or_a_changed_password_ends_the_other_sessions(world):
    one, two = logged_in(world), logged_in(world)
    user = world.family_a.user
    user.set_password("Autre-Mot-de-passe-2026")
    user.save()
    assert one.get(reverse("home")).status_code == 302
    three = Client()
    three.force_login(user)
    user.is_active = False
    user.save()
    assert three.get(reverse("home")).status_code == 302
    assert two.get(reverse("home")).status_code == 302


def test_staff_whose_login_ended_go_back_to_the_admins_login(world):
    client = Client()
    client.force_login(world.staff_1)
    age(client, **{LOGGED_IN_AT: 13 * 3600})
    response = client.get(reverse("admin:index"))
    assert response["Location"] == reverse("admin:login")
