"""The wizard's first step, Modification des coordonnées: gone through without touching
anything, it asks the staff for nothing; it asks for the school level of the year re-enrolled
for, said with its year, the current year's shown beside it."""

import re

import pytest
from django.urls import reverse
from mailer.models import Message

from conftest import client_for
from family.models import ChangeRequest, ChoiceItem, ChoiceKind
from family.services import change_request_approve
from reenrolment.models import ReenrolmentRequest
from reenrolment.tests.test_services import open_campaign
from students.models import SchoolLevel, SchoolYear
from tests.html import form_as_sent, page


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


def test_step_one_asks_for_the_level_of_the_year_re_enrolled_for(world, campaign):
    irina = world.family_a.students[0]
    client = started(world)
    shown = client.get(step_one(world))
    text = page(shown).text
    assert "Niveau scolaire (2028/2029)" in text
    assert "Cette année scolaire (2026/2027) : 2nde." in text
    first = ChoiceItem.objects.get(establishment=world.establishment_1, label="1re")

    client.post(step_one(world), {**form_as_sent(shown, go="next"), "s-school_level": first.pk})

    request = ChangeRequest.objects.get(object_id=irina.pk, content_type__model="student")
    next_year = campaign.school_year
    assert request.changes == {f"school_level_{next_year.pk}": {"old": "", "new": str(first.pk)}}
    assert Message.objects.count() == 1  # the acknowledgement
    # Shown again as asked for, awaiting validation; the file's Identité keeps this year's.
    again = page(client.get(step_one(world))).text
    assert "Modifié : en attente de validation. Valeur enregistrée : (vide)" in again
    identity = client.get(reverse("students:detail", args=[irina.pk])).content.decode()
    assert "selected>2nde</option>" in identity

    admin_url = reverse("admin:family_changerequest_change", args=[request.pk])
    assert (
        "Niveau scolaire (2028/2029) — 1re —" in page(client_for(world.staff_1).get(admin_url)).text
    )
    change_request_approve(change_request=request, decided_by=world.staff_1)
    levels = {
        level.school_year.label: level.level.label
        for level in SchoolLevel.objects.filter(student=irina).select_related(
            "school_year", "level"
        )
    }
    assert levels == {"2026/2027": "2nde", "2028/2029": "1re"}


def test_errors_in_both_records_give_two_summaries_with_their_own_ids(world, campaign):
    client = started(world)
    sent = form_as_sent(client.get(step_one(world)), go="next")
    sent.update({"g-last_name": "", "s-last_name": ""})
    html = client.post(step_one(world), sent).content.decode()
    assert 'id="error-summary-g"' in html and 'id="error-summary-s"' in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
