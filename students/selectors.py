from django.db.models import QuerySet

from accounts.tenancy import scoped
from students.models import Student


def students_for(request) -> QuerySet[Student]:
    """The students the request's family may see, in name order."""
    return scoped(request, Student).order_by("last_name", "first_name", "pk")


def current_school_level(student):
    """The student's Niveau scolaire for the establishment's current year, if recorded."""
    from students.models import SchoolLevel

    return (
        SchoolLevel.objects.select_related("school_year", "level")
        .filter(student=student, school_year__is_current=True)
        .first()
    )


def current_school_year(establishment_id):
    """The establishment's current school year, if it has one."""
    from students.models import SchoolYear

    return SchoolYear.objects.filter(establishment=establishment_id, is_current=True).first()
