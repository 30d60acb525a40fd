"""Re-enrolment requests: the draft, declining, sending with seats held, the staff's decision;
and, on PostgreSQL, seats held under 50 sendings at once."""

import datetime

import pytest
from django.db import connection
from django.utils import timezone
from mailer.models import Message

from conftest import require
from reenrolment import services, waiting
from reenrolment.exceptions import ReenrolmentError
from reenrolment.models import Campaign, Choice, Offer, ReenrolmentRequest, Slot
from tests.concurrency import run_together, without_seat_protection
from tests.factories import SchoolYearFactory, StudentFactory


def open_campaign(establishment, *, seats: int = 10, start_year: int = 2028, all_steps=False):
    """A campaign open now, offering a choir (one slot) and piano (a discipline); only the
    courses step unless ``all_steps``."""
    year = SchoolYearFactory(
        establishment=establishment,
        label=f"{start_year}/{start_year + 1}",
        start_date=datetime.date(start_year, 9, 1),
        end_date=datetime.date(start_year + 1, 7, 4),
        is_current=False,
    )
    now = timezone.now()
    campaign = Campaign.objects.create(
        establishment=establishment,
        name=f"Réinscriptions {year.label}",
        school_year=year,
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=28),
        step_contact_details=all_steps,
        step_authorisations=all_steps,
        step_documents=all_steps,
    )
    choir = Offer.objects.create(
        establishment=establishment, campaign=campaign, label="Chorale", kind="collective"
    )
    piano = Offer.objects.create(
        establishment=establishment, campaign=campaign, label="Piano", kind="discipline"
    )
    slot = Slot.objects.create(
        establishment=establishment, offer=choir, label="Mardi 17:30-19:00", capacity=seats
    )
    return campaign, choir, piano, slot


def courses(choir, slot, *extra) -> dict:
    return {
        "offers": [choir.pk, *[offer.pk for offer in extra]],
        "slots": {str(choir.pk): slot.pk},
    }


def test_a_draft_keeps_each_step_and_is_sent_with_its_seat(world):
    campaign, choir, piano, slot = open_campaign(world.establishment_1)
    irina = world.family_a.students[0]
    request = services.request_start(campaign=campaign, student=irina)
    assert services.request_start(campaign=campaign, student=irina) == request  # once
    services.request_save_step(request=request, step="authorisations", answer={"image": True})
    services.request_save_step(
        request=request, step=services.COURSES, answer=courses(choir, slot, piano)
    )
    request.refresh_from_db()
    assert request.answers["authorisations"] == {"image": True}
    Message.objects.all().delete()
    services.request_submit(request=request, submitted_by=world.family_a.user, demands="  Merci ")
    request.refresh_from_db()
    assert request.status == "submitted" and request.demands == "Merci"
    assert {str(choice) for choice in request.choices.all()} == {
        "Chorale – Mardi 17:30-19:00",
        "Piano",
    }
    slot.refresh_from_db()
    assert slot.taken == 1
    mail = Message.objects.get().email
    assert mail.subject == "Conservatoire 1 : réinscription de ABARRE Irina reçue"
    assert "- Chorale – Mardi 17:30-19:00" in mail.body


def test_sending_twice_sends_once(world):
    campaign, choir, _piano, slot = open_campaign(world.establishment_1)
    request = services.request_start(campaign=campaign, student=world.family_a.students[0])
    services.request_save_step(request=request, step=services.COURSES, answer=courses(choir, slot))
    services.request_submit(request=request, submitted_by=world.family_a.user, demands="")
    with pytest.raises(ReenrolmentError, match="déjà été envoyée"):
        services.request_submit(request=request, submitted_by=world.family_a.user, demands="")
    slot.refresh_from_db()
    assert slot.taken == 1 and Choice.objects.filter(request=request).count() == 1


def test_a_full_slot_is_refused_back_to_the_courses_step_nothing_taken(world):
    campaign, choir, piano, slot = open_campaign(world.establishment_1, seats=0)
    request = services.request_start(campaign=campaign, student=world.family_a.students[0])
    services.request_save_step(
        request=request, step=services.COURSES, answer=courses(choir, slot, piano)
    )
    with pytest.raises(ReenrolmentError) as refused:
        services.request_submit(request=request, submitted_by=world.family_a.user, demands="")
    assert refused.value.step == services.COURSES
    assert "vient d'être complet" in str(refused.value.message)
    request.refresh_from_db()
    assert request.status == "draft" and not request.choices.exists()
    assert request.answers[services.COURSES]["offers"]  # the other answers are kept


