"""Two-factor authentication of the staff (django-otp, time-based codes of an authentication app).

* **Login**: the admin's login page checks the password as usual. A staff member without an
  enrolled app is logged in at once; one with an app is not logged in yet: the session only
  remembers, for a few minutes, who gave the right password (``PENDING``), and the code page
  logs them in once the app's 6-digit code is right. Wrong codes are throttled by django-otp
  (each failure doubles the wait before the next try).
* **Enrolment**: the page ``admin:two_factor_enrol``, linked from the admin's header, shows the
  key as a QR code (an SVG made here, no outside service) and as text, and confirms it with a
  first code.
* **Policy** (``StaffTwoFactorMiddleware``): on the admin's pages, a staff login whose account has
  an app must have given its code in this session, or it is logged out; with
  ``STAFF_REQUIRE_2FA`` on, a staff member without an app is sent to enrol one before any other
  admin page (logging out stays open). Families never meet any of this.

A superuser resets a lost app from the user's page in the admin (``accounts.admin``).
"""

from __future__ import annotations

import math
import time
from base64 import b32encode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView, redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import services
from accounts.forms import TwoFactorCodeForm
from accounts.models import User

PENDING = "two_factor_pending"
PENDING_SECONDS = 300  # between the right password and the code
# After a wrong code, the wait django-otp imposes is told from this many seconds on (the first
# waits, 1, 2, 4 and 8 seconds, pass while one reads the message).
SAY_WAIT_FROM = 10


def confirmed_device(user) -> TOTPDevice | None:
    """The authentication app a staff member has enrolled, if any."""
    if not getattr(user, "is_authenticated", False) or not user.is_staff:
        return None
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


# The login --------------------------------------------------------------------------------


class TwoStepLoginView(LoginView):
    """The admin's login: after the right password, staff with an app give its code first."""

    def form_valid(self, form):
        user = form.get_user()
        device = confirmed_device(user)
        if device is None:
            return super().form_valid(form)
        # The password step is kept under a new session key, never one set before it.
        self.request.session.cycle_key()
        self.request.session[PENDING] = {
            "user": user.pk,
            "backend": user.backend,
            "hash": user.get_session_auth_hash(),
            "at": int(time.time()),
            "next": self.get_success_url(),
        }
        return HttpResponseRedirect(reverse("admin:two_factor_code"))


def pending_login(request) -> tuple[User, TOTPDevice, dict] | None:
    """Who gave the right password in this session a moment ago, with their app; None when
    nobody did, when it was too long ago, or when the account changed since."""
    data = request.session.get(PENDING)
    if not isinstance(data, dict):
        return None
    if time.time() - data.get("at", 0) > PENDING_SECONDS:
        del request.session[PENDING]
        messages.info(request, _("The code was not given in time: please log in again."))
        return None
    user = User.objects.filter(pk=data.get("user"), is_active=True, is_staff=True).first()
    device = confirmed_device(user) if user is not None else None
    if (
        device is None
        or not isinstance(data.get("hash"), str)
        or not constant_time_compare(user.get_session_auth_hash(), data["hash"])
    ):
        # Switched off, password changed or app reset since: the password is asked again.
        del request.session[PENDING]
        return None
    return user, device, data


def code_view(site):
    """The code page of the login (``admin:two_factor_code``)."""

    @sensitive_post_parameters("code")
    @csrf_protect
    @never_cache
    @require_http_methods(["GET", "POST"])
    def view(request):
        pending = pending_login(request)
        if pending is None:
            return redirect("admin:login")
        user, device, data = pending
        form = TwoFactorCodeForm(request.POST if request.method == "POST" else None)
        if form.is_valid() and code_accepted(form, device):
            del request.session[PENDING]
            auth_login(request, user, backend=data["backend"])  # a new session key
            otp_login(request, device)
            return HttpResponseRedirect(data["next"])
        request.current_app = site.name
        context = {
            **site.each_context(request),
            "title": _("Verification code"),
            "subtitle": None,
            "form": form,
            "account": user.get_username(),
        }
        return TemplateResponse(request, "admin/two_factor/code.html", context)

    return view


