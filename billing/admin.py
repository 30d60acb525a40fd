"""The staff's side of billing: draft invoices with their lines, issuing (numbers), credit
notes, payments, online payments, duplicates and the CSV export of a ledger."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.exports import csv_response, spreadsheet_safe
from accounts.tenancy import TenantAdminMixin, staff_scope
from billing import services
from billing.exceptions import BillingError
from billing.models import Invoice, InvoiceLine, Ledger, Payment, PaymentAttempt
from billing.views import pdf_response


class InvoiceLineForm(forms.ModelForm):
    class Meta:
        model = InvoiceLine
        fields = ["position", "description", "quantity", "unit_price"]
        localized_fields = ["quantity", "unit_price"]


class InvoiceLineInline(admin.TabularInline):
    """The lines of a draft; an issued invoice's lines are shown, never changed."""

    model = InvoiceLine
    form = InvoiceLineForm
    extra = 1
    fields = ["position", "description", "quantity", "unit_price", "line_amount"]
    readonly_fields = ["line_amount"]

    @admin.display(description=_("amount"))
    def line_amount(self, line):
        return line.amount if line.pk else "—"

    def _editable(self, obj) -> bool:
        return obj is None or not obj.is_issued

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class DuplicateLinkMixin:
    """A link to the duplicate (PDF) of an issued document, served through the admin."""

    pdf_url_name = ""

    @admin.display(description=_("duplicate"))
    def duplicate(self, obj):
        if not obj.pk or not obj.is_issued:
            return "—"
        url = reverse(f"admin:{self.pdf_url_name}", args=[obj.pk])
        return format_html('<a href="{}">{} (PDF)</a>', url, obj.number)

    def get_urls(self):
        return [
            path(
                "<int:object_id>/duplicata.pdf",
                self.admin_site.admin_view(self.pdf_view),
                name=self.pdf_url_name,
            ),
            *super().get_urls(),
        ]

    def pdf_view(self, request, object_id: int):
        if not self.has_view_permission(request):
            raise Http404
        document = get_object_or_404(self.get_queryset(request).issued(), pk=object_id)
        return pdf_response(document)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_issued:
            return False  # never deleted: a credit note corrects an invoice
        return super().has_delete_permission(request, obj)


def ledger_csv(request, *, ledger: str, invoices, payments):
    """Every issued document of one ledger the staff member manages, oldest first."""
    response, writer = csv_response(f"{ledger}.csv")
    writer.writerow(
        [
            gettext("Date"),
            gettext("Family"),
            gettext("Payment method"),
            gettext("Operation number"),
            gettext("Label"),
            gettext("Debit"),
            gettext("Credit"),
            gettext("Paid in"),
        ]
    )
    rows = [
        (i.date, i.family.name, "", i.number, i.label, i.signed_total, "", "")
        for i in invoices.issued().filter(ledger=ledger).select_related("family")
    ]
    rows += [
        (
            p.date,
            p.family.name,
            p.get_mode_display(),
            p.number,
            p.label,
            "",
            p.amount,
            gettext("yes") if p.deposited else gettext("no"),
        )
        for p in payments.issued().filter(ledger=ledger).select_related("family")
    ]
    rows.sort(key=lambda row: (row[0], row[3]))
    for on, family, mode, number, label, debit, credit, deposited in rows:
        writer.writerow(
            [
                date_format(on, "SHORT_DATE_FORMAT"),
                spreadsheet_safe(family),
                mode,
                number,
                spreadsheet_safe(label),
                debit,  # amounts are numbers, written as such (a minus sign included)
                credit,
                deposited,
            ]
        )
    return response


