import copy

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from accounts.access import family_only
from accounts.tenancy import get_object_for, guardian_id_for
from family.models import DocumentType
from family.selectors import document_slots, pending_request_for
from family.services import change_request_submit
from family.views import document_page, say_what_was_saved
from students.forms import StudentIdentityForm
from students.models import Student
from students.selectors import current_school_year, students_for

# The tabs of a student's file: (name, label, URL name). The picker keeps the tab open.
TABS = [
    ("identity", gettext_lazy("Identity"), "students:detail"),
    ("courses", gettext_lazy("Courses"), "students:courses"),
    ("history", gettext_lazy("History"), "students:history"),
    ("repertoire", gettext_lazy("Repertoire"), "students:repertoire"),
    ("documents", gettext_lazy("Documents provided"), "students:documents"),
]
TAB_URLS = {name: url_name for name, _label, url_name in TABS}


def family_students(request) -> list[Student]:
    """The request's family's students in name order (the file's picker), read once."""
    if not hasattr(request, "_family_students"):
        request._family_students = list(students_for(request).select_related("family"))
    return request._family_students


def get_student_for(request, student_id) -> Student:
    """A student of the request's family, or 404: taken from the picker's list, so that a
    student's page reads the family's students once."""
    for student in family_students(request):
        if student.pk == student_id:
            return student
    raise Http404


def titled(student: Student, *parts: str) -> str:
    """A page title of a student's file: "ABARRE Irina – Historique – 2011/2012 FM 2C3"."""
    return " – ".join([student.full_name, *parts])


def file_context(request, student: Student, tab: str) -> dict:
    """What every tab of a student's file shows: the picker and the tabs."""
    return {
        "student": student,
        "students": family_students(request),
        "student_tabs": TABS,
        "tab": tab,
    }


def _chosen_id(value: str) -> int | None:
    """The student number of the picker, or None when it is not one (``²`` included)."""
    if value.isascii() and value.isdigit():
        return int(value)
    return None


@family_only
@require_safe
def student_list(request):
    """Élèves: the picker; with one chosen (``?eleve=``), goes to that student's file, on the
    tab named by ``?onglet=`` (the site map's links) when there is one."""
    students = family_students(request)
    tab = request.GET.get("onglet", "")
    url_name = TAB_URLS.get(tab, "students:detail")
    if "eleve" in request.GET:
        chosen = _chosen_id(request.GET["eleve"])
        if chosen is not None:
            student = get_student_for(request, chosen)
            return HttpResponseRedirect(reverse(url_name, args=[student.pk]))
        messages.error(request, _("Choose a student in the list."))
    elif len(students) == 1:
        return HttpResponseRedirect(reverse(url_name, args=[students[0].pk]))
    return render(
        request,
        "students/student_list.html",
        {
            "students": students,
            "tab": tab if tab in TAB_URLS else "",
            "page_title": gettext_lazy("Students"),
        },
    )


@family_only
@require_http_methods(["GET", "POST"])
def student_detail(request, student_id: int):
    """A student's file, Identité tab: saving asks the staff for the changes."""
    student = get_student_for(request, student_id)
    pending = pending_request_for(student)
    year = current_school_year(student.establishment_id)
    form_kwargs = {
        "establishment": student.establishment_id,
        "pending": pending,
        "school_year": year,
        "reader": guardian_id_for(request.user),
    }
    if request.method == "POST":
        # A copy: what was typed stays out of the picker and the title until it is validated.
        form = StudentIdentityForm(request.POST, instance=copy.copy(student), **form_kwargs)
        if form.is_valid():
            change_request = change_request_submit(
                record=student, values=form.requested_values(), requested_by=request.user
            )
            say_what_was_saved(
                request,
                before=pending,
                change_request=change_request,
                updated=_(
                    "Your changes to the student's record are recorded and an acknowledgement "
                    "has been sent to you by e-mail. They will apply once the administrative "
                    "staff have validated them."
                ),
            )
            return HttpResponseRedirect(reverse("students:detail", args=[student.pk]))
    else:
        form = StudentIdentityForm(instance=student, **form_kwargs)
    return render(
        request,
        "students/student_detail.html",
        {
            **file_context(request, student, "identity"),
            "form": form,
            "pending": pending,
            "page_title": student.full_name,
        },
    )


@family_only
@require_safe
def student_documents(request, student_id: int):
    """A student's file, Documents fournis tab: the documents asked for the student."""
    student = get_student_for(request, student_id)
    return render(
        request,
        "students/documents.html",
        {
            **file_context(request, student, "documents"),
            "slots": document_slots(
                family=student.family, guardian=guardian_id_for(request.user), student=student
            ),
            "page_title": titled(student, _("Documents provided")),
        },
    )


@family_only
@require_http_methods(["GET", "POST"])
def student_document(request, student_id: int, type_id: int):
    """One document asked for a student: its files, and *Importer* / *Valider*."""
    student = get_student_for(request, student_id)
    document_type = get_object_for(
        request, DocumentType, pk=type_id, holder=DocumentType.Holder.STUDENT, is_active=True
    )
    return document_page(
        request,
        family=student.family,
        student=student,
        document_type=document_type,
        template="students/document.html",
        context={
            **file_context(request, student, "documents"),
            "page_title": titled(student, str(document_type)),
        },
    )
