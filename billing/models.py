"""Invoices, credit notes and payments of the two ledgers (fees, rentals), their numbering
sequences and the online payment attempts.

An issued document is a snapshot: its number, date, lines, total and both addresses never
change again, and it is never deleted; a correction is a credit note (``billing.services``).
"""

from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TenantModel, TenantQuerySet, check_same_establishment

MONEY = {"max_digits": 12, "decimal_places": 2}
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal("9999999999.99")  # what a MONEY column holds


class Ledger(models.TextChoices):
    FEES = "cotisations", _("Fees")
    RENTALS = "locations", _("Rentals")


class DocumentKind(models.TextChoices):
    """The letters of a number: 12FC01618 is the 1618th invoice of 2012."""

    INVOICE = "FC", _("Invoice")
    RECEIPT = "RC", _("Receipt")
    CREDIT_NOTE = "AV", _("Credit note")


class NumberSequence(TenantModel):
    """The last number given, per establishment, kind and calendar year (both ledgers share it)."""

    kind = models.CharField(_("kind"), max_length=2, choices=DocumentKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "kind", "year"], name="one_sequence_per_kind_and_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.kind} {self.last}"


class NumberedQuerySet(TenantQuerySet):
    def issued(self):
        return self.exclude(number="")


class Numbered(TenantModel):
    """What invoices and payments share: a family, a ledger, a number once issued, a duplicate."""

    family = models.ForeignKey(
        "family.Family", verbose_name=_("family"), on_delete=models.PROTECT, related_name="+"
    )
    ledger = models.CharField(
        _("ledger"), max_length=12, choices=Ledger.choices, default=Ledger.FEES
    )
    number = models.CharField(_("number"), max_length=20, blank=True, editable=False)
    year = models.PositiveSmallIntegerField(_("year of the number"), null=True, editable=False)
    sequence = models.PositiveIntegerField(_("sequence"), null=True, editable=False)
    date = models.DateField(
        _("date"), null=True, blank=True, help_text=_("Left empty: the day it is recorded.")
    )
    label = models.CharField(_("label"), max_length=200, blank=True)
    issuer_name = models.CharField(
        _("establishment's name"), max_length=150, blank=True, editable=False
    )
    issuer_address = models.TextField(_("establishment's address"), blank=True, editable=False)
    family_name = models.CharField(_("family's name"), max_length=200, blank=True, editable=False)
    family_address = models.TextField(_("family's address"), blank=True, editable=False)
    issued_at = models.DateTimeField(_("issued on"), null=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    payer = models.ForeignKey(
        "family.Guardian",
        verbose_name=_("paid by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_(
            "The guardian who pays it, the only one to see it on the portal. Empty: every "
            "guardian of the family."
        ),
    )

    tenant_family_path = "family"
    tenant_payer_path = "payer"
    objects = NumberedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.number or str(_("draft %(id)s") % {"id": self.pk})

    @property
    def is_issued(self) -> bool:
        return bool(self.number)

    def clean(self):
        check_same_establishment(self, "family", "payer")
        if self.payer_id and self.family_id and self.payer.family_id != self.family_id:
            raise ValidationError({"payer": _("The payer must be a guardian of the family.")})

    def download_name(self) -> str:
        return f"{self.number}.pdf"

    def delete(self, *args, **kwargs):
        if self.is_issued:
            raise ValidationError(_("An issued document is never deleted; issue a credit note."))
        return super().delete(*args, **kwargs)


class Invoice(Numbered):
    """An invoice (FC) or a credit note (AV) of one ledger; a draft until issued."""

    kind = models.CharField(
        _("kind"),
        max_length=2,
        choices=[
            (DocumentKind.INVOICE, DocumentKind.INVOICE.label),
            (DocumentKind.CREDIT_NOTE, DocumentKind.CREDIT_NOTE.label),
        ],
        default=DocumentKind.INVOICE,
    )
    total = models.DecimalField(_("total"), default=Decimal("0.00"), editable=False, **MONEY)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects the invoice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        limit_choices_to={"kind": DocumentKind.INVOICE},
        help_text=_("Credit notes only: the issued invoice it corrects."),
    )

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "number"],
                condition=~Q(number=""),
                name="invoice_number_unique_in_establishment",
            )
        ]
        indexes = [models.Index(fields=["establishment", "family", "ledger", "date"])]

    def clean(self):
        super().clean()
        check_same_establishment(self, "corrects")
        if self.kind == DocumentKind.CREDIT_NOTE and self.corrects_id is None:
            raise ValidationError({"corrects": _("A credit note says which invoice it corrects.")})
        if self.kind == DocumentKind.INVOICE and self.corrects_id is not None:
            raise ValidationError({"corrects": _("Only a credit note corrects an invoice.")})
        if self.corrects_id and self.corrects.family_id != self.family_id:
            raise ValidationError({"corrects": _("This invoice is another family's.")})
        if self.corrects_id and self.corrects.ledger != self.ledger:
            raise ValidationError({"corrects": _("This invoice is of the other ledger.")})
        if self.corrects_id and self.corrects.payer_id != self.payer_id:
            raise ValidationError(
                {"payer": _("A credit note has the payer of the invoice it corrects.")}
            )

    @property
    def is_credit_note(self) -> bool:
        return self.kind == DocumentKind.CREDIT_NOTE

    @property
    def signed_total(self) -> Decimal:
        """What it adds to the amount invoiced: a credit note takes away."""
        return -self.total if self.is_credit_note else self.total


