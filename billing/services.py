"""Writes of the billing app: issuing invoices and credit notes, recording payments, keeping
documents imported from an earlier system. Each runs in one transaction with its number."""

from __future__ import annotations

import logging
import secrets
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accounts import audit
from accounts.emails import queue_mail
from billing import numbering
from billing.exceptions import BillingError, PaymentRefused
from billing.models import (
    MAX_AMOUNT,
    DocumentKind,
    Invoice,
    InvoiceLine,
    Ledger,
    Numbered,
    Payment,
    PaymentAttempt,
    PaymentMode,
    Settlement,
    attempt_lifetime,
    line_amount,
)
from billing.payments.base import Confirmation
from family.anonymisation import Erased, Scrubber
from family.models import Family, Guardian

logger = logging.getLogger(__name__)


def _address_block(*lines: str) -> str:
    return "\n".join(line.strip() for line in lines if line and line.strip())


def family_billing_address(family: Family, payer=None) -> tuple[str, str]:
    """(name, address) the documents are made out to: the guardian who pays (``payer``), or
    else the guardian who holds the family's login, or the first guardian. A document of the
    whole family (no payer) whose guardians each have their own login is made out to the
    family's name alone: every one of them reads it, and none reads another's address."""
    guardians = list(Guardian.objects.filter(family=family).select_related("civility"))
    holder = next((g for g in guardians if payer is not None and g.pk == payer.pk), None)
    logins = [g for g in guardians if g.user_id]
    if holder is None and (not guardians or len(logins) > 1):
        return family.name, ""
    holder = holder or (logins[0] if logins else guardians[0])
    civility = holder.civility.label if holder.civility_id else ""
    name = _address_block(f"{civility} {holder.full_name}")
    town = f"{holder.postal_code} {holder.city}"
    return name, _address_block(holder.address, town)


def documents_made_over(*, family_id: int, holder: Guardian) -> int:
    """A family gets a second login: its documents of the whole family (no payer) made out to
    a guardian by name (issued while one login read everything) become ``holder``'s (the
    guardian who held that login), so that the new login reads nobody's name or address.
    Those made out to the family's name stay everyone's. What settles or corrects them (a
    receipt, a credit note, drafts included) goes with them: a receipt always settles its
    payer's invoices. Returns how many. (The caller holds the family's row lock.)"""
    name = Family.objects.values_list("name", flat=True).get(pk=family_id)
    shared_invoices = Invoice.objects.filter(family=family_id, payer=None)
    shared_payments = Payment.objects.filter(family=family_id, payer=None)
    invoices = set(
        shared_invoices.exclude(number="").exclude(family_name=name).values_list("pk", flat=True)
    )
    payments = set(
        shared_payments.exclude(number="").exclude(family_name=name).values_list("pk", flat=True)
    )
    while True:
        more_payments = set(
            shared_payments.filter(settlements__invoice__in=invoices).values_list("pk", flat=True)
        )
        more_invoices = set(
            shared_invoices.filter(
                Q(settlements__payment__in=payments)
                | Q(corrects__in=invoices)
                | Q(credit_notes__in=invoices)
            ).values_list("pk", flat=True)
        )
        if more_payments <= payments and more_invoices <= invoices:
            break
        payments |= more_payments
        invoices |= more_invoices
    Invoice.objects.filter(pk__in=invoices).update(payer=holder)
    Payment.objects.filter(pk__in=payments).update(payer=holder)
    return len(invoices) + len(payments)


def _lock_family(family_id: int) -> None:
    """Every write that names a family on a document (an issue, a payment, a credit note)
    first locks the family's row, as its anonymisation does: a document is never made out to
    a family while its names are being erased, and locks are always taken family first."""
    Family.objects.select_for_update().filter(pk=family_id).first()


def _family_of(invoice: Invoice) -> int:
    return Invoice.objects.filter(pk=invoice.pk).values_list("family_id", flat=True).get()


def _snapshot(document: Numbered, *, issued_by, on: date) -> None:
    establishment = document.establishment
    document.issuer_name = establishment.name
    document.issuer_address = _address_block(
        establishment.address,
        f"{establishment.postal_code} {establishment.city}",
        establishment.phone,
        establishment.email,
    )
    document.family_name, document.family_address = family_billing_address(
        document.family, document.payer
    )
    document.date = on
    document.issued_at = timezone.now()
    document.issued_by = issued_by


