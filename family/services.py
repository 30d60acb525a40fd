"""Writes of the family app."""

import copy
import json
import logging
import re
import unicodedata
import uuid
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import translation
from django.utils.text import capfirst
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from accounts import audit
from accounts.emails import mail_log_erase, queue_mail
from accounts.locking import locked_in_state
from accounts.models import AuditEntry, Establishment, User
from family import anonymisation
from family.anonymisation import Erased, Scrubber, identity_erase
from family.exceptions import FamilyError
from family.models import (
    ChangeRequest,
    ChoiceItem,
    ChoiceKind,
    Document,
    DocumentType,
    Family,
    Guardian,
    GuardianInvitation,
    RequestedValue,
    field_text,
    requested_field,
)
from family.uploads import CheckedFile

logger = logging.getLogger(__name__)


def _identifier_base(last_name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", last_name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", ascii_name.lower())[:30] or "famille"


def suggested_identifier(guardian: Guardian) -> str:
    """The family name in lower-case ASCII and the first free number: "abarre1", "abarre2"…"""
    base = _identifier_base(guardian.last_name)
    taken = set(
        User.objects.filter(
            establishment=guardian.establishment_id, identifier__startswith=base
        ).values_list("identifier", flat=True)
    )
    number = 1
    while f"{base}{number}" in taken:
        number += 1
    return f"{base}{number}"


def login_email_taken(*, establishment_id: int, email: str, login: User | None = None) -> bool:
    """Whether a family login of the establishment (other than ``login``) has this e-mail: one
    login per address, as the user admin's form requires (``accounts.admin_forms``)."""
    others = User.objects.filter(
        establishment=establishment_id, is_staff=False, email__iexact=email.strip()
    )
    if login is not None:
        others = others.exclude(pk=login.pk)
    return others.exists()


