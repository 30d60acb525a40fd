"""Pages that compose several apps: Accueil, the error pages, and the source code."""

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from accounts.access import family_only, public
from accounts.headers import FILE_POLICY
from accounts.tenancy import family_id_for, get_object_for
from accounts.views import safe_next
from family.models import Family
from family.selectors import guardian_for_user
from imuse_portal.data_export import family_data
from imuse_portal.source import archive_name, running_version, source_archive, source_code_url
from reenrolment.selectors import open_campaign_for, request_states
from students.selectors import students_for


@family_only
@require_safe
def home(request):
    """Accueil: the greeting, the family's students, the open re-enrolments, the welcome text."""
    students = list(students_for(request))
    states = request_states(open_campaign_for(request), students)
    for student in students:
        student.reenrolment_state = states.get(student.pk, "")
    return render(
        request,
        "home.html",
        {
            "guardian": guardian_for_user(request.user),
            "students": students,
            "page_title": _("Home"),
        },
    )


def _own_family(request) -> Family:
    """The logged-in family, through the tenancy helpers (never another one: 404)."""
    family_id = family_id_for(request.user)
    if family_id is None:
        raise Http404
    return get_object_for(request, Family.objects.select_related("establishment"), pk=family_id)


@family_only
@require_safe
def my_data(request):
    """Famille → My data: what the portal holds about the family, and how to download it."""
    _own_family(request)
    return render(request, "family/my_data.html", {"page_title": _("My data")})


@family_only
@require_safe
def my_data_json(request):
    """All the family's data as a JSON file (machine-readable, to keep or pass on)."""
    data = family_data(_own_family(request), guardian_for_user(request.user))
    response = HttpResponse(data.as_bytes(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{data.file_name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    return response


@family_only
@require_safe
def my_data_readable(request):
    """All the family's data as a page to read or print."""
    return render(
        request,
        "family/my_data_readable.html",
        {
            "data": family_data(_own_family(request), guardian_for_user(request.user)),
            "page_title": _("My data: readable version"),
        },
    )


def permission_denied(request, exception=None):
    match = getattr(request, "resolver_match", None)
    in_admin = match is not None and "admin" in match.namespaces
    context = {"page_title": _("Access refused"), "in_admin": in_admin}
    return render(request, "403.html", context, status=403)


def csrf_failure(request, reason=""):
    """A form sent from a page left open too long, or after logging out in another tab."""
    return render(request, "403_csrf.html", {"page_title": _("Form expired")}, status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", {"page_title": _("Page not found")}, status=404)


def server_error(request):
    # No request context: the failure may come from the database the context processors use.
    return HttpResponseServerError(
        render_to_string("500.html", {"source_code_url": source_code_url()})
    )


def _start_page(user) -> str:
    if getattr(user, "is_family", False):
        return reverse("home")
    return reverse("admin:index") if user.is_staff else reverse("accounts:login")


@public
@require_safe
def source_code(request):
    """Code source: the licence, the version running, and its source to download."""
    archive = source_archive()
    return render(
        request,
        "source_code.html",
        {
            "page_title": _("Source code"),
            "version": running_version(),
            "archive_name": archive_name(),
            "archive_size": len(archive),
            "published_at": settings.SOURCE_CODE_URL,
            "back_url": safe_next(request, request.GET.get("next"), _start_page(request.user)),
        },
    )


@public
@require_safe
def source_code_archive(request):
    """The running version's source, as a .tar.gz (built once per process)."""
    response = HttpResponse(source_archive(), content_type="application/gzip")
    response["Content-Disposition"] = content_disposition_header(True, archive_name())
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    return response


@public
@require_safe
def licence_text(request):
    """The licence's full text (the LICENSE file), as plain text."""
    text = (Path(settings.BASE_DIR) / "LICENSE").read_bytes()
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = FILE_POLICY
    return response
