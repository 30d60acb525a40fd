"""Every family page stays within its query budget whatever the family's size: counted with
the personas' data, then again once family A has grown (more students, years of history,
evaluations, absences, pieces played, invoices and payments): the same count, at most
``BUDGET``."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing import services as billing
from billing.models import Ledger, PaymentMode
from conftest import client_for
from tests.factories import (
    AbsenceFactory,
    CourseFactory,
    EnrolmentFactory,
    EvaluationFactory,
    PerformanceFactory,
    SchoolYearFactory,
    StudentFactory,
)
from tests.figures import report
from tests.urlwalk import readable_pages

pytestmark = pytest.mark.django_db

BUDGET = 10
# The printable version of *Mes données* reads every kind of record the family has (one query
# each, about twenty), whatever its size: a data export more than a page.
EXPORTS = {"/famille/mes-donnees/version-lisible/": 25}


def counts(world) -> dict[str, int]:
    found = {}
    for url, user in readable_pages(world):
        client = client_for(user)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        found[url] = len(queries)
    return found


def grow(world) -> None:
    """Family A gets two more students, five past years each with courses, evaluations and
    absences, pieces played, and a dozen invoices and payments."""
    family = world.family_a.family
    establishment = family.establishment
    years = [
        SchoolYearFactory(
            establishment=establishment,
            label=f"{2000 + n}/{2001 + n}",
            start_date=datetime.date(2000 + n, 9, 1),
            end_date=datetime.date(2001 + n, 7, 1),
            is_current=False,
        )
        for n in range(5)
    ]
    students = [
        *world.family_a.students,
        StudentFactory(family=family),
        StudentFactory(family=family),
    ]
    for student in students:
        for year in years:
            for label in ("FM", "Piano", "Chorale"):
                enrolment = EnrolmentFactory(
                    student=student, course=CourseFactory(school_year=year, label=label)
                )
                EvaluationFactory(enrolment=enrolment)
                AbsenceFactory(enrolment=enrolment)
        for _ in range(4):
            PerformanceFactory(student=student)
        current = EnrolmentFactory(student=student)
        for _ in range(6):
            EvaluationFactory(enrolment=current)
            AbsenceFactory(enrolment=current)
    for n in range(12):
        invoice = billing.invoice_import(
            family=family,
            ledger=Ledger.RENTALS if n % 2 else Ledger.FEES,
            number=f"11FC{n + 1:05d}",
            on=datetime.date(2011, 1 + n % 12, 1),
            label=f"facture {n}",
            lines=[("Location", Decimal("1"), Decimal("20.00"))],
        )
        billing.payment_import(
            family=family,
            ledger=invoice.ledger,
            number=f"11RC{n + 1:05d}",
            on=invoice.date,
            mode=PaymentMode.CHEQUE,
            amount=Decimal("20.00"),
            invoices=[invoice],
        )


def test_every_family_page_stays_within_its_query_budget_as_the_family_grows(world):
    small = counts(world)
    grow(world)
    large = counts(world)
    grew = {url: (small[url], large[url]) for url in small if large[url] != small[url]}
    over = {url: large[url] for url in large if large[url] > EXPORTS.get(url, BUDGET)}
    report(
        f"query budget: {len(large)} family pages, at most "
        f"{max(n for url, n in large.items() if url not in EXPORTS)} queries (budget {BUDGET}, "
        f"the data export {sum(large.get(url, 0) for url in EXPORTS)}); {len(grew)} grew with "
        f"the data, {len(over)} over the budget"
    )
    assert grew == {}
    assert over == {}
