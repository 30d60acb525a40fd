"""django-axes hooks: which login a failure counts against, and the page a locked login gets."""

import hmac
import math

from django.conf import settings
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Establishment, User


def client_ip(request) -> str:
    """The address failures and rate limits count against."""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-1]
    # A unix socket gives no address: count such requests together rather than fail.
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


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


def locked_out_response(request, response, credentials, *args, **kwargs):
    """The Connexion page again, what was typed kept, saying for how long logins are refused."""
    from accounts.forms import LoginForm

    minutes = lockout_minutes()
    message = _(
        "Too many failed attempts: logging in with this identifier is blocked for "
        "%(minutes)d minutes. Try again later; your establishment can also unlock it."
    ) % {"minutes": minutes}
    if not request.path.startswith(reverse("accounts:login")):
        # The admin's login page.
        return render(
            request,
            "accounts/locked_out.html",
            {"message": message, "page_title": gettext_lazy("Logging in is blocked")},
            status=429,
        )
    form = LoginForm(request, data=request.POST, check_credentials=False)
    form.is_valid()
    form.add_error(None, message)
    context = {"form": form, "next": request.POST.get("next", ""), "page_title": _("Log in")}
    return render(request, "accounts/login.html", context, status=429)
