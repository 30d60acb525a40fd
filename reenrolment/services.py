"""Writes of the re-enrolment app: the draft of the wizard, declining, submitting (seats held
under lock), and the staff's decision."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from accounts import audit
from accounts.locking import locked_in_state
from family.anonymisation import Erased
from family.services import mail_family
from reenrolment import waiting
from reenrolment.exceptions import ReenrolmentError
from reenrolment.models import Campaign, Choice, Offer, ReenrolmentRequest, Slot, WaitingEntry
from students.models import Student

# The wizard's answer to the courses step, as ``answers["cours"]``:
# {"administrative": bool, "offers": [offer ids], "slots": {"<offer id>": slot id},
#  "waiting": [ids of the offers whose slot was full when chosen: the student may wait]}.
COURSES = "cours"


def _closed_error() -> ReenrolmentError:
    return ReenrolmentError(
        _("Re-enrolment is closed: nothing was changed. Contact the administrative staff.")
    )


def _locked(request: ReenrolmentRequest) -> ReenrolmentRequest:
    """The request, locked (its row only: the establishment, the family and the student every
    other write refers to stay free), with its campaign checked open."""
    request = (
        ReenrolmentRequest.objects.select_for_update(of=("self",))
        .select_related("campaign", "family__establishment", "student")
        .get(pk=request.pk)
    )
    if not request.campaign.is_open():
        raise _closed_error()
    return request


@transaction.atomic
def request_start(*, campaign: Campaign, student) -> ReenrolmentRequest:
    """The student's request in this campaign, created as a draft the first time."""
    if not campaign.is_open():
        raise _closed_error()
    if student.establishment_id != campaign.establishment_id:
        raise ReenrolmentError(_("This student is not of this establishment."))
    request, _created = ReenrolmentRequest.objects.get_or_create(
        campaign=campaign,
        student=student,
        defaults={"establishment_id": campaign.establishment_id, "family_id": student.family_id},
    )
    return request


@transaction.atomic
def request_save_step(
    *, request: ReenrolmentRequest, step: str, answer: dict | None, completed: bool = True
) -> None:
    """Keep what the family answered at one step (the draft is the server's, so that the
    family can come back from another browser), and whether the step is now complete (its
    answers valid) or not any more (left with *Précédent* half answered). ``answer`` None keeps
    the step's answers (a step that asks nothing)."""
    request = _locked(request)
    if request.status != ReenrolmentRequest.Status.DRAFT:
        raise ReenrolmentError(_("This re-enrolment has already been sent."))
    if answer is not None:
        request.answers = {**request.answers, step: answer}
    done = [slug for slug in request.completed_steps if slug != step]
    request.completed_steps = [*done, step] if completed else done
    request.save(update_fields=["answers", "completed_steps", "updated_at"])


@transaction.atomic
def request_decline(*, request: ReenrolmentRequest, declined_by=None) -> None:
    """ "Je ne souhaite pas réinscrire l'élève" (after its confirmation page)."""
    request = _locked(request)
    if request.status != ReenrolmentRequest.Status.DRAFT:
        raise ReenrolmentError(_("This re-enrolment has already been sent."))
    request.status = ReenrolmentRequest.Status.DECLINED
    request.save(update_fields=["status", "updated_at"])
    _audit(request, "reenrolment.request.declined", declined_by)


def _processed_error() -> ReenrolmentError:
    return ReenrolmentError(
        _(
            "The administrative staff have already taken note that the student will not be "
            "re-enrolled: contact them to re-enrol the student after all."
        )
    )


@transaction.atomic
def request_undo_decline(*, request: ReenrolmentRequest, undone_by=None) -> None:
    """The family changes its mind, while the campaign is open and the staff have not
    processed the request."""
    request = _locked(request)
    if request.status != ReenrolmentRequest.Status.DECLINED:
        raise ReenrolmentError(_("This re-enrolment was not declined."))
    if request.decided_at is not None:
        raise _processed_error()
    request.status = ReenrolmentRequest.Status.DRAFT
    request.save(update_fields=["status", "updated_at"])
    _audit(request, "reenrolment.request.undeclined", undone_by)


