"""Two-factor authentication of the staff: the code after the password, enrolment, the policy
(STAFF_REQUIRE_2FA), throttling, the superuser's reset; families never meet it.

Pages are read in English (the language cookie), so that the assertions hold once the French
translations are written."""

import re
from base64 import b32encode

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services, two_factor
from accounts.models import AuditEntry
from conftest import client_for, enrol_app, log_in_to_the_admin, log_in_with_the_form, totp_code
from tests.html import page

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
CODE = reverse("admin:two_factor_code")
ENROL = reverse("admin:two_factor_enrol")
INDEX = reverse("admin:index")


def english() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def password_step(client, user, password="Musique2024", next_url=INDEX):
    return client.post(LOGIN, {"username": user.username, "password": password, "next": next_url})


def logged_in_user_id(client):
    return client.session.get("_auth_user_id")


def no_inline_code(html: str) -> bool:
    """Nothing the Content-Security-Policy would block: no inline script nor style."""
    return (
        re.search(r"<script(?![^>]*\bsrc=)", html) is None
        and re.search(r"\sstyle=", html) is None
        and "<style" not in html
    )


# The login -------------------------------------------------------------------------------


def test_staff_without_an_app_log_in_with_the_password_alone(world):
    client = english()
    response = password_step(client, world.staff_1)
    assert response["Location"] == INDEX
    assert client.get(INDEX).status_code == 200


def test_staff_with_an_app_give_its_code_after_the_password(world):
    device = enrol_app(world.staff_1)
    client = english()
    response = password_step(client, world.staff_1)
    assert response["Location"] == CODE
    assert logged_in_user_id(client) is None  # not logged in before the code
    assert client.get(INDEX)["Location"].startswith(LOGIN)
    form = client.get(CODE)
    html = form.content.decode()
    assert form.status_code == 200
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    assert '<label for="id_code"' in html and 'aria-describedby="id_code_helptext"' in html
    assert "secretariat1" in page(form).text
    assert no_inline_code(html)
    response = client.post(CODE, {"code": totp_code(device)})
    assert response["Location"] == INDEX
    assert logged_in_user_id(client) == str(world.staff_1.pk)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(INDEX).status_code == 200


def test_the_code_step_keeps_the_page_that_was_asked_for(world):
    device = enrol_app(world.staff_1)
    client = english()
    target = reverse("admin:family_family_changelist")
    login_url = client.get(target)["Location"]
    assert login_url.startswith(LOGIN)
    response = log_in_to_the_admin(client, world.staff_1, code=device, next_url=target)
    assert response["Location"] == target


def test_a_code_with_spaces_is_accepted(world):
    device = enrol_app(world.staff_1)
    client = english()
    password_step(client, world.staff_1)
    code = totp_code(device)
    assert client.post(CODE, {"code": f" {code[:3]} {code[3:]} "})["Location"] == INDEX


def test_a_wrong_code_is_said_next_to_the_field_and_logs_nobody_in(world):
    device = enrol_app(world.staff_1)
    client = english()
    password_step(client, world.staff_1)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(CODE, {"code": wrong})
    html = response.content.decode()
    assert response.status_code == 200
    assert page(response).title.startswith("Error:")
    assert 'id="error-summary"' in html and 'href="#id_code"' in html
    assert re.search(r'<ul class="errorlist" id="id_code_error"><li>This code is not valid', html)
    assert 'aria-invalid="true"' in html and "id_code_error" in html
    assert logged_in_user_id(client) is None
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abcdef", "12 34 5x"])
def test_a_code_that_is_not_six_digits_is_refused_without_counting_as_a_try(world, code):
    device = enrol_app(world.staff_1)
    client = english()
    password_step(client, world.staff_1)
    response = client.post(CODE, {"code": code})
    assert response.status_code == 200
    assert 'id="id_code_error"' in response.content.decode()
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_repeated_wrong_codes_are_throttled_even_the_right_one(world):
    device = enrol_app(world.staff_1)
    client = english()
    password_step(client, world.staff_1)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    for _attempt in range(6):
        # Each failure doubles the wait: move the last failure back past it.
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
        client.post(CODE, {"code": wrong})
    device.refresh_from_db()
    assert device.throttling_failure_count == 6
    response = client.post(CODE, {"code": totp_code(device)})
    text = page(response).text
    assert "Too many wrong codes: wait" in text and "seconds before trying again" in text
    assert logged_in_user_id(client) is None
    # The wait is over: the right code is accepted, and the count starts again.
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    assert client.post(CODE, {"code": totp_code(device)})["Location"] == INDEX
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_a_long_wait_is_said_in_minutes():
    with translation.override("en"):
        assert two_factor.wait_message(3) == (
            "Too many wrong codes: wait 3 seconds before trying again."
        )
        assert two_factor.wait_message(512) == (
            "Too many wrong codes: wait 9 minutes before trying again."
        )


