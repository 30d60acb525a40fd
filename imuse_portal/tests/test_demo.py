import datetime
import io
import re
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import Establishment, User
from billing.models import Invoice
from family.models import Family, Guardian
from students.models import SchoolYear, Student
from tests.html import page


class _Tables(HTMLParser):
    """The tables and field lists of a page as a sighted reader sees them (text hidden for
    screen readers left out, but in captions, which name the tables): each table's caption,
    header and rows (cells, first link), and each ``<dt>`` with its ``<dd>``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[dict] = []
        self.fields: dict[str, str] = {}
        self._hidden = 0  # depth inside a visually hidden element
        self._stack: list[str] = []
        self._cell: list[str] | None = None
        self._row: dict | None = None
        self._term: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._hidden or "visually-hidden" in (attrs.get("class") or "").split():
            self._hidden += 1
        self._stack.append(tag)
        if tag == "table":
            self.tables.append({"caption": "", "head": [], "rows": []})
        elif tag == "tr" and self.tables:
            self._row = {"cells": [], "link": None}
        elif tag in {"th", "td", "caption", "dt", "dd"}:
            self._cell = []
        elif tag == "a" and self._row is not None and self._row["link"] is None:
            self._row["link"] = attrs.get("href")

    def handle_endtag(self, tag):
        if tag not in self._stack:
            return
        while self._stack:
            closed = self._stack.pop()
            if self._hidden:
                self._hidden -= 1
            if closed == tag:
                break
        text = _squash("".join(self._cell)) if self._cell is not None else ""
        if tag == "caption":
            self.tables[-1]["caption"] = text
        elif tag in {"th", "td"} and self._row is not None:
            self._row["cells"].append(text)
        elif tag == "tr" and self._row is not None:
            table = self.tables[-1]
            if "thead" in self._stack:
                table["head"] = self._row["cells"]
            else:
                table["rows"].append(self._row)
            self._row = None
        elif tag == "dt":
            self._term = text
        elif tag == "dd" and self._term is not None:
            self.fields[self._term] = text
            self._term = None
        if tag in {"th", "td", "caption", "dt", "dd"}:
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None and (not self._hidden or "caption" in self._stack):
            self._cell.append(data)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def read(response) -> _Tables:
    """A page's tables and field lists (``read(r).tables``, ``read(r).fields``)."""
    assert response.status_code == 200, response.status_code
    reader = _Tables()
    reader.feed(response.content.decode())
    return reader


def cells(table) -> list[list[str]]:
    return [row["cells"] for row in table["rows"]]


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
    # 7 logins (6 of the guide, Marc MARTIN's), 4 guardians, 4 students (with Léa MARTIN); years:
    # 2 current, 6 past, 1 re-enrolled for.
    assert counts() == before == [2, 7, 3, 4, 4, 9]


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


