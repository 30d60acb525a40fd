"""The built-in test provider: a fake card page on the portal itself, which posts back an
HMAC-SHA256-signed confirmation, as a real provider's server would. No money moves.

Cards: any number that passes the Luhn check is accepted, except 4000 0000 0000 0002, which the
"bank" declines (a signed confirmation of a failed payment).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.crypto import get_random_string, salted_hmac

from billing.payments.base import Confirmation, ConfirmationRefused, Provider

FIELDS = ("reference", "amount", "currency", "status", "transaction", "timestamp")
DECLINED_CARD = "4000000000000002"
MAX_AGE_SECONDS = 3600


def _key() -> bytes:
    if settings.PAYMENT_TEST_SECRET:
        return settings.PAYMENT_TEST_SECRET.encode()
    return salted_hmac("billing.test-provider", "key").digest()


def sign(values: dict[str, str]) -> str:
    message = "|".join(f"{name}={values[name]}" for name in FIELDS)
    return hmac.new(_key(), message.encode(), hashlib.sha256).hexdigest()


def confirmation_fields(*, reference: str, amount: Decimal, currency: str, paid: bool) -> dict:
    """What the provider posts back to the portal, signed."""
    values = {
        "reference": reference,
        "amount": f"{amount:.2f}",
        "currency": currency,
        "status": "paid" if paid else "failed",
        "transaction": "T" + get_random_string(16, "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"),
        "timestamp": str(int(time.time())),
    }
    return {**values, "signature": sign(values)}


class TestProvider(Provider):
    name = "test"
    __test__ = False  # not a pytest class

    def start(self, request, attempt):
        return HttpResponseRedirect(reverse("billing:test_card", args=[attempt.reference]))

    def verify(self, data) -> Confirmation:
        values = {name: str(data.get(name, ""))[:100] for name in FIELDS}
        signature = str(data.get("signature", ""))
        if not all(values.values()) or not signature:
            raise ConfirmationRefused("incomplete confirmation")
        if not hmac.compare_digest(sign(values), signature):
            raise ConfirmationRefused("bad signature")
        try:
            amount = Decimal(values["amount"])
            age = time.time() - int(values["timestamp"])
        except (InvalidOperation, ValueError):
            raise ConfirmationRefused("malformed confirmation") from None
        if not amount.is_finite() or age > MAX_AGE_SECONDS or age < -300:
            raise ConfirmationRefused("stale or malformed confirmation")
        if values["status"] not in {"paid", "failed"}:
            raise ConfirmationRefused("unknown status")
        return Confirmation(
            provider=self.name,
            reference=values["reference"],
            amount=amount,
            currency=values["currency"],
            paid=values["status"] == "paid",
            transaction_id=values["transaction"],
        )


def luhn_valid(number: str) -> bool:
    digits = [int(d) for d in number]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0
