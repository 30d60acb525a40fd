"""Waiting lists of full time slots: joining one when a request is sent, handing a freed seat
over to the first student waiting (an offer by e-mail, for the campaign's delay), accepting,
declining, leaving, and the offers that expire.

A slot's list only changes under the slot's row lock, the lock its seats are taken under: two
seats freed at once go to two different families, in the order of the list, and a family
sending its request meanwhile never takes a seat someone is waiting for (an offered seat is
counted in ``Slot.taken`` until it is accepted, declined or expired)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import audit
from family.services import mail_family
from reenrolment.exceptions import ReenrolmentError
from reenrolment.models import Choice, ReenrolmentRequest, Slot, WaitingEntry

Status = WaitingEntry.Status


def lock_slots(slot_ids) -> dict[int, Slot]:
    """The slots, locked in id order (two writers never wait for each other in a circle), with
    what the hand-over reads."""
    return {
        slot.pk: slot
        for slot in Slot.objects.select_for_update(of=("self",))
        .select_related("offer__campaign__school_year")
        .filter(pk__in=sorted(set(slot_ids)))
        .order_by("pk")
    }


def join(*, request, slot: Slot, joined_by, at=None) -> WaitingEntry:
    """The student joins the end of the slot's list (the caller holds the slot's lock)."""
    entry = WaitingEntry.objects.create(
        establishment_id=request.establishment_id,
        request=request,
        slot=slot,
        joined_at=at or timezone.now(),
    )
    _audit(entry, slot, "reenrolment.waiting.joined", joined_by)
    return entry


def hand_over(slot: Slot, *, at=None) -> list[WaitingEntry]:
    """Under the slot's lock (``slot`` read under it): the offers past their time expire and
    their seats come back; then each free seat is offered to the next student waiting, until
    the school year re-enrolled for has ended. Returns the entries offered a seat now."""
    at = at or timezone.now()
    taken = slot.taken
    for entry in _entries(slot, status=Status.OFFERED, expires_at__lte=at):
        entry.status, entry.ended_at = Status.EXPIRED, at
        entry.save(update_fields=["status", "ended_at"])
        taken -= 1
        _audit(entry, slot, "reenrolment.waiting.offer_expired", None)
        _tell(entry, slot, "waiting_seat_expired")
    offered = []
    campaign = slot.offer.campaign
    if taken < slot.capacity and campaign.school_year.end_date >= timezone.localdate(at):
        waiting = _entries(slot, status=Status.WAITING)[: slot.capacity - taken]
        for entry in waiting:
            entry.status, entry.offered_at = Status.OFFERED, at
            entry.expires_at = at + datetime.timedelta(hours=campaign.offer_hours)
            entry.save(update_fields=["status", "offered_at", "expires_at"])
            taken += 1
            offered.append(entry)
            _audit(entry, slot, "reenrolment.waiting.seat_offered", None)
            _tell(entry, slot, "waiting_seat_offered")
    if taken != slot.taken:
        Slot.objects.filter(pk=slot.pk).update(taken=taken)
        slot.taken = taken
    return offered


def _entries(slot: Slot, **conditions):
    return (
        WaitingEntry.objects.filter(slot=slot, **conditions)
        .select_related("request__family__establishment", "request__student", "request__campaign")
        .order_by("joined_at", "pk")
    )


def release(slots: dict[int, Slot], slot_ids: list[int], *, at=None) -> None:
    """Seats of locked slots given back (a refused request's): each goes to the list first."""
    for slot_id in slot_ids:
        slot = slots[slot_id]
        Slot.objects.filter(pk=slot_id).update(taken=slot.taken - 1)
        slot.taken -= 1
    for slot_id in sorted(set(slot_ids)):
        hand_over(slots[slot_id], at=at)


def withdraw_all(request, *, slots: dict[int, Slot], ended_by, at=None) -> list[int]:
    """The request leaves every list it is on (refused, or its family anonymised); a seat it
    was offered passes on. ``slots`` holds the locks of ``active_slot_ids(request)``."""
    at = at or timezone.now()
    freed = []
    active = WaitingEntry.objects.filter(request=request, status__in=WaitingEntry.ACTIVE)
    for entry in active.select_related("request__student", "request__campaign"):
        if entry.status == Status.OFFERED:
            entry.status = Status.DECLINED
            freed.append(entry.slot_id)
        else:
            entry.status = Status.WITHDRAWN
        entry.ended_at = at
        entry.save(update_fields=["status", "ended_at"])
        _audit(entry, slots[entry.slot_id], "reenrolment.waiting.left", ended_by)
    release(slots, freed, at=at)
    return freed


def active_slot_ids(request) -> list[int]:
    return list(
        WaitingEntry.objects.filter(request=request, status__in=WaitingEntry.ACTIVE).values_list(
            "slot_id", flat=True
        )
    )


def _locked_entry(entry: WaitingEntry) -> tuple[WaitingEntry, Slot]:
    """The entry and its slot, locked in the order every writer follows: the request's row
    (as a refusal locks it first), then the slot, then the entry."""
    list(
        ReenrolmentRequest.objects.select_for_update(of=("self",))
        .filter(pk=entry.request_id)
        .values_list("pk", flat=True)
    )
    slot = lock_slots([entry.slot_id])[entry.slot_id]
    entry = (
        WaitingEntry.objects.select_for_update(of=("self",))
        .select_related("request__family", "request__student", "request__campaign")
        .get(pk=entry.pk)
    )
    return entry, slot


@transaction.atomic
def accept(*, entry: WaitingEntry, accepted_by) -> WaitingEntry:
    """The family takes the seat offered: it becomes a choice of the request."""
    entry, slot = _locked_entry(entry)
    if entry.status != Status.OFFERED:
        raise ReenrolmentError(_("This seat is no longer offered to you."))
    if not entry.offer_open():
        raise ReenrolmentError(
            _("The time to accept this seat is over: it will be offered to the next family.")
        )
    entry.status, entry.ended_at = Status.ACCEPTED, timezone.now()
    entry.save(update_fields=["status", "ended_at"])
    Choice.objects.create(
        establishment_id=entry.establishment_id,
        request=entry.request,
        offer=slot.offer,
        slot=slot,
    )
    _audit(entry, slot, "reenrolment.waiting.seat_accepted", accepted_by)
    return entry


@transaction.atomic
def leave(*, entry: WaitingEntry, left_by) -> WaitingEntry:
    """The family leaves the list, or declines the seat offered (which passes to the next)."""
    entry, slot = _locked_entry(entry)
    if entry.status not in WaitingEntry.ACTIVE:
        raise ReenrolmentError(_("The student is no longer on this waiting list."))
    offered = entry.status == Status.OFFERED
    entry.status = Status.DECLINED if offered else Status.WITHDRAWN
    entry.ended_at = timezone.now()
    entry.save(update_fields=["status", "ended_at"])
    _audit(entry, slot, "reenrolment.waiting.left", left_by)
    if offered:
        release({slot.pk: slot}, [slot.pk], at=entry.ended_at)
    return entry


def expire_offers(*, at=None) -> int:
    """The offers whose time is over expire, and their seats pass on: one transaction per
    slot (``manage.py expire_seat_offers``, run every few minutes). Returns the offers
    expired."""
    at = at or timezone.now()
    overdue = (
        WaitingEntry.objects.filter(status=Status.OFFERED, expires_at__lte=at)
        .order_by()
        .values_list("slot_id", flat=True)
        .distinct()
    )
    expired = 0
    for slot_id in sorted(set(overdue)):
        with transaction.atomic():
            slot = lock_slots([slot_id])[slot_id]
            before = WaitingEntry.objects.filter(
                slot=slot, status=Status.OFFERED, expires_at__lte=at
            ).count()
            hand_over(slot, at=at)
            expired += before
    return expired


def with_positions(entries):
    """The entries with ``position``: their place among the students still waiting for the
    slot (1 is next), in the same query."""
    ahead = (
        WaitingEntry.objects.filter(slot=OuterRef("slot"), status=Status.WAITING)
        .filter(
            Q(joined_at__lt=OuterRef("joined_at"))
            | Q(joined_at=OuterRef("joined_at"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("slot")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return entries.annotate(ahead=Coalesce(Subquery(ahead), 0))


def waiting_count(slot_ids) -> dict[int, int]:
    """How many students wait for each slot."""
    rows = (
        WaitingEntry.objects.filter(slot__in=slot_ids, status=Status.WAITING)
        .values("slot")
        .annotate(count=Count("pk"))
        .values_list("slot", "count")
    )
    return dict(rows)


def _audit(entry: WaitingEntry, slot: Slot, action: str, actor) -> None:
    audit.record(
        action=action,
        actor=actor,
        establishment_id=entry.establishment_id,
        obj=entry.request,
        slot=str(slot),
        status=entry.status,
    )


def _tell(entry: WaitingEntry, slot: Slot, template: str) -> None:
    request = entry.request
    path = reverse("reenrolment:waiting", args=[request.student_id])
    mail_family(
        request.family,
        template,
        {
            "entry": entry,
            "request": request,
            "slot": slot,
            "url": f"{settings.PORTAL_URL}{path}" if settings.PORTAL_URL else "",
        },
        student=request.student,
    )
