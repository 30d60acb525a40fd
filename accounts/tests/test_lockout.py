from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from conftest import client_for
from tests.html import page

LOGIN = reverse("accounts:login")


def attempt(world, identifier="abarre1", password="Wrong1234", ip="10.1.1.1", site=None):
    return Client(REMOTE_ADDR=ip).post(
        LOGIN,
        {
            "establishment": (site or world.establishment_1).pk,
            "identifier": identifier,
            "password": password,
        },
    )


def test_a_login_is_locked_at_the_fifth_failure_and_says_for_how_long(world):
    for n in range(4):
        assert attempt(world, ip=f"10.1.1.{n}").status_code == 200
    assert attempt(world, ip="10.1.1.4").status_code == 429
    response = attempt(world, password="Musique2024", ip="10.1.1.99")
    assert response.status_code == 429
    text = page(response).text
    assert "la connexion avec cet identifiant est bloquée pendant 15 minutes" in text
    assert 'value="abarre1"' in response.content.decode()
    # Another family of the same establishment is not affected.
    assert attempt(world, "bmartin1", "Musique2024", ip="10.1.1.98").status_code == 302


def test_an_address_is_limited_whatever_the_login(world, settings):
    settings.LOGIN_RATE_PER_ADDRESS = "5/15m"
    for n in range(5):
        attempt(world, identifier=f"inconnu{n}", ip="10.2.2.2")
    response = attempt(world, password="Musique2024", ip="10.2.2.2")
    assert response.status_code == 429
    assert "Trop de tentatives de connexion depuis votre réseau" in page(response).text
    assert attempt(world, password="Musique2024", ip="10.2.2.3").status_code == 302


def test_another_logins_success_does_not_wipe_the_failures(world):
    for _ in range(4):
        attempt(world, ip="10.8.8.8")
        assert attempt(world, "bmartin1", "Musique2024", ip="10.8.8.8").status_code == 302
    assert attempt(world, ip="10.8.8.8").status_code == 429


def test_a_family_that_finally_types_it_right_starts_afresh(world):
    for _ in range(4):
        attempt(world, ip="10.9.9.9")
    assert attempt(world, password="Musique2024", ip="10.9.9.9").status_code == 302
    for _ in range(4):
        assert attempt(world, ip="10.9.9.9").status_code == 200


def test_the_same_identifier_elsewhere_is_another_login(world):
    for n in range(5):
        attempt(world, "cdurand2", ip=f"10.3.3.{n}", site=world.establishment_2)
    assert attempt(world, "abarre1", "Musique2024", ip="10.3.3.50").status_code == 302


def test_staff_see_and_lift_their_establishments_locks_only(world):
    for n in range(5):
        attempt(world, ip=f"10.4.4.{n}")
        attempt(world, "cdurand2", ip=f"10.5.5.{n}", site=world.establishment_2)
    staff = client_for(world.staff_1)
    listing = staff.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "c1:abarre1" in listing and "sj:cdurand2" not in listing
    locks = AccessAttempt.objects.filter(username="c1:abarre1")
    response = staff.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": [a.pk for a in locks], "post": "yes"},
    )
    assert response.status_code == 302
    assert attempt(world, password="Musique2024", ip="10.4.4.77").status_code == 302
    assert (
        attempt(
            world, "cdurand2", "Musique2024", ip="10.5.5.77", site=world.establishment_2
        ).status_code
        == 429
    )


def test_the_admin_home_counts_the_locked_logins_of_the_establishment(world):
    for n in range(5):
        attempt(world, ip=f"10.6.6.{n}")
        attempt(world, "cdurand2", ip=f"10.7.7.{n}", site=world.establishment_2)
    html = client_for(world.staff_1).get(reverse("admin:index")).content.decode()
    assert "Connexions bloquées</a></th><td>1</td>" in html
    # The mail log is each establishment's: its staff count their mails that did not leave.
    assert "Mails non envoyés</a></th><td>0</td>" in html
    assert (
        "Mails non envoyés"
        in client_for(world.superuser).get(reverse("admin:index")).content.decode()
    )