def _today() -> date:
    return timezone.localdate()


def _issue(document: Numbered, *, kind: str, on: date, issued_by) -> None:
    """The snapshot, the next number of its kind and year, saved (inside the transaction)."""
    _snapshot(document, issued_by=issued_by, on=on)
    document.number, document.sequence = numbering.allocate(
        establishment_id=document.establishment_id, kind=kind, year=on.year
    )
    document.year = on.year
    document.save()


def _keep_number(document: Numbered, *, number: str, on: date) -> None:
    """An earlier system's document: its snapshot and number kept (inside the transaction)."""
    _snapshot(document, issued_by=None, on=on)
    document.sequence = numbering.keep_imported(
        establishment_id=document.establishment_id, number=number, year=on.year
    )
    document.number, document.year = number, on.year
    document.save()


def _lock_invoices(ids) -> list[Invoice]:
    """Invoices locked in id order (so that two transactions never wait for each other)."""
    return list(Invoice.objects.select_for_update().filter(pk__in=list(ids)).order_by("pk"))


def credited_total(invoice: Invoice) -> Decimal:
    return sum((note.total for note in invoice.credit_notes.issued()), Decimal("0.00"))


def settled_total(invoice: Invoice) -> Decimal:
    return sum((s.amount for s in invoice.settlements.all()), Decimal("0.00"))


def invoice_remaining(invoice: Invoice) -> Decimal:
    """What is left to pay on an issued invoice: its total less its credit notes and what
    payments settled of it (below zero when more was paid than is now owed)."""
    return invoice.total - credited_total(invoice) - settled_total(invoice)


@transaction.atomic
def invoice_issue(*, invoice: Invoice, issued_by=None, on: date | None = None) -> Invoice:
    """Draft → issued: the total, both addresses and the date are fixed, the number given."""
    _lock_family(_family_of(invoice))
    invoice = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("establishment", "family")
        .get(pk=invoice.pk)
    )
    if invoice.is_issued:
        raise BillingError(_("%(number)s is already issued.") % {"number": invoice.number})
    lines = list(invoice.lines.all())
    if not lines:
        raise BillingError(_("An invoice without lines cannot be issued."))
    total = sum((line.amount for line in lines), Decimal("0.00"))
    if total > MAX_AMOUNT:
        raise BillingError(_("The total of this invoice is too large to be issued."))
    if invoice.is_credit_note:
        # The corrected invoice is locked: two credit notes issued at once wait for each other.
        corrected = _lock_invoices([invoice.corrects_id])[0] if invoice.corrects_id else None
        if corrected is None or not corrected.is_issued or corrected.is_credit_note:
            raise BillingError(_("A credit note corrects an issued invoice."))
        if (
            corrected.family_id != invoice.family_id
            or corrected.ledger != invoice.ledger
            or corrected.payer_id != invoice.payer_id
        ):
            raise BillingError(
                _("A credit note corrects an invoice of the same family, ledger and payer.")
            )
        if total + credited_total(corrected) > corrected.total:
            raise BillingError(
                _("The credit notes of %(number)s would exceed its total.")
                % {"number": corrected.number}
            )
    invoice.total = total
    _issue(invoice, kind=invoice.kind, on=on or invoice.date or _today(), issued_by=issued_by)
    audit.record(
        action="billing.credit_note.issued" if invoice.is_credit_note else "billing.invoice.issued",
        actor=issued_by,
        establishment_id=invoice.establishment_id,
        obj=invoice,
        total=str(invoice.total),
        family=invoice.family.name,
    )
    logger.info(
        "billing.invoice.issued %s by user %s", invoice.number, getattr(issued_by, "pk", None)
    )
    return invoice