class InvoiceLine(models.Model):
    """One line of an invoice: reached through its invoice, never on its own."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    description = models.CharField(_("description"), max_length=200)
    quantity = models.DecimalField(
        _("quantity"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("10000"))],
    )
    unit_price = models.DecimalField(
        _("unit price"),
        max_digits=9,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000000"))],
    )

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")

    def __str__(self) -> str:
        return self.description

    @property
    def amount(self) -> Decimal:
        return line_amount(self.quantity, self.unit_price)


def line_amount(quantity, unit_price) -> Decimal:
    """Quantity × unit price, to the cent (half up, as on a till)."""
    if quantity is None or unit_price is None:
        return Decimal("0.00")
    return (Decimal(quantity) * Decimal(unit_price)).quantize(CENT, rounding="ROUND_HALF_UP")


class PaymentMode(models.TextChoices):
    CHEQUE = "cheque", _("Cheque")
    CASH = "especes", _("Cash")
    CARD = "carte", _("Card")
    TRANSFER = "virement", _("Bank transfer")
    DIRECT_DEBIT = "prelevement", _("Direct debit")
    ONLINE = "en_ligne", _("Online")


class Payment(Numbered):
    """A payment received and its receipt (RC), numbered when recorded."""

    mode = models.CharField(_("payment method"), max_length=12, choices=PaymentMode.choices)
    amount = models.DecimalField(
        _("amount"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY
    )
    invoices = models.ManyToManyField(
        Invoice,
        verbose_name=_("invoices settled"),
        through="Settlement",
        blank=True,
        related_name="payments",
    )
    deposited = models.BooleanField(
        _("paid in at the bank"),
        default=False,
        help_text=_("To tick once the cheque or the cash is paid in at the bank (remise)."),
    )
    online_attempt = models.ForeignKey(
        "PaymentAttempt",
        verbose_name=_("online payment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="receipts",
        help_text=_("The online payment it records (one receipt per payer of what it settled)."),
    )

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "number"],
                condition=~Q(number=""),
                name="payment_number_unique_in_establishment",
            )
        ]
        indexes = [models.Index(fields=["establishment", "family", "ledger", "date"])]


class Settlement(models.Model):
    """How much of a payment goes to one invoice (what is not settled is paid on account)."""

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.CASCADE, related_name="settlements"
    )
    invoice = models.ForeignKey(
        Invoice,
        verbose_name=_("invoice"),
        on_delete=models.PROTECT,
        related_name="settlements",
        limit_choices_to={"kind": DocumentKind.INVOICE},
    )
    amount = models.DecimalField(
        _("amount settled"), validators=[MinValueValidator(Decimal("0.01"))], **MONEY
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("invoice settled")
        verbose_name_plural = _("invoices settled")
        constraints = [
            models.UniqueConstraint(fields=["payment", "invoice"], name="settle_an_invoice_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="settlement_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} ← {self.payment}"


def attempt_lifetime() -> timedelta:
    """How long a started online payment waits for its confirmation before it is abandoned."""
    return timedelta(minutes=settings.PAYMENT_EXPIRY_MINUTES)


class PaymentAttemptQuerySet(TenantQuerySet):
    def awaiting_confirmation(self, *, at: datetime | None = None):
        """Started, and still within their time: the provider may still confirm them."""
        at = at or timezone.now()
        return self.filter(
            status=PaymentAttempt.Status.STARTED, created_at__gt=at - attempt_lifetime()
        )

    def overdue(self, *, at: datetime | None = None):
        """Started, their time over, not marked abandoned yet."""
        at = at or timezone.now()
        return self.filter(
            status=PaymentAttempt.Status.STARTED, created_at__lte=at - attempt_lifetime()
        )


class PaymentAttempt(TenantModel):
    """A family's online payment, from *Payer en ligne* to the provider's signed confirmation.
    The payment is recorded once, when a confirmation that checks in every way arrives; an
    attempt left unconfirmed past ``PAYMENT_EXPIRY_MINUTES`` is abandoned, and money confirmed
    for it afterwards is recorded on account for the staff to look at."""

    class Status(models.TextChoices):
        STARTED = "started", _("started")
        PAID = "paid", _("paid")
        FAILED = "failed", _("failed")
        ABANDONED = "abandoned", _("abandoned")
        PAID_LATE = "paid_late", _("paid after it was abandoned")

    family = models.ForeignKey(
        "family.Family", verbose_name=_("family"), on_delete=models.PROTECT, related_name="+"
    )
    ledger = models.CharField(_("ledger"), max_length=12, choices=Ledger.choices)
    provider = models.CharField(_("provider"), max_length=30)
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.STARTED
    )
    transaction_id = models.CharField(_("provider's transaction"), max_length=100, blank=True)
    payment = models.OneToOneField(
        Payment,
        verbose_name=_("payment recorded"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attempt",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated on"), auto_now=True)

    tenant_family_path = "family"
    # A guardian reaches the online payments they started (the family's other guardian
    # pays what they see from their own login).
    tenant_guardian_path = "started_by__guardian"
    objects = PaymentAttemptQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("online payment")
        verbose_name_plural = _("online payments")

    def __str__(self) -> str:
        return self.reference

    @property
    def expires_at(self) -> datetime:
        """When a started attempt is abandoned if no confirmation came."""
        return self.created_at + attempt_lifetime()

    def is_overdue(self, at: datetime | None = None) -> bool:
        return self.status == self.Status.STARTED and self.expires_at <= (at or timezone.now())
