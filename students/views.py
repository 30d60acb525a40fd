from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from accounts.access import family_only
from accounts.tenancy import get_object_for
from family.selectors import pending_request_for, pending_values
from family.services import change_request_submit
from students.forms import StudentIdentityForm
from students.models import Student
from students.selectors import current_school_level, students_for


def get_student_for(request, student_id) -> Student:
    """A student of the request's family, or 404."""
    return get_object_for(request, Student, pk=student_id)


def _chosen_id(value: str) -> int | None:
    """The student number of the picker, or None when it is not one (``²`` included)."""
    if value.isascii() and value.isdigit():
        return int(value)
    return None


@family_only
@require_safe
def student_list(request):
    """Élèves: the picker; with one chosen (``?eleve=``), goes to that student's file."""
    students = list(students_for(request))
    if "eleve" in request.GET:
        chosen = _chosen_id(request.GET["eleve"])
        if chosen is not None:
            student = get_student_for(request, chosen)
            return HttpResponseRedirect(reverse("students:detail", args=[student.pk]))
        messages.error(request, _("Choose a student in the list."))
    elif len(students) == 1:
        return HttpResponseRedirect(reverse("students:detail", args=[students[0].pk]))
    return render(
        request,
        "students/student_list.html",
        {"students": students, "page_title": gettext_lazy("Students")},
    )


@family_only
@require_http_methods(["GET", "POST"])
def student_detail(request, student_id: int):
    """A student's file, Identité tab: saving asks the staff for the changes."""
    student = get_student_for(request, student_id)
    students = list(students_for(request))
    pending = pending_request_for(student)
    form_kwargs = {"establishment": student.establishment_id, "pending": pending}
    if request.method == "POST":
        form = StudentIdentityForm(request.POST, instance=student, **form_kwargs)
        if form.is_valid():
            change_request = change_request_submit(
                record=student, values=form.cleaned_data, requested_by=request.user
            )
            if change_request is None:
                messages.info(request, _("Nothing was changed."))
            else:
                messages.success(
                    request,
                    _(
                        "The student's record is updated and an acknowledgement has been sent "
                        "to you by e-mail. The changes will apply once the administrative staff "
                        "have validated them."
                    ),
                )
            return HttpResponseRedirect(reverse("students:detail", args=[student.pk]))
    else:
        form = StudentIdentityForm(
            instance=student, initial=pending_values(pending, Student), **form_kwargs
        )
    level = current_school_level(student)
    return render(
        request,
        "students/student_detail.html",
        {
            "student": student,
            "students": students,
            "form": form,
            "pending": pending,
            "school_level": level,
            "page_title": student.full_name,
        },
    )
