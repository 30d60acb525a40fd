"""The staff's side of billing: issuing drafts, credit notes, payments, duplicates, the CSV."""

from decimal import Decimal

import pytest
from django.urls import reverse

from billing import services
from billing.models import Invoice, Payment
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


def test_an_issued_invoice_is_shown_read_only_and_cannot_be_deleted(world):
    staff = client_for(world.staff_1)
    url = reverse("admin:billing_invoice_change", args=[world.invoice_a.pk])
    shown = page(staff.get(url)).text
    assert "12FC01785 (PDF)" in shown and "Enregistrer" not in shown
    assert "émise, reste à payer : 50,00 €" in shown and "12RC01724 – Chèque : 150,00 €" in shown
    line = world.invoice_a.lines.get()
    response = staff.post(
        url,
        {
            "establishment": world.establishment_1.pk,
            "family": world.family_a.family.pk,
            "ledger": "locations",
            "kind": "FC",
            "label": "changé",
            "lines-TOTAL_FORMS": "2",
            "lines-INITIAL_FORMS": "1",
            "lines-0-id": line.pk,
            "lines-0-invoice": world.invoice_a.pk,
            "lines-0-description": "Location violon 3/4",
            "lines-0-quantity": "1",
            "lines-0-unit_price": "1,00",
            "lines-1-invoice": world.invoice_a.pk,
            "lines-1-description": "Ajout",
            "lines-1-quantity": "1",
            "lines-1-unit_price": "5,00",
        },
    )
    assert response.status_code == 403
    world.invoice_a.refresh_from_db()
    assert world.invoice_a.label == "facture" and world.invoice_a.total == Decimal("200.00")
    assert [(li.description, li.unit_price) for li in world.invoice_a.lines.all()] == [
        ("Location violon 3/4", Decimal("200.00"))
    ]
    delete = reverse("admin:billing_invoice_delete", args=[world.invoice_a.pk])
    assert staff.get(delete).status_code == 403


def test_the_bulk_deletion_deletes_drafts_and_keeps_issued_documents(world):
    kept = draft(world.family_b.family)
    staff = client_for(world.staff_1)
    response = staff.post(
        CHANGELIST,
        {"action": "delete_drafts", "_selected_action": [kept.pk, world.invoice_a.pk]},
        follow=True,
    )
    assert "1 brouillon(s) supprimé(s). 1 document(s) émis conservé(s)" in page(response).text
    assert Invoice.objects.filter(pk=world.invoice_a.pk).exists()
    assert not Invoice.objects.filter(pk=kept.pk).exists()


def test_a_draft_saved_after_it_was_issued_changes_nothing(world, monkeypatch):
    """The secretary's form was opened on the draft; a colleague issued it meanwhile."""
    invoice = draft(world.family_b.family, price="30.00")
    line = invoice.lines.get()
    staff = client_for(world.staff_1)
    from billing import admin as billing_admin

    original = billing_admin.InvoiceAdmin.get_object

    def issued_behind_the_form(self, request, object_id, from_field=None):
        obj = original(self, request, object_id, from_field)
        services.invoice_issue(invoice=obj)  # the colleague's action, between read and save
        return obj

    monkeypatch.setattr(billing_admin.InvoiceAdmin, "get_object", issued_behind_the_form)
    response = staff.post(
        reverse("admin:billing_invoice_change", args=[invoice.pk]),
        {
            "establishment": world.establishment_1.pk,
            "family": world.family_b.family.pk,
            "ledger": "cotisations",
            "kind": "FC",
            "label": "Changé",
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "1",
            "lines-0-id": line.pk,
            "lines-0-invoice": invoice.pk,
            "lines-0-description": "Piano",
            "lines-0-quantity": "1",
            "lines-0-unit_price": "99,00",
        },
        follow=True,
    )
    assert "émise entre-temps : vos modifications n'ont pas été enregistrées" in page(response).text
    invoice.refresh_from_db()
    assert invoice.is_issued and invoice.label == "Cotisation" and invoice.total == Decimal("30")
    assert invoice.lines.get().unit_price == Decimal("30.00")


def test_a_credit_note_from_the_list_is_confirmed_first_then_cancels_the_invoice(world):
    staff = client_for(world.staff_1)
    chosen = {"action": "credit_selected", "_selected_action": [world.invoice_a.pk]}
    asked = page(staff.post(CHANGELIST, chosen)).text
    assert "12FC01785 – ABARRE – 04/12/2012 – 200,00 €" in asked
    assert not Invoice.objects.filter(corrects=world.invoice_a).exists()
    response = staff.post(CHANGELIST, {**chosen, "apply": "1"}, follow=True)
    note = Invoice.objects.get(corrects=world.invoice_a)
    assert note.kind == "AV" and note.total == Decimal("200.00") and "AV" in note.number
    assert f"Avoir(s) émis : {note.number}." in page(response).text
    shown = page(staff.get(CHANGELIST)).text
    assert f"annulée par {note.number}" in shown