# The guide's Historique tab (the last two rows of 2006/2007 are under its "1 / 16").
GUIDE_HISTORY = [
    ["2011/2012", "Formation Musicale", "FM 2C3", "", "ASTAREL Carmen"],
    ["2011/2012", "Polyphoniques", "Piano", "2C4", "MARGEVAL Brice"],
    ["2010/2011", "Formation Musicale", "FM 2C2", "", "BARDONWALT Anthony"],
    ["2010/2011", "Polyphoniques", "Piano", "2C3", "MARGEVAL Brice"],
    ["2009/2010", "Formation Musicale", "FM 2C1", "", "ASTAREL Carmen"],
    ["2009/2010", "Polyphoniques", "Piano", "2C2", "IPOUSTEGUI Xavier"],
    ["2009/2010", "Pratiques collectives", "Chorale 1er cycle", "", "PERRIGON Isabelle"],
    ["2008/2009", "Formation Musicale", "FM 2C1", "", "ASTAREL Carmen"],
    ["2008/2009", "Polyphoniques", "Piano", "2C1", "IPOUSTEGUI Xavier"],
    ["2008/2009", "Pratiques collectives", "Chorale 1er cycle", "", "PERRIGON Isabelle"],
    ["2007/2008", "Formation Musicale", "FM 1C4", "", "ASTAREL Carmen"],
    ["2007/2008", "Polyphoniques", "Piano", "1C4", "IPOUSTEGUI Xavier"],
    ["2007/2008", "Pratiques collectives", "Chorale 1er cycle", "", "PERRIGON Isabelle"],
    ["2006/2007", "Formation Musicale", "FM 1C3", "", "ASTAREL Carmen"],
    ["2006/2007", "Polyphoniques", "Piano", "1C3", "IPOUSTEGUI Xavier"],
    ["2006/2007", "Pratiques collectives", "Chorale 1er cycle", "", "PERRIGON Isabelle"],
]
# The guide's Répertoire tab.
GUIDE_REPERTOIRE = [
    [
        "Fin de cycle - Piano",
        "13/06/2012",
        "Sabre dance de Gayanh",
        "00:10",
        "Editions Boosey & Hawkes",
    ],
    [
        "Fin de cycle - Piano",
        "13/06/2012",
        "Romance du Lieutenant Kijé",
        "00:10",
        "Editions Boosey & Hawkes",
    ],
    [
        "2011-06 Fête de la Musique",
        "21/06/2011",
        "Symphonie n° 9 en ré mineur, op. 125",
        "01:00",
        "",
    ],
    [
        "2010-04 Audition de la classe de piano",
        "09/04/2010",
        "Sonate K 282 N° 4 en mi b M",
        "00:15",
        "Editions Henle Verlag",
    ],
    [
        "Fête de la Musique 2008",
        "21/06/2008",
        "Hymne à la joie 9ème Symphonie",
        "00:15",
        "Joué en plein air sur le Parvis de la Cathédrale",
    ],
    [
        "Fin de cycle - Piano",
        "15/05/2008",
        "Suite facile N°2 extrait de l'oeuvre pour piano Vol 1",
        "00:05",
        "Editions Leduc",
    ],
]


@pytest.fixture
def irina_file(demo):
    """abarre1 logged in, and the address of Irina's file (Élèves opens the only student's)."""
    client, _response = log_in("Conservatoire 1", "abarre1")
    response = client.get("/eleves/")
    assert response.status_code == 302
    return client, response["Location"]


def test_irinas_courses_and_their_sheets_are_the_guides(irina_file):
    client, file_url = irina_file
    [courses] = read(client.get(f"{file_url}cours/")).tables
    assert courses["head"] == [
        "Cours",
        "Horaires aménagés",
        "Enseignant",
        "Cycle",
        "Salle",
        "Jour",
        "Heure de passage",
        "Durée",
        "Absence",  # beyond the guide: Signaler une absence
    ]
    assert cells(courses) == [
        [
            "FM 2C4 A",
            "non",
            "ASTAREL Carmen",
            "",
            "Fauré (Conservatoire)",
            "Vendredi",
            "17:30",
            "01:30",
            "Signaler une absence",  # the course named for screen readers only
        ],
        [
            "Piano BM H",
            "non",
            "MARGEVAL Brice",
            "3C1",
            "Berlioz (Conservatoire)",
            "Mardi",
            "18:30",
            "01:00",
            "Signaler une absence",
        ],
    ]
    end = SchoolYear.objects.get(establishment__code="c1", is_current=True).end_date
    sheets = {row["cells"][0]: client.get(row["link"]) for row in courses["rows"]}

    fm = read(sheets["FM 2C4 A"])
    assert "ABARRE Irina – Classe FM 2C4" in page(sheets["FM 2C4 A"]).text
    assert fm.fields["Cycle"] == "" and fm.fields["Situation d'activité"] == "ACTIF"
    line = fm.tables[0]
    assert line["head"] == [
        "Cours",
        "Enseignant",
        "Salle",
        "Localisation",
        "Jour",
        "Heure de fin",
        "Heure de passage",
        "Durée",
        "Date de fin",
    ]
    assert cells(line) == [
        [
            "FM 2C4 A",
            "ASTAREL Carmen",
            "Fauré (Conservatoire)",
            "Conservatoire",
            "Vendredi",
            "19:00",
            "17:30",
            "01:30",
            end.strftime("%d/%m/%Y"),
        ]
    ]
    assert "Aucune évaluation n'est enregistrée pour ce cours." in page(sheets["FM 2C4 A"]).text

    piano = read(sheets["Piano BM H"])
    assert "ABARRE Irina – Classe Piano" in page(sheets["Piano BM H"]).text
    assert piano.fields["Cycle"] == "3C1"
    assert cells(piano.tables[0]) == [
        [
            "Piano BM H",
            "MARGEVAL Brice",
            "Berlioz (Conservatoire)",
            "Conservatoire",
            "Mardi",
            "19:30",
            "18:30",
            "01:00",
            end.strftime("%d/%m/%Y"),
        ]
    ]