@transaction.atomic
def credit_note_for(*, invoice: Invoice, issued_by=None, label: str = "") -> Invoice:
    """A credit note cancelling what is left of an issued invoice (its total less its earlier
    credit notes), issued at once. What was paid of it becomes the family's credit."""
    _lock_family(_family_of(invoice))
    invoice = _lock_invoices([invoice.pk])[0]
    if invoice.is_credit_note or not invoice.is_issued:
        raise BillingError(_("Only an issued invoice is corrected by a credit note."))
    left = invoice.total - credited_total(invoice)
    if left <= 0:
        raise BillingError(_("%(number)s is already fully credited.") % {"number": invoice.number})
    note = Invoice.objects.create(
        establishment_id=invoice.establishment_id,
        family_id=invoice.family_id,
        ledger=invoice.ledger,
        kind=DocumentKind.CREDIT_NOTE,
        corrects=invoice,
        payer_id=invoice.payer_id,
        label=label or str(_("Credit note for %(number)s") % {"number": invoice.number}),
    )
    InvoiceLine.objects.create(
        invoice=note,
        description=str(_("Cancels invoice %(number)s") % {"number": invoice.number}),
        quantity=Decimal("1"),
        unit_price=left,
    )
    return invoice_issue(invoice=note, issued_by=issued_by)


def _check_settled(invoices, *, family_id: int, ledger: str, payer_id: int | None) -> list:
    """The invoices a payment may settle: issued invoices of its family and ledger, paid by
    its payer (a guardian's receipt settles their invoices, the family's receipt the family's:
    each guardian's balance adds up what they see)."""
    invoices = list(invoices)
    for invoice in invoices:
        if (
            invoice.family_id != family_id
            or invoice.ledger != ledger
            or not invoice.is_issued
            or invoice.is_credit_note
        ):
            raise BillingError(
                _("%(invoice)s is not an issued invoice of this family and ledger.")
                % {"invoice": invoice}
            )
        if invoice.payer_id != payer_id:
            raise BillingError(
                _("%(invoice)s is not paid by the payer of this payment.") % {"invoice": invoice}
            )
    return invoices


@transaction.atomic
def payment_settle(*, payment: Payment, invoices) -> Decimal:
    """Shares a recorded payment among invoices, oldest first, each up to what is left to pay
    of it (the invoices locked meanwhile). Returns what is left over: paid on account."""
    # Checked on the locked rows: a payer made over meanwhile is seen.
    locked = _check_settled(
        _lock_invoices(invoice.pk for invoice in invoices),
        family_id=payment.family_id,
        ledger=payment.ledger,
        payer_id=payment.payer_id,
    )
    left = payment.amount - sum((s.amount for s in payment.settlements.all()), Decimal("0.00"))
    for invoice in sorted(locked, key=lambda i: (i.date, i.pk)):
        share = min(left, invoice_remaining(invoice))
        if share > 0:
            Settlement.objects.create(payment=payment, invoice=invoice, amount=share)
            left -= share
    return left


@transaction.atomic
def payment_record(
    *,
    family: Family,
    ledger: str,
    mode: str,
    amount: Decimal,
    label: str = "",
    invoices=(),
    recorded_by=None,
    on: date | None = None,
    payer=None,
    online_attempt=None,
) -> Payment:
    """A payment received: its receipt gets its number at once (dated ``on``, or today);
    ``payer``, the guardian who paid, alone sees it (None: the family's)."""
    amount = Decimal(amount)
    if amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise BillingError(_("A payment is a positive amount in euros and cents."))
    _lock_family(family.pk)
    invoices = _check_settled(
        invoices, family_id=family.pk, ledger=ledger, payer_id=getattr(payer, "pk", None)
    )
    payment = Payment(
        establishment_id=family.establishment_id,
        family=family,
        ledger=ledger,
        mode=mode,
        amount=amount,
        label=label,
        date=on,
        payer=payer,
        online_attempt=online_attempt,
    )
    payment_issue(payment=payment, recorded_by=recorded_by)
    payment_settle(payment=payment, invoices=invoices)
    return payment


@transaction.atomic
def payment_issue(*, payment: Payment, recorded_by=None) -> Payment:
    """Saves a new payment with its receipt's number (dated today unless said otherwise);
    the admin's form calls it, then ``payment_settle``."""
    if payment.pk is not None or payment.is_issued:
        raise BillingError(_("This payment is already recorded."))
    _lock_family(payment.family_id)
    _issue(payment, kind=DocumentKind.RECEIPT, on=payment.date or _today(), issued_by=recorded_by)
    audit.record(
        action="billing.payment.recorded",
        actor=recorded_by,
        establishment_id=payment.establishment_id,
        obj=payment,
        amount=str(payment.amount),
        mode=payment.mode,
    )
    logger.info(
        "billing.payment.recorded %s by user %s", payment.number, getattr(recorded_by, "pk", None)
    )
    return payment


