"""What the reenrolment app's actions are called in the audit log (``accounts.audit``)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "reenrolment.request.sent": _("Re-enrolment request sent"),
    "reenrolment.request.validated": _("Re-enrolment request validated"),
    "reenrolment.request.refused": _("Re-enrolment request refused"),
    "reenrolment.request.declined": _("Not re-enrolling announced"),
    "reenrolment.request.undeclined": _("Not re-enrolling withdrawn"),
    "reenrolment.request.decline_acknowledged": _("Not re-enrolling acknowledged"),
    "reenrolment.waiting.joined": _("Waiting list joined"),
    "reenrolment.waiting.left": _("Waiting list left"),
    "reenrolment.waiting.seat_offered": _("Seat offered from the waiting list"),
    "reenrolment.waiting.seat_accepted": _("Offered seat accepted"),
    "reenrolment.waiting.offer_expired": _("Offered seat expired"),
}
