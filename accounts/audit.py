"""The audit log: every staff decision and every family request, written by the service that
makes the change, in its transaction (a rolled-back change leaves no entry).

Actions are named ``<app>.<thing>.<what happened>``: ``family.change.requested``,
``family.change.approved``, ``billing.invoice.issued``…
"""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist


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
