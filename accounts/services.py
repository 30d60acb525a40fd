"""Writes of the accounts app."""

import logging
import math
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.timezone import now
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import audit
from accounts.emails import queue_mail
from accounts.lockout import scope_filter
from accounts.models import Establishment, User
from accounts.passwords import generate_temporary_password
from accounts.selectors import failed_logins_for

logger = logging.getLogger(__name__)

STAFF_GROUP = "Secrétariat"
# What an establishment's staff manage; the tenancy mixin keeps them inside their establishment.
STAFF_APPS = ("family", "students", "billing", "reenrolment", "accessibility")
# Given user by user, by a superuser: the irreversible erasure of a family's data.
STAFF_GROUP_WITHHELD = ("anonymise_family",)
STAFF_ACCOUNT_PERMISSIONS = (
    "view_establishment",
    "change_establishment",
    "view_user",
    "add_user",
    "change_user",
    "view_auditentry",
    "view_failedlogin",
    "unlock_login",
    "view_mail",
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
    group.permissions.set(permissions.exclude(codename__in=STAFF_GROUP_WITHHELD))
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
            user=user,
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


# Two-factor authentication of the staff (accounts.two_factor) ------------------------------


@dataclass(frozen=True)
class CodeCheck:
    accepted: bool
    tried: bool = True  # False: refused unread, the throttle's wait was not over
    wait_seconds: int = 0  # before the next code may be tried


def _seconds_until(moment) -> int:
    return max(1, math.ceil((moment - now()).total_seconds())) if moment else 0


def two_factor_code_check(*, device: TOTPDevice, code: str) -> CodeCheck:
    """Checks a code of an authentication app, the device's row locked (a code is accepted
    once, and two requests cannot both escape the throttle). Wrong codes are throttled by
    django-otp: each failure doubles the wait before the next try; a right code resets it."""
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        allowed, refusal = locked.verify_is_allowed()
        if not allowed:
            return CodeCheck(
                accepted=False,
                tried=False,
                wait_seconds=_seconds_until((refusal or {}).get("locked_until")),
            )
        if locked.verify_token(code):
            return CodeCheck(accepted=True)
        allowed, refusal = locked.verify_is_allowed()
        wait = 0 if allowed else _seconds_until((refusal or {}).get("locked_until"))
        return CodeCheck(accepted=False, wait_seconds=wait)


def two_factor_enrolment_start(*, user) -> TOTPDevice:
    """The app being enrolled by a staff member: a new key, or the one already shown to them
    and not confirmed yet (a reload shows the same QR code)."""
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name="authentication app", confirmed=False
            )
        return device


@transaction.atomic
def two_factor_enrolment_confirm(*, device: TOTPDevice) -> TOTPDevice:
    """The first right code confirms the app: logins now ask for its codes."""
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    user = device.user
    if user.establishment_id is not None:
        audit.record(
            action="accounts.two_factor.enrolled",
            actor=user,
            establishment_id=user.establishment_id,
            obj=user,
        )
    else:  # a superuser belongs to no establishment's log: the operators' log has it
        logger.warning("accounts.two_factor.enrolled superuser #%s", user.pk)
    return device


@transaction.atomic
def two_factor_reset(*, user, actor) -> int:
    """A lost or replaced app: its key is deleted; the staff member logs in with the password
    alone, and enrols a new app (at once when two-factor authentication is required). Sessions
    verified with the old app are verified no longer. Returns how many keys were deleted."""
    deleted, _by_model = TOTPDevice.objects.filter(user=user).delete()
    if user.establishment_id is not None:
        audit.record(
            action="accounts.two_factor.reset",
            actor=actor,
            establishment_id=user.establishment_id,
            obj=user,
        )
    else:
        logger.warning(
            "accounts.two_factor.reset superuser #%s by #%s", user.pk, getattr(actor, "pk", None)
        )
    return deleted


def _scope_establishment_id(scope: str, username: str = "") -> int | None:
    """The establishment whose log tells of an unblocking: the code's, or a staff login's."""
    if scope:
        return Establishment.objects.filter(code=scope).values_list("pk", flat=True).first()
    if username:
        staff = User.objects.filter(username=username)
        return staff.values_list("establishment_id", flat=True).first()
    return None


@transaction.atomic
def login_unlock(*, username: str, actor) -> int:
    """Connexions bloquées → Débloquer: the failures of one login (from every address) are
    forgotten, so that it logs in again at once. Only what ``actor`` may lift goes
    (``failed_logins_for``). Returns how many failures were forgotten."""
    records = failed_logins_for(actor).filter(username=username)
    failures = sum(records.values_list("failures_since_start", flat=True))
    records.delete()
    if not failures:
        return 0
    user = User.objects.filter(username=username).first()
    scope = username.partition(":")[0] if ":" in username else ""
    establishment_id = _scope_establishment_id(scope, username)
    if establishment_id is not None:
        audit.record(
            action="accounts.login.unlocked",
            actor=actor,
            establishment_id=establishment_id,
            obj=user,
            login=User.login_shown(username),
            failures=failures,
        )
    else:  # a login typed on the admin's page that is nobody's
        logger.warning("accounts.login.unlocked by #%s", getattr(actor, "pk", None))
    return failures


@transaction.atomic
def address_unblock(*, ip_address: str, scope: str, actor) -> int:
    """Connexions bloquées → Débloquer: the failures from one address on the logins of
    ``scope`` (an establishment's code, "" for staff logins) are forgotten; the logins tried
    from there lose those failures too. Only what ``actor`` may lift goes. Returns how many
    failures were forgotten."""
    records = failed_logins_for(actor).filter(scope_filter(scope), ip_address=ip_address)
    failures = sum(records.values_list("failures_since_start", flat=True))
    records.delete()
    if not failures:
        return 0
    establishment_id = _scope_establishment_id(scope)
    if establishment_id is not None:
        audit.record(
            action="accounts.address.unblocked",
            actor=actor,
            establishment_id=establishment_id,
            address=ip_address,
            failures=failures,
        )
    else:
        logger.warning("accounts.address.unblocked by #%s", getattr(actor, "pk", None))
    return failures