def test_nothing_chosen_is_refused(world):
    campaign, *_rest = open_campaign(world.establishment_1)
    request = services.request_start(campaign=campaign, student=world.family_a.students[0])
    with pytest.raises(ReenrolmentError, match="Cochez la réinscription administrative"):
        services.request_submit(request=request, submitted_by=world.family_a.user, demands="")
    services.request_save_step(
        request=request, step=services.COURSES, answer={"administrative": True}
    )
    services.request_submit(request=request, submitted_by=world.family_a.user, demands="")
    request.refresh_from_db()
    assert request.administrative_only and request.status == "submitted"


def test_another_campaigns_slot_is_not_taken(world):
    campaign, choir, _piano, _slot = open_campaign(world.establishment_1)
    foreign = Slot.objects.filter(establishment=world.establishment_2).first()
    request = services.request_start(campaign=campaign, student=world.family_a.students[0])
    services.request_save_step(
        request=request,
        step=services.COURSES,
        answer={"offers": [choir.pk], "slots": {str(choir.pk): foreign.pk}},
    )
    with pytest.raises(ReenrolmentError, match="pas proposé"):
        services.request_submit(request=request, submitted_by=world.family_a.user, demands="")


def test_declining_then_changing_ones_mind(world):
    campaign, *_rest = open_campaign(world.establishment_1)
    request = services.request_start(campaign=campaign, student=world.family_a.students[0])
    services.request_decline(request=request)
    request.refresh_from_db()
    assert request.status == "declined"
    services.request_undo_decline(request=request)
    request.refresh_from_db()
    assert request.status == "draft"


def test_outside_the_dates_nothing_changes(world):
    closed = Campaign.objects.get(establishment=world.establishment_1, name__contains="2027")
    with pytest.raises(ReenrolmentError, match="fermée"):
        services.request_start(campaign=closed, student=world.family_a.students[0])
    request = ReenrolmentRequest.objects.get(campaign=closed, student__first_name="Lucas")
    with pytest.raises(ReenrolmentError, match="fermée"):
        services.request_save_step(request=request, step="x", answer={})


def test_a_draft_sent_once_its_campaign_closed_stays_a_draft_and_takes_no_seat(world):
    """The family pressed *Valider* as the campaign closed: the service refuses by itself."""
    campaign, choir, _piano, slot = open_campaign(world.establishment_1, seats=1)
    request = services.request_start(campaign=campaign, student=world.family_a.students[0])
    services.request_save_step(request=request, step=services.COURSES, answer=courses(choir, slot))
    Campaign.objects.filter(pk=campaign.pk).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    Message.objects.all().delete()
    with pytest.raises(ReenrolmentError, match="fermée"):
        services.request_submit(request=request, submitted_by=world.family_a.user, demands="")
    request.refresh_from_db()
    slot.refresh_from_db()
    assert request.status == "draft" and request.submitted_at is None
    assert slot.taken == 0 and not request.choices.exists()
    assert not Message.objects.exists()


def test_staff_refuse_with_a_reason_and_the_seat_is_given_back(world):
    campaign, choir, _piano, slot = open_campaign(world.establishment_1)
    request = services.request_start(campaign=campaign, student=world.family_a.students[0])
    services.request_save_step(request=request, step=services.COURSES, answer=courses(choir, slot))
    services.request_submit(request=request, submitted_by=world.family_a.user, demands="")
    with pytest.raises(ReenrolmentError, match="motif"):
        services.request_refuse(request=request, decided_by=world.staff_1, reason=" ")
    Message.objects.all().delete()
    services.request_refuse(request=request, decided_by=world.staff_1, reason="Dossier incomplet")
    slot.refresh_from_db()
    assert slot.taken == 0
    assert "Motif : Dossier incomplet" in Message.objects.get().email.body
    with pytest.raises(ReenrolmentError, match="déjà été traitée"):
        services.request_validate(request=request, decided_by=world.staff_1)


