"""The staff's side of billing: issuing drafts, credit notes, payments, duplicates, the CSV."""

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import Invoice, InvoiceLine, Payment
from billing.tests.test_numbering import draft
from conftest import client_for
from tests.html import page

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:billing_invoice_changelist")


def test_issuing_a_draft_from_the_list_gives_it_its_number(world):
    invoice = draft(world.family_b.family, price="95.50")
    response = client_for(world.staff_1).post(
        CHANGELIST,
        {"action": "issue_selected", "_selected_action": [invoice.pk]},
        follow=True,
    )
    invoice.refresh_from_db()
    assert invoice.is_issued and invoice.total == Decimal("95.50")
    assert "1 document(s) émis." in page(response).text


def test_staff_create_a_draft_with_its_lines(world):
    response = client_for(world.staff_1).post(
        reverse("admin:billing_invoice_add"),
        {
            "establishment": world.establishment_1.pk,
            "family": world.family_b.family.pk,
            "ledger": "cotisations",
            "kind": "FC",
            "label": "Cotisation",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-position": "0",
            "lines-0-description": "Piano",
            "lines-0-quantity": "2",
            "lines-0-unit_price": "10,05",
        },
    )
    assert response.status_code == 302
    invoice = Invoice.objects.get(family=world.family_b.family)
    assert not invoice.is_issued and invoice.lines.get().amount == Decimal("20.10")


def test_an_issued_invoice_is_read_only_and_cannot_be_deleted(world):
    staff = client_for(world.staff_1)
    url = reverse("admin:billing_invoice_change", args=[world.invoice_a.pk])
    shown = page(staff.get(url)).text
    assert "12FC01785 (PDF)" in shown
    staff.post(url, {"label": "changé"})
    world.invoice_a.refresh_from_db()
    assert world.invoice_a.label == "facture"
    delete = reverse("admin:billing_invoice_delete", args=[world.invoice_a.pk])
    assert staff.get(delete).status_code == 403
    assert InvoiceLine.objects.filter(invoice=world.invoice_a).count() == 1


def test_a_credit_note_from_the_list_cancels_what_is_left(world):
    client_for(world.staff_1).post(
        CHANGELIST, {"action": "credit_selected", "_selected_action": [world.invoice_a.pk]}
    )
    note = Invoice.objects.get(corrects=world.invoice_a)
    assert note.kind == "AV" and note.total == Decimal("200.00") and "AV" in note.number


def test_a_payment_recorded_in_the_admin_gets_its_receipt_number(world):
    response = client_for(world.staff_1).post(
        reverse("admin:billing_payment_add"),
        {
            "establishment": world.establishment_1.pk,
            "family": world.family_a.family.pk,
            "ledger": "locations",
            "date": "05/12/2026",
            "mode": "cheque",
            "amount": "50,00",
            "label": "98136",
            "invoices": [world.invoice_a.pk],
        },
    )
    assert response.status_code == 302, page(response).text[-600:]
    payment = Payment.objects.get(label="98136")
    assert payment.number == "26RC00001" and payment.amount == Decimal("50.00")
    assert list(payment.invoices.all()) == [world.invoice_a]


def test_a_payment_for_another_familys_invoice_is_refused_next_to_the_field(world):
    response = client_for(world.staff_1).post(
        reverse("admin:billing_payment_add"),
        {
            "establishment": world.establishment_1.pk,
            "family": world.family_b.family.pk,
            "ledger": "locations",
            "mode": "cheque",
            "amount": "50",
            "invoices": [world.invoice_a.pk],
        },
    )
    assert response.status_code == 200
    assert "n'est pas une facture de MARTIN" in page(response).text
    assert not Payment.objects.filter(family=world.family_b.family).exists()


def test_duplicates_open_from_the_admin_for_the_establishments_staff_only(world):
    url = reverse("admin:billing_invoice_pdf", args=[world.invoice_a.pk])
    response = client_for(world.staff_1).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert client_for(world.staff_2).get(url).status_code == 404
    receipt = reverse("admin:billing_payment_pdf", args=[world.payment_a.pk])
    assert client_for(world.staff_2).get(receipt).status_code == 404
    assert client_for(world.family_a.user).get(url).status_code == 302  # to the admin's login


def test_the_ledger_csv_holds_the_establishments_documents_only(world):
    staff = client_for(world.staff_1)
    assert "Exporter le compte « Locations » (CSV)" in page(staff.get(CHANGELIST)).text
    response = staff.get(reverse("admin:billing_ledger_export", args=["locations"]))
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Date;Famille;Mode de règlement;Numéro d'opération")
    assert lines[1:] == [
        "04/12/2012;ABARRE;;12FC01785;facture;200.00;;",
        "04/12/2012;ABARRE;Chèque;12RC01724;;;150.00;non",
    ]
    # Family C's identical documents are establishment 2's.
    other = client_for(world.staff_2).get(
        reverse("admin:billing_ledger_export", args=["locations"])
    )
    assert other.content.decode("utf-8-sig").count("DURAND") == 2
    assert staff.get("/admin/billing/invoice/export/autre/").status_code == 404
