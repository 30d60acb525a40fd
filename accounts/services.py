"""Writes of the accounts app."""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.timezone import now

from accounts import audit
from accounts.emails import queue_mail
from accounts.models import User
from accounts.passwords import generate_temporary_password

STAFF_GROUP = "Secrétariat"
# What an establishment's staff manage; the tenancy mixin keeps them inside their establishment.
STAFF_APPS = ("family", "students", "billing", "reenrolment", "accessibility")
STAFF_ACCOUNT_PERMISSIONS = (
    "view_establishment",
    "change_establishment",
    "view_user",
    "add_user",
    "change_user",
    "view_auditentry",
)


@transaction.atomic
def staff_group_sync() -> Group:
    """Create or refresh the "Secrétariat" group with every permission staff need."""
    group, _created = Group.objects.get_or_create(name=STAFF_GROUP)
    permissions = Permission.objects.filter(content_type__app_label__in=STAFF_APPS) | (
        Permission.objects.filter(
            content_type__app_label="accounts", codename__in=STAFF_ACCOUNT_PERMISSIONS
        )
        | Permission.objects.filter(
            content_type__app_label="axes",
            codename__in=["view_accessattempt", "delete_accessattempt"],
        )
    )
    group.permissions.set(permissions)
    return group


def temporary_password_send(*, establishment, identifier: str, email: str, login_url: str) -> bool:
    """Générer un nouveau mot de passe: when the pair matches an active family account of the
    establishment, store a new temporary password (hashed, replacing any earlier one) and queue
    it by mail. Returns whether it matched; callers must not tell the visitor."""
    password = generate_temporary_password()
    # Hashed whether or not the pair matches, so that both answers take the same time.
    hashed = make_password(password)
    email = email.strip()
    with transaction.atomic():
        user = (
            User.objects.select_for_update()
            .filter(
                establishment=establishment,
                establishment__is_active=True,
                identifier=identifier.strip().lower(),
                is_staff=False,
                is_superuser=False,
                is_active=True,
            )
            .exclude(email="")
            .filter(email__iexact=email)
            .first()
        )
        if user is None:
            return False
        user.temporary_password = hashed
        user.temporary_password_expires_at = now() + timedelta(
            hours=settings.TEMPORARY_PASSWORD_HOURS
        )
        user.save(update_fields=["temporary_password", "temporary_password_expires_at"])
        queue_mail(
            to=user.email,
            template="temporary_password",
            context={
                "identifier": user.identifier,
                "password": password,
                "hours": settings.TEMPORARY_PASSWORD_HOURS,
                "expires_at": user.temporary_password_expires_at,
                "login_url": login_url,
            },
            language=user.language,
            establishment=establishment,
            secret=True,
        )
        audit.record(  # who asked is unknown (no login): the account it was mailed for
            action="accounts.password.generated",
            actor=None,
            establishment_id=user.establishment_id,
            obj=user,
        )
    return True


def login_recorded(*, user, password: str) -> None:
    """After a family's login: a temporary password, once used, becomes the account's password
    (single use, and the old personal one stops working) until the family chooses its own; a
    login with the personal password drops any temporary one still pending."""
    if getattr(user, "used_temporary_password", False):
        user.set_password(password)
        user.must_change_password = True
    elif not user.temporary_password:
        return
    user.temporary_password = ""
    user.temporary_password_expires_at = None
    user.save(
        update_fields=[
            "password",
            "must_change_password",
            "temporary_password",
            "temporary_password_expires_at",
        ]
    )


def password_change(*, user, new_password: str) -> None:
    """Set the account's own password; the temporary one, if any, stops working."""
    user.set_password(new_password)
    user.temporary_password = ""
    user.temporary_password_expires_at = None
    user.must_change_password = False
    user.save(
        update_fields=[
            "password",
            "temporary_password",
            "temporary_password_expires_at",
            "must_change_password",
        ]
    )
