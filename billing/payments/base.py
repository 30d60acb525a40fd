"""What the portal asks of a payment provider: start a payment, verify a signed confirmation.
(Refunds are made at the provider and recorded by the staff.)"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class Confirmation:
    """A confirmation whose signature checked: what the provider says happened."""

    provider: str
    reference: str
    amount: Decimal
    currency: str
    paid: bool
    transaction_id: str


class ConfirmationRefused(Exception):
    """A confirmation that is not the provider's (forged, malformed, stale)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Provider(abc.ABC):
    name: str

    @abc.abstractmethod
    def start(self, request: HttpRequest, attempt) -> HttpResponse:
        """Send the family to the provider's payment page for this attempt."""

    @abc.abstractmethod
    def verify(self, data) -> Confirmation:
        """The confirmation posted back, once its signature and form are checked; raises
        ``ConfirmationRefused`` otherwise. Amount, currency and reference are checked against
        the attempt by ``billing.services.payment_confirm``."""