def record_cheque(world, label: str, **kwargs):
    """The staff record family A's cheque of 50 € settling its rental invoice."""
    return client_for(world.staff_1).post(
        reverse("admin:billing_payment_add"),
        {
            "establishment": world.establishment_1.pk,
            "family": world.family_a.family.pk,
            "ledger": "locations",
            "date": "05/12/2026",
            "mode": "cheque",
            "amount": "50,00",
            "label": label,
            "settles": [world.invoice_a.pk],
        },
        **kwargs,
    )


def test_a_payment_recorded_in_the_admin_gets_its_receipt_number(world):
    response = record_cheque(world, "98136")
    assert response.status_code == 302, page(response).text[-600:]
    payment = Payment.objects.get(label="98136")
    assert payment.number == "26RC00001" and payment.amount == Decimal("50.00")
    assert [(s.invoice, s.amount) for s in payment.settlements.all()] == [
        (world.invoice_a, Decimal("50.00"))
    ]


def test_a_payment_whose_invoice_changed_payer_meanwhile_is_kept_on_account(world, monkeypatch):
    """The invoice gets a payer between the form's check and the save (a second login made at
    that instant): the receipt is kept, on account, and the staff are told."""
    from billing.admin import PaymentAdminForm

    checked = PaymentAdminForm.clean

    def clean_then_changed(form):
        cleaned = checked(form)
        Invoice.objects.filter(pk=world.invoice_a.pk).update(payer=world.family_a.guardian)
        return cleaned

    monkeypatch.setattr(PaymentAdminForm, "clean", clean_then_changed)
    response = record_cheque(world, "98137", follow=True)
    payment = Payment.objects.get(label="98137")
    assert not payment.settlements.exists()
    assert f"{payment.number} est enregistré en acompte" in page(response).text


def test_a_payment_above_what_is_due_is_said_and_the_rest_paid_on_account(world):
    response = client_for(world.staff_1).post(
        reverse("admin:billing_payment_add"),
        {
            "establishment": world.establishment_1.pk,
            "family": world.family_a.family.pk,
            "ledger": "locations",
            "mode": "cheque",
            "amount": "80,00",
            "settles": [world.invoice_a.pk],
        },
        follow=True,
    )
    payment = Payment.objects.get(amount=Decimal("80.00"))
    assert payment.settlements.get().amount == Decimal("50.00")
    assert "30,00 € dépasse ce qui restait à payer" in page(response).text


def test_a_payment_for_another_familys_invoice_is_refused_next_to_the_field(world):
    response = client_for(world.staff_1).post(
        reverse("admin:billing_payment_add"),
        {
            "establishment": world.establishment_1.pk,
            "family": world.family_b.family.pk,
            "ledger": "locations",
            "mode": "cheque",
            "amount": "50",
            "settles": [world.invoice_a.pk],
        },
    )
    assert response.status_code == 200
    assert "n'est pas une facture de la famille MARTIN" in page(response).text
    assert not Payment.objects.filter(family=world.family_b.family).exists()


def test_another_establishments_staff_reach_nothing_and_change_nothing(world):
    staff = client_for(world.staff_2)
    for name, pk in (
        ("admin:billing_invoice_change", world.invoice_a.pk),
        ("admin:billing_payment_change", world.payment_a.pk),
        ("admin:billing_paymentattempt_change", world.attempt_a.pk),
    ):
        response = staff.get(reverse(name, args=[pk]))
        assert response.status_code == 302, name  # "does not exist", back to the admin home
    mine = draft(world.family_b.family)
    for action in ("issue_selected", "credit_selected", "delete_drafts"):
        staff.post(
            CHANGELIST,
            {"action": action, "_selected_action": [mine.pk, world.invoice_a.pk], "apply": "1"},
        )
    mine.refresh_from_db()
    assert not mine.is_issued and not Invoice.objects.filter(corrects=world.invoice_a).exists()


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
    assert "CSV : Locations" in page(staff.get(CHANGELIST)).text
    response = staff.get(reverse("admin:billing_ledger_export", args=["locations"]))
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0].startswith("Date;Famille;Mode de règlement;Numéro d'opération")
    assert lines[1:] == [
        "01/12/2010;ABARRE;;10FC00420;facture alto;90,00;;",
        "05/12/2010;ABARRE;Chèque;10RC00001;;;40,00;non",
        "20/12/2010;ABARRE;;10AV00001;avoir alto;-50,00;;",
        "04/12/2012;ABARRE;;12FC01785;facture;200,00;;",
        "04/12/2012;ABARRE;Chèque;12RC01724;;;150,00;non",
    ]
    # Family C's identical documents are establishment 2's.
    other = client_for(world.staff_2).get(
        reverse("admin:billing_ledger_export", args=["locations"])
    )
    assert other.content.decode("utf-8-sig").count("DURAND") == 2
    assert staff.get("/admin/billing/invoice/export/autre/").status_code == 404