def send_all_at_once(requests, user) -> tuple[int, int, int]:
    """Each request sent from its own thread and connection, all released together:
    (sent, refused with a message, other errors)."""
    outcomes = run_together(
        [
            lambda request=request: services.request_submit(
                request=request, submitted_by=user, demands=""
            )
            for request in requests
        ]
    )
    refused = sum(isinstance(outcome, ReenrolmentError) for outcome in outcomes)
    errors = sum(
        isinstance(outcome, Exception) and not isinstance(outcome, ReenrolmentError)
        for outcome in outcomes
    )
    return len(outcomes) - refused - errors, refused, errors


def fifty_requests(world, campaign, choir, slot):
    family = world.family_a.family
    requests = []
    for number in range(50):
        student = StudentFactory(family=family, first_name=f"Choriste{number}")
        request = services.request_start(campaign=campaign, student=student)
        services.request_save_step(
            request=request, step=services.COURSES, answer=courses(choir, slot)
        )
        requests.append(request)
    return requests


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(3))
def test_fifty_sendings_at_once_take_exactly_the_ten_seats(world, round_):
    require(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
    campaign, choir, _piano, slot = open_campaign(world.establishment_1, seats=10)
    requests = fifty_requests(world, campaign, choir, slot)
    assert send_all_at_once(requests, world.family_a.user) == (10, 40, 0)
    slot.refresh_from_db()
    assert slot.taken == 10
    assert Choice.objects.filter(slot=slot).count() == 10
    assert ReenrolmentRequest.objects.filter(campaign=campaign, status="submitted").count() == 10


@pytest.mark.django_db(transaction=True)
def test_without_the_lock_and_the_constraint_the_seats_overflow(world, monkeypatch):
    """The control run: the protection removed inside this test only (no switch in the
    product), the same sendings break the assertions above, so that test can fail."""
    require(connection.vendor == "postgresql", "row locks are tested on PostgreSQL")
    with without_seat_protection(monkeypatch):
        broken = False
        for round_ in range(3):
            campaign, choir, _piano, slot = open_campaign(
                world.establishment_1, seats=10, start_year=2030 + round_
            )
            requests = fifty_requests(world, campaign, choir, slot)
            outcome = send_all_at_once(requests, world.family_a.user)
            slot.refresh_from_db()
            if outcome != (10, 40, 0) or slot.taken != 10:
                broken = True
                break
        assert broken, "without the lock, 50 sendings at once should overflow the slot"


def test_every_step_of_the_campaign_must_be_gone_through(world):
    campaign, choir, _piano, slot = open_campaign(world.establishment_1, all_steps=True)
    campaign.required_documents.set([world.student_document_type])
    request = services.request_start(campaign=campaign, student=world.family_a.students[0])
    services.request_save_step(request=request, step=services.COURSES, answer=courses(choir, slot))

    def refused_at() -> str:
        with pytest.raises(ReenrolmentError) as refused:
            services.request_submit(request=request, submitted_by=world.family_a.user, demands="")
        return refused.value.step

    assert refused_at() == "coordonnees"
    services.request_save_step(request=request, step="coordonnees", answer={"checked": True})
    services.request_save_step(request=request, step="autorisations", answer={"image_rights": True})
    assert refused_at() == "autorisations"  # the rules not accepted
    services.request_save_step(
        request=request, step="autorisations", answer={"rules_accepted": True}
    )
    assert refused_at() == "documents"
    from conftest import send_document

    send_document(world.family_a, world.student_document_type, student=world.family_a.students[0])
    services.request_submit(request=request, submitted_by=world.family_a.user, demands="")
    request.refresh_from_db()
    assert request.status == "submitted" and request.documents.count() == 1


def test_without_the_courses_step_the_re_enrolment_is_administrative(world):
    campaign, *_rest = open_campaign(world.establishment_1)
    campaign.step_courses = False
    campaign.save()
    request = services.request_start(campaign=campaign, student=world.family_a.students[0])
    services.request_submit(request=request, submitted_by=world.family_a.user, demands="")
    request.refresh_from_db()
    assert request.status == "submitted" and request.administrative_only


def test_a_course_no_longer_offered_sends_back_to_the_courses(world):
    campaign, choir, piano, slot = open_campaign(world.establishment_1)
    request = services.request_start(campaign=campaign, student=world.family_a.students[0])
    answer = {**courses(choir, slot, piano), "administrative": True}
    services.request_save_step(request=request, step=services.COURSES, answer=answer)
    piano.delete()
    with pytest.raises(ReenrolmentError, match="ne sont plus proposés") as refused:
        services.request_submit(request=request, submitted_by=world.family_a.user, demands="")
    assert refused.value.step == services.COURSES


def test_validation_applies_the_authorisations_to_the_student(world):
    campaign, *_rest = open_campaign(world.establishment_1, all_steps=True)
    campaign.step_documents = False
    campaign.save()
    irina = world.family_a.students[0]
    request = services.request_start(campaign=campaign, student=irina)
    services.request_save_step(request=request, step="coordonnees", answer={"checked": True})
    services.request_save_step(
        request=request,
        step="autorisations",
        answer={"image_rights": True, "outing_allowed": True, "rules_accepted": True},
    )
    services.request_save_step(
        request=request, step=services.COURSES, answer={"administrative": True}
    )
    services.request_submit(request=request, submitted_by=world.family_a.user, demands="")
    services.request_validate(request=request, decided_by=world.staff_1)
    irina.refresh_from_db()
    assert irina.image_rights and irina.outing_allowed


def test_the_staff_take_note_of_a_decline_then_the_family_cannot_undo_it(world):
    from accounts.models import AuditEntry

    campaign, *_rest = open_campaign(world.establishment_1)
    request = services.request_start(campaign=campaign, student=world.family_a.students[0])
    services.request_decline(request=request, declined_by=world.family_a.user)
    services.request_acknowledge_decline(request=request, decided_by=world.staff_1)
    request.refresh_from_db()
    assert request.status == "declined" and request.decided_by == world.staff_1
    assert request.decided_at is not None
    entry = AuditEntry.objects.get(action="reenrolment.request.decline_acknowledged")
    assert (entry.actor, entry.object_id) == (world.staff_1, str(request.pk))
    with pytest.raises(ReenrolmentError, match="déjà pris acte"):
        services.request_undo_decline(request=request, undone_by=world.family_a.user)
    request.refresh_from_db()
    assert request.status == "declined"
    with pytest.raises(ReenrolmentError, match="pas ici de non-réinscription"):
        services.request_acknowledge_decline(request=request, decided_by=world.staff_1)


def test_taking_note_is_for_a_decline_only_and_works_once_the_campaign_is_closed(world):
    campaign, choir, _piano, slot = open_campaign(world.establishment_1)
    irina, paul = world.family_a.students
    draft = services.request_start(campaign=campaign, student=irina)
    with pytest.raises(ReenrolmentError, match="pas ici de non-réinscription"):
        services.request_acknowledge_decline(request=draft, decided_by=world.staff_1)
    declined = services.request_start(campaign=campaign, student=paul)
    services.request_decline(request=declined)
    Campaign.objects.filter(pk=campaign.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    services.request_acknowledge_decline(request=declined, decided_by=world.staff_1)
    declined.refresh_from_db()
    assert declined.decided_by == world.staff_1


def test_undoing_a_decline_is_audited(world):
    from accounts.models import AuditEntry

    campaign, *_rest = open_campaign(world.establishment_1)
    request = services.request_start(campaign=campaign, student=world.family_a.students[0])
    services.request_decline(request=request, declined_by=world.family_a.user)
    services.request_undo_decline(request=request, undone_by=world.family_a.user)
    entry = AuditEntry.objects.get(action="reenrolment.request.undeclined")
    assert entry.actor == world.family_a.user


def test_the_seat_constraint_behind_the_lock_gives_the_full_answer(world, monkeypatch):
    """The lock taken away within this test (the slots read before another family took the
    last seat): the database's constraint refuses the seat, and the family gets the "just
    filled" refusal back to the courses step, nothing changed; never an IntegrityError."""
    campaign, choir, piano, slot = open_campaign(world.establishment_1, seats=3)
    request = services.request_start(campaign=campaign, student=world.family_a.students[0])
    services.request_save_step(
        request=request, step=services.COURSES, answer=courses(choir, slot, piano)
    )
    stale = waiting.lock_slots([slot.pk])
    Slot.objects.filter(pk=slot.pk).update(taken=3)
    monkeypatch.setattr(waiting, "lock_slots", lambda slot_ids: stale)
    with pytest.raises(ReenrolmentError) as refused:
        services.request_submit(request=request, submitted_by=world.family_a.user, demands="")
    assert refused.value.step == services.COURSES
    assert "Mardi 17:30-19:00 de Chorale vient d'être complet" in str(refused.value.message)
    request.refresh_from_db()
    assert request.status == "draft" and not request.choices.exists()
    slot.refresh_from_db()
    assert slot.taken == 3