@transaction.atomic
def invoice_import(
    *,
    family: Family,
    ledger: str,
    number: str,
    on: date,
    label: str,
    lines,
    kind: str = "FC",
    payer=None,
) -> Invoice:
    """An invoice issued by an earlier system, kept with its number and date; lines are
    (description, quantity, unit price). The sequence goes on after the highest kept;
    ``payer``, the guardian who pays it (None: the family)."""
    if numbering.parse(number)[1] != kind:
        raise ValueError(f"{number} is not the number of a document of kind {kind}")
    _lock_family(family.pk)
    invoice = Invoice(
        establishment_id=family.establishment_id,
        family=family,
        ledger=ledger,
        kind=kind,
        payer=payer,
    )
    invoice.label = label
    invoice.total = sum(
        (line_amount(quantity, price) for _d, quantity, price in lines), Decimal("0.00")
    )
    _keep_number(invoice, number=number, on=on)
    InvoiceLine.objects.bulk_create(
        InvoiceLine(invoice=invoice, position=position, description=d, quantity=q, unit_price=p)
        for position, (d, q, p) in enumerate(lines)
    )
    return invoice


@transaction.atomic
def payment_import(
    *,
    family: Family,
    ledger: str,
    number: str,
    on: date,
    mode: str,
    amount: Decimal,
    label: str = "",
    deposited: bool = False,
    invoices=(),
) -> Payment:
    """A receipt of an earlier system, kept with its number; it settles ``invoices``."""
    if numbering.parse(number)[1] != DocumentKind.RECEIPT:
        raise ValueError(f"{number} is not the number of a receipt")
    _lock_family(family.pk)
    payment = Payment(
        establishment_id=family.establishment_id,
        family=family,
        ledger=ledger,
        mode=mode,
        amount=Decimal(amount),
        label=label,
        deposited=deposited,
    )
    _keep_number(payment, number=number, on=on)
    payment_settle(payment=payment, invoices=invoices)
    return payment


def open_invoices(*, family: Family, ledger: str, guardian=None) -> list[Invoice]:
    """The family's issued invoices of a ledger with something left to pay, oldest first;
    with ``guardian``, those that guardian sees (the family's, and theirs)."""
    invoices = (
        Invoice.objects.for_family(family, guardian=guardian)
        .issued()
        .filter(ledger=ledger, kind=DocumentKind.INVOICE)
        .prefetch_related("settlements", "credit_notes")
        .order_by("date", "pk")
    )
    return [invoice for invoice in invoices if invoice_remaining(invoice) > 0]


ATTEMPT_REUSED_FOR = timedelta(hours=1)


@transaction.atomic
def payment_start(
    *, family: Family, ledger: str, amount: Decimal, provider: str, user
) -> PaymentAttempt:
    """*Payer en ligne*: an attempt for the amount due, under a reference nobody can guess.
    A second click (or a second tab) within the hour goes on with the same attempt, so that
    the family cannot pay the same balance twice (within the first half of its time only:
    a payment started again always has the time to be confirmed)."""
    if amount <= 0:
        raise BillingError(_("Nothing is left to pay in this ledger."))
    Family.objects.select_for_update().filter(pk=family.pk).first()  # one start at a time
    reused_for = min(ATTEMPT_REUSED_FOR, attempt_lifetime() / 2)
    started = PaymentAttempt.objects.filter(
        family=family,
        started_by=user,
        ledger=ledger,
        provider=provider,
        amount=amount,
        status=PaymentAttempt.Status.STARTED,
        created_at__gte=timezone.now() - reused_for,
    ).first()
    if started is not None:
        return started
    return PaymentAttempt.objects.create(
        establishment_id=family.establishment_id,
        family=family,
        ledger=ledger,
        provider=provider,
        reference=secrets.token_urlsafe(24),
        amount=amount,
        currency="EUR",
        started_by=user,
    )


class PaymentOutcome(StrEnum):
    PAID = "paid"
    ALREADY_PAID = "already paid"  # the same confirmation again: nothing more is recorded
    DECLINED = "declined"
    PAID_LATE = "paid late"  # money for an abandoned attempt: recorded on account


