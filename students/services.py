"""Writes of the students app."""

import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.formats import date_format
from django.utils.timezone import localdate, now
from django.utils.translation import gettext as _

from accounts import audit
from family.anonymisation import Erased, Scrubber, identity_erase
from family.exceptions import FamilyError
from students.models import Absence, Enrolment, Evaluation, Performance, SchoolLevel, Student


def lesson_date_problem(course, day: datetime.date) -> str | None:
    """Why a family cannot report an absence on that day (translated), or None: a lesson of
    the course, today or later, before the course (or its school year) ends."""
    if day < localdate():
        return _("The lesson must be today or later: a past absence is recorded by the staff.")
    year = course.school_year
    last_day = course.last_day
    if day < year.start_date or day > last_day:
        return _("The course runs from %(start)s to %(end)s: choose a lesson in that period.") % {
            "start": date_format(year.start_date, "SHORT_DATE_FORMAT"),
            "end": date_format(last_day, "SHORT_DATE_FORMAT"),
        }
    if course.weekday and day.isoweekday() != course.weekday:
        return _("The course takes place on %(day)s: choose the date of a lesson.") % {
            "day": course.get_weekday_display().lower()
        }
    return None


def absence_report(
    *, enrolment: Enrolment, day: datetime.date, reason: str, reported_by
) -> Absence:
    """The family reports ahead that the student will miss a lesson. Refused (FamilyError)
    outside the course's lessons to come, or when an absence already covers that day."""
    course = enrolment.course
    problem = lesson_date_problem(course, day)
    if problem:
        raise FamilyError(problem)
    already = _("An absence is already recorded for this course on %(date)s.") % {
        "date": date_format(day, "SHORT_DATE_FORMAT")
    }
    try:
        with transaction.atomic():
            # One report at a time per course line: the check below then sees the other's.
            Enrolment.objects.select_for_update().filter(pk=enrolment.pk).first()
            covering = Absence.objects.filter(enrolment=enrolment, start_date__lte=day).filter(
                Q(end_date__gte=day) | Q(end_date__isnull=True, start_date=day)
            )
            if covering.exists():
                raise FamilyError(already)
            absence = Absence.objects.create(
                establishment_id=enrolment.establishment_id,
                enrolment=enrolment,
                start_date=day,
                end_date=day,
                start_time=course.start_time,
                end_time=course.end_time,
                reported_by=reported_by,
                reported_at=now(),
                family_reason=reason,
            )
            audit.record(
                action="students.absence.reported",
                actor=reported_by,
                establishment_id=enrolment.establishment_id,
                obj=absence,
                date=day.isoformat(),
                reason=reason,
            )
    except IntegrityError:
        raise FamilyError(already) from None
    return absence


def family_students_names(*, family) -> list[str]:
    """What a family's students' records name: for the anonymisation to take it out of free
    text elsewhere (an invoice line, the audit log)."""
    names = []
    for student in Student.objects.for_family(family):
        names += [student.last_name, student.first_name, student.email, student.address]
        names.append(student.emergency_contact)
    return names


def _pks(queryset) -> list:
    return list(queryset.values_list("pk", flat=True))


def family_students_anonymise(*, family, label: str, scrub: Scrubber) -> Erased:
    """The anonymisation's part of the students app: each student of the family loses its
    name (``label``), birth data, contact details, authorisations and school levels; the
    school records stay (courses, marks, absences, répertoire: the establishment's history),
    their free text (comments, appreciations, reasons) cleared."""
    students = list(Student.objects.for_family(family).select_for_update().order_by("pk"))
    for student in students:
        identity_erase(student, label=label)
        student.save()
    levels = SchoolLevel.objects.for_family(family)
    level_count = levels.count()
    levels.delete()
    enrolments = Enrolment.objects.for_family(family)
    evaluations = Evaluation.objects.for_family(family)
    performances = Performance.objects.for_family(family)
    erased = Erased(
        counts={"students": len(students), "school_levels": level_count},
        personal={
            "students.Student": [student.pk for student in students],
            "students.Enrolment": _pks(enrolments),
            "students.Evaluation": _pks(evaluations),
            "students.Absence": _pks(Absence.objects.for_family(family)),
            "students.Performance": _pks(performances),
        },
    )
    # Filtered by primary key: an UPDATE through a join is not portable.
    Enrolment.objects.filter(pk__in=erased.personal["students.Enrolment"]).update(
        comment="", activity_reason=""
    )
    Evaluation.objects.filter(pk__in=erased.personal["students.Evaluation"]).update(
        appreciation="", reason=""
    )
    Performance.objects.filter(pk__in=erased.personal["students.Performance"]).update(comment="")
    Absence.objects.filter(pk__in=erased.personal["students.Absence"]).update(family_reason="")
    return erased
