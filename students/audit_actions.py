"""What the students app's actions are called in the audit log (``accounts.audit``)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "students.absence.reported": _("Absence reported"),
}
