"""Reads of the re-enrolment app."""

import copy
from dataclasses import dataclass

from django.db.models import F, FilteredRelation, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext

from family.models import RequestedValue, requested_field
from family.selectors import pending_values
from reenrolment.models import Campaign, Offer


def open_campaign(establishment_id):
    """The establishment's campaign open now, if any."""
    if establishment_id is None:
        return None
    now = timezone.now()
    return (
        Campaign.objects.select_related("school_year")
        .filter(establishment=establishment_id, opens_at__lte=now, closes_at__gt=now)
        .order_by("closes_at", "pk")
        .first()
    )


def open_campaign_for(request):
    """The open campaign of the request's family, read once per request."""
    if not hasattr(request, "_reenrolment_campaign"):
        user = getattr(request, "user", None)
        family = bool(user is not None and getattr(user, "is_family", False))
        request._reenrolment_campaign = open_campaign(user.establishment_id) if family else None
    return request._reenrolment_campaign


def requests_to_decide_count(request) -> int:
    """Re-enrolment requests of the staff member's establishment awaiting a decision."""
    from accounts.tenancy import staff_scope
    from reenrolment.models import ReenrolmentRequest

    sent = ReenrolmentRequest.objects.filter(status=ReenrolmentRequest.Status.SUBMITTED)
    return staff_scope(sent, request.user).count()


def request_states(campaign, students) -> dict[int, str]:
    """Each student's re-enrolment state in the campaign, as shown to the family."""
    from reenrolment.models import ReenrolmentRequest

    if campaign is None:
        return {}
    return {
        request.student_id: request.get_status_display()
        for request in ReenrolmentRequest.objects.filter(
            campaign=campaign, student__in=[student.pk for student in students]
        )
    }


def chosen_courses(campaign, answer: dict) -> list[tuple[str, str, bool]]:
    """The courses step's answer as (course, time slot or "", whether the student will wait
    for a seat of the full slot), in the order chosen; one query whatever the number of
    offers and slots."""
    offer_ids = [offer_id for offer_id in answer.get("offers") or [] if isinstance(offer_id, int)]
    if not offer_ids:
        return []
    waits = set(answer.get("waiting") or []) if campaign.waiting_lists else set()
    slot_of = {str(key): value for key, value in (answer.get("slots") or {}).items()}
    slot_ids = [value for value in slot_of.values() if isinstance(value, int)]
    if not slot_ids:
        # No time slot chosen (a cursus, a discipline): an empty condition would match no
        # offer at all.
        offers = Offer.objects.filter(campaign=campaign, pk__in=offer_ids)
        labels = dict(offers.values_list("pk", "label"))
        return [(labels[offer_id], "", False) for offer_id in offer_ids if offer_id in labels]
    rows = (
        Offer.objects.filter(campaign=campaign, pk__in=offer_ids)
        .annotate(
            chosen=FilteredRelation(
                "slots",
                condition=Q(slots__pk__in=slot_ids),
            ),
            slot_id=F("chosen__pk"),
            slot_label=F("chosen__label"),
        )
        .values_list("pk", "label", "slot_id", "slot_label")
    )
    labels, slots = {}, {}
    for offer_id, label, slot_id, slot_label in rows:
        labels[offer_id] = label
        if slot_id is not None and slot_of.get(str(offer_id)) == slot_id:
            slots[offer_id] = slot_label
    return [
        (labels[offer_id], slots.get(offer_id, ""), offer_id in waits and offer_id in slots)
        for offer_id in offer_ids
        if offer_id in labels
    ]


@dataclass
class DocumentState:
    document_type: object
    state: str  # a Document.Status, or "missing"

    @property
    def state_label(self) -> str:
        from family.models import Document

        if self.state == "missing":
            return gettext("missing")
        return Document.Status(self.state).label


def required_document_states(campaign, student) -> list[DocumentState]:
    """The documents the campaign asks of the family and of this student, each with the state
    of the last file sent; one query."""
    from family.models import Document, DocumentType

    def last_sent(**holder):
        return Subquery(
            Document.objects.filter(
                family=student.family_id, document_type=OuterRef("pk"), **holder
            )
            .exclude(status=Document.Status.DRAFT)
            .order_by("-uploaded_at", "-pk")
            .values("status")[:1]
        )

    types = campaign.required_documents.filter(is_active=True).annotate(
        family_state=last_sent(student=None), student_state=last_sent(student=student.pk)
    )
    return [
        DocumentState(
            document_type,
            (
                document_type.family_state
                if document_type.holder == DocumentType.Holder.FAMILY
                else document_type.student_state
            )
            or "missing",
        )
        for document_type in types
    ]


def _shown(field, value, items) -> str:
    """A value the family asked for, as the family reads it."""
    if value is None or value == "":
        return gettext("(empty)")
    if field.is_relation:
        item = items.get((field.related_model, value))
        return str(item) if item is not None else str(value)
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if hasattr(value, "isoformat"):
        return date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


def wanted_records(pending: list[tuple[object, object, dict]]) -> list[tuple[object, list]]:
    """For each (record, its change request awaiting validation or None, field labels): the
    record as the family asked it to be (a copy, never saved) and the changes awaiting
    validation as (label, value) texts; the list entries they name read in one query."""
    wanted_items = {}
    for record, change_request, _labels in pending:
        for name, value in pending_values(change_request, type(record)).items():
            field = requested_field(type(record), name)
            if field.is_relation and value:
                wanted_items.setdefault(field.related_model, set()).add(value)
    items = {
        (model, item.pk): item
        for model, pks in wanted_items.items()
        for item in model._default_manager.filter(pk__in=pks)
    }
    shown = []
    for record, change_request, labels in pending:
        wanted = copy.copy(record)
        changes = []
        # In the identity tab's order: PostgreSQL's JSON keeps no order of its own.
        fields = getattr(type(record), "IDENTITY_FIELDS", [])
        order = {name: position for position, name in enumerate(fields)}
        values = pending_values(change_request, type(record))
        for name in sorted(values, key=lambda name: order.get(name, len(order))):
            value = values[name]
            field = requested_field(type(record), name)
            if not isinstance(field, RequestedValue) and not field.is_relation:
                setattr(wanted, field.attname, value)
            label = labels.get(name) or capfirst(field.verbose_name)
            changes.append((str(label), _shown(field, value, items)))
        shown.append((wanted, changes))
    return shown
