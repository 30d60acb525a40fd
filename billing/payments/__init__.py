"""Online payment providers: one interface (``base.Provider``), one built-in test provider.

``PAYMENT_PROVIDER`` (setting, from the environment) names the provider the portal uses; a real
provider is a class of its own registered in ``PROVIDERS``.
"""

from django.conf import settings

from billing.payments.base import Confirmation, ConfirmationRefused, Provider
from billing.payments.test_provider import TestProvider

PROVIDERS: dict[str, type[Provider]] = {TestProvider.name: TestProvider}


def get_provider(name: str | None = None) -> Provider:
    name = name or settings.PAYMENT_PROVIDER
    return PROVIDERS[name]()


__all__ = ["Confirmation", "ConfirmationRefused", "Provider", "get_provider"]
