"""The wizard's first step, Modification des coordonnées: gone through without touching
anything, it asks the staff for nothing."""

import pytest
from django.urls import reverse
from mailer.models import Message

from conftest import client_for
from family.models import ChangeRequest, ChoiceItem, ChoiceKind
from reenrolment.models import ReenrolmentRequest
from reenrolment.tests.test_services import open_campaign
from students.models import SchoolLevel, SchoolYear
from tests.html import form_as_sent


@pytest.fixture
def campaign(world):
    """A campaign for 2028/2029 with every step; Irina is in 2nde this year (2026/2027)."""
    campaign, *_offers = open_campaign(world.establishment_1, seats=10, all_steps=True)
    irina = world.family_a.students[0]
    for label in ("2nde", "1re"):
        ChoiceItem.objects.create(
            establishment=world.establishment_1, kind=ChoiceKind.SCHOOL_LEVEL, label=label
        )
    SchoolLevel.objects.create(
        establishment=world.establishment_1,
        student=irina,
        school_year=SchoolYear.objects.get(establishment=world.establishment_1, is_current=True),
        level=ChoiceItem.objects.get(establishment=world.establishment_1, label="2nde"),
    )
    return campaign


def step_one(world) -> str:
    return reverse("reenrolment:step", args=[world.family_a.students[0].pk, "coordonnees"])


def started(world):
    client = client_for(world.family_a.user)
    irina = world.family_a.students[0]
    client.post(reverse("reenrolment:start", args=[irina.pk]), {"action": "start"})
    return client


def test_going_through_step_one_untouched_asks_for_nothing_and_mails_nothing(world, campaign):
    client = started(world)
    shown = client.get(step_one(world))

    response = client.post(step_one(world), form_as_sent(shown, go="next"))

    assert response["Location"].endswith("/autorisations/")
    assert not ChangeRequest.objects.filter(family=world.family_a.family).exists()
    assert not Message.objects.exists()
    draft = ReenrolmentRequest.objects.get(campaign=campaign, student=world.family_a.students[0])
    assert draft.answers["coordonnees"] == {"checked": True}
