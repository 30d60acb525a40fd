"""Online payment providers: one interface (``base.Provider``), one built-in test provider.

``PAYMENT_PROVIDER`` (setting, from the environment) names the provider the portal uses (none
by default in production: ``billing.checks`` says so); a real provider is a class of its own
registered in ``PROVIDERS``.
"""

from django.conf import settings

from billing.payments.base import Confirmation, ConfirmationRefused, Provider
from billing.payments.test_provider import TestProvider

PROVIDERS: dict[str, type[Provider]] = {TestProvider.name: TestProvider}


def get_provider() -> Provider | None:
    """The configured provider; None when online payment is not set up on this install."""
    provider = PROVIDERS.get(settings.PAYMENT_PROVIDER)
    return provider() if provider else None


__all__ = ["Confirmation", "ConfirmationRefused", "Provider", "get_provider"]