@transaction.atomic
def payment_confirm(*, confirmation: Confirmation) -> tuple[PaymentOutcome, PaymentAttempt]:
    """A confirmation whose signature checked: the payment is recorded once, and only when the
    reference, the amount and the currency are those of the attempt. Anything else records
    nothing, is logged and raises ``PaymentRefused``. An abandoned attempt (or one whose time
    is over) is never confirmed: money the provider took for it all the same is recorded on
    account, and the staff are told (``PaymentOutcome.PAID_LATE``)."""
    attempts = PaymentAttempt.objects.filter(
        reference=confirmation.reference, provider=confirmation.provider
    )
    family_id = attempts.values_list("family_id", flat=True).first()
    if family_id is None:
        return _refuse(confirmation, "unknown reference")
    _lock_family(family_id)  # the family first, as every billing write and the anonymisation
    attempt = attempts.select_for_update(of=("self",)).select_related("family").get()
    if attempt.is_overdue():
        _abandon(attempt)  # as the expiry command would have: the same answer either way
    if attempt.status in {PaymentAttempt.Status.PAID, PaymentAttempt.Status.PAID_LATE}:
        if attempt.transaction_id == confirmation.transaction_id and confirmation.paid:
            logger.info("billing.payment.duplicate %s: already recorded", attempt.reference)
            return PaymentOutcome.ALREADY_PAID, attempt
        return _refuse(confirmation, "another confirmation for a paid attempt (replay)")
    if attempt.status == PaymentAttempt.Status.FAILED:
        return _refuse(confirmation, "confirmation for a declined attempt")
    if confirmation.amount != attempt.amount or confirmation.currency != attempt.currency:
        return _refuse(
            confirmation,
            f"amount or currency {confirmation.amount} {confirmation.currency} "
            f"instead of {attempt.amount} {attempt.currency}",
        )
    abandoned = attempt.status == PaymentAttempt.Status.ABANDONED
    if not confirmation.paid:
        if abandoned:  # nothing was charged: the attempt stays abandoned
            logger.info("billing.payment.declined %s (abandoned)", attempt.reference)
            return PaymentOutcome.DECLINED, attempt
        attempt.transaction_id = confirmation.transaction_id
        attempt.status = PaymentAttempt.Status.FAILED
        attempt.save(update_fields=["status", "transaction_id", "updated_at"])
        logger.info("billing.payment.declined %s", attempt.reference)
        return PaymentOutcome.DECLINED, attempt
    attempt.transaction_id = confirmation.transaction_id
    if abandoned:
        attempt.payment = _record_late(attempt)
        attempt.status = PaymentAttempt.Status.PAID_LATE
        attempt.save(update_fields=["status", "transaction_id", "payment", "updated_at"])
        return PaymentOutcome.PAID_LATE, attempt
    attempt.payment = _record_online(attempt)[0]
    attempt.status = PaymentAttempt.Status.PAID
    attempt.save(update_fields=["status", "transaction_id", "payment", "updated_at"])
    return PaymentOutcome.PAID, attempt


def _abandon(attempt: PaymentAttempt) -> None:
    """A started attempt whose time is over: abandoned, audited (the caller holds its lock)."""
    attempt.status = PaymentAttempt.Status.ABANDONED
    attempt.save(update_fields=["status", "updated_at"])
    audit.record(
        action="billing.online_payment.abandoned",
        actor=None,
        establishment_id=attempt.establishment_id,
        obj=attempt,
        amount=str(attempt.amount),
        started=attempt.created_at.isoformat(),
    )
    logger.info("billing.online_payment.abandoned %s", attempt.reference[:64])


def payment_attempts_expire(*, at=None) -> int:
    """The online payments started and not confirmed within ``PAYMENT_EXPIRY_MINUTES`` are
    abandoned: one transaction each, under the family's lock (``manage.py
    expire_payment_attempts``, run every few minutes). Returns how many."""
    at = at or timezone.now()
    overdue = list(
        PaymentAttempt.objects.overdue(at=at).order_by("pk").values_list("pk", "family_id")
    )
    abandoned = 0
    for pk, family_id in overdue:
        with transaction.atomic():
            _lock_family(family_id)
            attempt = (
                PaymentAttempt.objects.overdue(at=at)
                .select_for_update(of=("self",))
                .filter(pk=pk)
                .first()
            )
            if attempt is not None:  # confirmed meanwhile: left as it is
                _abandon(attempt)
                abandoned += 1
    return abandoned