def code_accepted(form, device: TOTPDevice) -> bool:
    """Checks the form's code with the device; a refusal is said next to the field."""
    check = services.two_factor_code_check(device=device, code=form.cleaned_data["code"])
    if check.accepted:
        return True
    if check.tried:
        form.add_error(
            "code",
            _(
                "This code is not valid. Type the code your app shows now for this account; "
                "if it has just changed, wait for the next one."
            ),
        )
    if not check.tried or check.wait_seconds >= SAY_WAIT_FROM:
        form.add_error("code", wait_message(check.wait_seconds))
    return False


def wait_message(seconds: int) -> str:
    if seconds < 120:
        return ngettext(
            "Too many wrong codes: wait %(count)d second before trying again.",
            "Too many wrong codes: wait %(count)d seconds before trying again.",
            seconds,
        ) % {"count": seconds}
    minutes = math.ceil(seconds / 60)
    return ngettext(
        "Too many wrong codes: wait %(count)d minute before trying again.",
        "Too many wrong codes: wait %(count)d minutes before trying again.",
        minutes,
    ) % {"count": minutes}


# Enrolment ---------------------------------------------------------------------------------


def qr_code_data_uri(text: str) -> str:
    """A QR code of ``text`` as an SVG ``data:`` address (the page's policy allows those
    images; no script, no style, no outside service)."""
    import segno

    return segno.make(text, error="m").svg_data_uri(scale=4, border=4, dark="#000", light="#fff")


def text_key(device: TOTPDevice) -> str:
    """The key as the apps ask for it when typed (base 32), in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def enrol_view(site):
    """The enrolment page (``admin:two_factor_enrol``), for the logged-in staff member."""

    @sensitive_post_parameters("code")
    @require_http_methods(["GET", "POST"])
    def view(request):
        user = request.user
        request.current_app = site.name
        context = {
            **site.each_context(request),
            "title": _("Two-factor authentication"),
            "subtitle": None,
            "required": settings.STAFF_REQUIRE_2FA,
        }
        enrolled = confirmed_device(user)
        if enrolled is not None:
            context["enrolled"] = enrolled
            return TemplateResponse(request, "admin/two_factor/enrol.html", context)
        device = services.two_factor_enrolment_start(user=user)
        form = TwoFactorCodeForm(request.POST if request.method == "POST" else None)
        if form.is_valid() and code_accepted(form, device):
            services.two_factor_enrolment_confirm(device=device)
            otp_login(request, device)
            request.session.cycle_key()
            messages.success(
                request,
                _(
                    "Two-factor authentication is on: from now on, logging in asks for the code "
                    "of your app after your password."
                ),
            )
            return redirect("admin:index")
        context.update(
            form=form,
            qr_code=qr_code_data_uri(device.config_url),
            key=text_key(device),
            issuer=settings.OTP_TOTP_ISSUER,
            account=user.get_username(),
            digits=device.digits,
            step=device.step,
        )
        return TemplateResponse(request, "admin/two_factor/enrol.html", context)

    return view


# The policy --------------------------------------------------------------------------------

# Admin pages a staff member without an app reaches when two-factor authentication is required.
OPEN_WITHOUT_APP = {"two_factor_enrol", "logout"}


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or "admin" not in match.namespaces:
            return None
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            return None  # the admin sends them to its login page itself
        if match.url_name == "logout" or user.is_verified():
            return None
        if confirmed_device(user) is not None:
            # A login from before the app was enrolled, in another browser: the code was never
            # given in this session.
            logout(request)
            messages.info(
                request,
                _("Your account asks for the code of an authentication app: please log in again."),
            )
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if settings.STAFF_REQUIRE_2FA and match.url_name not in OPEN_WITHOUT_APP:
            return redirect("admin:two_factor_enrol")
        return None