def test_a_code_is_accepted_once(world):
    device = enrol_app(world.staff_1)
    code = totp_code(device)
    log_in_to_the_admin(english(), world.staff_1, code=code)
    other = english()
    password_step(other, world.staff_1)
    response = other.post(CODE, {"code": code})
    assert response.status_code == 200 and logged_in_user_id(other) is None


def test_the_code_page_without_the_password_step_goes_to_the_login(world):
    enrol_app(world.staff_1)
    client = english()
    assert client.get(CODE)["Location"] == LOGIN
    assert client.post(CODE, {"code": "123456"})["Location"] == LOGIN


def test_the_code_must_follow_the_password_within_minutes(world):
    device = enrol_app(world.staff_1)
    client = english()
    password_step(client, world.staff_1)
    session = client.session
    session[two_factor.PENDING]["at"] -= two_factor.PENDING_SECONDS + 1
    session.save()
    response = client.post(CODE, {"code": totp_code(device)}, follow=True)
    assert "The code was not given in time" in page(response).text
    assert logged_in_user_id(client) is None


def test_a_password_changed_or_an_account_switched_off_meanwhile_voids_the_password_step(world):
    device = enrol_app(world.staff_1)
    client = english()
    password_step(client, world.staff_1)
    world.staff_1.set_password("Une autre phrase de passe 2026")
    world.staff_1.save()
    assert client.post(CODE, {"code": totp_code(device)})["Location"] == LOGIN
    assert logged_in_user_id(client) is None
    password_step(client, world.staff_1, password="Une autre phrase de passe 2026")
    world.staff_1.is_active = False
    world.staff_1.save()
    assert client.post(CODE, {"code": totp_code(device)})["Location"] == LOGIN
    assert logged_in_user_id(client) is None


def test_a_wrong_password_never_reaches_the_code_step(world):
    enrol_app(world.staff_1)
    client = english()
    response = password_step(client, world.staff_1, password="Nope")
    assert response.status_code == 200
    assert two_factor.PENDING not in client.session


def test_a_login_from_before_the_app_was_enrolled_is_ended(world):
    earlier = english()
    log_in_to_the_admin(earlier, world.staff_1)
    assert earlier.get(INDEX).status_code == 200
    enrol_app(world.staff_1)
    response = earlier.get(INDEX)
    assert response["Location"].startswith(LOGIN)
    assert logged_in_user_id(earlier) is None
    assert "please log in again" in page(earlier.get(LOGIN)).text


def test_families_never_meet_two_factor_authentication(world, settings):
    settings.STAFF_REQUIRE_2FA = True
    client = Client()
    log_in_with_the_form(client, world.family_a)
    assert client.get(reverse("home")).status_code == 200
    student = reverse("students:detail", args=[world.family_a.students[0].pk])
    assert client.get(student).status_code == 200
    for url in (ENROL, CODE):
        assert client.get(url)["Location"].startswith(LOGIN)


# Enrolment -------------------------------------------------------------------------------