def _record_late(attempt: PaymentAttempt) -> Payment:
    """Money the provider confirmed for an abandoned attempt: the family may have paid
    otherwise meanwhile, so it settles nothing. Its receipt is the paying guardian's credit
    (on account, as when settling fails), audited, and the staff are told by mail to settle
    or refund it."""
    guardian = (
        Guardian.objects.filter(user=attempt.started_by_id).first()
        if attempt.started_by_id
        else None
    )
    payment = payment_record(
        family=attempt.family,
        ledger=attempt.ledger,
        mode=PaymentMode.ONLINE,
        amount=attempt.amount,
        label=str(
            _("Online payment %(transaction)s, received after it expired: on account")
            % {"transaction": attempt.transaction_id}
        )[:200],
        payer=guardian,
        online_attempt=attempt,
    )
    audit.record(
        action="billing.online_payment.paid_late",
        actor=None,
        establishment_id=attempt.establishment_id,
        obj=attempt,
        amount=str(attempt.amount),
        receipt=payment.number,
    )
    logger.warning(
        "billing.online_payment.paid_late %s: recorded on account as %s",
        attempt.reference[:64],
        payment.number,
    )
    establishment = attempt.establishment
    if establishment.email:
        path = reverse("admin:billing_payment_change", args=[payment.pk])
        queue_mail(
            to=establishment.email,
            template="online_payment_late",
            context={
                "attempt": attempt,
                "payment": payment,
                "family": attempt.family,
                "url": f"{settings.PORTAL_URL}{path}" if settings.PORTAL_URL else "",
            },
            language=settings.LANGUAGE_CODE,
            establishment=establishment,
        )
    return payment


def _record_online(attempt: PaymentAttempt) -> list[Payment]:
    """The receipts of a confirmed online payment. What the guardian who paid sees is
    settled, oldest first: the family's invoices and their own. Each payer gets a receipt of
    their own (so that the other guardian's balance does not count what they never saw);
    what is paid beyond the invoices is the paying guardian's credit. A login that no longer
    leads to a guardian pays the family's invoices only. The money is never lost: should
    settling fail, the whole amount is recorded on account."""
    _lock_family(attempt.family_id)
    guardian = (
        Guardian.objects.filter(user=attempt.started_by_id).first()
        if attempt.started_by_id
        else None
    )
    own = getattr(guardian, "pk", None)
    shares: dict[int | None, tuple[list[Invoice], Decimal]] = {}
    left = attempt.amount
    for invoice in open_invoices(family=attempt.family, ledger=attempt.ledger, guardian=guardian):
        if invoice.payer_id not in {None, own}:
            continue  # another guardian's (reached only when no guardian is found)
        share = min(left, invoice_remaining(invoice))
        if share <= 0:
            break
        settled, amount = shares.get(invoice.payer_id, ([], Decimal("0.00")))
        shares[invoice.payer_id] = (settled + [invoice], amount + share)
        left -= share
    if left > 0:
        settled, amount = shares.get(own, ([], Decimal("0.00")))
        shares[own] = (settled, amount + left)
    record = {
        "family": attempt.family,
        "ledger": attempt.ledger,
        "mode": PaymentMode.ONLINE,
        "label": str(_("Online payment %(transaction)s") % {"transaction": attempt.transaction_id}),
        "online_attempt": attempt,
    }
    try:
        with transaction.atomic():
            return [
                payment_record(
                    **record,
                    amount=amount,
                    invoices=settled,
                    payer=guardian if payer_id is not None else None,
                )
                for payer_id, (settled, amount) in sorted(
                    shares.items(), key=lambda item: item[0] or 0
                )
            ]
    except BillingError as error:
        logger.warning("billing.payment.on_account %s: %s", attempt.reference[:64], error.message)
        return [payment_record(**record, amount=attempt.amount, payer=guardian)]


def online_receipts(attempt: PaymentAttempt) -> list[Payment]:
    """The receipts a paid attempt recorded (one per payer of the invoices it settled)."""
    return list(attempt.receipts.order_by("pk"))