@transaction.atomic
def request_acknowledge_decline(*, request: ReenrolmentRequest, decided_by) -> None:
    """The staff take note ("prendre acte") that a student will not be re-enrolled: from then
    on the family can no longer undo it by itself. Whether the campaign is open or not."""
    request = locked_in_state(
        ReenrolmentRequest.objects.filter(pk=request.pk),
        ReenrolmentError(_("There is no decision not to re-enrol to take note of here.")),
        status=ReenrolmentRequest.Status.DECLINED,
        decided_at__isnull=True,
    )
    request.decided_by = decided_by
    request.decided_at = now()
    request.save(update_fields=["decided_by", "decided_at", "updated_at"])
    _audit(request, "reenrolment.request.decline_acknowledged", decided_by)


def _chosen(
    request: ReenrolmentRequest,
) -> tuple[bool, list[tuple[Offer, int | None]], set[int]]:
    """The courses step's answer, checked against the campaign: (administrative, choices, ids
    of the offers whose slot the student may wait for). Without the courses step, or without
    course choice, the re-enrolment is administrative."""
    campaign = request.campaign
    if not campaign.step_courses or not campaign.course_choice_allowed:
        return True, [], set()
    answer = request.answers.get(COURSES) or {}
    administrative = bool(answer.get("administrative"))
    wanted = [int(offer_id) for offer_id in answer.get("offers") or []]
    offers = {offer.pk: offer for offer in Offer.objects.filter(campaign=campaign, pk__in=wanted)}
    if len(offers) != len(set(wanted)):
        raise ReenrolmentError(
            _("Some courses chosen are no longer offered: check your choices."), step=COURSES
        )
    slots = answer.get("slots") or {}
    choices = []
    for offer_id, offer in offers.items():
        slot_id = slots.get(str(offer_id))
        if offer.kind == Offer.Kind.COLLECTIVE:
            if not slot_id:
                raise ReenrolmentError(
                    _("Choose a time slot for %(course)s.") % {"course": offer}, step=COURSES
                )
            choices.append((offer, int(slot_id)))
        else:
            choices.append((offer, None))
    if not administrative and not choices:
        raise ReenrolmentError(
            _("Tick the administrative re-enrolment, or the courses re-enrolled into."),
            step=COURSES,
        )
    may_wait = set()
    if campaign.waiting_lists:
        may_wait = {
            offer_id for offer_id in answer.get("waiting") or [] if isinstance(offer_id, int)
        }
    return administrative, choices, may_wait


def _check_steps(request: ReenrolmentRequest) -> None:
    """Every step the campaign has was gone through (the bubbles let a family jump ahead)."""
    campaign, answers = request.campaign, request.answers
    if campaign.step_contact_details and not answers.get("coordonnees"):
        raise ReenrolmentError(_("Check the contact details first."), step="coordonnees")
    if campaign.step_authorisations and not (answers.get("autorisations") or {}).get(
        "rules_accepted"
    ):
        raise ReenrolmentError(
            _("Accept the rules of the establishment first."), step="autorisations"
        )
    if campaign.step_documents:
        sent = {(d.document_type_id, d.student_id) for d in _sent_documents(request)}
        for document_type in campaign.required_documents.filter(is_active=True):
            student = request.student_id if document_type.holder == "student" else None
            if (document_type.pk, student) not in sent:
                raise ReenrolmentError(
                    _("Send the document %(document)s first.") % {"document": document_type},
                    step="documents",
                )


def _full_error(slot: Slot) -> ReenrolmentError:
    return ReenrolmentError(
        _(
            "The time slot %(slot)s of %(course)s has just been filled: choose another "
            "one. Your other answers are kept."
        )
        % {"slot": slot.label, "course": slot.offer},
        step=COURSES,
    )


