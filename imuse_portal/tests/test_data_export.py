"""Famille → My data: a family downloads everything the portal holds about it (JSON and a
readable page), and nothing of another family or establishment."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.headers import FILE_POLICY
from billing import services as billing
from billing.models import Ledger
from conftest import client_for, send_document
from family.models import DocumentType
from family.services import change_request_submit, document_accept
from reenrolment.models import Campaign, Choice, ReenrolmentRequest, WaitingEntry
from tests.factories import (
    AbsenceFactory,
    EnrolmentFactory,
    EvaluationFactory,
    PerformanceFactory,
    StudentFactory,
)
from tests.html import page

pytestmark = pytest.mark.django_db


def download(user) -> tuple[object, dict]:
    response = client_for(user).get(reverse("my_data_json"))
    assert response.status_code == 200
    return response, json.loads(response.content)


def test_the_family_menu_has_a_my_data_tab_explaining_both_downloads(world):
    response = client_for(world.family_a.user).get(reverse("family:identity"))
    assert f'href="{reverse("my_data")}"' in response.content.decode()
    response = client_for(world.family_a.user).get(reverse("my_data"))
    shown = page(response)
    assert shown.h1 == ["Famille"]
    assert 'aria-current="page">Mes données</a>' in response.content.decode()
    assert "Télécharger mes données (fichier JSON)" in shown.text
    assert "Lire mes données (page imprimable)" in shown.text
    assert "jamais le mot de passe" in shown.text


def test_the_json_holds_irina_and_paul_and_nothing_of_another_family(world):
    change_request_submit(
        record=world.family_a.guardian, values={"city": "BLOIS"}, requested_by=world.family_a.user
    )
    response, data = download(world.family_a.user)
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="imuse-data-')

    assert data["format"] == "imuse-portal-family-data" and data["version"] == 1
    assert data["establishment"] == "Conservatoire 1"
    assert data["family"]["name"] == "ABARRE"
    assert [login["identifier"] for login in data["family"]["logins"]] == ["abarre1"]
    assert data["guardians"][0]["last_name"] == "ABARRE"
    assert data["guardians"][0]["address"] == "19 rue de Paris"
    irina, paul = sorted(data["students"], key=lambda s: s["first_name"])
    assert (irina["first_name"], paul["first_name"]) == ("Irina", "Paul")
    assert irina["birth_date"] == "2012-05-04"
    years = {enrolment["school_year"] for enrolment in irina["enrolments"]}
    assert years == {"2026/2027", "2011/2012"}  # this year's course and the history
    assert "15.75" in {enrolment["average"] for enrolment in irina["enrolments"]}
    assert len(irina["evaluations"]) == 2 and len(irina["absences"]) == 1
    assert len(irina["performances"]) == 1
    assert paul["enrolments"] == []

    (document,) = data["documents"]
    assert (document["document"], document["status"]) == ("Justificatif de domicile", "received")
    assert document["original_name"] == "scan.pdf"
    (change,) = data["change_requests"]
    assert (change["field"], change["old"], change["new"]) == ("Ville", "ORLEANS", "BLOIS")
    (invoice,) = data["invoices"]
    assert (invoice["number"], invoice["total"]) == ("12FC01785", "200.00")
    assert data["invoice_lines"][0]["unit_price"] == "200.00"
    (payment,) = data["payments"]
    assert payment["amount"] == "150.00"
    assert payment["settles"] == [{"invoice": "12FC01785", "amount": "150.00"}]
    assert data["online_payments"][0]["amount"] == "50.00"
    (reenrolment,) = data["reenrolment_requests"]
    assert reenrolment["waiting_lists"] == "Chorale – Mercredi 14:00-15:30 (en attente)"
    actions = {entry["action"] for entry in data["audit_entries"]}
    assert {"family.document.sent", "family.change.requested"} <= actions

    text = response.content.decode()
    for elsewhere in ("MARTIN", "Lucas", "DURAND", "Chloé", "bmartin1", "cdurand2", "TOURS"):
        assert elsewhere not in text, elsewhere
    assert "password" not in text
    assert world.family_a.user.password not in text


def test_each_family_downloads_its_own_data_only(world):
    _response, data = download(world.family_c.user)
    assert data["establishment"] == "École de musique de Saint-Jean"
    assert [student["first_name"] for student in data["students"]] == ["Chloé"]
    text = json.dumps(data, ensure_ascii=False)
    assert "ABARRE" not in text and "Irina" not in text


def test_staff_and_visitors_do_not_reach_it(world):
    for url in (reverse("my_data"), reverse("my_data_json"), reverse("my_data_readable")):
        assert client_for(world.staff_1).get(url).status_code == 403
        assert client_for(None).get(url).status_code == 302


def test_the_download_is_an_attachment_never_kept_nor_run(world):
    response, _data = download(world.family_a.user)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == FILE_POLICY
    assert "no-store" in response["Cache-Control"]


def test_the_readable_page_shows_the_same_data_in_captioned_tables(world):
    response = client_for(world.family_a.user).get(reverse("my_data_readable"))
    shown = page(response)
    assert shown.h1 == ["Mes données"]
    for expected in ("ABARRE Irina", "ABARRE Paul", "19 rue de Paris", "12FC01785", "200,00 €"):
        assert expected in shown.text, expected
    assert "15,75" in shown.text and "04/05/2012" in shown.text
    assert "MARTIN" not in shown.text and "Chloé" not in shown.text
    # The audit log's actions in words, not their codes.
    assert "Document envoyé" in shown.text and "family.document" not in shown.text
    assert "E-mail : sophie.invitee@example.org – Élèves : ABARRE Irina" in shown.text
    html = response.content.decode()
    assert html.count("<table") == html.count("<caption")
    assert '<th scope="row">' in html and '<th scope="col">' in html


def reenrol(world, student) -> None:
    """A re-enrolment request sent for the student, choosing the choir's first slot."""
    campaign = Campaign.objects.get(establishment=world.establishment_1)
    request = ReenrolmentRequest.objects.create(
        establishment=world.establishment_1,
        campaign=campaign,
        family=student.family,
        student=student,
        status="submitted",
    )
    offer = campaign.offers.get()
    Choice.objects.create(
        establishment=world.establishment_1, request=request, offer=offer, slot=offer.slots.first()
    )