def _refuse(confirmation: Confirmation, reason: str):
    logger.warning(
        "billing.payment.refused reference=%s transaction=%s: %s",
        confirmation.reference[:64],
        confirmation.transaction_id[:100],
        reason,
    )
    raise PaymentRefused(reason)


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def family_billing_refusals(*, family: Family) -> list[str]:
    """Why the billing app refuses to anonymise a family now: a ledger whose balance is not
    zero (owed to the establishment, or paid in excess and to be refunded: either way the
    family must still be reachable), or invoices still in draft."""
    from billing.selectors import statement
    from billing.templatetags.billing import money

    invoices = Invoice.objects.for_family(family)
    payments = Payment.objects.for_family(family)
    reasons = []
    # Each payer's balance on its own: a guardian's credit never makes up for the family's debt.
    payers = [(None, "")] + [
        (guardian.pk, str(guardian))
        for guardian in Guardian.objects.filter(
            Q(pk__in=invoices.exclude(payer=None).values("payer"))
            | Q(pk__in=payments.exclude(payer=None).values("payer"))
        ).order_by("pk")
    ]
    for payer_id, payer in payers:
        for ledger, ledger_label in Ledger.choices:
            balance = statement(
                invoices=invoices.filter(payer=payer_id),
                payments=payments.filter(payer=payer_id),
                ledger=ledger,
            ).balance
            if payer:
                ledger_label = _("%(ledger)s, paid by %(guardian)s") % {
                    "ledger": ledger_label,
                    "guardian": payer,
                }
            if balance < 0:
                reasons.append(
                    _("%(ledger)s: %(amount)s is still owed.")
                    % {"ledger": ledger_label, "amount": money(-balance)}
                )
            elif balance > 0:
                reasons.append(
                    _("%(ledger)s: %(amount)s was paid in excess and is to be refunded first.")
                    % {"ledger": ledger_label, "amount": money(balance)}
                )
    # A payment still awaiting its confirmation may yet settle the family's invoices: its
    # money would come for a family nobody can reach. Once its time is over it is abandoned,
    # and money confirmed for it after all is recorded on account for the staff.
    awaiting = (
        PaymentAttempt.objects.for_family(family).awaiting_confirmation().order_by("-created_at")
    )
    last = awaiting.first()
    if last is not None:
        reasons.append(
            _(
                "An online payment started on %(started)s may still be confirmed until "
                "%(until)s: try again after that."
            )
            % {"started": _when(last.created_at), "until": _when(last.expires_at)}
        )
    drafts = invoices.filter(number="").count()
    if drafts:
        reasons.append(
            ngettext(
                "%(count)d invoice in draft: issue or delete it first.",
                "%(count)d invoices in draft: issue or delete them first.",
                drafts,
            )
            % {"count": drafts}
        )
    return reasons


def family_billing_names(*, family: Family) -> list[str]:
    """The names and addresses the family's documents were made out to (earlier names
    included), for the anonymisation to take them out of their labels and lines."""
    names = set()
    for numbered in (Invoice, Payment):
        for name, address in numbered.objects.for_family(family).values_list(
            "family_name", "family_address"
        ):
            names.update((name, *address.splitlines()))
    return sorted(names)


def family_billing_anonymise(*, family: Family, label: str, scrub: Scrubber) -> Erased:
    """The anonymisation's part of the billing app. Invoices, credit notes and payments are
    kept (the accounting law keeps them for ten years), with their numbers, dates, lines and
    amounts; the name they are made out to becomes ``label``, the address is cleared, and the
    family's names are replaced in their labels and lines. Their stored duplicates are deleted
    once the transaction commits: the next request renders them from the anonymised
    snapshot (rendering them here would hold the transaction for seconds)."""
    from billing import pdf

    invoices = list(Invoice.objects.for_family(family).select_for_update().order_by("pk"))
    payments = list(Payment.objects.for_family(family).select_for_update().order_by("pk"))
    for document in (*invoices, *payments):
        document.family_name = label
        document.family_address = ""
        document.label = scrub(document.label)[:200]
    fields = ["family_name", "family_address", "label"]
    Invoice.objects.bulk_update(invoices, fields)
    Payment.objects.bulk_update(payments, fields)
    lines = list(InvoiceLine.objects.filter(invoice__in=[invoice.pk for invoice in invoices]))
    for line in lines:
        line.description = scrub(line.description)[:200]
    InvoiceLine.objects.bulk_update(lines, ["description"])
    documents = [*invoices, *payments]
    transaction.on_commit(lambda: pdf.stored_duplicates_delete(documents))
    return Erased(
        counts={"invoices": len(invoices), "payments": len(payments)},
        kept={
            "billing.Invoice": [invoice.pk for invoice in invoices],
            "billing.Payment": [payment.pk for payment in payments],
        },
    )
