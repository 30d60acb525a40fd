"""What the billing app's actions are called in the audit log (``accounts.audit``)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "billing.invoice.issued": _("Invoice issued"),
    "billing.credit_note.issued": _("Credit note issued"),
    "billing.payment.recorded": _("Payment recorded"),
    "billing.online_payment.abandoned": _("Online payment abandoned"),
    "billing.online_payment.paid_late": _("Online payment confirmed after it was abandoned"),
}
