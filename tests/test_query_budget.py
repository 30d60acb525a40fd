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
from django.urls import reverse

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


def counts(world, *extra: str) -> dict[str, int]:
    """The queries of each family page (and of the ``extra`` URLs, opened by family A)."""
    found = {}
    pages = [*readable_pages(world), *((url, world.family_a.user) for url in extra)]
    for url, user in pages:
        client = client_for(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200, url
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


def grow_campaign(campaign) -> None:
    """The campaign offers more: ten more collective courses of three time slots each."""
    from reenrolment.models import Offer, Slot

    for number in range(10):
        offer = Offer.objects.create(
            establishment=campaign.establishment,
            campaign=campaign,
            label=f"Ensemble {number}",
            kind="collective",
            position=10 + number,
        )
        for day in ("Lundi", "Mercredi", "Samedi"):
            Slot.objects.create(
                establishment=campaign.establishment, offer=offer, label=day, capacity=8
            )


def test_every_reenrolment_page_stays_within_the_budget_while_a_campaign_is_open(world):
    """A campaign as staff set one up (four offers, two collective courses with two time slots
    each, the family's and the student's documents required), Irina's draft started with her
    courses chosen and contact changes awaiting validation: the tab and every step of the
    wizard (the family's other pages too, with the campaign open), then again once the family
    and the campaign have grown."""
    from family.models import ChoiceItem
    from family.services import change_request_submit
    from reenrolment.tests.wizard_data import open_with_a_draft, step_urls

    campaign = open_with_a_draft(world)
    irina = world.family_a.students[0]
    madame = ChoiceItem.objects.create(
        establishment=world.establishment_1, kind="civility", label="Madame"
    )
    change_request_submit(
        record=world.family_a.guardian,
        values={"civility": madame, "city": "TOURS"},
        requested_by=world.family_a.user,
    )
    change_request_submit(
        record=irina, values={"mobile_phone": "06 12 34 56 78"}, requested_by=world.family_a.user
    )
    named = {"tab": reverse("reenrolment:start", args=[irina.pk]), **step_urls(irina, campaign)}
    assert len(named) == 7  # the tab and the six steps
    wizard = list(named.values())
    small = counts(world, *wizard)
    grow(world)
    grow_campaign(campaign)
    large = counts(world, *wizard)
    grew = {url: (small[url], large[url]) for url in small if large[url] != small[url]}
    over = {url: large[url] for url in large if large[url] > EXPORTS.get(url, BUDGET)}
    report(
        "query budget, re-enrolment open: "
        + ", ".join(f"{name} {large[url]}" for name, url in named.items())
        + f" (budget {BUDGET}); {len(grew)} grew, {len(over)} over the budget"
    )
    assert grew == {}
    assert over == {}
