"""Facturation: the two ledgers of the family, the duplicates, the online payment."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.access import family_only, public
from accounts.headers import PDF_POLICY
from accounts.tenancy import family_id_for, get_object_for, scoped
from billing import pdf, services
from billing.exceptions import BillingError, PaymentRefused
from billing.forms import TestCardForm
from billing.models import Invoice, Ledger, Payment, PaymentAttempt
from billing.payments import ConfirmationRefused, get_provider
from billing.payments.test_provider import DECLINED_CARD, TestProvider, confirmation_fields
from billing.selectors import statement
from billing.templatetags.billing import money
from family.models import Family

logger = logging.getLogger(__name__)

TABS = [
    (Ledger.FEES, gettext_lazy("Fee billing")),
    (Ledger.RENTALS, gettext_lazy("Rental billing")),
]


def ledger_statement(request, ledger: str):
    return statement(
        invoices=scoped(request, Invoice), payments=scoped(request, Payment), ledger=ledger
    )


@family_only
@require_safe
def ledger(request, ledger: str = Ledger.FEES):
    """Facturation cotisations / locations: invoices and payments, totals and balance."""
    if ledger not in Ledger.values:
        raise Http404
    current = ledger_statement(request, ledger)
    label = dict(TABS)[ledger]
    return render(
        request,
        "billing/ledger.html",
        {
            "tabs": TABS,
            "tab": ledger,
            "tab_label": label,
            "statement": current,
            "can_pay_online": online_payment_offered(request) and current.amount_due > 0,
            "page_title": _("Billing – %(ledger)s") % {"ledger": label},
        },
    )


def pdf_response(document: Invoice | Payment) -> HttpResponse:
    """The duplicate, shown by the browser's PDF viewer (to print or save) under its number."""
    response = HttpResponse(pdf.duplicate_bytes(document), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.download_name()}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = PDF_POLICY
    return response


@family_only
@require_safe
def invoice_pdf(request, invoice_id: int):
    """The duplicate of one of the family's invoices or credit notes; another's is a 404."""
    queryset = Invoice.objects.issued().select_related("establishment", "corrects")
    return pdf_response(get_object_for(request, queryset, pk=invoice_id))


@family_only
@require_safe
def payment_pdf(request, payment_id: int):
    """The duplicate of one of the family's receipts; another's is a 404."""
    queryset = Payment.objects.issued().select_related("establishment")
    return pdf_response(get_object_for(request, queryset, pk=payment_id))


def _ledger_url(ledger: str) -> str:
    return reverse("billing:ledger", args=[ledger])


def online_payment_offered(request) -> bool:
    return request.user.establishment.online_payment and get_provider() is not None


@family_only
@require_POST
def pay(request, ledger: str):
    """*Payer en ligne*: the balance due of a ledger, at the establishment's provider."""
    if ledger not in Ledger.values:
        raise Http404
    if not online_payment_offered(request):
        messages.error(request, _("Your establishment does not offer online payment."))
        return HttpResponseRedirect(_ledger_url(ledger))
    family = get_object_for(request, Family, pk=family_id_for(request.user))
    due = ledger_statement(request, ledger).amount_due
    provider = get_provider()
    try:
        attempt = services.payment_start(
            family=family, ledger=ledger, amount=due, provider=provider.name, user=request.user
        )
    except BillingError as error:
        messages.info(request, error.message)
        return HttpResponseRedirect(_ledger_url(ledger))
    return provider.start(request, attempt)


@family_only
@require_http_methods(["GET", "POST"])
def test_card(request, reference: str):
    """The test provider's card page: a payment form that moves no money."""
    if not isinstance(get_provider(), TestProvider):
        raise Http404
    attempt = get_object_for(
        request,
        PaymentAttempt.objects.select_related("establishment"),
        reference=reference,
        provider="test",
    )
    if attempt.status == PaymentAttempt.Status.ABANDONED or attempt.is_overdue():
        messages.info(
            request,
            _(
                "This payment has expired: nothing was charged. Start it again from your "
                "ledger if something is left to pay."
            ),
        )
        return HttpResponseRedirect(_ledger_url(attempt.ledger))
    if attempt.status != PaymentAttempt.Status.STARTED:
        messages.info(request, _("This payment is over: its result is in your ledger."))
        return HttpResponseRedirect(_ledger_url(attempt.ledger))
    form = TestCardForm(request.POST or None)
    if request.method == "POST" and request.POST.get("action") == "cancel":
        messages.info(request, _("The payment was cancelled: nothing was charged."))
        return HttpResponseRedirect(_ledger_url(attempt.ledger))
    if request.method == "POST" and form.is_valid():
        fields = confirmation_fields(
            reference=attempt.reference,
            amount=attempt.amount,
            currency=attempt.currency,
            paid=form.cleaned_data["number"] != DECLINED_CARD,
        )
        return render(
            request,
            "billing/test_provider_return.html",
            {"attempt": attempt, "fields": fields, "page_title": _("Test payment provider")},
        )
    return render(
        request,
        "billing/test_provider_card.html",
        {"attempt": attempt, "form": form, "page_title": _("Test payment provider")},
    )


@public
@csrf_exempt  # posted by the provider; its signature is what is checked
@require_POST
def payment_confirm(request):
    """The provider's signed confirmation: records the payment once, or nothing."""
    provider = get_provider()
    if provider is None:
        raise Http404
    try:
        outcome, attempt = services.payment_confirm(confirmation=provider.verify(request.POST))
    except (ConfirmationRefused, PaymentRefused) as error:
        if isinstance(error, ConfirmationRefused):
            logger.warning("billing.payment.refused: %s", error.reason)
        if request.user.is_authenticated and family_id_for(request.user):
            messages.error(
                request,
                _(
                    "The payment confirmation could not be checked: nothing was recorded. "
                    "If you were charged, contact the administrative staff."
                ),
            )
            # Back to the ledger the family was paying, when the reference is one of theirs.
            attempt = (
                scoped(request, PaymentAttempt)
                .filter(reference=str(request.POST.get("reference", ""))[:64])
                .first()
            )
            return HttpResponseRedirect(_ledger_url(attempt.ledger if attempt else Ledger.FEES))
        return HttpResponse("refused", status=400, content_type="text/plain")
    if not (request.user.is_authenticated and family_id_for(request.user) == attempt.family_id):
        return HttpResponse("ok", content_type="text/plain")
    if outcome == services.PaymentOutcome.DECLINED:
        messages.error(request, _("The payment was declined: nothing was charged."))
    elif attempt.status == PaymentAttempt.Status.PAID_LATE:
        messages.warning(
            request,
            _(
                "Your payment of %(amount)s reached us after its time was over: it is "
                "recorded on account, receipt %(number)s, and the administrative staff "
                "have been told."
            )
            % {"amount": money(attempt.amount), "number": attempt.payment.number},
        )
    else:
        receipts = [payment.number for payment in services.online_receipts(attempt)]
        messages.success(
            request,
            ngettext(
                "Thank you: your payment of %(amount)s is recorded, receipt %(numbers)s.",
                "Thank you: your payment of %(amount)s is recorded, receipts %(numbers)s.",
                len(receipts),
            )
            % {"amount": money(attempt.amount), "numbers": ", ".join(receipts)},
        )
    return HttpResponseRedirect(_ledger_url(attempt.ledger))
