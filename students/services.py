"""Writes of the students app."""

from family.anonymisation import Erased, Scrubber, identity_erase
from students.models import Absence, Enrolment, Evaluation, Performance, SchoolLevel, Student


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
    return erased
