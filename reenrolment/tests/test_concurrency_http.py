"""On PostgreSQL, through the whole request handling: 50 families press *Valider* at the same
instant for a slot of 10 seats; 10 are sent, 40 are sent back to the courses step with a
message, none is lost or counted twice, and no request fails."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from conftest import require
from reenrolment import services
from reenrolment.models import Choice, ReenrolmentRequest
from reenrolment.tests.test_services import courses, open_campaign
from tests.concurrency import run_together, without_seat_protection
from tests.factories import StudentFactory

SENDINGS = 50
SEATS = 10


def set_up(world, start_year: int):
    campaign, choir, _piano, slot = open_campaign(
        world.establishment_1, seats=SEATS, start_year=start_year
    )
    students = []
    for number in range(SENDINGS):
        student = StudentFactory(family=world.family_a.family, first_name=f"Choriste{number}")
        request = services.request_start(campaign=campaign, student=student)
        services.request_save_step(
            request=request, step=services.COURSES, answer=courses(choir, slot)
        )
        students.append(student)
    return campaign, slot, students


def press_valider_together(world, students) -> dict[str, int]:
    """Each student's *Valider* from its own browser session, all at once."""

    def press(student):
        client = Client()
        client.force_login(world.family_a.user)
        response = client.post(
            reverse("reenrolment:step", args=[student.pk, "finalisation"]), {"go": "send"}
        )
        if response.status_code != 302:
            return f"status {response.status_code}"
        if response["Location"] == reverse("reenrolment:start", args=[student.pk]):
            return "sent"
        if response["Location"] == reverse("reenrolment:step", args=[student.pk, "cours"]):
            return "sent back"
        return f"to {response['Location']}"

    outcomes = [
        f"error {type(outcome).__name__}" if isinstance(outcome, Exception) else outcome
        for outcome in run_together([lambda s=student: press(s) for student in students])
    ]
    return {outcome: outcomes.count(outcome) for outcome in set(outcomes)}


def held(campaign, slot) -> tuple[int, int, int]:
    slot.refresh_from_db()
    sent = ReenrolmentRequest.objects.filter(campaign=campaign, status="submitted").count()
    return slot.taken, Choice.objects.filter(slot=slot).count(), sent


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_fifty_families_at_once_ten_seats(world, round_):
    require(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
    campaign, slot, students = set_up(world, 2040 + round_)
    assert press_valider_together(world, students) == {"sent": 10, "sent back": 40}
    assert held(campaign, slot) == (10, 10, 10)


@pytest.mark.django_db(transaction=True)
def test_the_control_run_without_lock_nor_constraint_breaks_it(world, monkeypatch):
    """The protection removed inside this test only: the assertions above no longer hold."""
    require(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
    with without_seat_protection(monkeypatch):
        broken = []
        for round_ in range(3):
            campaign, slot, students = set_up(world, 2050 + round_)
            outcome = press_valider_together(world, students)
            if outcome != {"sent": 10, "sent back": 40} or held(campaign, slot) != (10, 10, 10):
                broken.append((outcome, held(campaign, slot)))
                break
        assert broken, "without the lock and the constraint, the seats should overflow"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_a_double_click_on_valider_sends_once(world, round_):
    """Whichever click comes second (while the first sends, or just after), it sends nothing
    and lands on the tab."""
    require(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
    campaign, slot, students = set_up(world, 2060 + round_)
    twice = [students[0], students[0]]
    outcome = press_valider_together(world, twice)
    # One sending; the other click lands on the tab too, which says it is sent.
    assert outcome == {"sent": 2}
    assert held(campaign, slot) == (1, 1, 1)
