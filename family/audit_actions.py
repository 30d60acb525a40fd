"""What the family app's actions are called in the audit log (``accounts.audit``)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "family.calendar.created": _("Calendar address created"),
    "family.calendar.renewed": _("Calendar address renewed"),
    "family.calendar.deleted": _("Calendar address deleted"),
    "family.change.requested": _("Change requested"),
    "family.change.approved": _("Change validated"),
    "family.change.rejected": _("Change refused"),
    "family.document.sent": _("Document sent"),
    "family.document.accepted": _("Document accepted"),
    "family.document.refused": _("Document refused"),
    "family.document.read": _("Document's file opened"),
    "family.document.purged": _("Documents deleted after their retention period"),
    "family.family.anonymised": _("Family anonymised"),
    "family.invitation.sent": _("Guardian invitation sent"),
    "family.invitation.validated": _("Guardian invitation validated"),
    "family.invitation.refused": _("Guardian invitation refused"),
}