def test_staff_enrol_an_app_from_a_qr_code_or_a_typed_key(world):
    client = english()
    log_in_to_the_admin(client, world.staff_1)
    index = client.get(INDEX).content.decode()
    assert f'href="{ENROL}"' in index  # in the header's links
    response = client.get(ENROL)
    html = response.content.decode()
    assert response.status_code == 200
    device = TOTPDevice.objects.get(user=world.staff_1)
    assert not device.confirmed
    # The QR code: an SVG made here, an image the page's policy allows.
    assert f'src="{two_factor.qr_code_data_uri(device.config_url).replace("&", "&amp;")}"' in html
    assert 'src="data:image/svg+xml' in html and 'alt="QR code of the key' in html
    assert "secret=" in device.config_url and "issuer=iMuse" in device.config_url
    # The same key as text, for those who cannot scan it.
    key = b32encode(device.bin_key).decode()
    shown = re.search(r'<code id="two-factor-key">([A-Z2-7 ]+)</code>', html).group(1)
    assert shown.replace(" ", "") == key
    assert "time-based (TOTP), 6 digits, a new code every 30 seconds" in page(response).text
    assert '<label for="id_code"' in html
    assert no_inline_code(html)
    policy = response["Content-Security-Policy"]
    assert "img-src 'self' data:" in policy and "unsafe-inline" not in policy
    # A reload shows the same key.
    client.get(ENROL)
    assert TOTPDevice.objects.filter(user=world.staff_1).count() == 1
    # A wrong first code is said next to the field; the right one switches it on.
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(ENROL, {"code": wrong})
    assert response.status_code == 200 and 'id="id_code_error"' in response.content.decode()
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    response = client.post(ENROL, {"code": totp_code(device)}, follow=True)
    assert response.redirect_chain[0][0] == INDEX
    assert "Two-factor authentication is on" in page(response).text
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    entry = AuditEntry.objects.get(action="accounts.two_factor.enrolled")
    assert entry.establishment_id == world.establishment_1.pk
    assert entry.actor_id == world.staff_1.pk and entry.object_id == str(world.staff_1.pk)
    assert key not in str(entry.details)
    # The page now says it is on; the next login asks for the code.
    assert "Two-factor authentication is on for your account" in page(client.get(ENROL)).text
    device.refresh_from_db()
    log_in_to_the_admin(english(), world.staff_1, code=totp_code(device, steps_ahead=1))


def test_a_superuser_enrols_too_without_an_audit_entry(world):
    client = english()
    log_in_to_the_admin(client, world.superuser)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=world.superuser)
    assert client.post(ENROL, {"code": totp_code(device)})["Location"] == INDEX
    device.refresh_from_db()
    assert device.confirmed
    assert not AuditEntry.objects.filter(action="accounts.two_factor.enrolled").exists()


# The requirement (STAFF_REQUIRE_2FA) -----------------------------------------------------


def test_off_by_default():
    assert settings.STAFF_REQUIRE_2FA is False


@pytest.mark.parametrize("persona", ["staff_1", "superuser"])
def test_when_required_staff_enrol_before_any_other_admin_page(world, settings, persona):
    settings.STAFF_REQUIRE_2FA = True
    user = world.users()[persona]
    client = english()
    log_in_to_the_admin(client, user)
    for url in (
        INDEX,
        reverse("admin:family_family_changelist"),
        reverse("admin:accounts_user_change", args=[user.pk]),
        reverse("admin:password_change"),
        LOGIN,
    ):
        assert client.get(url)["Location"] == ENROL, url
    response = client.get(ENROL)
    assert response.status_code == 200
    assert "Two-factor authentication is required" in page(response).text
    device = TOTPDevice.objects.get(user=user)
    assert client.post(ENROL, {"code": totp_code(device)})["Location"] == INDEX
    assert client.get(INDEX).status_code == 200
    assert client.post(reverse("admin:logout")).status_code == 200
    assert logged_in_user_id(client) is None


def test_when_required_logging_out_stays_open(world, settings):
    settings.STAFF_REQUIRE_2FA = True
    client = english()
    log_in_to_the_admin(client, world.staff_1)
    assert client.post(reverse("admin:logout")).status_code == 200
    assert logged_in_user_id(client) is None


