"""Numbers like the guide's (12FC01618), one gapless sequence per kind, establishment and year."""

import contextlib
import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection, transaction

from billing import numbering, services
from billing.models import Invoice, InvoiceLine, Ledger, NumberSequence
from conftest import require
from tests.concurrency import run_together
from tests.factories import FamilyFactory, GuardianFactory

pytestmark = pytest.mark.django_db


def draft(family, *, ledger=Ledger.FEES, price="10.00"):
    invoice = Invoice.objects.create(
        establishment_id=family.establishment_id, family=family, ledger=ledger, label="Cotisation"
    )
    InvoiceLine.objects.create(invoice=invoice, description="Piano", unit_price=Decimal(price))
    return invoice


def families_of(world, count: int) -> list:
    """Families of establishment 1 to issue for, each with its guardian."""
    families = [FamilyFactory(establishment=world.establishment_1) for _ in range(count)]
    for family in families:
        GuardianFactory(family=family)
    return families


def test_the_format_is_two_digit_year_kind_and_five_digits():
    assert numbering.format_number(year=2012, kind="FC", sequence=1618) == "12FC01618"
    assert numbering.format_number(year=2027, kind="RC", sequence=7) == "27RC00007"
    assert numbering.parse("12AV00003") == (12, "AV", 3)
    with pytest.raises(ValueError):
        numbering.parse("12XX00001")


def test_invoices_of_both_ledgers_share_one_sequence_and_receipts_have_their_own(world):
    family = world.family_b.family
    on = datetime.date(2027, 1, 15)
    fees = services.invoice_issue(invoice=draft(family), on=on)
    rental = services.invoice_issue(invoice=draft(family, ledger=Ledger.RENTALS), on=on)
    receipt = services.payment_record(
        family=family, ledger=Ledger.FEES, mode="cheque", amount=Decimal("10"), on=on
    )
    assert [fees.number, rental.number, receipt.number] == ["27FC00001", "27FC00002", "27RC00001"]


def test_each_establishment_and_year_counts_on_its_own(world):
    on = datetime.date(2027, 1, 15)
    first_c = services.invoice_issue(invoice=draft(world.family_c.family), on=on)
    first_b = services.invoice_issue(invoice=draft(world.family_b.family), on=on)
    next_year = services.invoice_issue(
        invoice=draft(world.family_b.family), on=datetime.date(2028, 1, 2)
    )
    assert first_c.number == first_b.number == "27FC00001"
    assert next_year.number == "28FC00001"


def test_imported_numbers_are_kept_and_the_sequence_goes_on_after_the_highest(world):
    # The world imported 12FC01785 and 12RC01724 for families A and C.
    invoice = services.invoice_issue(
        invoice=draft(world.family_b.family), on=datetime.date(2012, 12, 20)
    )
    assert invoice.number == "12FC01786"
    assert Invoice.objects.filter(number="12FC01785", family=world.family_a.family).exists()


def test_a_rolled_back_issue_gives_its_number_back(world):
    family = world.family_b.family
    on = datetime.date(2027, 3, 1)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.invoice_issue(invoice=draft(family), on=on)
        raise RuntimeError("the rest of the transaction failed")
    assert services.invoice_issue(invoice=draft(family), on=on).number == "27FC00001"


@pytest.mark.django_db(transaction=True)
def test_a_number_is_only_taken_inside_a_transaction(world):
    with pytest.raises(RuntimeError):
        numbering.allocate(establishment_id=world.establishment_1.pk, kind="FC", year=2027)
    assert not NumberSequence.objects.filter(year=2027).exists()


ISSUES = 100
WORKERS = 25  # each its own connection (PostgreSQL allows 100 by default), 4 issues each


@pytest.mark.django_db(transaction=True)
def test_a_hundred_invoices_issued_at_once_get_a_hundred_consecutive_numbers(world):
    require(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
    # One family per worker: issues for one family wait for each other on its row anyway.
    families = families_of(world, WORKERS)
    drafts = [draft(families[n % WORKERS]) for n in range(ISSUES)]
    on = datetime.date(2031, 5, 4)

    def issue_share(share):
        return [services.invoice_issue(invoice=d, on=on).number for d in share]

    shares = [drafts[index::WORKERS] for index in range(WORKERS)]
    outcomes = run_together([lambda s=share: issue_share(s) for share in shares])
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes[:3]
    numbers = [number for share in outcomes for number in share]
    assert sorted(numbers) == [f"31FC{n:05d}" for n in range(1, ISSUES + 1)]
    assert (
        NumberSequence.objects.get(establishment=world.establishment_1, kind="FC", year=2031).last
        == ISSUES
    )


@pytest.mark.django_db(transaction=True)
def test_the_control_run_without_the_lock_breaks_the_numbering(world, monkeypatch):
    """The row lock removed inside this test only, and every worker made to read the sequence
    before any writes it (what the lock prevents): the assertions above no longer hold."""
    require(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
    read_together = threading.Barrier(WORKERS, timeout=20)

    def unlocked_sequence(*, establishment_id, kind, year):
        NumberSequence.objects.bulk_create(
            [NumberSequence(establishment_id=establishment_id, kind=kind, year=year)],
            ignore_conflicts=True,
        )
        sequence = NumberSequence.objects.get(
            establishment_id=establishment_id, kind=kind, year=year
        )
        with contextlib.suppress(threading.BrokenBarrierError):
            read_together.wait()
        return sequence

    monkeypatch.setattr(numbering, "_locked_sequence", unlocked_sequence)
    drafts = [draft(family) for family in families_of(world, WORKERS)]
    on = datetime.date(2041, 1, 5)
    # The year's sequence exists already (a first insert would make the others wait on it).
    NumberSequence.objects.create(establishment=world.establishment_1, kind="FC", year=2041)
    outcomes = run_together(
        [lambda d=d: services.invoice_issue(invoice=d, on=on).number for d in drafts]
    )
    numbers = [o for o in outcomes if not isinstance(o, Exception)]
    assert sorted(numbers) != [f"41FC{n:05d}" for n in range(1, WORKERS + 1)]
