"""Who may open which view: every view declares an access rule, and one middleware enforces it.

Rules:

* ``PUBLIC``: anyone, logged in or not (Connexion, the language switch, help pages).
* ``FAMILY``: a logged-in family account; anonymous visitors go to Connexion and come back
  afterwards; staff and superusers get a 403 page that points them to the administration.
* ``AUTHENTICATED``: any logged-in user (Déconnexion).
* ``STAFF``: the Django admin, which checks staff status itself; declared for the whole
  ``admin`` namespace.

A view without a rule is treated as ``FAMILY`` (deny by default), and the URL guard test
fails on it, so that no page is ever published without a decision.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext_lazy as _

PUBLIC = "public"
FAMILY = "family"
AUTHENTICATED = "authenticated"
STAFF = "staff"
RULES = (PUBLIC, FAMILY, AUTHENTICATED, STAFF)

# Views a family may open before replacing a temporary password.
CHANGE_PASSWORD_FREE = {"accounts:password_change", "accounts:logout", "accounts:set_language"}

# Namespaces whose views enforce their own rule (the admin site redirects to its own login).
NAMESPACE_RULES = {"admin": STAFF}


def access(rule: str) -> Callable:
    """Declare who may open a view: ``@access(PUBLIC)``, or ``access(FAMILY)(view)``."""
    if rule not in RULES:
        raise ValueError(f"Unknown access rule {rule!r}.")

    def decorate(view):
        view.access_rule = rule
        return view

    return decorate


public = access(PUBLIC)
family_only = access(FAMILY)
authenticated = access(AUTHENTICATED)


def declared_rule(view_func, namespaces: list[str] | tuple[str, ...] = ()) -> str | None:
    """The rule a view declares, or the rule of its namespace; None when it declares nothing."""
    rule = getattr(view_func, "access_rule", None)
    if rule is not None:
        return rule
    for namespace in namespaces:
        if namespace in NAMESPACE_RULES:
            return NAMESPACE_RULES[namespace]
    return None


class AccessRuleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            # A family's pages must not be kept by the browser or a proxy: after logging out
            # on a shared computer, Back must not show a child's record.
            patch_cache_control(response, private=True, no_store=True)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        rule = declared_rule(view_func, match.namespaces if match else ()) or FAMILY
        if rule in (PUBLIC, STAFF):
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if rule == FAMILY and not user.is_family:
            raise PermissionDenied(_("This page is for families."))
        # Logged in with a temporary password: choosing one's own comes first.
        if (
            getattr(user, "must_change_password", False)
            and match is not None
            and match.view_name not in CHANGE_PASSWORD_FREE
        ):
            return redirect("accounts:password_change")
        return None
