"""Re-enrolment campaigns set up by the staff: dates, no overlap, seats held by the database."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from conftest import client_for
from reenrolment.models import Campaign, Slot
from tests.html import page


def paris(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def campaign_of(world):
    return Campaign.objects.get(establishment=world.establishment_1)


def test_a_campaign_closes_after_it_opens(world):
    campaign = campaign_of(world)
    campaign.closes_at = campaign.opens_at
    with pytest.raises(ValidationError) as refused:
        campaign.full_clean()
    assert "closes_at" in refused.value.message_dict


def test_two_campaigns_of_one_year_may_not_overlap(world):
    campaign = campaign_of(world)
    overlapping = Campaign(
        establishment=world.establishment_1,
        name="Seconde vague",
        school_year=campaign.school_year,
        opens_at=paris(2026, 5, 20),
        closes_at=paris(2026, 6, 10),
    )
    with pytest.raises(ValidationError) as refused:
        overlapping.full_clean()
    assert "opens_at" in refused.value.message_dict
    overlapping.opens_at, overlapping.closes_at = paris(2026, 6, 1), paris(2026, 6, 15)
    overlapping.full_clean()  # right after the first one: fine


def test_a_campaign_is_open_between_its_dates_in_paris_time(world):
    campaign = campaign_of(world)
    assert campaign.is_open(paris(2026, 5, 1, 0, 0))
    assert campaign.is_open(paris(2026, 5, 31, 23, 59))
    assert not campaign.is_open(paris(2026, 6, 1, 0, 0))  # "jusqu'au 01/06 à 00:00"
    assert not campaign.is_open(paris(2026, 4, 30, 23, 59))


def test_the_database_never_lets_a_slot_hold_more_than_its_seats(world):
    slot = Slot.objects.filter(establishment=world.establishment_1).first()
    Slot.objects.filter(pk=slot.pk).update(taken=10)
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(taken=11)
    with pytest.raises(IntegrityError), transaction.atomic():
        Slot.objects.filter(pk=slot.pk).update(capacity=9)


def test_staff_manage_their_establishments_campaigns_only(world):
    changelist = reverse("admin:reenrolment_campaign_changelist")
    assert "Réinscriptions 2027/2028" in page(client_for(world.staff_1).get(changelist)).text
    other = Campaign.objects.get(establishment=world.establishment_2)
    url = reverse("admin:reenrolment_campaign_change", args=[other.pk])
    assert client_for(world.staff_1).get(url).status_code == 302  # "does not exist"


def test_the_offer_page_counts_seats_taken(world):
    staff = client_for(world.staff_1)
    response = staff.get(reverse("admin:reenrolment_offer_changelist"))
    assert "Chorale" in page(response).text and "1 / 20" in page(response).text
