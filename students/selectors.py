from django.db.models import Count, Exists, Q, QuerySet, Subquery, prefetch_related_objects

from accounts.tenancy import get_object_for, scoped
from students.models import Enrolment, Performance, Student


def students_for(request) -> QuerySet[Student]:
    """The students the request's family may see, in name order."""
    return scoped(request, Student).order_by("last_name", "first_name", "pk")


def with_contact(students) -> list[Student]:
    """The students, with what ``Student.contact`` reads (the guardians of those using a
    guardian's address and phones) read at once: two queries when any does, none otherwise."""
    students = list(students)
    ticked = [student for student in students if student.use_guardian_contact]
    if ticked:
        prefetch_related_objects(ticked, "family__guardians", "responsible_guardians")
    return students


def current_school_year(establishment_id):
    """The establishment's current school year, if it has one."""
    from students.models import SchoolYear

    return SchoolYear.objects.filter(establishment=establishment_id, is_current=True).first()


def _enrolments():
    return Enrolment.objects.select_related(
        "course__school_year", "course__department", "course__teacher", "course__room"
    ).annotate(
        absences_total=Count("absences", distinct=True),
        absences_unjustified=Count("absences", filter=Q(absences__justified=False), distinct=True),
    )


def current_enrolments(student) -> list:
    """The student's courses of the current school year (the Cours tab)."""
    return list(
        _enrolments()
        .filter(student=student, course__school_year__is_current=True)
        .order_by("course__label", "pk")
    )


def _past(student) -> Q:
    """The years before the current one (not the next year, set up for re-enrolment); without
    a current year, the years already over."""
    from django.utils.timezone import localdate

    from students.models import SchoolYear

    if not hasattr(student, "_current_start"):  # read once per request's student
        student._current_start = (
            SchoolYear.objects.filter(establishment=student.establishment_id, is_current=True)
            .values_list("start_date", flat=True)
            .first()
        )
    current_start = student._current_start
    if current_start is None:
        return Q(course__school_year__end_date__lt=localdate())
    return Q(course__school_year__start_date__lt=current_start)


def _current_or_past(student) -> Q:
    """The current year and the years before it (not the next year); without a current year,
    the years already over. In the enrolment's own query (a detail page reads no year else)."""
    from django.utils.timezone import localdate

    from students.models import SchoolYear

    current = SchoolYear.objects.filter(establishment=student.establishment_id, is_current=True)
    return (
        Q(course__school_year__is_current=True)
        | Q(course__school_year__start_date__lt=Subquery(current.values("start_date")[:1]))
        | (~Exists(current) & Q(course__school_year__end_date__lt=localdate()))
    )


def history_enrolments(student) -> list:
    """The student's records of the years before the current one, newest first."""
    return list(
        _enrolments()
        .filter(_past(student), student=student)
        .order_by(
            "-course__school_year__start_date",
            "course__department__name",
            "course__class_name",
            "course__label",
            "pk",
        )
    )


def enrolment_for(request, student, enrolment_id: int, *, current: bool | None = None):
    """One enrolment of the student (scoped to the request's family), with its evaluations and
    absences, or 404. ``current``: only this year's (True), only a past year's (False), or
    either (None); never a year ahead, set up for re-enrolment, which no tab shows yet."""
    if current is True:
        years = Q(course__school_year__is_current=True)
    elif current is False:
        years = _past(student)
    else:
        years = _current_or_past(student)
    enrolments = (
        _enrolments().filter(years, student=student).prefetch_related("evaluations", "absences")
    )
    return get_object_for(request, enrolments, pk=enrolment_id)


def performances_of(student) -> list:
    """The student's répertoire, newest first."""
    return list(Performance.objects.filter(student=student).order_by("-date", "pk"))


def matching(rows: list, query: str, texts) -> list:
    """The rows whose shown texts contain every word of the query (case and accents aside):
    the search boxes filter on what the family reads, dates and "oui" included."""
    words = [_folded(word) for word in query.split()]
    if not words:
        return rows
    return [row for row in rows if all(word in _folded(" ".join(texts(row))) for word in words)]


def _folded(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", str(text).casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def next_lesson(course):
    """The course's first lesson today or later (its day of the week, before it or its school
    year ends), or None when none is left."""
    import datetime

    from django.utils.timezone import localdate, localtime

    day = course.weekday_from(max(localdate(), course.school_year.start_date))
    begun = course.start_time is not None and localtime().time() > course.start_time
    if course.weekday and day == localdate() and begun:
        day += datetime.timedelta(days=7)  # today's lesson has begun: the next one
    return day if day <= course.last_day else None
