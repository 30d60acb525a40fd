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
# "1"/"0": chosen in this browser while logged out (the next login keeps it on the account);
# "a1"/"a0": carried from an account, so that the login page looks the same next time, but
# never written onto another account (a shared computer).
CHOSEN = {"1": True, "0": False}
CARRIED = {"a1": True, "a0": False}


@dataclass(frozen=True)
class Preferences:
    accessible: bool
    shortcuts: bool


def _cookie_flag(request, name: str, default: bool) -> bool:
    value = request.COOKIES.get(name, "")
    return {**CHOSEN, **CARRIED}.get(value, default)


def _set_cookie(response, name: str, value: str) -> None:
    response.set_cookie(
        name,
        value,
        max_age=COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )


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
    carried = "a" if request.user.is_authenticated else ""
    for cookie, field, value in (
        (MODE_COOKIE, "accessible_mode", accessible),
        (SHORTCUTS_COOKIE, "shortcuts_enabled", shortcuts),
    ):
        if value is None:
            continue
        _set_cookie(response, cookie, carried + ("1" if value else "0"))
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
        if value in CHOSEN and getattr(user, field) != CHOSEN[value]:
            setattr(user, field, CHOSEN[value])
            changes[field] = True
    if changes:
        user.save(update_fields=list(changes))
    # The choice is now this account's: the cookies say so from this response on
    # (``PreferencesCookieMiddleware``), so that the next person to log in here keeps theirs.
    request._accessibility_carry = True


class PreferencesCookieMiddleware:
    """After a login, this browser's cookies carry the account's choices ("a1"/"a0") instead
    of a choice of the login page, which the next login would otherwise copy."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if getattr(request, "_accessibility_carry", False) and user is not None:
            _set_cookie(response, MODE_COOKIE, "a1" if user.accessible_mode else "a0")
            _set_cookie(response, SHORTCUTS_COOKIE, "a1" if user.shortcuts_enabled else "a0")
        return response