@transaction.atomic
def family_login_create(*, guardian: Guardian, created_by=None) -> User:
    """Première connexion: the family's login, without a password (the family asks for one
    with "Générer un nouveau mot de passe"), e-mail taken from the guardian."""
    from billing.services import documents_made_over

    # The family first, as every write naming a family does; then the guardian's row alone.
    _lock_family(guardian.family_id)
    guardian = (
        Guardian.objects.select_for_update(of=("self",))
        .select_related("establishment")
        .get(pk=guardian.pk)
    )
    if guardian.user_id is not None:
        raise FamilyError(_("%(guardian)s already has a login.") % {"guardian": guardian})
    email = guardian.email.strip()
    if not email:
        raise FamilyError(
            _("%(guardian)s has no e-mail address: add one first.") % {"guardian": guardian}
        )
    if login_email_taken(establishment_id=guardian.establishment_id, email=email):
        raise FamilyError(
            _("The e-mail address %(email)s already has a login in this establishment.")
            % {"email": email}
        )
    identifier = suggested_identifier(guardian)
    user = User(
        establishment=guardian.establishment,
        identifier=identifier,
        username=User.family_username(guardian.establishment, identifier),
        email=email,
        first_name=guardian.first_name,
        last_name=guardian.last_name,
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # Another login with this identifier was made at the same instant.
        raise FamilyError(_("This login was just taken: try again.")) from None
    holders = list(Guardian.objects.filter(family=guardian.family_id).exclude(user=None))
    made_over = 0
    if len(holders) == 1:  # the family's second login
        made_over = documents_made_over(family_id=guardian.family_id, holder=holders[0])
    guardian.user = user
    guardian.save(update_fields=["user"])
    audit.record(
        action="accounts.login.created",
        actor=created_by,
        establishment_id=guardian.establishment_id,
        obj=user,
        identifier=user.identifier,
        **({"documents_made_over": made_over} if made_over else {}),
    )
    user.documents_made_over = made_over  # for the staff's message
    return user


def family_login_send_identifier(*, guardian: Guardian, portal_url: str) -> None:
    """Mail the family its identifier and how to get a first password."""
    user = guardian.user
    if user is None or not user.email:
        raise FamilyError(_("%(guardian)s has no login yet.") % {"guardian": guardian})
    queue_mail(
        to=user.email,
        template="identifier",
        context={"guardian": guardian, "identifier": user.identifier, "portal_url": portal_url},
        language=user.language,
        establishment=guardian.establishment,
        user=user,
    )


# The lists an establishment starts with (French label, English label); staff then edit them.
DEFAULT_CHOICES = {
    ChoiceKind.CIVILITY: [("Monsieur", "Mr"), ("Madame", "Mrs"), ("Mademoiselle", "Miss")],
    ChoiceKind.MARITAL_STATUS: [
        ("Célibataire", "Single"),
        ("Marié(e)", "Married"),
        ("Pacsé(e)", "In a civil partnership"),
        ("Vie maritale", "Living together"),
        ("Divorcé(e)", "Divorced"),
        ("Séparé(e)", "Separated"),
        ("Veuf, veuve", "Widowed"),
    ],
    ChoiceKind.SOCIO_PROFESSIONAL: [
        ("Agriculteur exploitant", "Farmer"),
        ("Artisan, commerçant, chef d'entreprise", "Craftsman, shopkeeper, business owner"),
        ("Cadre, profession intellectuelle supérieure", "Manager, higher profession"),
        ("Profession intermédiaire", "Intermediate profession"),
        ("Employé", "Employee"),
        ("Ouvrier", "Manual worker"),
        ("Retraité", "Retired"),
        ("Sans activité professionnelle", "Not working"),
    ],
    ChoiceKind.SCHOOL_LEVEL: [
        (label, "")
        for label in (
            "Maternelle",
            "CP",
            "CE1",
            "CE2",
            "CM1",
            "CM2",
            "6e",
            "5e",
            "4e",
            "3e",
            "2nde",
            "1re",
            "Terminale",
        )
    ]
    + [("Études supérieures", "Higher education"), ("Adulte", "Adult")],
}


@transaction.atomic
def choice_lists_seed(*, establishment) -> None:
    """Give an establishment the default choice lists; entries it already has are kept."""
    for kind, entries in DEFAULT_CHOICES.items():
        for position, (label, label_en) in enumerate(entries, start=1):
            ChoiceItem.objects.get_or_create(
                establishment=establishment,
                kind=kind,
                label=label,
                defaults={"label_en": label_en, "position": position},
            )


def choice(establishment, kind: str, label: str) -> ChoiceItem:
    """One entry of an establishment's list, by its French label."""
    return ChoiceItem.objects.get(establishment=establishment, kind=kind, label=label)


def _as_text(field, record) -> str:
    return field_text(field, record)


def guardians_concerned(family, *, student=None, guardian=None):
    """The guardians a notification is for: one guardian (their own record, what they sent),
    the guardians responsible for a student (every guardian of the family when the student
    names none), or the whole family."""
    guardians = Guardian.objects.for_family(family).select_related("user")
    if guardian is not None:
        return guardians.filter(pk=guardian.pk)
    if student is not None:
        named = student.responsible_guardians.filter(family=family).values("pk")
        if named.exists():
            return guardians.filter(pk__in=named)
    return guardians


def mail_family(family, template: str, context: dict, *, student=None, guardian=None) -> None:
    """Queue ``emails/<template>`` to each login of the family concerned (``guardians_concerned``:
    separated parents are told about their own children and records only), in its language."""
    for concerned in guardians_concerned(family, student=student, guardian=guardian):
        user = concerned.user
        if user is not None and user.email:
            queue_mail(
                to=user.email,
                template=template,
                context=context,
                language=user.language,
                establishment=family.establishment,
                user=user,
            )


def _tell_family(change_request, template: str, *, record, **context) -> None:
    """A change request is told to the guardian whose record it is, or to the guardians
    responsible for the student."""
    concerned = {"guardian": record} if isinstance(record, Guardian) else {"student": record}
    mail_family(
        change_request.family,
        template,
        {"change_request": change_request, "record": record, **context},
        **concerned,
    )


@transaction.atomic
def change_request_submit(*, record, values: dict, requested_by) -> ChangeRequest | None:
    """The family changed some values of its record (``values``: only those it changed, as an
    identity form's ``requested_values`` gives them): nothing changes on the record; the one
    pending request of that record is created or updated. A value that differs from the
    stored one is asked for; one set back to the stored value is no longer asked for; what
    was asked for earlier and not changed again stays asked for. A request left with nothing
    is deleted; one that changed is acknowledged by mail."""
    # The stored values, read again under lock (a form may have changed the object in memory).
    record = record.__class__._default_manager.select_for_update().get(pk=record.pk)
    content_type = ContentType.objects.get_for_model(record)
    pending = (
        ChangeRequest.objects.select_for_update()
        .filter(content_type=content_type, object_id=record.pk, status=ChangeRequest.Status.PENDING)
        .first()
    )
    earlier = pending.changes if pending else {}
    wanted = copy.copy(record)  # the record as the family wants it, never saved
    changes = dict(earlier)
    for name, value in values.items():
        field = requested_field(type(record), name)
        if isinstance(field, RequestedValue):
            stored, new = _as_text(field, record), field.text_of(value)
        else:
            if field.is_relation:
                setattr(wanted, field.attname, getattr(value, "pk", value))
            else:
                setattr(wanted, field.attname, value)
            stored, new = _as_text(field, record), _as_text(field, wanted)
        if new != stored:
            old = earlier.get(field.name, {}).get("old", stored)
            changes[field.name] = {"old": old, "new": new}
        else:
            changes.pop(field.name, None)  # set back to the stored value
    if not changes:
        if pending is not None:
            pending.delete()  # everything was set back to the stored values
        return None
    if pending is not None and pending.changes == changes:
        return pending  # asked again as it stands: nothing new to acknowledge
    if pending is None:
        pending = ChangeRequest(
            establishment_id=record.establishment_id,
            family_id=record.family_id,
            content_type=content_type,
            object_id=record.pk,
        )
    pending.changes = changes
    pending.requested_by = requested_by
    pending.save()
    audit.record(
        action="family.change.requested",
        actor=requested_by,
        establishment_id=record.establishment_id,
        obj=record,
        changes=changes,
    )
    _tell_family(pending, "change_request_received", record=record)
    return pending


class LeftFields(list):
    """The fields an approval left as they were, in the request's order: those changed since
    the request (conflicts not confirmed) and those refused, whose reasons, for the staff,
    ``refused`` holds by field name."""

    def __init__(self, names=(), refused: dict | None = None):
        super().__init__(names)
        self.refused = refused or {}

    @property
    def conflicts(self) -> list[str]:
        return [name for name in self if name not in self.refused]


def _offered(field, text: str) -> bool:
    """Whether a list entry asked for may still be chosen: staff may have switched it off (or
    deleted it) since the family asked for it."""
    entries = field.related_model._default_manager.filter(pk=text)
    if isinstance(field, RequestedValue):
        if field.related_model is ChoiceItem:
            entries = entries.filter(is_active=True)
    else:
        entries = entries.complex_filter(field.get_limit_choices_to())
    return entries.exists()


def _refusal(field, text: str, record) -> str | None:
    """Why a value asked for cannot be stored now (None when it can)."""
    if text == "":
        return None
    label = capfirst(field.verbose_name)
    if field.is_relation and not _offered(field, text):
        entry = field.related_model._default_manager.filter(pk=text).first()
        return _("%(field)s left as it was: “%(entry)s” is no longer offered in its list.") % {
            "field": label,
            "entry": entry or text,
        }
    login = getattr(record, "user", None) if field.name == "email" else None
    if (
        login is not None
        and not login.is_staff
        and login_email_taken(establishment_id=record.establishment_id, email=text, login=login)
    ):
        return _(
            "%(field)s left as it was: %(email)s is already the e-mail of another family login "
            "of this establishment (one login per address)."
        ) % {"field": label, "email": text}
    return None


def _invalid(record, error: ValidationError) -> FamilyError:
    """A value the record refuses, as a message for the staff."""
    problems = []
    by_field = (
        error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    )
    for name, messages in by_field.items():
        text = " ".join(messages)
        if name != NON_FIELD_ERRORS:
            try:
                label = capfirst(requested_field(type(record), name).verbose_name)
            except FieldDoesNotExist:
                label = name
            text = _("%(field)s: %(errors)s") % {"field": label, "errors": text}
        problems.append(text)
    return FamilyError(
        _(
            "This request cannot be approved as it stands (%(problems)s): nothing was changed. "
            "Reject it with the reason, or correct the record first."
        )
        % {"problems": " ".join(problems)}
    )


def _pending_change(change_request) -> ChangeRequest:
    return locked_in_state(
        ChangeRequest.objects.filter(pk=change_request.pk),
        FamilyError(_("This request has already been decided.")),
        status=ChangeRequest.Status.PENDING,
    )


@transaction.atomic
def change_request_approve(
    *, change_request: ChangeRequest, decided_by, confirmed: frozenset[str] = frozenset()
) -> LeftFields:
    """Apply the request in one transaction. A field whose stored value changed since the
    request was made is a conflict: applied only if ``confirmed`` names it. A value that
    cannot be stored now (a list entry switched off since, an e-mail another family login
    has) is refused; the other fields are applied. Returns the fields left as they were. A
    value the record refuses otherwise stops the whole approval (``FamilyError``)."""
    change_request = _pending_change(change_request)
    model = change_request.content_type.model_class()
    record = model._default_manager.select_for_update().get(pk=change_request.object_id)
    left = LeftFields()
    applied = []
    extras = []
    try:
        for name, change in change_request.changes.items():
            field = requested_field(model, name)
            if _as_text(field, record) != change["old"] and name not in confirmed:
                left.append(name)
                continue
            refusal = _refusal(field, change["new"], record)
            if refusal is not None:
                left.append(name)
                left.refused[name] = refusal
                continue
            if isinstance(field, RequestedValue):
                extras.append((field, change["new"]))
                continue
            new = change["new"]
            try:
                value = field.to_python(new) if new != "" or not field.null else None
            except ValidationError as error:  # a stored text no longer read as a value
                raise ValidationError({name: error.messages}) from error
            if field.is_relation:
                setattr(record, field.attname, value or None)
            else:
                setattr(record, field.attname, value)
            applied.append(field)
        names = {field.name for field in applied}
        if applied:
            # Only the fields applied are checked: a stored value the staff's rules no longer
            # allow (a list entry switched off since) stays valid where nobody changes it.
            record.full_clean(
                exclude=[field.name for field in model._meta.fields if field.name not in names]
            )
    except ValidationError as error:
        raise _invalid(record, error) from None
    if applied:
        record.save(update_fields=[field.attname for field in applied])
        user = getattr(record, "user", None)
        if "email" in names and user is not None and not user.is_staff:
            # The password flow uses the account's e-mail: it follows the validated one.
            user.email = record.email
            user.save(update_fields=["email"])
    for field, text in extras:
        field.apply(record, text)
    change_request.status = ChangeRequest.Status.APPROVED
    change_request.decided_by = decided_by
    change_request.decided_at = now()
    change_request.save()
    audit.record(
        action="family.change.approved",
        actor=decided_by,
        establishment_id=change_request.establishment_id,
        obj=record,
        changes={k: v for k, v in change_request.changes.items() if k not in left},
        left_as_they_were=list(left),
        refused=list(left.refused),
    )
    _tell_family(change_request, "change_request_outcome", record=record, skipped=list(left))
    return left


@transaction.atomic
def change_request_reject(*, change_request: ChangeRequest, decided_by, reason: str) -> None:
    """Refuse the request with a reason told to the family; the record stays as it was."""
    if not reason.strip():
        raise FamilyError(_("Give the reason of the refusal: it is sent to the family."))
    change_request = _pending_change(change_request)
    change_request.status = ChangeRequest.Status.REJECTED
    change_request.reason = reason.strip()
    change_request.decided_by = decided_by
    change_request.decided_at = now()
    change_request.save()
    record = change_request.content_type.get_object_for_this_type(pk=change_request.object_id)
    audit.record(
        action="family.change.rejected",
        actor=decided_by,
        establishment_id=change_request.establishment_id,
        obj=record,
        changes=change_request.changes,
        reason=change_request.reason,
    )
    _tell_family(change_request, "change_request_outcome", record=record, skipped=[])


def _document_slot(*, family: Family, student, document_type: DocumentType) -> dict:
    """The lookup of one document slot (a type, for the family or for one student), after
    checking that the three belong together."""
    if document_type.establishment_id != family.establishment_id or not document_type.is_active:
        raise FamilyError(_("This document is not asked for."))
    if document_type.holder == DocumentType.Holder.STUDENT:
        if student is None or student.family_id != family.pk:
            raise FamilyError(_("This document is asked for each student: choose the student."))
        return {"family": family, "student": student, "document_type": document_type}
    if student is not None:
        raise FamilyError(_("This document is asked for the family, not for a student."))
    return {"family": family, "student": None, "document_type": document_type}


def _lock_family(family_id: int) -> None:
    """Every write to a family's documents or logins first locks the family's row, so that two
    tabs or two clicks (import, send, cancel; two logins made) run one after the other, never
    interleaved."""
    Family.objects.select_for_update().filter(pk=family_id).first()


def _draft(document: Document) -> Document:
    """The imported file, locked, if it is still waiting to be sent."""
    return locked_in_state(
        Document.objects.select_related("document_type").filter(pk=document.pk),
        FamilyError(_("This imported file has already been sent or cancelled.")),
        status=Document.Status.DRAFT,
    )


def document_import(
    *, family: Family, student, document_type: DocumentType, checked: CheckedFile, uploaded_by
) -> Document:
    """*Importer*: store a checked file, not yet sent to the staff (the family confirms it with
    *Valider*). An earlier file imported but not sent for the same document is replaced.
    Deleted rows take their files with them (django-cleanup, once the transaction commits)."""
    slot = _document_slot(family=family, student=student, document_type=document_type)
    storage = Document._meta.get_field("file").storage
    # A generated name, never the family's: nothing it types reaches the file system.
    name = storage.save(
        f"{family.establishment_id}/{uuid.uuid4().hex}.{checked.extension}",
        ContentFile(checked.content),
    )
    try:
        with transaction.atomic():
            _lock_family(family.pk)
            # The importing guardian's own file not sent yet (each guardian has theirs).
            for draft in Document.objects.select_for_update().filter(
                **slot, status=Document.Status.DRAFT, uploaded_by=uploaded_by
            ):
                draft.delete()
            return Document.objects.create(
                establishment_id=family.establishment_id,
                **slot,
                status=Document.Status.DRAFT,
                file=name,
                original_name=checked.original_name,
                mime_type=checked.mime,
                size=len(checked.content),
                reduced=checked.reduced,
                uploaded_by=uploaded_by,
            )
    except BaseException:
        storage.delete(name)  # the row was not stored: neither is the file
        raise


@transaction.atomic
def document_submit(*, document: Document, submitted_by) -> Document:
    """*Valider*: the imported file goes to the staff to be checked. A file of the same
    document still awaiting check is replaced by it (and kept in the history)."""
    _lock_family(document.family_id)
    document = _draft(document)
    if not document.document_type.is_active:
        raise FamilyError(_("This document is not asked for any more."))
    Document.objects.select_for_update().filter(
        family=document.family_id,
        student=document.student_id,
        document_type=document.document_type_id,
        status=Document.Status.RECEIVED,
    ).update(status=Document.Status.REPLACED)
    document.status = Document.Status.RECEIVED
    document.submitted_at = now()
    document.save(update_fields=["status", "submitted_at"])
    _audit_document(document, "family.document.sent", submitted_by)
    return document


def _audit_document(document: Document, action: str, actor, **details) -> None:
    audit.record(
        action=action,
        actor=actor,
        establishment_id=document.establishment_id,
        obj=document,
        **details,
    )


@transaction.atomic
def document_discard(*, document: Document) -> None:
    """*Annuler*: an imported file the family does not send is deleted, file included."""
    _lock_family(document.family_id)
    _draft(document).delete()


def _decide(document: Document) -> Document:
    # The document's row alone: a family sending a file locks its family, then its documents.
    return locked_in_state(
        Document.objects.select_related("family").filter(pk=document.pk),
        FamilyError(_("This document has already been checked.")),
        status=Document.Status.RECEIVED,
    )


@transaction.atomic
def document_accept(*, document: Document, decided_by) -> Document:
    """The staff accept a document they checked."""
    document = _decide(document)
    document.status = Document.Status.ACCEPTED
    document.decided_by = decided_by
    document.decided_at = now()
    document.save(update_fields=["status", "decided_by", "decided_at"])
    _audit_document(document, "family.document.accepted", decided_by)
    return document


@transaction.atomic
def document_refuse(*, document: Document, decided_by, reason: str) -> Document:
    """The staff refuse a document, with a reason mailed to the family, who may send another
    file (the refused one stays in the history)."""
    if not reason.strip():
        raise FamilyError(_("Give the reason of the refusal: it is sent to the family."))
    document = _decide(document)
    document.status = Document.Status.REFUSED
    document.reason = reason.strip()
    document.decided_by = decided_by
    document.decided_at = now()
    document.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    _audit_document(document, "family.document.refused", decided_by, reason=document.reason)
    if document.student_id:
        concerned = {"student": document.student}
    else:  # the family's own document: the guardian who sent it
        sender = (
            Guardian.objects.filter(user=document.uploaded_by_id).first()
            if document.uploaded_by_id
            else None
        )
        concerned = {"guardian": sender} if sender is not None else {}
    mail_family(document.family, "document_refused", {"document": document}, **concerned)
    return document


def document_drafts_purge(*, older_than: timedelta) -> int:
    """Files imported but never sent, older than ``older_than``: deleted with their files."""
    count = 0
    drafts = Document.objects.filter(
        status=Document.Status.DRAFT, uploaded_at__lt=now() - older_than
    )
    for draft in drafts.iterator():
        with transaction.atomic():
            draft.delete()  # its file goes once the deletion is committed (django-cleanup)
        count += 1
    return count


def document_retention_cutoff(*, days: int):
    """The instant before which a file sent is past the retention period."""
    return now() - timedelta(days=days)


def documents_past_retention(*, days: int):
    """Files sent more than ``days`` ago: every state but those the staff have not checked
    yet (still in their queue) and those not sent (``document_drafts_purge`` takes them)."""
    return Document.objects.filter(uploaded_at__lt=document_retention_cutoff(days=days)).exclude(
        status__in=[Document.Status.DRAFT, Document.Status.RECEIVED]
    )


def documents_retention_purge(
    *, days: int, dry_run: bool = False, establishments=None
) -> list[tuple[Establishment, int]]:
    """Delete, with their files, the documents past the retention period
    (``DOCUMENT_RETENTION_DAYS``), one transaction per establishment, each recorded in its
    audit log; ``dry_run`` only counts them. Returns (establishment, count) pairs."""
    if days <= 0:
        raise ValueError("The retention is a positive number of days.")
    if establishments is None:
        establishments = Establishment.objects.order_by("name")
    outcome = []
    for establishment in establishments:
        with transaction.atomic():
            old = documents_past_retention(days=days).for_establishment(establishment)
            if dry_run:
                outcome.append((establishment, old.count()))
                continue
            count = 0
            for document in old.select_for_update().order_by("pk"):
                document.delete()  # its file goes once the deletion is committed
                count += 1
            if count:
                audit.record(
                    action="family.document.purged",
                    actor=None,
                    establishment_id=establishment.pk,
                    count=count,
                    retention_days=days,
                )
        outcome.append((establishment, count))
    return outcome


# Anonymisation of a family that left (the parts of the other apps: family.anonymisation).


def anonymised_label(family: Family) -> str:
    """The name an anonymised family, its guardians and students get: "Anonymised 42", in the
    portal's default language (it is stored, not translated when read)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(_("Anonymised %(number)s") % {"number": family.pk})


def family_anonymise_refusals(*, family: Family) -> list[str]:
    """Why a family cannot be anonymised now (empty when it can): already done, or what the
    other apps refuse (an unpaid balance, a re-enrolment awaiting validation…)."""
    if family.anonymised_at is not None:
        return [str(_("%(family)s is already anonymised.") % {"family": family})]
    parts = anonymisation.parts()
    return [str(reason) for part in parts for reason in part.refusals(family=family)]


def _outbox_drop(addresses: set[str]) -> int:
    """Mail still waiting in the outbox for these addresses: deleted, so that nothing is sent
    to an erased family (a mail already sent keeps neither body nor recipient in django-mailer's
    log: ``MAILER_EMAIL_LOG_MESSAGE_DATA`` is off; the portal's mail log is erased apart)."""
    from mailer.models import Message

    addresses = {address.lower() for address in addresses if address}
    if not addresses:
        return 0
    gone = [
        message.pk
        for message in Message.objects.all()
        if message.email is not None
        and {recipient.lower() for recipient in message.email.to} & addresses
    ]
    Message.objects.filter(pk__in=gone).delete()
    return len(gone)


def _logins_erase(logins: list[User]) -> dict[int, str]:
    """Deactivate the family's logins and clear what they say of the family; their sessions
    end (a new password hash). Returns each login's new username."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    old_usernames = [user.username for user in logins]
    renamed = {}
    for user in logins:
        user.identifier = f"anonymised-{user.pk}"
        user.username = User.family_username(user.establishment, user.identifier)
        user.email = ""
        user.first_name = ""
        user.last_name = ""
        user.is_active = False
        user.last_login = None
        user.set_unusable_password()
        user.temporary_password = ""
        user.temporary_password_expires_at = None
        user.must_change_password = False
        user.accessible_mode = False
        user.save()
        renamed[user.pk] = user.username
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__in=old_usernames).delete()
    return renamed


def _audit_redact(*, family: Family, erased: Erased, scrub: Scrubber, renamed: dict) -> int:
    """The audit log keeps who did what and when on the family's records, without their
    personal content: the record's name replaced, the details of personal records (values
    before and after, reasons) dropped, names replaced in the others' (an invoice's)."""
    # Tied to the family: entries about its records, those deleted earlier included.
    query = Q(actor__in=list(renamed)) | Q(family_id=family.pk)
    for label, pks in (*erased.personal.items(), *erased.kept.items()):
        if pks:
            query |= Q(object_type=label, object_id__in=[str(pk) for pk in pks])
    personal = {(label, str(pk)) for label, pks in erased.personal.items() for pk in pks}
    entries = list(AuditEntry.objects.for_establishment(family.establishment_id).filter(query))
    for entry in entries:
        entry.object_repr = scrub(entry.object_repr)[:200]
        if (entry.object_type, entry.object_id) in personal or (
            entry.family_id == family.pk and entry.object_type in erased.personal
        ):
            entry.details = {"anonymised": True} if entry.details else {}
        else:
            entry.details = scrub.json(entry.details)
        if entry.actor_id in renamed:
            entry.actor_label = renamed[entry.actor_id]
    AuditEntry.objects.bulk_update(entries, ["object_repr", "details", "actor_label"])
    # Django's own admin history ("Recent actions") names the records too.
    history = Q(pk__in=[])
    for label, pks in (*erased.personal.items(), *erased.kept.items()):
        if pks:
            content_type = ContentType.objects.get_for_model(apps.get_model(label))
            history |= Q(content_type=content_type, object_id__in=[str(pk) for pk in pks])
    logged = list(LogEntry.objects.filter(history))
    for entry in logged:
        entry.object_repr = scrub(entry.object_repr)[:200]
        try:  # a JSON list naming the inline rows added or changed ("ABARRE Jérémie")
            entry.change_message = json.dumps(scrub.json(json.loads(entry.change_message)))
        except ValueError:
            entry.change_message = scrub(entry.change_message)
    LogEntry.objects.bulk_update(logged, ["object_repr", "change_message"])
    return len(entries)


@transaction.atomic
def family_anonymise(*, family: Family, actor) -> dict[str, int]:
    """Erase the personal data of a family that left, in one transaction: names replaced by
    "Anonymised <number>", contact details and free text cleared, documents (files included)
    and change requests deleted, logins deactivated and cleared; what the other apps hold is
    erased by their parts (students, invoices' names, re-enrolment answers). Invoices,
    credit notes and payments stay, with their amounts (the law keeps them). Refused with a
    ``FamilyError`` saying why (``family_anonymise_refusals``). Returns what was changed."""
    # The family's row only: the establishment every other write refers to stays free.
    family = (
        Family.objects.select_for_update(of=("self",))
        .select_related("establishment")
        .get(pk=family.pk)
    )
    if not actor.is_superuser and actor.establishment_id != family.establishment_id:
        raise FamilyError(_("This family belongs to another establishment."))
    refusals = family_anonymise_refusals(family=family)
    if refusals:
        raise FamilyError(" ".join(refusals))
    label = anonymised_label(family)
    guardians = list(Guardian.objects.for_family(family).select_related("user__establishment"))
    logins = [guardian.user for guardian in guardians if guardian.user_id]
    names = [family.name]
    addresses = set()
    for guardian in guardians:
        names += [guardian.last_name, guardian.first_name, guardian.email, guardian.address]
        addresses.add(guardian.email)
    for user in logins:
        names += [user.identifier, user.email, user.first_name, user.last_name]
        addresses.add(user.email)
    invitations = GuardianInvitation.objects.for_family(family)
    for invitation in invitations:
        names += [invitation.last_name, invitation.first_name, invitation.email]
        addresses.add(invitation.email)
    for part in anonymisation.parts():
        found = list(part.names(family=family))
        names += found
        addresses.update(name for name in found if "@" in name)
    scrub = Scrubber(names, label)

    erased = Erased(
        personal={
            "family.Family": [family.pk],
            "family.Guardian": [guardian.pk for guardian in guardians],
            "accounts.User": [user.pk for user in logins],
        }
    )
    for guardian in guardians:
        identity_erase(guardian, label=label)
        guardian.save()
    documents = list(Document.objects.for_family(family))
    erased.personal["family.Document"] = [document.pk for document in documents]
    for document in documents:
        document.delete()  # its file goes once the deletion is committed (django-cleanup)
    change_requests = ChangeRequest.objects.for_family(family)
    erased.personal["family.ChangeRequest"] = list(change_requests.values_list("pk", flat=True))
    change_requests.delete()
    erased.personal["family.GuardianInvitation"] = list(invitations.values_list("pk", flat=True))
    invitations.delete()
    renamed = _logins_erase(logins)
    for part in anonymisation.parts():
        erased.merge(part.anonymise(family=family, label=label, scrub=scrub))
    family.name = label
    family.anonymised_at = now()
    family.save(update_fields=["name", "anonymised_at"])
    counts = {
        "guardians": len(guardians),
        "logins": len(logins),
        "documents": len(documents),
        "change_requests": len(erased.personal["family.ChangeRequest"]),
        "invitations": len(erased.personal["family.GuardianInvitation"]),
        **erased.counts,
        "mails_dropped": _outbox_drop(addresses),
        "mails_unlogged": mail_log_erase(
            establishment_id=family.establishment_id, logins=logins, addresses=addresses
        ),
    }
    counts["audit_entries"] = _audit_redact(
        family=family, erased=erased, scrub=scrub, renamed=renamed
    )
    audit.record(
        action="family.family.anonymised",
        actor=actor,
        establishment_id=family.establishment_id,
        obj=family,
        **counts,
    )
    return counts


def invitation_problem(*, family, email: str, invitation=None) -> str | None:
    """Why an invitation to this address cannot be sent (or validated) now, if it cannot."""
    if login_email_taken(establishment_id=family.establishment_id, email=email):
        return _("This e-mail address already has a login in this establishment.")
    pending = GuardianInvitation.objects.filter(
        family=family, email__iexact=email.strip(), status=GuardianInvitation.Status.PENDING
    )
    if invitation is not None:
        pending = pending.exclude(pk=invitation.pk)
    if pending.exists():
        return _("An invitation to this address awaits validation.")
    return None


@transaction.atomic
def invitation_send(
    *, guardian: Guardian, last_name: str, first_name: str, email: str, students
) -> GuardianInvitation:
    """A guardian asks that another guardian of the family gets a login of their own, for the
    students named (among those the guardian is responsible for): held for the staff."""
    from students.models import Student

    family = Family.objects.select_for_update(of=("self",)).get(pk=guardian.family_id)
    if family.anonymised_at is not None:
        raise FamilyError(_("This family's data has been erased."))
    email = email.strip()
    problem = invitation_problem(family=family, email=email)
    if problem:
        raise FamilyError(problem, field="email")
    students = list(students)
    reached = set(
        Student.objects.for_family(family, guardian=guardian).values_list("pk", flat=True)
    )
    if not students or any(student.pk not in reached for student in students):
        raise FamilyError(_("Choose among the children you are responsible for."), field="students")
    invitation = GuardianInvitation.objects.create(
        establishment_id=family.establishment_id,
        family=family,
        invited_by=guardian,
        last_name=last_name.strip(),
        first_name=first_name.strip(),
        email=email,
    )
    invitation.students.set(students)
    audit.record(
        action="family.invitation.sent",
        actor=guardian.user,
        establishment_id=family.establishment_id,
        obj=invitation,
        email=email,
        students=", ".join(str(student) for student in students),
    )
    return invitation


def shared_students(family):
    """The family's students that name none of its guardians: every guardian reaches them."""
    from students.models import Student

    return Student.objects.for_family(family).exclude(responsible_guardians__family=family)


def _pending_invitation(invitation) -> GuardianInvitation:
    return locked_in_state(
        GuardianInvitation.objects.select_related(
            "family__establishment", "invited_by__user"
        ).filter(pk=invitation.pk),
        FamilyError(_("This invitation has already been decided.")),
        status=GuardianInvitation.Status.PENDING,
    )


@transaction.atomic
def invitation_validate(*, invitation, decided_by, portal_url: str) -> Guardian:
    """The staff checked the link: the invited person becomes a guardian of the family
    (the family's record of them when it has one with this address and no login), responsible
    for the students named that are still the family's, with a login whose identifier is
    mailed to them. The family's other students stay with the guardians who had them (their
    list is written down first, so that the newcomer does not inherit them)."""
    from students.models import Student

    family_id = (
        GuardianInvitation.objects.filter(pk=invitation.pk)
        .values_list("family_id", flat=True)
        .first()
    )
    if family_id is None:  # deleted meanwhile (its family anonymised)
        raise FamilyError(_("This invitation has already been decided."))
    # The family first, as every write naming a family does (invitations, documents, billing).
    family = Family.objects.select_for_update(of=("self",)).get(pk=family_id)
    invitation = _pending_invitation(invitation)
    if family.anonymised_at is not None:
        raise FamilyError(_("This family's data has been erased."))
    problem = invitation_problem(family=family, email=invitation.email, invitation=invitation)
    if problem:
        raise FamilyError(problem)
    students = Student.objects.for_family(family).filter(pk__in=invitation.students.values("pk"))
    if invitation.invited_by is not None:
        students = students.filter(
            pk__in=Student.objects.for_family(family, guardian=invitation.invited_by).values("pk")
        )
    students = list(students)
    if not students:
        raise FamilyError(
            _("None of the children named is still in the care of the guardian who invited.")
        )
    guardian = (
        Guardian.objects.for_family(family)
        .filter(email__iexact=invitation.email, user=None)
        .order_by("pk")
        .first()
    )
    current = list(Guardian.objects.for_family(family).exclude(pk=getattr(guardian, "pk", None)))
    for student in shared_students(family):
        student.responsible_guardians.set(current)
    if guardian is None:
        guardian = Guardian.objects.create(
            establishment_id=family.establishment_id,
            family=family,
            last_name=invitation.last_name,
            first_name=invitation.first_name,
            email=invitation.email,
        )
    for student in students:
        student.responsible_guardians.add(guardian)
    user = family_login_create(guardian=guardian, created_by=decided_by)
    guardian.refresh_from_db()
    guardian.user = user  # with what the login's making changed (``documents_made_over``)
    family_login_send_identifier(guardian=guardian, portal_url=portal_url)
    invitation.status = GuardianInvitation.Status.VALIDATED
    invitation.guardian = guardian
    invitation.decided_by = decided_by
    invitation.decided_at = now()
    invitation.save(update_fields=["status", "guardian", "decided_by", "decided_at"])
    audit.record(
        action="family.invitation.validated",
        actor=decided_by,
        establishment_id=family.establishment_id,
        obj=invitation,
        students=", ".join(str(student) for student in students),
    )
    return guardian


@transaction.atomic
def invitation_refuse(*, invitation, decided_by, reason: str) -> GuardianInvitation:
    """The staff refuse the link, with a reason mailed to the guardian who invited."""
    if not reason.strip():
        raise FamilyError(_("Give the reason of the refusal: it is sent to the family."))
    invitation = _pending_invitation(invitation)
    invitation.status = GuardianInvitation.Status.REFUSED
    invitation.reason = reason.strip()
    invitation.decided_by = decided_by
    invitation.decided_at = now()
    invitation.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit.record(
        action="family.invitation.refused",
        actor=decided_by,
        establishment_id=invitation.establishment_id,
        obj=invitation,
        reason=invitation.reason,
    )
    if invitation.invited_by is not None:
        mail_family(
            invitation.family,
            "invitation_refused",
            {"invitation": invitation},
            guardian=invitation.invited_by,
        )
    return invitation
