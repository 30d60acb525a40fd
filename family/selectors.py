from django.core.exceptions import ObjectDoesNotExist

from family.models import Guardian


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


def pending_values(change_request, model) -> dict:
    """The values the family asked for, as form initial values."""
    values = {}
    for name, change in (change_request.changes if change_request else {}).items():
        field = model._meta.get_field(name)
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
