from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.access import family_only
from accounts.tenancy import get_object_for
from students.models import Student
from students.selectors import students_for


def get_student_for(request, student_id) -> Student:
    """A student of the request's family, or 404."""
    return get_object_for(request, Student, pk=student_id)


@family_only
@require_http_methods(["GET"])
def student_list(request):
    """Élèves: the picker; with one chosen (``?eleve=``), goes to that student's file."""
    students = list(students_for(request))
    chosen = request.GET.get("eleve", "")
    if chosen.isdigit():
        student = get_student_for(request, int(chosen))
        return HttpResponseRedirect(reverse("students:detail", args=[student.pk]))
    if len(students) == 1 and "eleve" not in request.GET:
        return HttpResponseRedirect(reverse("students:detail", args=[students[0].pk]))
    return render(
        request,
        "students/student_list.html",
        {"students": students, "page_title": _("Students")},
    )


@family_only
@require_http_methods(["GET"])
def student_detail(request, student_id: int):
    """A student's file (Identité, read-only until the records come)."""
    student = get_student_for(request, student_id)
    students = list(students_for(request))
    return render(
        request,
        "students/student_detail.html",
        {"student": student, "students": students, "page_title": student.full_name},
    )