def test_irinas_history_its_first_record_and_its_evaluation_are_the_guides(irina_file):
    client, file_url = irina_file
    [history] = read(client.get(f"{file_url}historique/")).tables
    assert history["head"] == ["Année", "Département", "Classe", "Cycle", "Enseignant"]
    assert cells(history) == GUIDE_HISTORY  # all 16, newest first

    response = client.get(history["rows"][0]["link"])
    record = read(response)
    text = page(response).text
    assert "FM 2C3 – Année 2011/2012, du 12/09/2011 au 05/07/2012" in text
    assert record.fields == {
        "Département": "Formation Musicale",
        "Classe": "FM 2C3",
        "Cycle": "",
        "Enseignant": "ASTAREL Carmen",
        "Nombre d'heures": "54:00",
        "Nombre d'heures effectives": "54:00",
        "Absences": "0",
        "Absences non justifiées": "0",
        "Horaires aménagés": "non",
        "Situation d'activité": "ACTIF",
        "Motif": "",
        "Premier instrument": "non",
        "Moyenne": "15,75 / 20,00",
        "Moyenne lettrée": "",
        "Mention": "",
        "Résultat classe": "",
        "Résultat cycle": "",
        "Admission classe": "FM 2C4",
        "Admission cycle": "",
        "Commentaire": "",
    }
    [evaluations] = record.tables
    assert evaluations["head"] == [
        "Type d'évaluation",
        "Date",
        "Type de critère",
        "Note",
        "Dénominateur",
        "Coef.",
        "Lettre",
        "Mention",
        "Appréciation",
        "Choix",
        "Absent",
        "Motif",
    ]
    assert cells(evaluations) == [
        ["Contrôle Continu", "06/06/2012", "", "15,75", "20,00", "1,00", "", "", "", "", "non", ""]
    ]
    assert "Fiche 1 / 16" in text

    response = client.get(evaluations["rows"][0]["link"])
    assert "Évaluation : Contrôle Continu, 06/06/2012" in page(response).text
    assert read(response).fields == {
        "Cours": "FM 2C3 (2011/2012)",
        "Type d'évaluation": "Contrôle Continu",
        "Date": "06/06/2012",
        "Type de critère": "",
        "Note": "15,75 / 20,00",
        "Coef.": "1,00",
        "Lettre": "",
        "Mention": "",
        "Appréciation": "",
        "Choix": "",
        "Absent": "non",
        "Motif": "",
    }


def test_irinas_repertoire_and_each_piece_are_the_guides(irina_file):
    client, file_url = irina_file
    [repertoire] = read(client.get(f"{file_url}repertoire/")).tables
    assert repertoire["head"] == ["Répertoire", "Date", "Morceau", "Durée", "Commentaire"]
    assert cells(repertoire) == GUIDE_REPERTOIRE
    names = ["Répertoire", "Date", "Morceau", "Durée", "Commentaire"]
    for row in repertoire["rows"]:
        assert read(client.get(row["link"])).fields == dict(zip(names, row["cells"], strict=True))


