"""The accessible mode and its shortcuts: remembered on the account of a logged-in user, and in
a cookie for this browser (so that the login page is shown the way it was asked for)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

MODE_COOKIE = "imuse_accessible"
SHORTCUTS_COOKIE = "imuse_shortcuts"
COOKIE_AGE = 60 * 60 * 24 * 365


@dataclass(frozen=True)
class Preferences:
    accessible: bool
    shortcuts: bool


def _cookie_flag(request, name: str, default: bool) -> bool:
    value = request.COOKIES.get(name)
    if value in {"0", "1"}:
        return value == "1"
    return default


def preferences_for(request) -> Preferences:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return Preferences(user.accessible_mode, user.shortcuts_enabled)
    return Preferences(
        _cookie_flag(request, MODE_COOKIE, False), _cookie_flag(request, SHORTCUTS_COOKIE, True)
    )


def remember(request, response, *, accessible: bool | None = None, shortcuts: bool | None = None):
    """Keep a choice on the account (when logged in) and in this browser."""
    changes = {}
    for cookie, field, value in (
        (MODE_COOKIE, "accessible_mode", accessible),
        (SHORTCUTS_COOKIE, "shortcuts_enabled", shortcuts),
    ):
        if value is None:
            continue
        response.set_cookie(
            cookie,
            "1" if value else "0",
            max_age=COOKIE_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
        )
        changes[field] = value
    user = request.user
    if user.is_authenticated and any(getattr(user, f) != v for f, v in changes.items()):
        for field, value in changes.items():
            setattr(user, field, value)
        user.save(update_fields=list(changes))


@receiver(user_logged_in)
def keep_the_login_pages_choice(sender, request, user, **kwargs):
    """A choice made in this browser before logging in (on the login page) is the latest one:
    the account keeps it, as it keeps the language chosen there."""
    if request is None:
        return
    changes = {}
    fields = ((MODE_COOKIE, "accessible_mode"), (SHORTCUTS_COOKIE, "shortcuts_enabled"))
    for cookie, field in fields:
        value = request.COOKIES.get(cookie)
        if value in {"0", "1"} and getattr(user, field) != (value == "1"):
            setattr(user, field, value == "1")
            changes[field] = True
    if changes:
        user.save(update_fields=list(changes))
