"""The audit log: every staff decision and every family request, written by the service that
makes the change, in its transaction (a rolled-back change leaves no entry).

Actions are named ``<app>.<thing>.<what happened>``: ``family.change.requested``,
``family.change.approved``, ``billing.invoice.issued``…
"""

from __future__ import annotations

from accounts.models import AuditEntry


def record(*, action: str, actor, establishment_id: int, obj=None, **details) -> AuditEntry:
    """Keeps one entry. ``details`` are what the reader needs (the changes before and after, a
    refusal's reason, an amount): never a password nor a file's content."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        establishment_id=establishment_id,
        action=action,
        actor=user,
        actor_label=user.get_username() if user else "",
        object_type=obj._meta.label if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        details=details,
    )
