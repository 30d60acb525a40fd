"""Reads of the accounts app."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.lockout import cool_off_threshold, login_scope
from accounts.models import Establishment, FailedLogin, Mail, User
from accounts.tenancy import staff_scope

FAILED_MAIL_STATUSES = (Mail.Status.DEFERRED, Mail.Status.FAILED)

# Rows of each list of the Connexions bloquées page; a search finds the others.
SHOWN = 200


def failed_logins_for(user) -> QuerySet:
    """The failure records a staff member reads and lifts: their establishment's family logins
    (internal logins start with its code); every one for a superuser."""
    records = FailedLogin.objects.exclude(username=None)
    if user.is_superuser:
        return records
    if not (user.is_active and user.is_staff) or user.establishment_id is None:
        return records.none()
    return records.filter(username__startswith=f"{user.establishment.code}:")


@dataclass
class Blocked:
    """A login or an address with failures in the cool-off time, as the page lists it."""

    key: str  # the internal login, or the address
    shown: str  # what staff read: the family's identifier, or the address
    scope: str  # the establishment's code, "" for staff logins (login_scope)
    establishment: str
    failures: int = 0
    last_failure: datetime | None = None
    until: datetime | None = None  # blocked until then; None when not blocked
    logins: set = field(default_factory=set)  # an address's: the logins tried from it
    # (attempt time, failures) of each record, to tell when the block ends
    records: list = field(default_factory=list)

    def add(self, when: datetime, failures: int, username: str) -> None:
        self.failures += failures
        self.last_failure = max(self.last_failure or when, when)
        self.records.append((when, failures))
        self.logins.add(username)

    def settle(self, limit: int) -> None:
        """Blocked until the failures still counted fall under the limit: each record is
        forgotten once its last failure is older than the cool-off time."""
        if self.failures < limit:
            return
        counted = self.failures
        for when, failures in sorted(self.records):
            counted -= failures
            if counted < limit:
                self.until = when + settings.AXES_COOLOFF_TIME
                return


@dataclass
class LoginFailures:
    """The Connexions bloquées page: blocked logins, blocked addresses, other recent failures."""

    logins: list[Blocked]
    addresses: list[Blocked]
    others: list[dict]
    truncated: bool


def _establishment_names(scopes) -> dict[str, str]:
    names = dict(
        Establishment.objects.filter(code__in=[code for code in scopes if code]).values_list(
            "code", "name"
        )
    )
    names[""] = _("Staff (the administration's login page)")
    return names


def login_failures(user, *, query: str = "") -> LoginFailures:
    """What blocks logins now, for ``user`` (``failed_logins_for``), the most recent first;
    ``query`` keeps the identifiers and addresses that contain it."""
    records = failed_logins_for(user).filter(attempt_time__gte=cool_off_threshold())
    rows = list(
        records.order_by("-attempt_time").values_list(
            "pk", "username", "ip_address", "failures_since_start", "attempt_time"
        )
    )
    names = _establishment_names({login_scope(row[1]) for row in rows})
    logins: dict[str, Blocked] = {}
    addresses: dict[tuple[str, str], Blocked] = {}
    for _pk, username, ip_address, failures, when in rows:
        scope = login_scope(username)
        name = names.get(scope, scope)
        login = logins.setdefault(
            username, Blocked(username, User.login_shown(username), scope, name)
        )
        login.add(when, failures, username)
        if ip_address:
            address = addresses.setdefault(
                (ip_address, scope), Blocked(ip_address, ip_address, scope, name)
            )
            address.add(when, failures, username)
    for login in logins.values():
        login.settle(settings.AXES_FAILURE_LIMIT)
    for address in addresses.values():
        address.settle(settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS)
    blocked_logins = {key for key, login in logins.items() if login.until}
    blocked_addresses = {key for key, address in addresses.items() if address.until}
    query = query.strip().lower()
    others = [
        {
            "shown": User.login_shown(username),
            "establishment": names.get(login_scope(username), ""),
            "ip_address": ip_address,
            "failures": failures,
            "last_failure": when,
        }
        for _pk, username, ip_address, failures, when in rows
        if username not in blocked_logins
        and (ip_address, login_scope(username)) not in blocked_addresses
        and (query in User.login_shown(username).lower() or query in (ip_address or ""))
    ]
    shown_logins = [
        login
        for key, login in logins.items()
        if key in blocked_logins and query in login.shown.lower()
    ]
    shown_addresses = [
        addresses[key] for key in addresses if key in blocked_addresses and query in key[0]
    ]
    return LoginFailures(
        logins=shown_logins[:SHOWN],
        addresses=shown_addresses[:SHOWN],
        others=others[:SHOWN],
        truncated=max(len(shown_logins), len(shown_addresses), len(others)) > SHOWN,
    )


def locked_login_count(request) -> int:
    """Logins and addresses of the staff member's establishment blocked by failed logins."""
    failures = login_failures(request.user)
    return len(failures.logins) + len(failures.addresses)


def failed_mail_count(request) -> int:
    """Mail of the staff member's establishment that could not be sent (to be retried, or
    given up), as the mail log says."""
    failed = Mail.objects.filter(status__in=FAILED_MAIL_STATUSES)
    return staff_scope(failed, request.user).count()