def _hold_seats(
    choices: list[tuple[Offer, int | None]], may_wait: set[int]
) -> tuple[dict[int, Slot], list[Slot]]:
    """Lock the chosen slots, and take a seat in each; a full one is refused, unless the
    family chose to wait for it: (the slots whose seat is held, the slots to wait for).
    Offers past their time pass on first, so that a seat someone waits for is never taken
    here. The slot's constraint (taken <= capacity) is the last guard behind this lock:
    should it ever fire, the family gets the same answer as for a full slot, never an error
    page."""
    locked = waiting.lock_slots(slot_id for _offer, slot_id in choices if slot_id is not None)
    for slot in locked.values():
        waiting.hand_over(slot)
    slots, waits = {}, []
    for offer, slot_id in choices:
        if slot_id is None:
            continue
        slot = locked.get(slot_id)
        if slot is None or slot.offer_id != offer.pk:
            raise ReenrolmentError(_("This time slot is not offered."), step=COURSES)
        if slot.taken < slot.capacity:
            slots[slot_id] = slot
        elif offer.pk in may_wait:
            waits.append(slot)
        else:
            raise _full_error(slot)
    for slot_id in sorted(slots):
        try:
            with transaction.atomic():  # a savepoint: the refusal below is an answer, not a 500
                Slot.objects.filter(pk=slot_id).update(taken=F("taken") + 1)
        except IntegrityError:
            raise _full_error(slots[slot_id]) from None
    return slots, waits


@transaction.atomic
def request_submit(*, request: ReenrolmentRequest, submitted_by, demands: str) -> None:
    """*Valider*: in one transaction, the seats of the chosen slots are taken (or the request
    refused, nothing changed), the choices recorded, the request sent to the staff and a
    confirmation mailed. Sending twice (a double click) sends once; sending once the campaign
    closed (the family pressed *Valider* as it closed) is refused, the draft left as it was."""
    request = _locked(request)
    if request.status != ReenrolmentRequest.Status.DRAFT:
        raise ReenrolmentError(_("This re-enrolment has already been sent."))
    _check_steps(request)
    administrative, choices, may_wait = _chosen(request)
    slots, waits = _hold_seats(choices, may_wait)
    waited = {slot.offer_id for slot in waits}
    Choice.objects.bulk_create(
        Choice(
            establishment_id=request.establishment_id,
            request=request,
            offer=offer,
            slot=slots.get(slot_id),
        )
        for offer, slot_id in choices
        if offer.pk not in waited
    )
    for slot in waits:
        waiting.join(request=request, slot=slot, joined_by=submitted_by)
    request.documents.set(_sent_documents(request))
    request.administrative_only = administrative
    request.demands = demands.strip()
    request.status = ReenrolmentRequest.Status.SUBMITTED
    request.submitted_at = now()
    request.submitted_by = submitted_by
    request.save()
    _audit(request, "reenrolment.request.sent", submitted_by, demands=request.demands)
    _tell_family(request, "reenrolment_submitted")


def _audit(request: ReenrolmentRequest, action: str, actor, **details) -> None:
    audit.record(
        action=action,
        actor=actor,
        establishment_id=request.establishment_id,
        obj=request,
        **details,
    )


def _sent_documents(request: ReenrolmentRequest) -> list:
    """The files the family sent for the campaign's required documents (the last one of each,
    awaiting check or accepted), linked to the request for the staff."""
    from family.models import Document

    required = list(
        request.campaign.required_documents.filter(is_active=True).values_list("pk", flat=True)
    )
    documents = Document.objects.filter(
        family=request.family_id,
        document_type__in=required,
        status__in=[Document.Status.RECEIVED, Document.Status.ACCEPTED],
    ).filter(Q(student=None) | Q(student=request.student_id))
    latest = {}
    for document in documents.order_by("uploaded_at", "pk"):
        latest[(document.document_type_id, document.student_id)] = document
    return list(latest.values())


def _tell_family(request: ReenrolmentRequest, template: str) -> None:
    mail_family(request.family, template, {"request": request}, student=request.student)


def _decidable(request: ReenrolmentRequest) -> ReenrolmentRequest:
    return locked_in_state(
        ReenrolmentRequest.objects.select_related(
            "family__establishment", "student", "campaign"
        ).filter(pk=request.pk),
        ReenrolmentError(_("This re-enrolment has already been decided.")),
        status=ReenrolmentRequest.Status.SUBMITTED,
    )


@transaction.atomic
def request_validate(*, request: ReenrolmentRequest, decided_by) -> None:
    """The staff validate a re-enrolment; the family is mailed."""
    request = _decidable(request)
    authorisations = request.answers.get("autorisations")
    if request.campaign.step_authorisations and authorisations:
        # What the family authorised for the year re-enrolled for, now validated.
        Student.objects.filter(pk=request.student_id).update(
            image_rights=bool(authorisations.get("image_rights")),
            outing_allowed=bool(authorisations.get("outing_allowed")),
        )
    request.status = ReenrolmentRequest.Status.VALIDATED
    request.decided_by = decided_by
    request.decided_at = now()
    request.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    _audit(request, "reenrolment.request.validated", decided_by)
    _tell_family(request, "reenrolment_outcome")


