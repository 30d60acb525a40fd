"""The admin's login page: staff log in there, families never do."""

from axes.models import AccessAttempt
from django.db.models import Sum
from django.test import Client
from django.urls import reverse

from tests.html import page

LOGIN = reverse("admin:login")


def admin_attempt(username, password, ip="10.20.0.1"):
    client = Client(REMOTE_ADDR=ip)
    response = client.post(LOGIN, {"username": username, "password": password})
    return client, response


def failures_of(username) -> int:
    attempts = AccessAttempt.objects.filter(username=username)
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def test_a_familys_right_password_gets_the_answer_of_a_wrong_one_and_counts(world):
    username = world.family_a.user.username  # "c1:abarre1", as the admin would need it
    _client, wrong = admin_attempt(username, "Wrong1234")
    assert failures_of(username) == 1
    client, right = admin_attempt(username, "Musique2024")
    assert right.status_code == wrong.status_code == 200
    assert page(right).text == page(wrong).text
    assert "_auth_user_id" not in client.session
    # The right password is one more failure of that login, as a wrong one is.
    assert failures_of(username) == 2


def test_a_family_login_is_locked_by_right_passwords_typed_on_the_admin_login(world):
    username = world.family_a.user.username
    for n in range(5):
        admin_attempt(username, "Musique2024", ip=f"10.21.0.{n}")
    # Five failures: the family's login is locked, on the portal too.
    response = Client(REMOTE_ADDR="10.21.0.99").post(
        reverse("accounts:login"),
        {
            "establishment": world.establishment_1.pk,
            "identifier": "abarre1",
            "password": "Musique2024",
        },
    )
    assert response.status_code == 429


def test_staff_log_in_on_the_admin_login(world):
    client, response = admin_attempt(world.staff_1.username, "Musique2024")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.staff_1.pk)
    assert failures_of(world.staff_1.username) == 0
