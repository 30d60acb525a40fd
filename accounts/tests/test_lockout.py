from django.test import Client
from django.urls import reverse

from accounts.models import AuditEntry
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


def test_a_hundred_successful_logins_from_one_address_block_nobody(world):
    """A school's computer room, or a mobile operator's shared address on re-enrolment day."""
    for _ in range(50):
        assert attempt(world, password="Musique2024", ip="10.2.2.2").status_code == 302
        assert attempt(world, "bmartin1", "Musique2024", ip="10.2.2.2").status_code == 302
    assert attempt(world, "abarre2", "Musique2024", ip="10.2.2.2").status_code == 302


def test_failures_from_one_address_are_limited_whatever_the_identifiers(world):
    for n in range(29):
        assert attempt(world, identifier=f"inconnu{n}", ip="10.2.2.3").status_code == 200
    # The 30th failure blocks the address: the right password is refused from there.
    assert attempt(world, identifier="inconnu29", ip="10.2.2.3").status_code == 429
    response = attempt(world, password="Musique2024", ip="10.2.2.3")
    assert response.status_code == 429
    text = page(response).text
    assert "La connexion depuis votre réseau est bloquée pour le moment" in text
    assert "bloquée pendant 15 minutes au plus, quel que soit l'identifiant" in text
    assert "Veuillez vérifier le formulaire" not in text
    assert not page(response).title.startswith("Erreur")
    html = response.content.decode()
    assert 'value="abarre1"' in html
    assert f'<option value="{world.establishment_1.pk}" selected>' in html
    # Other addresses, and another establishment's logins from this one, are not blocked.
    assert attempt(world, password="Musique2024", ip="10.2.2.4").status_code == 302
    other = attempt(world, "cdurand2", "Musique2024", ip="10.2.2.3", site=world.establishment_2)
    assert other.status_code == 302


def test_a_few_typing_mistakes_from_a_shared_address_block_nobody(world):
    for n in range(10):
        family = ("abarre1", "bmartin1")[n % 2]
        attempt(world, family, "Musique2023", ip="10.2.2.5")
        assert attempt(world, family, "Musique2024", ip="10.2.2.5").status_code == 302
    for n in range(25):
        attempt(world, identifier=f"faute{n}", ip="10.2.2.5")
    assert attempt(world, password="Musique2024", ip="10.2.2.5").status_code == 302


def test_a_locked_identifier_is_told_apart_from_a_mistake_in_the_form(world):
    for n in range(5):
        attempt(world, ip=f"10.2.3.{n}")
    text = page(attempt(world, password="Musique2024", ip="10.2.3.9")).text
    assert "Cet identifiant est bloqué pour le moment" in text
    assert "Veuillez vérifier le formulaire" not in text


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


LOCKS = reverse("admin:accounts_failedlogin_changelist")


def test_staff_see_and_lift_their_establishments_locks_only(world):
    for n in range(5):
        attempt(world, ip=f"10.4.4.{n}")
        attempt(world, "cdurand2", ip=f"10.5.5.{n}", site=world.establishment_2)
    staff = client_for(world.staff_1)
    listing = page(staff.get(LOCKS))
    assert "Identifiants bloqués" in listing.text
    assert "abarre1 Conservatoire 1 5" in listing.text
    assert "c1:abarre1" not in listing.text and "cdurand2" not in listing.text
    # Another establishment's staff can neither see nor lift it.
    assert "abarre1" not in page(client_for(world.staff_2).get(LOCKS)).text
    client_for(world.staff_2).post(LOCKS, {"login": "c1:abarre1"})
    assert attempt(world, password="Musique2024", ip="10.4.4.76").status_code == 429
    response = staff.post(LOCKS, {"login": "c1:abarre1"}, follow=True)
    assert "abarre1 est débloqué : ses échecs de connexion sont oubliés." in page(response).text
    assert "Aucun identifiant n'est bloqué." in page(response).text
    assert attempt(world, password="Musique2024", ip="10.4.4.77").status_code == 302
    (entry,) = AuditEntry.objects.filter(action="accounts.login.unlocked")
    assert (entry.actor, entry.establishment) == (world.staff_1, world.establishment_1)
    assert entry.details == {"login": "abarre1", "failures": 5}
    cdurand2 = attempt(world, "cdurand2", "Musique2024", ip="10.5.5.77", site=world.establishment_2)
    assert cdurand2.status_code == 429


def test_staff_see_and_lift_a_blocked_address(world):
    for n in range(30):
        attempt(world, identifier=f"inconnu{n}", ip="10.4.5.6")
    staff = client_for(world.staff_1)
    listing = page(staff.get(LOCKS)).text
    assert "Adresses bloquées" in listing
    assert "10.4.5.6 Conservatoire 1 30 30" in listing
    assert "Débloquer 10.4.5.6" in listing
    # Not shown to the other establishment's staff, whose families it does not block.
    assert "10.4.5.6" not in page(client_for(world.staff_2).get(LOCKS)).text
    html = client_for(world.staff_1).get(reverse("admin:index")).content.decode()
    assert "Connexions bloquées</a></th><td>1</td>" in html
    response = staff.post(LOCKS, {"address": "10.4.5.6", "scope": "c1"}, follow=True)
    assert "L'adresse 10.4.5.6 est débloquée" in page(response).text
    assert attempt(world, password="Musique2024", ip="10.4.5.6").status_code == 302
    assert AuditEntry.objects.filter(action="accounts.address.unblocked").count() == 1


def test_unblocking_nonsense_says_so_without_an_error(world):
    staff = client_for(world.staff_1)
    for data in ({"address": "pas une adresse"}, {"address": "10.9.9.9"}, {"login": "x" * 999}):
        response = staff.post(LOCKS + "?q=abc", data)
        assert response.status_code == 302 and response["Location"] == LOCKS + "?q=abc"
    assert AuditEntry.objects.filter(action__contains="unblock").count() == 0


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


def test_an_ipv6_subscriber_counts_as_one_address_whatever_its_last_64_bits(world):
    """One /64 network is one subscriber's: changing address inside it gets no new tries."""
    for n in range(29):
        assert attempt(world, f"inconnu{n}", ip=f"2001:db8:1:2::{n + 1:x}").status_code == 200
    assert attempt(world, "inconnu29", ip="2001:db8:1:2:ffff::1").status_code == 429
    # Another subscriber (another /64) logs in.
    assert attempt(world, password="Musique2024", ip="2001:db8:1:3::1").status_code == 302
