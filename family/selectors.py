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