# The superuser's reset -------------------------------------------------------------------


def reset_url(user):
    return reverse("admin:accounts_user_two_factor_reset", args=[user.pk])


def test_a_superuser_resets_a_lost_app(world, settings):
    settings.STAFF_REQUIRE_2FA = True
    device = enrol_app(world.staff_1)
    staff = english()
    log_in_to_the_admin(staff, world.staff_1, code=device)
    assert staff.get(INDEX).status_code == 200
    superuser_device = enrol_app(world.superuser)
    superuser = english()
    log_in_to_the_admin(superuser, world.superuser, code=superuser_device)
    change = superuser.get(reverse("admin:accounts_user_change", args=[world.staff_1.pk]))
    html = change.content.decode()
    assert f'href="{reset_url(world.staff_1)}"' in html
    assert "on since" in page(change).text
    confirmation = superuser.get(reset_url(world.staff_1))
    assert confirmation.status_code == 200
    assert "secretariat1 has enrolled an authentication app" in page(confirmation).text
    assert TOTPDevice.objects.filter(user=world.staff_1).exists()  # a GET changes nothing
    response = superuser.post(reset_url(world.staff_1), follow=True)
    assert response.redirect_chain[0][0] == reverse(
        "admin:accounts_user_change", args=[world.staff_1.pk]
    )
    assert "is reset" in page(response).text
    assert not TOTPDevice.objects.filter(user=world.staff_1).exists()
    entry = AuditEntry.objects.get(action="accounts.two_factor.reset")
    assert entry.establishment_id == world.establishment_1.pk
    assert entry.actor_id == world.superuser.pk and entry.object_id == str(world.staff_1.pk)
    # The session verified with the lost app is verified no longer: enrol a new one first.
    assert staff.get(INDEX)["Location"] == ENROL
    # A new login asks for the password alone, then for the enrolment.
    fresh = english()
    assert password_step(fresh, world.staff_1)["Location"] == INDEX
    assert fresh.get(INDEX)["Location"] == ENROL


@pytest.mark.parametrize("persona", ["staff_1", "staff_2"])
def test_staff_cannot_reset_an_app(world, persona):
    device = enrol_app(world.staff_1)
    client = english()
    code = device if persona == "staff_1" else None  # staff_1 has the app
    log_in_to_the_admin(client, world.users()[persona], code=code)
    for method in (client.get, client.post):
        assert method(reset_url(world.staff_1)).status_code == 403
    assert TOTPDevice.objects.filter(user=world.staff_1).exists()


def test_staff_see_their_own_state_without_a_reset_button(world):
    client = client_for(world.staff_1)
    response = client.get(reverse("admin:accounts_user_change", args=[world.staff_1.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert reset_url(world.staff_1) not in html


def test_family_accounts_have_nothing_to_reset(world):
    client = client_for(world.superuser)
    family_user = world.family_a.user
    response = client.get(reverse("admin:accounts_user_change", args=[family_user.pk]))
    assert reset_url(family_user) not in response.content.decode()
    assert client.post(reset_url(family_user))["Location"] == INDEX


def test_a_lone_superuser_resets_their_own_app_with_a_command(world):
    enrol_app(world.superuser)
    call_command("two_factor_reset", world.superuser.username, verbosity=0)
    assert not TOTPDevice.objects.filter(user=world.superuser).exists()
    enrol_app(world.staff_1)
    call_command("two_factor_reset", "secretariat1", verbosity=0)
    entry = AuditEntry.objects.get(action="accounts.two_factor.reset")
    assert entry.actor_id is None and entry.object_id == str(world.staff_1.pk)


def test_the_wait_is_counted_from_the_last_failure(world):
    device = enrol_app(world.staff_1)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"
    first = services.two_factor_code_check(device=device, code=wrong)
    assert first.tried and not first.accepted and first.wait_seconds == 1
    second = services.two_factor_code_check(device=device, code=totp_code(device))
    assert not second.tried and second.wait_seconds >= 1
