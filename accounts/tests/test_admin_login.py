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


def test_failures_from_one_address_are_limited_on_the_admin_login(world):
    for n in range(29):
        assert admin_attempt(f"inconnu{n}", "Wrong1234", ip="10.22.0.1")[1].status_code == 200
    # The 30th failure blocks the address: the right password is refused from there.
    assert admin_attempt("inconnu29", "Wrong1234", ip="10.22.0.1")[1].status_code == 429
    client, response = admin_attempt(world.staff_1.username, "Musique2024", ip="10.22.0.1")
    assert response.status_code == 429
    text = page(response).text
    assert "La connexion depuis votre réseau est bloquée pour le moment" in text
    assert "l'administrateur du portail peut aussi la débloquer" in text
    assert 'href="/admin/login/">Retour à la page de connexion' in response.content.decode()
    assert "_auth_user_id" not in client.session
    _client, elsewhere = admin_attempt(world.staff_1.username, "Musique2024", ip="10.22.0.2")
    assert elsewhere.status_code == 302


def test_family_logins_typed_on_the_admin_login_count_against_the_address(world):
    for n in range(30):
        admin_attempt(f"c1:inconnu{n}", "Wrong1234", ip="10.23.0.1")
    # Their establishment's families are blocked from that address, on the portal too.
    response = Client(REMOTE_ADDR="10.23.0.1").post(
        reverse("accounts:login"),
        {
            "establishment": world.establishment_1.pk,
            "identifier": "abarre1",
            "password": "Musique2024",
        },
    )
    assert response.status_code == 429


def test_made_up_codes_on_the_admin_login_count_together_against_the_address(world):
    """Made-up codes (":u1", "z9:u") are no family login: they count with the staff
    usernames, not in groups of their own that would never reach the limit."""
    for n in range(14):
        assert admin_attempt(f":u{n}", "Wrong1234", ip="10.23.0.1")[1].status_code == 200
        assert admin_attempt(f"z{n}:u", "Wrong1234", ip="10.23.0.1")[1].status_code == 200
    assert admin_attempt("inconnu", "Wrong1234", ip="10.23.0.1")[1].status_code == 200
    # The 30th failure blocks the address.
    assert admin_attempt("c1:u", "Wrong1234", ip="10.23.0.1")[1].status_code != 429
    assert admin_attempt("z99:u", "Wrong1234", ip="10.23.0.1")[1].status_code == 429
