"""Writes of the family app."""

import copy
import re
import unicodedata

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from accounts.emails import queue_mail
from accounts.models import User
from family.exceptions import FamilyError
from family.models import ChangeRequest, ChoiceItem, ChoiceKind, Guardian


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


@transaction.atomic
def family_login_create(*, guardian: Guardian) -> User:
    """Première connexion: the family's login, without a password (the family asks for one
    with "Générer un nouveau mot de passe"), e-mail taken from the guardian."""
    guardian = (
        Guardian.objects.select_for_update().select_related("establishment").get(pk=guardian.pk)
    )
    if guardian.user_id is not None:
        raise FamilyError(_("%(guardian)s already has a login.") % {"guardian": guardian})
    email = guardian.email.strip()
    if not email:
        raise FamilyError(
            _("%(guardian)s has no e-mail address: add one first.") % {"guardian": guardian}
        )
    if User.objects.filter(
        establishment=guardian.establishment_id, is_staff=False, email__iexact=email
    ).exists():
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
    guardian.user = user
    guardian.save(update_fields=["user"])
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


def _fields(record, names):
    return [record._meta.get_field(name) for name in names]


def _as_text(field, record) -> str:
    return field.value_to_string(record) or ""


def _recipients(family):
    """The family's logins: who is told about its requests."""
    return [
        guardian.user
        for guardian in family.guardians.select_related("user")
        if guardian.user is not None and guardian.user.email
    ]


def _tell_family(change_request, template: str, **context) -> None:
    for user in _recipients(change_request.family):
        queue_mail(
            to=user.email,
            template=template,
            context={"change_request": change_request, **context},
            language=user.language,
            establishment=change_request.family.establishment,
        )


@transaction.atomic
def change_request_submit(*, record, values: dict, requested_by) -> ChangeRequest | None:
    """The family saved its record's form: nothing changes on the record; the one pending
    request of that record is created or updated with each field whose wanted value differs
    from the stored one (unchanged values make no request), and an acknowledgement is mailed."""
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
    changes = {}
    for field in _fields(record, values):
        value = values[field.name]
        if field.is_relation:
            setattr(wanted, field.attname, getattr(value, "pk", value))
        else:
            setattr(wanted, field.attname, value)
        stored, new = _as_text(field, record), _as_text(field, wanted)
        if new != stored:
            old = earlier.get(field.name, {}).get("old", stored)
            changes[field.name] = {"old": old, "new": new}
    if not changes:
        if pending is not None:
            pending.delete()  # everything was set back to the stored values
        return None
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
    _tell_family(pending, "change_request_received", record=record)
    return pending


@transaction.atomic
def change_request_approve(
    *, change_request: ChangeRequest, decided_by, confirmed: frozenset[str] = frozenset()
) -> list[str]:
    """Apply the request in one transaction. A field whose stored value changed since the
    request was made is a conflict: applied only if ``confirmed`` names it. Returns the
    conflicting fields left as they were."""
    change_request = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    if change_request.status != ChangeRequest.Status.PENDING:
        raise FamilyError(_("This request has already been decided."))
    model = change_request.content_type.model_class()
    record = model._default_manager.select_for_update().get(pk=change_request.object_id)
    skipped = []
    applied = []
    for name, change in change_request.changes.items():
        field = record._meta.get_field(name)
        if _as_text(field, record) != change["old"] and name not in confirmed:
            skipped.append(name)
            continue
        value = field.to_python(change["new"]) if change["new"] != "" or not field.null else None
        if field.is_relation:
            setattr(record, field.attname, value or None)
        else:
            setattr(record, field.attname, value)
        applied.append(field.attname)
    if applied:
        record.full_clean()
        record.save(update_fields=applied)
        user = getattr(record, "user", None)
        if "email" in applied and user is not None and not user.is_staff:
            # The password flow uses the account's e-mail: it follows the validated one.
            user.email = record.email
            user.save(update_fields=["email"])
    change_request.status = ChangeRequest.Status.APPROVED
    change_request.decided_by = decided_by
    change_request.decided_at = now()
    change_request.save()
    _tell_family(change_request, "change_request_outcome", record=record, skipped=skipped)
    return skipped


@transaction.atomic
def change_request_reject(*, change_request: ChangeRequest, decided_by, reason: str) -> None:
    """Refuse the request with a reason told to the family; the record stays as it was."""
    if not reason.strip():
        raise FamilyError(_("Give the reason of the refusal: it is sent to the family."))
    change_request = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    if change_request.status != ChangeRequest.Status.PENDING:
        raise FamilyError(_("This request has already been decided."))
    change_request.status = ChangeRequest.Status.REJECTED
    change_request.reason = reason.strip()
    change_request.decided_by = decided_by
    change_request.decided_at = now()
    change_request.save()
    record = change_request.content_type.get_object_for_this_type(pk=change_request.object_id)
    _tell_family(change_request, "change_request_outcome", record=record, skipped=[])
