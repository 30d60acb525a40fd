"""django-axes hooks: which login a failure counts against, the limit per address, and the
page a blocked login gets.

Two limits, on failed logins only (a successful login never counts):

* a **login** (an establishment's identifier, or a staff username) is locked after
  ``AXES_FAILURE_LIMIT`` failures within ``AXES_COOLOFF_TIME``, from whatever address;
* an **address** is blocked after ``LOGIN_FAILURE_LIMIT_PER_ADDRESS`` failures within the same
  time on the logins of one establishment (or on staff logins, for the admin's login page),
  whatever the identifiers: a higher limit, so that a school's computer room or a mobile
  operator's shared address is not blocked by a few typing mistakes, while trying many
  identifiers from one address is.

Both are read from django-axes's records of failures (``AccessAttempt``: one row per login,
address and browser), so that staff see and lift both in one place (``accounts.admin``).
"""

import hmac
import ipaddress
import math
from datetime import datetime

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, Sum
from django.shortcuts import render
from django.urls import reverse
from django.utils.timezone import now
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Establishment, User

# What blocks an attempt (``request.login_block``).
LOGIN = "login"
ADDRESS = "address"


def client_ip(request) -> str:
    """The address failures and rate limits count against: an IPv4 address, or an IPv6
    address's /64 network (one subscriber's, who may use any of its 2^64 addresses)."""
    address = request.META.get("REMOTE_ADDR") or ""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            address = hops[-1]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        # A unix socket gives no address: count such requests together rather than fail.
        return "0.0.0.0"
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:  # ::ffff:192.0.2.1, an IPv4 client
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)


def client_str(username, ip_address, user_agent, path_info, request) -> str:
    """How django-axes names an attempt in the logs: the page and a digest of the login (the
    same login gives the same digest), never the login, the address or the browser."""
    # Keyed with SECRET_KEY: a short login cannot be found again by trying them all.
    digest = (
        hmac.new(settings.SECRET_KEY.encode(), str(username).encode(), "sha256").hexdigest()[:12]
        if username
        else "-"
    )
    return f"{{path: {path_info}, login: #{digest}}}"


def username_of(request, credentials) -> str | None:
    """The internal login of an attempt: ``<code>:<identifier>`` on the portal, the admin's
    username on the admin's login page."""
    credentials = credentials or {}
    identifier = credentials.get("identifier")
    if identifier is not None:
        establishment = credentials.get("establishment")
        if not isinstance(establishment, Establishment):
            return None
        return User.family_username(establishment, str(identifier).strip().lower())
    return credentials.get("username")


def lockout_minutes() -> int:
    return max(1, math.ceil(settings.AXES_COOLOFF_TIME.total_seconds() / 60))


def cool_off_threshold() -> datetime:
    """Failures older than this are forgotten."""
    return now() - settings.AXES_COOLOFF_TIME


def _codes() -> list[str]:
    return list(Establishment.objects.values_list("code", flat=True))


def login_scope(username: str | None) -> str | None:
    """Which logins' failures count together against an address: an establishment's code
    for its families' logins (``c1`` for ``c1:abarre1``), "" for everything else (staff
    usernames, and whatever is typed on the admin's login, "z9:x" included: made-up codes
    never make groups of their own)."""
    if not username:
        return None
    code, colon, _identifier = username.partition(":")
    return code if colon and code in _codes() else ""


def scope_filter(scope: str) -> Q:
    """The failure records of the logins of ``scope`` (``login_scope``)."""
    if scope:
        return Q(username__startswith=f"{scope}:")
    families = Q(pk__in=[])
    for code in _codes():
        families |= Q(username__startswith=f"{code}:")
    return Q(username__isnull=False) & ~families


def address_failures(ip_address: str | None, username: str | None, since: datetime) -> int:
    """Failures since ``since`` from ``ip_address`` on the logins counted with ``username``."""
    scope = login_scope(username)
    if scope is None or not ip_address:
        return 0
    attempts = AccessAttempt.objects.filter(
        scope_filter(scope), ip_address=ip_address, attempt_time__gte=since
    )
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class PortalAxesHandler(AxesDatabaseHandler):
    """django-axes's database handler, with the limit per address beside the one per login."""

    def is_locked(self, request, credentials=None) -> bool:
        if super().is_locked(request, credentials):
            return True
        return self._address_blocked(request, credentials)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or getattr(request, "axes_locked_out", False):
            return
        if self._address_blocked(request, credentials):
            # The failure that reaches the limit is already answered with the block.
            request.axes_locked_out = True
            request.axes_credentials = credentials

    def _address_blocked(self, request, credentials) -> bool:
        failures = address_failures(
            getattr(request, "axes_ip_address", None),
            get_client_username(request, credentials),
            get_cool_off_threshold(request),
        )
        if failures >= settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS:
            request.login_block = ADDRESS
            return True
        return False


def block_notice(request, *, staff: bool = False) -> dict:
    """The heading and the message of a blocked login attempt (``staff``: on the admin's
    login page, where the portal's administrator lifts blocks)."""
    minutes = lockout_minutes()
    duration = ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
    if getattr(request, "login_block", LOGIN) == ADDRESS:
        who = (
            _("the portal's administrator can also unblock it.")
            if staff
            else _("your establishment can also unblock it.")
        )
        return {
            "title": _("Logging in from your network is blocked for now"),
            "message": _(
                "Too many failed logins came from your network (the Internet address you may "
                "share with a school, a workplace or a mobile operator): logging in from it is "
                "blocked for at most %(duration)s, whatever the identifier. Try again "
                "later or from another network; %(who)s"
            )
            % {"duration": duration, "who": who},
        }
    if staff:
        message = _(
            "Too many failed attempts: logging in with this username is blocked for "
            "%(duration)s. Try again later; the portal's administrator can also unlock it."
        )
    else:
        message = _(
            "Too many failed attempts: logging in with this identifier is blocked for "
            "%(duration)s. Try again later; your establishment can also unlock it."
        )
    return {
        "title": _("This identifier is blocked for now"),
        "message": message % {"duration": duration},
    }


def locked_out_response(request, response, credentials, *args, **kwargs):
    """The Connexion page again, what was typed kept, saying what is blocked and for how long
    (a notice of its own, not a mistake in the form)."""
    from accounts.forms import LoginForm

    if not request.path.startswith(reverse("accounts:login")):
        # The admin's login page.
        notice = block_notice(request, staff=True)
        return render(
            request,
            "accounts/locked_out.html",
            {
                **notice,
                "page_title": gettext_lazy("Logging in is blocked"),
                "back_url": reverse("admin:login"),
            },
            status=429,
        )
    notice = block_notice(request)
    form = LoginForm(
        request,
        initial={
            "establishment": request.POST.get("establishment", ""),
            "identifier": request.POST.get("identifier", ""),
        },
    )
    context = {
        "form": form,
        "blocked": notice,
        "next": request.POST.get("next", ""),
        "page_title": gettext_lazy("Log in"),
    }
    return render(request, "accounts/login.html", context, status=429)
