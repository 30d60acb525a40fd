"""Writes of the accounts app."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

STAFF_GROUP = "Secrétariat"
# What an establishment's staff manage; the tenancy mixin keeps them inside their establishment.
STAFF_APPS = ("family", "students", "billing", "reenrolment", "accessibility")
STAFF_ACCOUNT_PERMISSIONS = (
    "view_establishment",
    "change_establishment",
    "view_user",
    "add_user",
    "change_user",
)


@transaction.atomic
def staff_group_sync() -> Group:
    """Create or refresh the "Secrétariat" group with every permission staff need."""
    group, _created = Group.objects.get_or_create(name=STAFF_GROUP)
    permissions = Permission.objects.filter(content_type__app_label__in=STAFF_APPS) | (
        Permission.objects.filter(
            content_type__app_label="accounts", codename__in=STAFF_ACCOUNT_PERMISSIONS
        )
    )
    group.permissions.set(permissions)
    return group