def more_data(world) -> None:
    """Family A grows: a third student with a full record, more documents, requests and
    documents of billing."""
    family = world.family_a.family
    student = StudentFactory(family=family, first_name="Zoé")
    reenrol(world, student)
    WaitingEntry.objects.create(  # and waits for a seat of the other slot
        establishment=world.establishment_1,
        request=ReenrolmentRequest.objects.get(student=student),
        slot=world.waiting_a.slot,
    )
    for _year in range(3):
        enrolment = EnrolmentFactory(student=student)
        EvaluationFactory(enrolment=enrolment)
        EvaluationFactory(enrolment=enrolment)
        AbsenceFactory(enrolment=enrolment)
        PerformanceFactory(student=student)
    for number in range(3):
        extra = DocumentType.objects.create(
            establishment=world.establishment_1, name=f"Pièce {number}", holder="family"
        )
        document_accept(document=send_document(world.family_a, extra), decided_by=world.staff_1)
    change_request_submit(
        record=student, values={"city": "BLOIS"}, requested_by=world.family_a.user
    )
    for day in range(1, 4):
        invoice = billing.invoice_import(
            family=family,
            ledger=Ledger.FEES,
            number=f"12FC0170{day}",
            on=datetime.date(2012, 10, day),
            label="Cotisation",
            lines=[("FM", Decimal("1"), Decimal("84.00")), ("Piano", Decimal("2"), Decimal("10"))],
        )
        billing.payment_record(
            family=family,
            ledger=Ledger.FEES,
            mode="cheque",
            amount=Decimal("50.00"),
            invoices=[invoice],
        )


@pytest.mark.parametrize("url_name", ["my_data_json", "my_data_readable"])
def test_the_query_count_does_not_grow_with_the_data(world, url_name):
    client = client_for(world.family_a.user)

    def count() -> int:
        client.get(reverse(url_name))  # sessions and caches warmed
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse(url_name)).status_code == 200
        return len(queries)

    reenrol(world, world.family_a.students[0])  # one of each kind of row to begin with
    few = count()
    more_data(world)
    _response, data = download(world.family_a.user)
    assert len(data["students"]) == 3 and len(data["invoices"]) == 4
    assert len(data["reenrolment_requests"]) == 3  # Irina's, Paul's (waiting) and Zoé's
    assert count() == few <= 30


def test_what_the_staff_changed_on_a_mark_is_in_the_audit_part(world):
    """An evaluation changed in the admin is about Irina: the family reads it in its data."""
    from accounts import audit

    audit.record(
        action="admin.evaluation.changed",
        actor=world.staff_1,
        establishment_id=world.establishment_1.pk,
        obj=world.evaluation_a,
        changes={"mark": {"old": "12", "new": "14"}},
    )
    _response, data = download(world.family_a.user)
    assert "admin.evaluation.changed" in {entry["action"] for entry in data["audit_entries"]}
    _response, other = download(world.family_b.user)
    assert "admin.evaluation.changed" not in {entry["action"] for entry in other["audit_entries"]}