@transaction.atomic
def request_refuse(*, request: ReenrolmentRequest, decided_by, reason: str) -> None:
    """The staff refuse a re-enrolment with a reason mailed to the family; it leaves the
    waiting lists it is on, and its seats are given back (to the first student waiting)."""
    if not reason.strip():
        raise ReenrolmentError(_("Give the reason of the refusal: it is sent to the family."))
    request = _decidable(request)
    held = list(request.choices.exclude(slot=None).values_list("slot_id", flat=True))
    slots = waiting.lock_slots([*held, *waiting.active_slot_ids(request)])
    waiting.withdraw_all(request, slots=slots, ended_by=decided_by)
    waiting.release(slots, held)
    request.status = ReenrolmentRequest.Status.REFUSED
    request.reason = reason.strip()
    request.decided_by = decided_by
    request.decided_at = now()
    request.save(update_fields=["status", "reason", "decided_by", "decided_at", "updated_at"])
    _audit(request, "reenrolment.request.refused", decided_by, reason=request.reason)
    _tell_family(request, "reenrolment_outcome")


def request_deleted(sender, instance: ReenrolmentRequest, **kwargs) -> None:
    """``pre_delete``: a request deleted with its student or its family (the admin's deletion)
    gives back the seats it held and a seat it was offered, to the first students waiting,
    under the same locks as a refusal (the request's row, then its slots)."""
    request = (
        ReenrolmentRequest.objects.select_for_update(of=("self",)).filter(pk=instance.pk).first()
    )
    if request is None:
        return
    held = []
    if request.status in {ReenrolmentRequest.Status.SUBMITTED, ReenrolmentRequest.Status.VALIDATED}:
        held = list(request.choices.exclude(slot=None).values_list("slot_id", flat=True))
    slots = waiting.lock_slots([*held, *waiting.active_slot_ids(request)])
    waiting.withdraw_all(request, slots=slots, ended_by=None)
    waiting.release(slots, held)


def family_reenrolment_refusals(*, family) -> list[str]:
    """Why the re-enrolment app refuses to anonymise a family now: a request awaiting the
    staff's decision, or one the family is filling in while its campaign is open (the family
    has not left, or the staff must decide first)."""
    requests = ReenrolmentRequest.objects.for_family(family).select_related("campaign", "student")
    reasons = []
    for request in requests:
        if request.status == ReenrolmentRequest.Status.SUBMITTED:
            reasons.append(
                _("The re-enrolment of %(student)s awaits validation: decide it first.")
                % {"student": request.student}
            )
        elif request.status == ReenrolmentRequest.Status.DRAFT and request.campaign.is_open():
            reasons.append(
                _("The re-enrolment of %(student)s is in progress in an open campaign.")
                % {"student": request.student}
            )
    return reasons


def family_reenrolment_anonymise(*, family, label: str, scrub) -> Erased:
    """The anonymisation's part of the re-enrolment app: the requests stay (what was chosen,
    the seats held), without the wizard's answers (contact details), the further requests
    typed by the family or the reason of a refusal."""
    requests = ReenrolmentRequest.objects.for_family(family)
    pks = list(requests.values_list("pk", flat=True))
    ReenrolmentRequest.objects.filter(pk__in=pks).update(answers={}, demands="", reason="")
    # The family has left: the seats it waits for, or was offered, pass on (every slot locked
    # at once, in id order, like any other writer).
    waiting_requests = list(
        ReenrolmentRequest.objects.filter(
            pk__in=pks, waiting_entries__status__in=WaitingEntry.ACTIVE
        ).distinct()
    )
    if waiting_requests:
        slots = waiting.lock_slots(
            slot_id for request in waiting_requests for slot_id in waiting.active_slot_ids(request)
        )
        for request in waiting_requests:
            waiting.withdraw_all(request, slots=slots, ended_by=None)
    return Erased(
        counts={"reenrolment_requests": len(pks)}, personal={"reenrolment.ReenrolmentRequest": pks}
    )
