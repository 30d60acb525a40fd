import io

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from accounts.models import Establishment, User
from family.models import Family, Guardian
from students.models import SchoolYear, Student
from tests.html import page


def counts():
    return [m.objects.count() for m in (Establishment, User, Family, Guardian, Student, SchoolYear)]


@pytest.fixture
def demo(db):
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=io.StringIO())


def log_in(site_name, identifier, password="Musique2024"):
    client = Client()
    site = Establishment.objects.get(name=site_name)
    response = client.post(
        "/connexion/", {"establishment": site.pk, "identifier": identifier, "password": password}
    )
    return client, response


def test_demo_is_idempotent(demo):
    before = counts()
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=io.StringIO())
    assert counts() == before == [2, 6, 3, 3, 3, 9]  # 2 current, 6 past, 1 re-enrolled for


def test_demo_refuses_to_run_with_debug_off(db):
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo")
    assert counts() == [0, 0, 0, 0, 0, 0]
    with override_settings(DEBUG=False):
        call_command("load_demo", force=True, stdout=io.StringIO())
    assert counts()[0] == 2


def test_demo_prints_the_logins(db, capsys):
    with override_settings(DEBUG=True):
        call_command("load_demo")
    out = capsys.readouterr().out
    for login in ("abarre1", "bmartin1", "cdurand2", "secretariat1", "secretariat2", "admin"):
        assert login in out
    assert "Musique2024" in out


def test_abarre1_sees_the_home_page_of_the_guide(demo):
    client, response = log_in("Conservatoire 1", "abarre1")
    home = page(client.get(response["Location"]))
    assert home.h1 == ["Bonjour Monsieur ABARRE Jérémie"]
    assert "ABARRE Irina" in home.text
    assert "Ce portail internet sécurisé est destiné aux usagers du Conservatoire" in home.text
    irina = Student.objects.get(first_name="Irina")
    assert irina.birth_date.isoformat() == "1997-08-15"
    guardian = Guardian.objects.get(last_name="ABARRE")
    assert (guardian.address, guardian.postal_code, guardian.city) == (
        "19 rue de Paris",
        "45000",
        "ORLEANS",
    )


def test_abarre1_cannot_log_into_the_other_establishment(demo):
    client, response = log_in("École de musique de Saint-Jean", "abarre1")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    ("site", "identifier", "student"),
    [
        ("Conservatoire 1", "bmartin1", "MARTIN Lucas"),
        ("École de musique de Saint-Jean", "cdurand2", "DURAND Chloé"),
    ],
)
def test_other_demo_families_log_into_theirs(demo, site, identifier, student):
    client, response = log_in(site, identifier)
    assert response.status_code == 302
    assert student in page(client.get(response["Location"])).text


@pytest.mark.parametrize(
    ("username", "visible", "hidden"),
    [
        ("secretariat1", "ABARRE", "DURAND"),
        ("secretariat2", "DURAND", "ABARRE"),
    ],
)
def test_demo_staff_log_into_the_admin_of_their_establishment(demo, username, visible, hidden):
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": "Musique2024"}
    )
    assert response.status_code == 302
    html = client.get("/admin/family/family/").content.decode()
    assert visible in html and hidden not in html


def test_demo_superuser_sees_everything(demo):
    client = Client()
    client.post("/admin/login/", {"username": "admin", "password": "Musique2024"})
    html = client.get("/admin/family/family/").content.decode()
    assert "ABARRE" in html and "DURAND" in html


def test_demo_outbox_holds_a_sample_of_each_mail_once(demo):
    from mailer.models import Message

    subjects = sorted(message.email.subject for message in Message.objects.all())
    assert subjects == [
        "Conservatoire 1 : document refusé (Avis d'imposition)",
        "Conservatoire 1 : document refusé (Justificatif de domicile)",
        "Conservatoire 1 : votre demande de modification a bien été reçue",
        "Conservatoire 1 : votre identifiant pour le portail des familles",
        "Conservatoire 1 : votre nouveau mot de passe",
    ]
    with override_settings(DEBUG=True):
        call_command("load_demo", stdout=io.StringIO())
    assert Message.objects.count() == 5


