"""A student's school record: the Cours, Historique and Répertoire tabs and their details."""

from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.access import family_only
from accounts.tenancy import get_object_for
from family.exceptions import FamilyError
from students.forms import AbsenceReportForm
from students.models import Performance
from students.selectors import (
    current_enrolments,
    enrolment_for,
    history_enrolments,
    matching,
    next_lesson,
    performances_of,
)
from students.services import absence_report
from students.templatetags.school import decimal2, yes_no
from students.views import file_context, get_student_for, titled


def _short(date) -> str:
    return date_format(date, "SHORT_DATE_FORMAT") if date else ""


def _history_texts(enrolment) -> list[str]:
    course = enrolment.course
    return [
        course.school_year.label,
        course.department.name,
        course.class_name,
        enrolment.shown_cycle,
        str(course.teacher or ""),
    ]


def _evaluation_texts(evaluation) -> list[str]:
    return [
        evaluation.evaluation_type,
        _short(evaluation.date),
        evaluation.criterion_type,
        decimal2(evaluation.mark),
        decimal2(evaluation.denominator),
        decimal2(evaluation.coefficient),
        evaluation.letter,
        evaluation.mention,
        evaluation.appreciation,
        evaluation.choice,
        yes_no(evaluation.absent),
        evaluation.reason,
    ]


@family_only
@require_safe
def courses(request, student_id: int):
    """Cours: the student's courses of the current year, each opening its follow-up sheet."""
    student = get_student_for(request, student_id)
    return render(
        request,
        "students/courses.html",
        {
            **file_context(request, student, "courses"),
            "enrolments": current_enrolments(student),
            "page_title": titled(student, _("Courses")),
        },
    )


@family_only
@require_safe
def course(request, student_id: int, enrolment_id: int):
    """A course's follow-up sheet: results, the course line, evaluations and absences."""
    student = get_student_for(request, student_id)
    enrolment = enrolment_for(request, student, enrolment_id, current=True)
    return render(
        request,
        "students/course.html",
        {
            **file_context(request, student, "courses"),
            "enrolment": enrolment,
            "page_title": titled(student, enrolment.course.label),
        },
    )


@family_only
@require_http_methods(["GET", "POST"])
def report_absence(request, student_id: int, enrolment_id: int):
    """Signaler une absence: from this year's course line, the date of a lesson to come the
    student will miss, and a reason if the family wishes; the staff justify it in the admin."""
    student = get_student_for(request, student_id)
    enrolment = enrolment_for(request, student, enrolment_id, current=True)
    course = enrolment.course
    upcoming = next_lesson(course)
    sheet = reverse("students:course", args=[student.pk, enrolment.pk])
    if request.method == "POST":
        form = AbsenceReportForm(request.POST, course=course)
        if form.is_valid():
            day = form.cleaned_data["date"]
            try:
                absence_report(
                    enrolment=enrolment,
                    day=day,
                    reason=form.cleaned_data["reason"],
                    reported_by=request.user,
                )
            except FamilyError as refusal:
                form.add_error("date", refusal.message)
            else:
                messages.success(
                    request,
                    _(
                        "The absence of %(date)s is reported: the administrative staff and the "
                        "teacher will see it."
                    )
                    % {"date": _short(day)},
                )
                return HttpResponseRedirect(f"{sheet}#absences-title")
    else:
        form = AbsenceReportForm(course=course, initial={"date": upcoming})
    return render(
        request,
        "students/absence_report.html",
        {
            **file_context(request, student, "courses"),
            "enrolment": enrolment,
            "form": form,
            "upcoming": upcoming,
            "page_title": titled(student, course.label, _("Report an absence")),
        },
    )


@family_only
@require_safe
def evaluation(request, student_id: int, enrolment_id: int, evaluation_id: int):
    """One evaluation of this year's course or of a past year's record, every field of it."""
    student = get_student_for(request, student_id)
    enrolment = enrolment_for(request, student, enrolment_id, current=None)
    found = get_object_or_404(enrolment.evaluations.all(), pk=evaluation_id)
    tab = "courses" if enrolment.course.school_year.is_current else "history"
    return render(
        request,
        "students/evaluation.html",
        {
            **file_context(request, student, tab),
            "enrolment": enrolment,
            "evaluation": found,
            "page_title": titled(student, enrolment.course.label, str(found)),
        },
    )


