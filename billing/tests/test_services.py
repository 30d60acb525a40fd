"""Issuing, crediting and paying: exact money, frozen documents, refusals in words."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from billing import services
from billing.exceptions import BillingError
from billing.models import Invoice, InvoiceLine, Ledger, Payment
from billing.selectors import statement
from billing.tests.test_numbering import draft

pytestmark = pytest.mark.django_db


def test_issuing_freezes_the_total_both_addresses_and_the_date(world):
    family = world.family_b.family
    invoice = draft(family, price="84.00")
    issued = services.invoice_issue(invoice=invoice, on=datetime.date(2027, 10, 11))
    assert issued.total == Decimal("84.00") and issued.date == datetime.date(2027, 10, 11)
    assert issued.family_name == "Monsieur MARTIN Jérémie"
    assert world.establishment_1.name == issued.issuer_name
    guardian = world.family_b.guardian
    guardian.city = "TOURS"
    guardian.save()
    issued.refresh_from_db()
    assert "TOURS" not in issued.family_address  # the copy made at issue stays
    with pytest.raises(BillingError, match="déjà émise"):
        services.invoice_issue(invoice=issued)


def test_an_invoice_without_lines_is_not_issued(world):
    invoice = Invoice.objects.create(
        establishment=world.establishment_1, family=world.family_b.family, ledger=Ledger.FEES
    )
    with pytest.raises(BillingError, match="sans ligne"):
        services.invoice_issue(invoice=invoice)
    invoice.refresh_from_db()
    assert invoice.number == ""


def test_an_issued_invoice_is_never_deleted_but_a_draft_is(world):
    with pytest.raises(ValidationError):
        world.invoice_a.delete()
    assert Invoice.objects.filter(pk=world.invoice_a.pk).exists()
    kept = draft(world.family_b.family)
    kept.delete()
    assert not Invoice.objects.filter(pk=kept.pk).exists()


def test_ten_cents_and_twenty_cents_make_thirty_cents(world):
    invoice = draft(world.family_b.family, price="0.10")
    InvoiceLine.objects.create(invoice=invoice, description="Partition", unit_price=Decimal("0.20"))
    issued = services.invoice_issue(invoice=invoice)
    assert issued.total == Decimal("0.30")
    services.payment_record(
        family=world.family_b.family, ledger=Ledger.FEES, mode="especes", amount=Decimal("0.30")
    )
    result = statement(
        invoices=Invoice.objects.all(), payments=Payment.objects.all(), ledger=Ledger.FEES
    )
    assert (result.invoiced, result.paid, result.balance) == (
        Decimal("0.30"),
        Decimal("0.30"),
        Decimal("0.00"),
    )


def test_a_thousand_lines_add_up_to_the_cent(world):
    invoice = Invoice.objects.create(
        establishment=world.establishment_1, family=world.family_b.family, ledger=Ledger.FEES
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            position=n,
            description=f"Séance {n}",
            quantity=Decimal("1.5"),
            unit_price=Decimal("0.33"),
        )
        for n in range(1000)
    )
    # 1.5 × 0.33 = 0.495, rounded half up to 0.50 on each line.
    assert services.invoice_issue(invoice=invoice).total == Decimal("500.00")


def test_a_credit_note_cancels_what_is_left_and_not_more(world):
    invoice = services.invoice_issue(invoice=draft(world.family_b.family, price="120.00"))
    note = services.credit_note_for(invoice=invoice)
    assert note.number.endswith(f"AV{1:05d}") and note.total == Decimal("120.00")
    assert note.corrects == invoice and note.signed_total == Decimal("-120.00")
    with pytest.raises(BillingError, match="entièrement annulée"):
        services.credit_note_for(invoice=invoice)
    result = statement(
        invoices=Invoice.objects.filter(family=world.family_b.family),
        payments=Payment.objects.none(),
        ledger=Ledger.FEES,
    )
    assert result.invoiced == Decimal("0.00")


def test_a_payment_must_be_positive_cents_and_settle_the_familys_invoices(world):
    family = world.family_b.family
    for amount in (Decimal("0"), Decimal("-5"), Decimal("1.005")):
        with pytest.raises(BillingError):
            services.payment_record(family=family, ledger=Ledger.FEES, mode="cheque", amount=amount)
    with pytest.raises(BillingError, match="pas une facture émise"):
        services.payment_record(
            family=family,
            ledger=Ledger.RENTALS,
            mode="cheque",
            amount=Decimal("5"),
            invoices=[world.invoice_a],
        )
    assert not Payment.objects.filter(family=family).exists()


def test_a_payment_is_shared_among_invoices_oldest_first_and_the_rest_is_on_account(world):
    family = world.family_b.family
    older = services.invoice_issue(
        invoice=draft(family, price="84.00"), on=datetime.date(2027, 1, 5)
    )
    newer = services.invoice_issue(
        invoice=draft(family, price="200.00"), on=datetime.date(2027, 2, 5)
    )
    payment = services.payment_record(
        family=family,
        ledger=Ledger.FEES,
        mode="virement",
        amount=Decimal("300.00"),
        invoices=[newer, older],
    )
    assert [(s.invoice, s.amount) for s in payment.settlements.order_by("invoice__date")] == [
        (older, Decimal("84.00")),
        (newer, Decimal("200.00")),
    ]
    assert services.invoice_remaining(older) == services.invoice_remaining(newer) == 0
    # A second payment finds nothing left to settle: all of it is on account.
    again = services.payment_record(
        family=family, ledger=Ledger.FEES, mode="cheque", amount=Decimal("5"), invoices=[older]
    )
    assert not again.settlements.exists()


def test_a_hand_written_credit_note_may_not_exceed_the_invoice_nor_cross_ledgers(world):
    invoice = world.invoice_a  # 200 € of rentals
    too_much = Invoice.objects.create(
        establishment=world.establishment_1,
        family=world.family_a.family,
        ledger=Ledger.RENTALS,
        kind="AV",
        corrects=invoice,
    )
    InvoiceLine.objects.create(invoice=too_much, description="Geste", unit_price=Decimal("200.01"))
    with pytest.raises(BillingError, match="dépasseraient son total"):
        services.invoice_issue(invoice=too_much)
    other_ledger = Invoice.objects.create(
        establishment=world.establishment_1,
        family=world.family_a.family,
        ledger=Ledger.FEES,
        kind="AV",
        corrects=invoice,
    )
    InvoiceLine.objects.create(invoice=other_ledger, description="Geste", unit_price=Decimal("5"))
    with pytest.raises(BillingError, match="même famille, du même compte et du même payeur"):
        services.invoice_issue(invoice=other_ledger)
    with pytest.raises(ValidationError):
        other_ledger.full_clean()


def test_a_total_too_large_for_the_books_is_refused_in_words(world):
    invoice = Invoice.objects.create(
        establishment=world.establishment_1, family=world.family_b.family, ledger=Ledger.FEES
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            description="Orgue",
            quantity=Decimal("10000"),
            unit_price=Decimal("1000000"),
        )
        for _ in range(2)
    )
    with pytest.raises(BillingError, match="trop élevé"):
        services.invoice_issue(invoice=invoice)


def test_imported_numbers_must_be_of_their_kind(world):
    with pytest.raises(ValueError):
        services.payment_import(
            family=world.family_b.family,
            ledger=Ledger.FEES,
            number="12FC09999",
            on=datetime.date(2012, 5, 1),
            mode="cheque",
            amount=Decimal("1"),
        )
    with pytest.raises(ValueError):
        services.invoice_import(
            family=world.family_b.family,
            ledger=Ledger.FEES,
            number="12RC09999",
            on=datetime.date(2012, 5, 1),
            label="x",
            lines=[("x", Decimal("1"), Decimal("1"))],
        )