def test_abarre1_sees_documents_in_every_state(demo):
    client, _response = log_in("Conservatoire 1", "abarre1")
    family_page = page(client.get("/famille/documents/")).text
    assert "Justificatif de domicile oui ✓ Accepté" in family_page
    assert "Avis d'imposition non ✗ Refusé — motif : Il s'agit de l'avis 2023" in family_page
    irina = Student.objects.get(first_name="Irina")
    student_page = page(client.get(f"/eleves/{irina.pk}/documents/")).text
    assert "Attestation d'assurance oui … Reçu, en attente de vérification" in student_page
    assert "Certificat médical non ○ Manquant" in student_page
    # The refused proof of address stays in the history under the accepted one.
    from family.models import DocumentType

    address = DocumentType.objects.get(establishment__code="c1", name="Justificatif de domicile")
    history = page(client.get(f"/famille/documents/{address.pk}/")).text
    assert "facture-eau.pdf" in history and "facture-edf-2025.pdf" in history
    assert "Cette facture a plus de trois mois" in history


def test_irina_has_the_courses_history_and_repertoire_of_the_guide(demo):
    from students.models import Enrolment

    client, _response = log_in("Conservatoire 1", "abarre1")
    irina = Student.objects.get(first_name="Irina")
    courses = page(client.get(f"/eleves/{irina.pk}/cours/")).text
    assert "FM 2C4 A non ASTAREL Carmen Fauré (Conservatoire) Vendredi 17:30 01:30" in courses
    assert "Piano BM H non MARGEVAL Brice 3C1 Berlioz (Conservatoire) Mardi 18:30 01:00" in courses

    history = page(client.get(f"/eleves/{irina.pk}/historique/")).text
    assert history.count("2011/2012") == 2 and history.count("2006/2007") == 3
    assert "2011/2012 – FM 2C3 Formation Musicale FM 2C3 ASTAREL Carmen" in history
    assert "2010/2011 – FM 2C2 Formation Musicale FM 2C2 BARDONWALT Anthony" in history

    fm_2c3 = Enrolment.objects.get(student=irina, course__class_name="FM 2C3")
    record = page(client.get(f"/eleves/{irina.pk}/historique/{fm_2c3.pk}/")).text
    assert "Année 2011/2012, du 12/09/2011 au 05/07/2012" in record
    assert "Nombre d'heures 54:00 Nombre d'heures effectives 54:00" in record
    assert "Moyenne 15,75 / 20,00" in record and "Mention -1" in record
    assert "Admission classe FM 2C4" in record
    assert "Contrôle Continu – 06/06/2012 06/06/2012 15,75 20,00 1,00" in record
    assert "Fiche 1 / 16" in record

    repertoire = page(client.get(f"/eleves/{irina.pk}/repertoire/")).text
    assert repertoire.count("Fin de cycle - Piano") == 3
    assert (
        "Fin de cycle - Piano – Sabre dance de Gayanh 13/06/2012 Sabre dance de Gayanh 00:10"
        in (repertoire)
    )
    assert "Fête de la Musique 2008" in repertoire and "Editions Leduc" in repertoire


def test_the_demo_campaign_is_open_and_shown_on_the_home_page(demo):
    client, _response = log_in("Conservatoire 1", "abarre1")
    home = page(client.get("/")).text
    assert "ABARRE Irina – Jusqu'au" in home and "à 00:00" in home
    irina = Student.objects.get(first_name="Irina")
    start = page(client.get(f"/reinscription/{irina.pk}/")).text
    assert "Je souhaite réinscrire l'élève" in start


def test_abarre1_sees_the_guides_two_ledgers(demo):
    client, _response = log_in("Conservatoire 1", "abarre1")
    fees = page(client.get("/facturation/cotisations/")).text
    assert "19/11/2012 Chèque 12RC01632 – reçu, duplicata (PDF) 98135 84,00 € oui" in fees
    assert "11/10/2012 12FC01618 – facture, duplicata (PDF) AVIS DES SOMMES A PAYER 84,00 €" in fees
    assert "Montant total facturé 84,00 € Montant total réglé 84,00 € Solde 0,00 €" in fees
    rentals = page(client.get("/facturation/locations/")).text
    assert "04/12/2012 12FC01785 – facture, duplicata (PDF) facture 200,00 €" in rentals
    assert "04/12/2012 Chèque 12RC01724 – reçu, duplicata (PDF) 150,00 € non" in rentals
    assert "Montant total facturé 200,00 € Montant total réglé 150,00 € Solde -50,00 €" in rentals
    assert "Payer en ligne" in rentals
