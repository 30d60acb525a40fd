from django.db.models import QuerySet

from accounts.tenancy import scoped
from students.models import Student


def students_for(request) -> QuerySet[Student]:
    """The students the request's family may see, in name order."""
    return scoped(request, Student).order_by("last_name", "first_name", "pk")
