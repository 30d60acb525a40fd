"""What the accounts app's actions are called in the audit log (``accounts.audit``)."""

from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "accounts.login.created": _("Family login created"),
    "accounts.login.unlocked": _("Identifier unblocked"),
    "accounts.address.unblocked": _("Internet address unblocked"),
    "accounts.password.generated": _("New password sent by e-mail"),
    "accounts.two_factor.enrolled": _("Authentication app enrolled"),
    "accounts.two_factor.reset": _("Two-factor authentication reset"),
}