@family_only
@require_safe
def absence(request, student_id: int, enrolment_id: int, absence_id: int):
    """One absence of this year's course or of a past year's record, every field of it."""
    student = get_student_for(request, student_id)
    enrolment = enrolment_for(request, student, enrolment_id, current=None)
    found = get_object_or_404(enrolment.absences.all(), pk=absence_id)
    tab = "courses" if enrolment.course.school_year.is_current else "history"
    return render(
        request,
        "students/absence.html",
        {
            **file_context(request, student, tab),
            "enrolment": enrolment,
            "absence": found,
            "page_title": titled(
                student,
                enrolment.course.label,
                _("Absence of %(date)s") % {"date": _short(found.start_date)},
            ),
        },
    )


@family_only
@require_safe
def history(request, student_id: int):
    """Historique: the records of past years, newest first, with a search box."""
    student = get_student_for(request, student_id)
    query = request.GET.get("q", "")[:100]
    records = history_enrolments(student)
    return render(
        request,
        "students/history.html",
        {
            **file_context(request, student, "history"),
            "records": matching(records, query, _history_texts),
            "record_count": len(records),
            "query": query,
            "page_title": titled(student, _("History")),
        },
    )


@family_only
@require_safe
def history_record(request, student_id: int, enrolment_id: int):
    """One past year's record, its evaluations (searchable), and the way to the others: the
    records the history search kept (``q``), or all of them."""
    student = get_student_for(request, student_id)
    # The record is one of the student's past years (already scoped to the family): read
    # from the list the navigation needs, with its evaluations and absences.
    records = history_enrolments(student)
    enrolment = next((record for record in records if record.pk == enrolment_id), None)
    if enrolment is None:
        raise Http404
    prefetch_related_objects([enrolment], "evaluations", "absences")
    history_query = request.GET.get("q", "")[:100]
    browsed = matching(records, history_query, _history_texts)
    if enrolment.pk not in {record.pk for record in browsed}:
        history_query, browsed = "", records
    ids = [record.pk for record in browsed]
    position = ids.index(enrolment.pk)
    kept = f"?{urlencode({'q': history_query})}" if history_query else ""

    def url(record_id):
        return reverse("students:history_record", args=[student.pk, record_id]) + kept

    query = request.GET.get("qe", "")[:100]
    evaluations = list(enrolment.evaluations.all())
    return render(
        request,
        "students/history_record.html",
        {
            **file_context(request, student, "history"),
            "enrolment": enrolment,
            "evaluations": matching(evaluations, query, _evaluation_texts),
            "evaluation_count": len(evaluations),
            "query": query,
            "history_query": history_query,
            "history_url": reverse("students:history", args=[student.pk]) + kept,
            "position": position + 1,
            "total": len(ids),
            "first_url": url(ids[0]) if position > 0 else None,
            "previous_url": url(ids[position - 1]) if position > 0 else None,
            "next_url": url(ids[position + 1]) if position + 1 < len(ids) else None,
            "last_url": url(ids[-1]) if position + 1 < len(ids) else None,
            "page_title": titled(
                student,
                _("History"),
                f"{enrolment.course.school_year.label} {enrolment.course.class_name}",
            ),
        },
    )


@family_only
@require_safe
def repertoire(request, student_id: int):
    """Répertoire: the musical events the student took part in, newest first."""
    student = get_student_for(request, student_id)
    return render(
        request,
        "students/repertoire.html",
        {
            **file_context(request, student, "repertoire"),
            "performances": performances_of(student),
            "page_title": titled(student, _("Repertoire")),
        },
    )


@family_only
@require_safe
def performance(request, student_id: int, performance_id: int):
    """One piece played at an event."""
    student = get_student_for(request, student_id)
    found = get_object_for(request, Performance.objects.filter(student=student), pk=performance_id)
    return render(
        request,
        "students/performance.html",
        {
            **file_context(request, student, "repertoire"),
            "performance": found,
            "page_title": titled(student, found.event, found.piece),
        },
    )
