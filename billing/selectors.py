"""Reads of the billing app: a family's ledger, as the Facturation page shows it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from accounts.tenancy import staff_scope
from billing.models import Invoice, Payment, PaymentAttempt


@dataclass(frozen=True)
class LedgerLine:
    """One line of the table: an invoice or credit note (Débit) or a payment (Crédit)."""

    document: Invoice | Payment
    date: date
    mode: str
    number: str
    label: str
    debit: Decimal | None
    credit: Decimal | None
    deposited: bool | None  # payments only

    @property
    def is_payment(self) -> bool:
        return isinstance(self.document, Payment)


@dataclass(frozen=True)
class Statement:
    ledger: str
    lines: list[LedgerLine] = field(default_factory=list)

    @property
    def invoiced(self) -> Decimal:
        """Montant total facturé: invoices less credit notes."""
        return sum((line.debit for line in self.lines if line.debit is not None), Decimal("0.00"))

    @property
    def paid(self) -> Decimal:
        """Montant total réglé."""
        return sum((line.credit for line in self.lines if line.credit is not None), Decimal("0.00"))

    @property
    def balance(self) -> Decimal:
        """Solde: what was paid less what was invoiced; below zero, the family owes it."""
        return self.paid - self.invoiced

    @property
    def amount_due(self) -> Decimal:
        return max(-self.balance, Decimal("0.00"))

    @property
    def in_credit(self) -> Decimal:
        """More paid than invoiced (a cancelled invoice that was paid): the family's credit."""
        return max(self.balance, Decimal("0.00"))


def statement(*, invoices, payments, ledger: str) -> Statement:
    """The issued documents of one ledger, newest first. ``invoices`` and ``payments`` are
    querysets already scoped to the reader (``accounts.tenancy.scoped``): two queries."""
    lines = [
        LedgerLine(
            document=invoice,
            date=invoice.date,
            mode="",
            number=invoice.number,
            label=invoice.label,
            debit=invoice.signed_total,
            credit=None,
            deposited=None,
        )
        for invoice in invoices.issued().filter(ledger=ledger)
    ]
    lines += [
        LedgerLine(
            document=payment,
            date=payment.date,
            mode=payment.get_mode_display(),
            number=payment.number,
            label=payment.label,
            debit=None,
            credit=payment.amount,
            deposited=payment.deposited,
        )
        for payment in payments.issued().filter(ledger=ledger)
    ]
    lines.sort(key=lambda line: (line.date, line.number), reverse=True)
    return Statement(ledger=ledger, lines=lines)


def attempts_awaiting_count(request) -> int:
    """Online payments of the staff member's establishment started and not confirmed (nor
    abandoned) yet: the admin's *À traiter* line."""
    started = PaymentAttempt.objects.filter(status=PaymentAttempt.Status.STARTED)
    return staff_scope(started, request.user).count()
