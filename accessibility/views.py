"""Accessibilité: the menu, the accessible mode and its shortcuts, Aide, Plan, and the
accessibility statement."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from accessibility.preferences import remember
from accounts.access import family_only, public
from accounts.views import safe_next

SHORTCUTS = [
    ("Ctrl + f", gettext_lazy("Family record")),
    ("Ctrl + h", gettext_lazy("Home")),
    ("Ctrl + a", gettext_lazy("Accessibility menu")),
    ("Ctrl + q", gettext_lazy("Log out")),
    ("w", gettext_lazy("Leave the current table")),
]

# The general help, on the Aide page and in its text file: (title, points, paragraph).
HELP_SECTIONS = [
    (
        gettext_lazy("Getting around"),
        [
            gettext_lazy(
                "The first link of every page, “Skip to content”, leads straight to the page's "
                "content, past the menu."
            ),
            gettext_lazy(
                "The main menu gives Home, Family, Students, Billing, Accessibility, Password and "
                "Log out. Tabs (for example Identity, Courses, History, Repertoire) are links: the"
                " current one is announced as such."
            ),
            gettext_lazy(
                "Tables have a caption and column headers. On a narrow screen a wide table scrolls"
                " sideways: move to it with Tab, then use the arrow keys."
            ),
            gettext_lazy(
                "The language switch (Français / English) and the accessible mode switch are at "
                "the top of every page."
            ),
        ],
        "",
    ),
    (
        gettext_lazy("Forms"),
        [
            gettext_lazy("Fields that must be filled in say “(required)” in their label."),
            gettext_lazy(
                "When something is wrong, a summary at the top of the form lists each problem, "
                "with a link to its field, and the focus moves to it. The message is repeated next"
                " to the field. What you typed is kept (except passwords)."
            ),
            gettext_lazy("After saving, the confirmation message is read first."),
        ],
        "",
    ),
    (
        gettext_lazy("Your records"),
        [
            gettext_lazy(
                "Changes to the family's or a student's record are not applied at once: the "
                "administrative staff validate them. Until then, each changed field shows the "
                "value you asked for."
            ),
            gettext_lazy(
                "Documents provided: import a file, check it, then send it; the staff accept or "
                "refuse it, with a reason."
            ),
            gettext_lazy(
                "Re-enrolment, while a campaign is open: a wizard in numbered steps; your answers "
                "are kept at each step, so you can stop and come back."
            ),
            gettext_lazy(
                "Billing: each operation number opens the duplicate of the invoice or receipt as a"
                " PDF, whose text can be read and selected."
            ),
        ],
        "",
    ),
    (
        gettext_lazy("Accessible mode"),
        [],
        gettext_lazy(
            "It can be turned on from the login page, from the button at the top of every page and"
            " from the Accessibility menu: one column, large text, strong contrast, a thick focus "
            "outline, tables set out line by line on narrow screens, and the keyboard shortcuts "
            "listed above."
        ),
    ),
]


def _home(request) -> str:
    user = request.user
    return reverse("home") if getattr(user, "is_family", False) else reverse("accounts:login")


def _back(request) -> str:
    """Where *Retour* leads: the page the user came from (given as ``next``), else home."""
    return safe_next(request, request.GET.get("next"), _home(request))


@family_only
@require_safe
def menu(request):
    """Menu Accessibilité: the mode, the shortcuts, Aide, Plan and the statement."""
    return render(
        request,
        "accessibility/menu.html",
        {"page_title": gettext_lazy("Accessibility"), "shortcuts": SHORTCUTS},
    )


SWITCHED = {
    ("accessible", True): gettext_lazy("The accessible mode is on."),
    ("accessible", False): gettext_lazy("The standard mode is back."),
    ("shortcuts", True): gettext_lazy("The keyboard shortcuts are on (in the accessible mode)."),
    ("shortcuts", False): gettext_lazy("The keyboard shortcuts are off."),
}


def _switch(request, field: str):
    next_url = safe_next(request, request.POST.get("next"), _home(request))
    response = HttpResponseRedirect(next_url)
    value = request.POST.get(field)
    if value in {"0", "1"}:
        remember(request, response, **{field: value == "1"})
        # Said at the top of the page it comes back to, which takes the focus.
        messages.info(request, SWITCHED[field, value == "1"])
    return response


@public
@require_http_methods(["GET", "POST"])
def mode(request):
    """The accessible mode switch of every page (and of the login page)."""
    if request.method != "POST":
        return HttpResponseRedirect(_home(request))  # a typed address changes nothing
    return _switch(request, "accessible")


@public
@require_http_methods(["GET", "POST"])
def shortcuts(request):
    """Turns the keyboard shortcuts of the accessible mode on or off."""
    if request.method != "POST":
        return HttpResponseRedirect(reverse("accessibility:help"))
    return _switch(request, "shortcuts")


@public
@require_safe
def help_page(request):
    """Aide: how to use the portal, the accessible mode and its shortcuts; *Télécharger*."""
    return render(
        request,
        "accessibility/help.html",
        {
            "page_title": gettext_lazy("Help - Accessibility"),
            "shortcuts": SHORTCUTS,
            "sections": HELP_SECTIONS,
            "back_url": _back(request),
        },
    )


@public
@require_safe
def help_download(request):
    """The help as a plain text file, readable by any tool, to keep or print."""
    text = render_to_string(
        "accessibility/help.txt",
        {"shortcuts": SHORTCUTS, "sections": HELP_SECTIONS},
        request=request,
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    name = _("portal-help")
    response["Content-Disposition"] = content_disposition_header(True, f"{name}.txt")
    return response


@public
@require_safe
def plan(request):
    """Plan: the site map of the guide, as nested lists of links."""
    return render(
        request,
        "accessibility/plan.html",
        {"page_title": gettext_lazy("Site map"), "back_url": _back(request)},
    )


@public
@require_safe
def statement(request):
    """Déclaration d'accessibilité (RGAA): the level claimed, the tests, how to report."""
    return render(
        request,
        "accessibility/statement.html",
        {"page_title": gettext_lazy("Accessibility statement"), "back_url": _back(request)},
    )
