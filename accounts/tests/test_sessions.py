"""How long a login lasts: idle and absolute limits; a new session key at login; sessions that
die at logout, password change and deactivation."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.sessions import LOGGED_IN_AT, SEEN_AT
from conftest import enrol_app, log_in_to_the_admin, log_in_with_the_form, totp_code
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


def session_key(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def is_anonymous(client, url=None) -> bool:
    """Whether the client's next request is anonymous (a portal page, or ``url``)."""
    response = client.get(url or reverse("home"))
    return response.wsgi_request.user.is_anonymous


def test_staff_logging_in_through_the_admin_get_a_new_session_key(world):
    client = Client()
    client.get(reverse("admin:login"))
    client.session.save()
    before = session_key(client)
    log_in_to_the_admin(client, world.staff_1)
    assert session_key(client) != before
    assert not Session.objects.filter(session_key=before).exists()
    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_with_an_app_get_a_new_session_key_at_each_step(world):
    device = enrol_app(world.staff_1)
    client = Client()
    client.get(reverse("admin:login"))
    client.session.save()
    before = session_key(client)
    client.post(
        reverse("admin:login"),
        {"username": "secretariat1", "password": "Musique2024", "next": reverse("admin:index")},
    )
    between = session_key(client)  # the password was right, the code is still to come
    client.post(reverse("admin:two_factor_code"), {"code": totp_code(device)})
    after = session_key(client)
    assert len({before, between, after}) == 3
    assert not Session.objects.filter(session_key__in=[before, between]).exists()
    assert client.get(reverse("admin:index")).status_code == 200


def test_logging_out_of_the_portal_ends_the_session(world):
    client = logged_in(world)
    key = session_key(client)
    client.post(reverse("accounts:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key  # the old cookie, kept by someone
    assert is_anonymous(replay)
    assert is_anonymous(client)


def test_logging_out_of_the_admin_ends_the_session(world):
    client = Client()
    log_in_to_the_admin(client, world.staff_1)
    key = session_key(client)
    client.post(reverse("admin:logout"))
    assert not Session.objects.filter(session_key=key).exists()
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    assert replay.get(reverse("admin:index"))["Location"].startswith(reverse("admin:login"))


def test_a_deactivated_family_account_is_anonymous_at_its_next_request(world):
    one, two = logged_in(world), logged_in(world)
    assert not is_anonymous(one) and not is_anonymous(two)
    user = world.family_a.user
    user.is_active = False
    user.save()
    assert is_anonymous(one) and is_anonymous(two)
    assert one.get(reverse("home"))["Location"].startswith(reverse("accounts:login"))


def test_a_deactivated_staff_account_is_anonymous_at_its_next_request(world):
    client = Client()
    log_in_to_the_admin(client, world.staff_1)
    world.staff_1.is_active = False
    world.staff_1.save()
    response = client.get(reverse("admin:index"))
    assert response.wsgi_request.user.is_anonymous
    assert response["Location"].startswith(reverse("admin:login"))


def test_a_family_password_change_keeps_this_session_and_ends_the_others(world):
    this, other = logged_in(world), logged_in(world)
    response = this.post(
        reverse("accounts:password_change"),
        {"old_password": "Musique2024", "new_password1": "Violon26", "new_password2": "Violon26"},
    )
    assert response["Location"] == reverse("home")
    assert not is_anonymous(this)
    assert is_anonymous(other)


def test_a_staff_password_change_keeps_this_session_and_ends_the_others(world):
    device = enrol_app(world.staff_1)
    this, other = Client(), Client()
    log_in_to_the_admin(this, world.staff_1, code=device)
    device.refresh_from_db()
    log_in_to_the_admin(other, world.staff_1, code=totp_code(device, steps_ahead=1))
    new = "Une phrase de passe bien longue 2026"
    response = this.post(
        reverse("admin:password_change"),
        {"old_password": "Musique2024", "new_password1": new, "new_password2": new},
    )
    assert response["Location"] == reverse("admin:password_change_done")
    assert this.get(reverse("admin:index")).status_code == 200  # still logged in, code given
    assert is_anonymous(other, reverse("admin:index"))


def test_a_password_set_by_a_superuser_ends_the_accounts_sessions(world):
    family = logged_in(world)
    superuser = Client()
    log_in_to_the_admin(superuser, world.superuser)
    user = world.family_a.user
    response = superuser.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": "Violon2026", "password2": "Violon2026"},
    )
    assert response.status_code == 302
    assert is_anonymous(family)


def test_staff_whose_login_ended_go_back_to_the_admins_login(world):
    client = Client()
    client.force_login(world.staff_1)
    age(client, **{LOGGED_IN_AT: 13 * 3600})
    response = client.get(reverse("admin:index"))
    assert response["Location"] == reverse("admin:login")
