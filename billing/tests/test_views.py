"""Facturation as a family sees it: the guide's ledgers, duplicates read back, and 404s."""

import re
import subprocess
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing import pdf, services
from billing.models import Invoice, Ledger, Payment
from billing.tests.test_numbering import draft
from conftest import client_for, require_program
from tests.html import page

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    text = subprocess.run(
        [require_program("pdftotext"), "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()
    return " ".join(text.split())  # the lines and spaces as one reads them


def test_the_rental_ledger_reads_as_in_the_guide(world):
    response = client_for(world.family_a.user).get(reverse("billing:ledger", args=["locations"]))
    text = page(response).text
    assert "04/12/2012 Chèque 12RC01724 – reçu, duplicata (PDF) 150,00 € non" in text
    assert "04/12/2012 12FC01785 – facture, duplicata (PDF) facture 200,00 €" in text
    assert "Montant total facturé 200,00 €" in text
    assert "Montant total réglé 150,00 €" in text
    assert "Solde -50,00 €" in text
    assert "Payer en ligne" in text


def test_english_amounts_are_written_the_english_way(world):
    client = client_for(world.family_a.user)
    client.cookies["imuse_language"] = "en"
    text = page(client.get(reverse("billing:ledger", args=["locations"]))).text
    assert "€150.00" in text and "Balance -€50.00" in text


def test_an_empty_ledger_says_so_and_offers_no_payment(world):
    text = page(client_for(world.family_a.user).get(reverse("billing:ledger"))).text
    assert "Aucune facture ni aucun règlement" in text
    assert "Solde 0,00 €" in text and "Payer en ligne" not in text


def test_drafts_are_not_shown_to_families(world):
    draft(world.family_a.family, price="999.00")
    text = page(client_for(world.family_a.user).get(reverse("billing:ledger"))).text
    assert "999" not in text


def test_an_unknown_ledger_is_404(world):
    response = client_for(world.family_a.user).get("/facturation/autre/")
    assert response.status_code == 404


def _c_document(world, model, number):
    return model.objects.get(family=world.family_c.family, number=number)


def test_the_invoice_duplicate_reads_back_with_its_number_family_and_totals(world):
    # Family C has one login: its invoices are made out to its guardian, at their address.
    invoice = _c_document(world, Invoice, "12FC01785")
    response = client_for(world.family_c.user).get(
        reverse("billing:invoice_pdf", args=[invoice.pk])
    )
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="12FC01785.pdf"' in response["Content-Disposition"]
    text = pdf_text(response.content)
    for expected in ("DUPLICATA", "Facture 12FC01785", "DURAND Jérémie", "Total 200,00 €"):
        assert expected in text, expected
    assert "19 rue de Paris 45000 ORLEANS" in text
    assert "12RC01724 Chèque 150,00 € Reste à payer 50,00 €" in text


def test_the_receipt_duplicate_names_the_invoice_it_settles(world):
    payment = _c_document(world, Payment, "12RC01724")
    response = client_for(world.family_c.user).get(
        reverse("billing:payment_pdf", args=[payment.pk])
    )
    text = pdf_text(response.content)
    for expected in ("DUPLICATA", "Reçu 12RC01724", "DURAND Jérémie", "150,00 €", "12FC01785"):
        assert expected in text, expected


def test_a_document_of_a_family_whose_guardians_each_have_a_login_names_none_of_them(world):
    """Family A's two guardians each read the family's invoice: it is made out to the family,
    without anybody's address; an invoice one of them pays is made out to them."""
    text = pdf_text(
        client_for(world.family_a2.user)
        .get(reverse("billing:invoice_pdf", args=[world.invoice_a.pk]))
        .content
    )
    assert "Facture 12FC01785" in text and "ABARRE" in text
    assert "Jérémie" not in text and "rue de Paris" not in text
    own = pdf_text(
        client_for(world.family_a2.user)
        .get(reverse("billing:invoice_pdf", args=[world.invoice_a2.pk]))
        .content
    )
    assert "ABARRE Marie" in own and "19 rue de Paris 45000 ORLEANS" in own


def test_a_duplicate_is_rendered_once_then_served_from_storage(world, monkeypatch):
    client = client_for(world.family_a.user)
    url = reverse("billing:invoice_pdf", args=[world.invoice_a.pk])
    first = client.get(url).content
    monkeypatch.setattr(pdf, "render_duplicate", lambda document: pytest.fail("rendered again"))
    assert client.get(url).content == first


def test_a_new_payment_makes_a_new_duplicate_of_the_invoice(world):
    client = client_for(world.family_a.user)
    url = reverse("billing:invoice_pdf", args=[world.invoice_a.pk])
    client.get(url)
    services.payment_record(
        family=world.family_a.family,
        ledger=Ledger.RENTALS,
        mode="especes",
        amount=Decimal("50.00"),
        invoices=[world.invoice_a],
    )
    text = pdf_text(client.get(url).content)
    assert "Reste à payer 0,00 €" in text


def test_another_family_gets_404_on_every_duplicate(world):
    for persona in (world.family_b, world.family_c):
        client = client_for(persona.user)
        for url in (
            reverse("billing:invoice_pdf", args=[world.invoice_a.pk]),
            reverse("billing:payment_pdf", args=[world.payment_a.pk]),
            reverse("billing:test_card", args=[world.attempt_a.reference]),
        ):
            assert client.get(url).status_code == 404, (persona.user, url)


def test_a_draft_has_no_duplicate(world):
    invoice = draft(world.family_a.family)
    response = client_for(world.family_a.user).get(
        reverse("billing:invoice_pdf", args=[invoice.pk])
    )
    assert response.status_code == 404


def test_the_pdf_fetcher_reads_nothing_but_the_shipped_fonts():
    fetcher = pdf._fetcher_class()()
    for url in ("http://169.254.169.254/latest/meta-data/", "file:///etc/passwd", "ftp://x/y"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    font = (pdf.FONTS / "DejaVuSans.ttf").resolve().as_uri()
    assert fetcher.fetch(font) is not None


def test_the_ledger_page_query_count_does_not_grow_with_the_documents(world):
    client = client_for(world.family_a.user)
    url = reverse("billing:ledger", args=["locations"])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    family = world.family_a.family
    for _ in range(10):
        invoice = services.invoice_issue(invoice=draft(family, ledger=Ledger.RENTALS))
        services.payment_record(
            family=family,
            ledger=Ledger.RENTALS,
            mode="cheque",
            amount=Decimal("5"),
            invoices=[invoice],
        )
    with CaptureQueriesContext(connection) as many:
        text = page(client.get(url)).text
    assert "Montant total facturé 300,00 €" in text
    assert len(many) == len(few)


def pdf_tool(tool: str, data: bytes, tmp_path) -> str:
    path = tmp_path / "duplicate.pdf"
    path.write_bytes(data)
    return subprocess.run(
        [require_program(tool), str(path)], capture_output=True, check=True
    ).stdout.decode()


def test_a_duplicate_is_a4_with_its_fonts_embedded(world, tmp_path):
    data = (
        client_for(world.family_a.user)
        .get(reverse("billing:invoice_pdf", args=[world.invoice_a.pk]))
        .content
    )
    pdf_text(data)  # pdftotext present (poppler-utils), or the test says why it stops
    info = pdf_tool("pdfinfo", data, tmp_path)
    assert "(A4)" in info
    assert re.search(r"Tagged:\s+yes", info)  # headings and tables reach screen readers
    fonts = pdf_tool("pdffonts", data, tmp_path).splitlines()[2:]
    assert fonts and all(" yes yes yes " in line for line in fonts), fonts


def test_the_credit_note_duplicate_says_what_it_corrects(world):
    note = services.credit_note_for(invoice=world.invoice_a)
    client = client_for(world.family_a.user)
    text = pdf_text(client.get(reverse("billing:invoice_pdf", args=[note.pk])).content)
    assert f"Avoir {note.number}" in text and "Corrige la facture 12FC01785" in text
    invoice_text = pdf_text(
        client.get(reverse("billing:invoice_pdf", args=[world.invoice_a.pk])).content
    )
    # Cancelled after 150 € were paid: nothing left to pay, 150 € credited to the family.
    assert "Reste à payer 0,00 € Trop-perçu, crédité à la famille" in invoice_text
    assert invoice_text.count("150,00 €") == 2  # the cheque, and what it now credits
    ledger = page(client.get(reverse("billing:ledger", args=["locations"]))).text
    assert "Solde 150,00 €" in ledger and "En votre faveur : 150,00 €" in ledger


def test_the_english_duplicate_is_in_english(world):
    client = client_for(world.family_a.user)
    client.cookies["imuse_language"] = "en"
    text = pdf_text(client.get(reverse("billing:invoice_pdf", args=[world.invoice_a.pk])).content)
    assert "DUPLICATE" in text and "Invoice 12FC01785" in text and "€200.00" in text
    assert "Balance left to pay €50.00" in text