@admin.register(Invoice)
class InvoiceAdmin(DuplicateLinkMixin, TenantAdminMixin, admin.ModelAdmin):
    """Invoices and credit notes: drafts are edited, issuing gives the number and freezes them."""

    pdf_url_name = "billing_invoice_pdf"
    list_display = ["__str__", "date", "family", "ledger", "kind", "label", "total", "issued"]
    list_filter = ["ledger", "kind", "date", "establishment"]
    search_fields = ["number", "label", "family__name"]
    autocomplete_fields = ["family", "corrects"]
    inlines = [InvoiceLineInline]
    actions = ["issue_selected", "credit_selected"]
    date_hierarchy = "date"
    change_list_template = "admin/billing/invoice/change_list.html"

    @admin.display(description=_("issued"), boolean=True)
    def issued(self, invoice):
        return invoice.is_issued

    def get_fields(self, request, obj=None):
        fields = ["establishment", "family", "ledger", "kind", "corrects", "label"]
        if obj is not None and obj.is_issued:
            return [
                "number",
                "date",
                *fields,
                "total",
                "duplicate",
                "family_name",
                "family_address",
                "issuer_name",
                "issuer_address",
                "issued_at",
                "issued_by",
            ]
        return fields

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_issued:
            return self.get_fields(request, obj)
        return []

    def get_urls(self):
        return [
            path(
                "export/<slug:ledger>/",
                self.admin_site.admin_view(self.export_view),
                name="billing_ledger_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request, ledger: str):
        if ledger not in Ledger.values or not self.has_view_permission(request):
            raise Http404
        payments = staff_scope(Payment.objects.all(), request.user)
        return ledger_csv(
            request, ledger=ledger, invoices=self.get_queryset(request), payments=payments
        )

    def changelist_view(self, request, extra_context=None):
        exports = [
            (reverse("admin:billing_ledger_export", args=[value]), label)
            for value, label in Ledger.choices
        ]
        return super().changelist_view(request, {**(extra_context or {}), "exports": exports})

    @admin.action(description=_("Issue the selected drafts (numbers them)"), permissions=["change"])
    def issue_selected(self, request, queryset):
        issued, errors = 0, []
        for invoice in queryset.order_by("pk"):
            try:
                services.invoice_issue(invoice=invoice, issued_by=request.user)
                issued += 1
            except BillingError as error:
                errors.append(f"{invoice}: {error.message}")
        if issued:
            self.message_user(request, gettext("%(count)d document(s) issued.") % {"count": issued})
        for error in errors:
            self.message_user(request, error, messages.ERROR)

    @admin.action(
        description=_("Cancel the selected invoices with a credit note"), permissions=["change"]
    )
    def credit_selected(self, request, queryset):
        for invoice in queryset.order_by("pk"):
            try:
                note = services.credit_note_for(invoice=invoice, issued_by=request.user)
            except BillingError as error:
                self.message_user(request, f"{invoice}: {error.message}", messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext("%(invoice)s: credit note %(note)s issued.")
                    % {"invoice": invoice, "note": note.number},
                )


class PaymentAdminForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = ["establishment", "family", "ledger", "date", "mode", "amount", "label"]
        fields += ["invoices", "deposited"]
        localized_fields = ["amount"]  # "50,00" in French, as staff type it

    def clean(self):
        cleaned = super().clean()
        family, ledger = cleaned.get("family"), cleaned.get("ledger")
        for invoice in cleaned.get("invoices") or []:
            if family and (invoice.family_id != family.pk or invoice.ledger != ledger):
                raise ValidationError(
                    {
                        "invoices": gettext(
                            "%(invoice)s is not an invoice of %(family)s, %(ledger)s."
                        )
                        % {
                            "invoice": invoice,
                            "family": family,
                            "ledger": dict(Ledger.choices)[ledger] if ledger else "",
                        }
                    }
                )
            if not invoice.is_issued:
                raise ValidationError(
                    {"invoices": gettext("%(invoice)s is a draft.") % {"invoice": invoice}}
                )
        return cleaned


@admin.register(Payment)
class PaymentAdmin(DuplicateLinkMixin, TenantAdminMixin, admin.ModelAdmin):
    """Payments received: recording one numbers its receipt; afterwards only the paid-in
    (remise) box changes."""

    form = PaymentAdminForm
    pdf_url_name = "billing_payment_pdf"
    list_display = ["number", "date", "family", "ledger", "mode", "label", "amount", "deposited"]
    list_filter = ["ledger", "mode", "deposited", "date", "establishment"]
    search_fields = ["number", "label", "family__name"]
    autocomplete_fields = ["family", "invoices"]
    date_hierarchy = "date"
    actions = ["mark_deposited"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.pk:
            return [
                "number",
                "establishment",
                "family",
                "ledger",
                "date",
                "mode",
                "amount",
                "label",
                "invoices",
                "duplicate",
                "issued_by",
            ]
        return []

    def get_fields(self, request, obj=None):
        if obj is not None and obj.pk:
            return [*self.get_readonly_fields(request, obj), "deposited"]
        return super().get_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["deposited"])
            return
        with transaction.atomic():
            services.payment_issue(payment=obj, recorded_by=request.user)

    @admin.action(description=_("Mark the selected payments as paid in"), permissions=["change"])
    def mark_deposited(self, request, queryset):
        count = queryset.filter(deposited=False).update(deposited=True)
        self.message_user(
            request, gettext("%(count)d payment(s) marked as paid in.") % {"count": count}
        )


@admin.register(PaymentAttempt)
class PaymentAttemptAdmin(TenantAdminMixin, admin.ModelAdmin):
    """Online payments as the provider reported them: read only."""

    list_display = ["reference", "created_at", "family", "ledger", "amount", "status", "payment"]
    list_filter = ["status", "ledger", "establishment"]
    search_fields = ["reference", "transaction_id", "family__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
