"""Pages that compose several apps: Accueil and the error pages."""

from django.http import Http404, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from accounts.access import family_only
from accounts.headers import FILE_POLICY
from accounts.tenancy import family_id_for, get_object_for
from family.models import Family
from family.selectors import guardian_for_user
from imuse_portal.data_export import family_data
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
    return HttpResponseServerError(render_to_string("500.html"))
