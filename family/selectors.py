from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.utils.translation import gettext

from family.models import Guardian, requested_field


def guardian_for_user(user) -> Guardian | None:
    """The guardian who holds this family login (cached on the user by Django)."""
    if not getattr(user, "is_family", False):
        return None
    try:
        return user.guardian
    except ObjectDoesNotExist:
        return None


def pending_request_for(record):
    """The change request of a record that awaits validation, if any."""
    from django.contrib.contenttypes.models import ContentType

    from family.models import ChangeRequest

    return ChangeRequest.objects.filter(
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        status=ChangeRequest.Status.PENDING,
    ).first()


def pending_requests_for(*records) -> list:
    """The change request awaiting validation of each record (or None), in one query: for a
    page that shows a guardian's and a student's together."""
    from django.contrib.contenttypes.models import ContentType

    from family.models import ChangeRequest

    if not records:
        return []
    keys = [(ContentType.objects.get_for_model(record).pk, record.pk) for record in records]
    condition = Q()
    for content_type_id, object_id in keys:
        condition |= Q(content_type_id=content_type_id, object_id=object_id)
    found = {
        (change_request.content_type_id, change_request.object_id): change_request
        for change_request in ChangeRequest.objects.filter(
            condition, status=ChangeRequest.Status.PENDING
        )
    }
    return [found.get(key) for key in keys]


def pending_values(change_request, model) -> dict:
    """The values the family asked for, as form initial values."""
    values = {}
    for name, change in (change_request.changes if change_request else {}).items():
        field = requested_field(model, name)
        new = change["new"]
        if field.is_relation:
            values[name] = int(new) if new else None
        else:
            values[name] = field.to_python(new) if new != "" else ""
    return values


def pending_change_count(request) -> int:
    """Change requests of the staff member's establishment awaiting a decision."""
    from accounts.tenancy import staff_scope
    from family.models import ChangeRequest

    pending = ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING)
    return staff_scope(pending, request.user).count()


@dataclass
class DocumentSlot:
    """One document asked for (of the family, or of one student) and the files sent for it."""

    document_type: object
    draft: object | None = None  # imported, waiting for *Valider*
    current: object | None = None  # the last file sent: its status is the slot's state
    history: list = field(default_factory=list)  # earlier files sent, newest first

    @property
    def state(self) -> str:
        return self.current.status if self.current else "missing"

    @property
    def state_label(self) -> str:
        if self.current is None:
            return gettext("missing")
        return self.current.get_status_display()


def _slots(types, documents) -> list[DocumentSlot]:
    slots = {document_type.pk: DocumentSlot(document_type) for document_type in types}
    for document in documents:  # newest first
        slot = slots[document.document_type_id]
        if document.status == document.Status.DRAFT:
            slot.draft = document
        elif slot.current is None:
            slot.current = document
        else:
            slot.history.append(document)
    return list(slots.values())


def document_slots(*, family, guardian, student=None) -> list[DocumentSlot]:
    """The documents asked of a family (``student=None``) or of one of its students, each with
    its state and files as ``guardian`` reaches them (a file imported and not sent yet is the
    guardian's who imported it); two queries whatever the number of files."""
    from family.models import Document, DocumentType

    holder = DocumentType.Holder.STUDENT if student is not None else DocumentType.Holder.FAMILY
    types = list(
        DocumentType.objects.filter(
            establishment=family.establishment_id, holder=holder, is_active=True
        )
    )
    documents = (
        Document.objects.for_family(family, guardian=guardian)
        .filter(student=student, document_type__in=[t.pk for t in types])
        .order_by("-uploaded_at", "-pk")
    )
    return _slots(types, documents)


def document_slots_among(*, family, guardian, student, document_types) -> list[DocumentSlot]:
    """Some documents asked for (a campaign's): the family's ones and those of one of its
    students, each with its state and files; one query whatever their number."""
    from family.models import Document, DocumentType

    types = list(document_types)
    documents = (
        Document.objects.for_family(family, guardian=guardian)
        .filter(Q(student=None) | Q(student=student), document_type__in=[t.pk for t in types])
        .order_by("-uploaded_at", "-pk")
    )
    of_family = {t.pk for t in types if t.holder == DocumentType.Holder.FAMILY}
    return _slots(
        types,
        [d for d in documents if (d.student_id is None) == (d.document_type_id in of_family)],
    )


def document_slot(*, family, guardian, student, document_type) -> DocumentSlot:
    """One document asked for, with its files as ``guardian`` reaches them."""
    from family.models import Document

    documents = (
        Document.objects.for_family(family, guardian=guardian)
        .filter(student=student, document_type=document_type)
        .order_by("-uploaded_at", "-pk")
    )
    return _slots([document_type], documents)[0]


def documents_to_check_count(request) -> int:
    """Documents of the staff member's establishment sent and awaiting a check."""
    from accounts.tenancy import staff_scope
    from family.models import Document

    received = Document.objects.filter(status=Document.Status.RECEIVED)
    return staff_scope(received, request.user).count()
