"""The audit log: every staff decision and every family request, written by the service that
makes the change, in its transaction (a rolled-back change leaves no entry).

Actions are named ``<app>.<thing>.<what happened>``: ``family.change.requested``,
``family.change.approved``, ``billing.invoice.issued``…
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist
from django.utils.translation import gettext_lazy, pgettext_lazy

# What each action is called in the audit log, filled by each app in its AppConfig.ready()
# (``actions_register``); the admin's own changes are named after their record's type.
_action_labels: dict[str, object] = {}
ADMIN_ACTIONS = {
    "added": gettext_lazy("Added in the administration (%(type)s)"),
    "changed": gettext_lazy("Changed in the administration (%(type)s)"),
    "deleted": gettext_lazy("Deleted in the administration (%(type)s)"),
}


def actions_register(labels: dict) -> None:
    """Names an app's actions: ``{"family.change.requested": _("Change requested")}``."""
    _action_labels.update(labels)


def record_model(object_type: str):
    """The model of an entry's record type (``family.Guardian``), if it still exists."""
    try:
        return apps.get_model(object_type) if object_type else None
    except (LookupError, ValueError):
        return None


def action_label(action: str, object_type: str = "") -> str:
    """An action as a secretary reads it: "Modification validée", not family.change.approved."""
    label = _action_labels.get(action)
    if label is not None:
        return str(label)
    prefix, _dot, verb = action.rpartition(".")
    if prefix.startswith("admin.") and verb in ADMIN_ACTIONS:
        model = record_model(object_type)
        kind = model._meta.verbose_name if model is not None else prefix.removeprefix("admin.")
        return str(ADMIN_ACTIONS[verb]) % {"type": kind}
    return action


def family_id_of(obj) -> int | None:
    """The family a record belongs to, by its model's ``tenant_family_path`` ("family",
    "student__family", "pk" for the family itself; a family login through its guardian)."""
    if obj is None:
        return None
    path = getattr(type(obj), "tenant_family_path", None)
    if obj._meta.label == "accounts.User" and not (obj.is_staff or obj.is_superuser):
        path = "guardian__family"
    if not path or path == "__shared__":
        return None
    *steps, last = path.split("__")
    target = obj
    try:
        for step in steps:
            target = getattr(target, step)
    except ObjectDoesNotExist:
        return None
    if target is None:
        return None
    return target.pk if last == "pk" else getattr(target, f"{last}_id", None)


# The details' keys, as the audit log's page names them.
DETAIL_LABELS = {
    "address": gettext_lazy("Internet address"),
    "amount": gettext_lazy("Amount"),
    "anonymised": gettext_lazy("Anonymised"),
    "changes": gettext_lazy("Changes"),
    "count": pgettext_lazy("how many", "Number"),
    "date": gettext_lazy("Date"),
    "demands": gettext_lazy("Requests"),
    "email": gettext_lazy("E-mail"),
    "failures": gettext_lazy("Failed logins"),
    "family": gettext_lazy("Family"),
    "guardian": gettext_lazy("Guardian"),
    "identifier": gettext_lazy("Identifier"),
    "label": gettext_lazy("Label"),
    "left_as_they_were": gettext_lazy("Left as they were"),
    "login": gettext_lazy("Identifier"),
    "mode": gettext_lazy("Payment method"),
    "payer": gettext_lazy("Payer"),
    "reason": gettext_lazy("Reason"),
    "refused": gettext_lazy("Refused"),
    "retention_days": gettext_lazy("Retention period (days)"),
    "slot": gettext_lazy("Slot"),
    "status": gettext_lazy("Status"),
    "students": gettext_lazy("Students"),
    "total": gettext_lazy("Total"),
}


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name) if model is not None else name
    except FieldDoesNotExist:  # renamed or removed since: its name stays
        return name


def _shown_value(value) -> str:
    if value is True:
        return str(gettext_lazy("yes"))
    if value is False:
        return str(gettext_lazy("no"))
    if isinstance(value, (list, tuple)):
        return ", ".join(_shown_value(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_shown_value(item)}" for key, item in value.items())
    return "" if value is None else str(value)


def details_shown(entry) -> list[tuple[str, str]]:
    """An entry's details as (label, text) lines: field names and keys in words, each change
    as "before → after"."""
    model = record_model(entry.object_type)
    lines = []
    for key, value in (entry.details or {}).items():
        label = str(DETAIL_LABELS.get(key, key.replace("_", " ").capitalize()))
        if key == "changes" and isinstance(value, dict):
            for name, change in value.items():
                if isinstance(change, dict):
                    text = f"{_shown_value(change.get('old'))} → {_shown_value(change.get('new'))}"
                else:
                    text = _shown_value(change)
                lines.append((f"{label} – {_field_label(model, name)}", text))
        elif key in {"left_as_they_were", "refused"} and isinstance(value, list):
            lines.append((label, ", ".join(_field_label(model, name) for name in value)))
        else:
            lines.append((label, _shown_value(value)))
    return lines


def record(*, action: str, actor, establishment_id: int, obj=None, **details):
    """Keeps one entry. ``details`` are what the reader needs (the changes before and after, a
    refusal's reason, an amount): never a password nor a file's content."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    # Through the app registry: the tenancy module (which models import) uses this one too.
    return apps.get_model("accounts", "AuditEntry").objects.create(
        establishment_id=establishment_id,
        action=action,
        actor=user,
        actor_label=user.get_username() if user else "",
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        details=details,
        family_id=family_id_of(obj),
    )


def _text(value) -> str:
    if hasattr(value, "all") and callable(value.all):  # a many-to-many's chosen rows
        return ", ".join(str(item) for item in value.all())
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(str(item) for item in value)
    return "" if value is None else str(value)


def _establishment_id(request, obj) -> int | None:
    if obj._meta.label == "accounts.Establishment":
        return obj.pk
    return getattr(obj, "establishment_id", None) or request.user.establishment_id


SECRET_FIELDS = {"password", "temporary_password"}


class AuditedAdminMixin:
    """What the staff change directly in the admin forms goes to the audit log too:
    ``admin.<model>.added`` / ``changed`` (each changed field, before and after) / ``deleted``."""

    def save_model(self, request, obj, form, change):
        before = {name: _text(form.initial.get(name)) for name in form.changed_data}
        super().save_model(request, obj, form, change)
        establishment_id = _establishment_id(request, obj)
        if establishment_id is None:
            return
        changes = {
            name: {
                "old": "***" if name in SECRET_FIELDS else before[name],
                "new": "***" if name in SECRET_FIELDS else _text(form.cleaned_data.get(name)),
            }
            for name in form.changed_data
        }
        record(
            action=f"admin.{obj._meta.model_name}.{'changed' if change else 'added'}",
            actor=request.user,
            establishment_id=establishment_id,
            obj=obj,
            changes=changes,
        )

    def delete_model(self, request, obj):
        self._audit_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._audit_deletion(request, obj)
        super().delete_queryset(request, queryset)

    def _audit_deletion(self, request, obj) -> None:
        establishment_id = _establishment_id(request, obj)
        if establishment_id is not None and obj._meta.label != "accounts.Establishment":
            record(
                action=f"admin.{obj._meta.model_name}.deleted",
                actor=request.user,
                establishment_id=establishment_id,
                obj=obj,
            )