def test_the_demo_campaign_is_open_for_next_year_with_a_slot_nearly_full(demo):
    from reenrolment.models import Campaign, Slot

    paris = ZoneInfo("Europe/Paris")
    campaign = Campaign.objects.select_related("school_year").get(establishment__code="c1")
    opens, closes = campaign.opens_at.astimezone(paris), campaign.closes_at.astimezone(paris)
    loaded_on = opens.date() + datetime.timedelta(days=1)
    today = datetime.date.today()
    assert loaded_on in {today, today - datetime.timedelta(days=1)}  # midnight may have passed
    midnight = datetime.time(0, 0, tzinfo=paris)
    assert opens == datetime.datetime.combine(loaded_on - datetime.timedelta(days=1), midnight)
    assert closes == datetime.datetime.combine(loaded_on + datetime.timedelta(days=28), midnight)
    assert campaign.opens_at <= timezone.now() < campaign.closes_at
    current = SchoolYear.objects.get(establishment__code="c1", is_current=True)
    start = current.start_date.year + 1
    assert campaign.school_year.label == f"{start}/{start + 1}"
    assert not campaign.school_year.is_current
    assert campaign.school_year.start_date > current.end_date
    seats = {
        slot.label: (slot.taken, slot.capacity)
        for slot in Slot.objects.filter(offer__campaign=campaign)
    }
    assert seats["Mardi 17:30-19:00"] == (19, 20)

    client, _response = log_in("Conservatoire 1", "abarre1")
    home = page(client.get("/")).text
    # It closes at midnight: the home page names the last day, not the next one at 00:00.
    last_day = closes - datetime.timedelta(days=1)
    assert f"ABARRE Irina – Jusqu'au {last_day:%d/%m/%Y} inclus" in home
    irina = Student.objects.get(first_name="Irina")
    start_page = page(client.get(f"/reinscription/{irina.pk}/")).text
    assert "Je souhaite réinscrire l'élève" in start_page
    response = client.post(f"/reinscription/{irina.pk}/", {"action": "start"})
    assert response.status_code == 302
    courses_step = page(client.get(f"/reinscription/{irina.pk}/etape/cours/")).text
    assert "Mardi 17:30-19:00 – 1 place restante" in courses_step
    assert "Mercredi 16:00-18:00 – complet : rejoindre la liste d'attente" in courses_step


def test_bmartin1_is_offered_a_seat_of_the_orchestras_full_slot(demo):
    client, _response = log_in("Conservatoire 1", "bmartin1")
    lucas = Student.objects.get(first_name="Lucas")
    tab = page(client.get(f"/reinscription/{lucas.pk}/")).text
    assert "Réinscription en attente de validation" in tab
    assert "Orchestre 2e cycle Mercredi 16:00-18:00 Une place est libre" in tab
    assert "Accepter la place" in tab


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


def test_the_martin_parents_each_have_their_login(demo):
    marc, _response = log_in("Conservatoire 1", "mmartin1")
    home = page(marc.get("/")).text
    assert "MARTIN Lucas" in home and "Léa" not in home
    rentals = page(marc.get("/facturation/locations/")).text
    assert "Location violon 1/2" in rentals and "Location pupitre" in rentals
    assert "Reste à payer : 85,00 €." in rentals  # his 60 € and the family's 25 €
    beatrice, _response = log_in("Conservatoire 1", "bmartin1")
    home = page(beatrice.get("/")).text
    assert "MARTIN Lucas" in home and "MARTIN Léa" in home
    theirs = page(beatrice.get("/facturation/locations/")).text
    assert "Location violon 1/2" not in theirs and "Reste à payer : 25,00 €." in theirs
    shared = Invoice.objects.get(label="Location pupitre")
    assert (shared.family_name, shared.family_address) == ("MARTIN", "")
    responsables = page(beatrice.get("/famille/responsables/")).text
    assert "La famille a 2 identifiants, dont le vôtre" in responsables
    assert "Marc" not in responsables  # each guardian's record stays their own
