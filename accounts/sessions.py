"""How long a login lasts: it ends after ``SESSION_IDLE_MINUTES`` without a request (the
session's expiry is moved on at most once a minute, not written at every request), and in any
case ``SESSION_ABSOLUTE_HOURS`` after logging in. Django already gives a new session key at
login and ends the session at logout, at a password change (the other sessions) and when the
account is deactivated."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

LOGGED_IN_AT = "logged_in_at"
SEEN_AT = "seen_at"
RENEW_EVERY = 60  # seconds


@receiver(user_logged_in)
def remember_the_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[LOGGED_IN_AT] = now
        request.session[SEEN_AT] = now


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = int(time.time())
            started = request.session.get(LOGGED_IN_AT, now)
            if now - started > settings.SESSION_ABSOLUTE_HOURS * 3600:
                logout(request)
                messages.info(
                    request,
                    _("For your safety, a login lasts %(hours)d hours: please log in again.")
                    % {"hours": settings.SESSION_ABSOLUTE_HOURS},
                )
                in_admin = request.path.startswith(reverse("admin:index"))
                return redirect(reverse("admin:login") if in_admin else settings.LOGIN_URL)
            if now - request.session.get(SEEN_AT, 0) >= RENEW_EVERY:
                request.session[SEEN_AT] = now  # saved: the idle expiry moves on
                request.session.setdefault(LOGGED_IN_AT, now)
        return self.get_response(request)
