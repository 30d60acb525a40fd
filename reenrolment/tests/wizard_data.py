"""A campaign as the staff set one up, for the tests that go through every step of the wizard
(the views, the URL guard, the query budget, the accessibility sweep)."""

from __future__ import annotations

from django.urls import reverse

from reenrolment import services
from reenrolment.models import Campaign, Offer, Slot
from reenrolment.tests.test_services import open_campaign
from reenrolment.wizard import STEPS, steps_of


def realistic_campaign(establishment, *, document_types=(), start_year: int = 2028) -> Campaign:
    """A campaign open now with every step: four offers (Chorale and Orchestre, collective
    with two time slots each; Piano, a discipline; a cursus), rules to accept and the
    ``document_types`` required."""
    campaign, choir, _piano, _slot = open_campaign(
        establishment, seats=10, start_year=start_year, all_steps=True
    )
    Slot.objects.create(
        establishment=establishment, offer=choir, label="Jeudi 18:00-19:30", capacity=10
    )
    orchestra = Offer.objects.create(
        establishment=establishment,
        campaign=campaign,
        label="Orchestre",
        kind="collective",
        position=1,
    )
    for label in ("Lundi 18:00-19:30", "Vendredi 17:00-18:30"):
        Slot.objects.create(establishment=establishment, offer=orchestra, label=label, capacity=12)
    Offer.objects.create(
        establishment=establishment,
        campaign=campaign,
        label="Cursus diplômant",
        kind="cursus",
        position=2,
    )
    campaign.rules = "Toute absence doit être justifiée."
    campaign.save()
    campaign.required_documents.set(document_types)
    return campaign


def choose_courses(request) -> None:
    """The draft's courses step answered: the choir on its first slot, and piano."""
    choir = request.campaign.offers.get(label="Chorale")
    piano = request.campaign.offers.get(label="Piano")
    slot = choir.slots.order_by("pk").first()
    services.request_save_step(
        request=request,
        step=services.COURSES,
        answer={"offers": [choir.pk, piano.pk], "slots": {str(choir.pk): slot.pk}},
    )


def open_with_a_draft(world) -> Campaign:
    """Establishment 1's realistic campaign (the family's and the student's documents
    required), Irina's draft started with her courses chosen."""
    campaign = realistic_campaign(
        world.establishment_1,
        document_types=[world.family_document_type, world.student_document_type],
    )
    request = services.request_start(campaign=campaign, student=world.family_a.students[0])
    choose_courses(request)
    return campaign


def step_urls(student, campaign=None) -> dict[str, str]:
    """The URL of each step of the wizard for a student (of the campaign's steps, or all)."""
    steps = steps_of(campaign) if campaign is not None else STEPS
    return {step.slug: reverse("reenrolment:step", args=[student.pk, step.slug]) for step in steps}
