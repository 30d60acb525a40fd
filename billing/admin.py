"""The staff's side of billing: draft invoices with their lines, issuing (numbers), credit
notes, payments, online payments, duplicates and the CSV export of a ledger."""

import copy
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_a11y import LabelledWidgetsMixin
from accounts.admin_readonly import ReadOnlyAdminMixin
from accounts.exports import csv_response, spreadsheet_safe
from accounts.tenancy import TenantAdminMixin, staff_scope
from billing import services
from billing.admin_forms import PaymentAdminForm, PaymentFamilyForm, payable_families
from billing.exceptions import BillingError
from billing.models import DocumentKind, Invoice, InvoiceLine, Ledger, Payment, PaymentAttempt
from billing.templatetags.billing import money
from billing.views import pdf_response
from family.models import Family, Guardian

DRAFT_FIELDS = ["establishment", "family", "payer", "ledger", "kind", "corrects", "date", "label"]


class InvoiceLineForm(forms.ModelForm):
    class Meta:
        model = InvoiceLine
        fields = ["description", "quantity", "unit_price"]
        localized_fields = ["quantity", "unit_price"]  # "12,50" in French, as staff type it


class InvoiceLineInline(LabelledWidgetsMixin, admin.TabularInline):
    """The lines of a draft; an issued invoice's lines are shown, never changed."""

    model = InvoiceLine
    form = InvoiceLineForm
    extra = 1
    fields = ["description", "quantity", "unit_price", "line_amount"]
    readonly_fields = ["line_amount"]

    @admin.display(description=_("amount"))
    def line_amount(self, line):
        return money(line.amount) if line.pk else "—"

    def _editable(self, obj) -> bool:
        return obj is None or not obj.is_issued

    def has_add_permission(self, request, obj=None):
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(obj) and super().has_delete_permission(request, obj)


class IssuedDocumentAdmin(TenantAdminMixin, admin.ModelAdmin):
    """What invoices and payments share: the duplicate (served through the admin) and no
    deletion once issued (the bulk deletion is replaced by one that keeps issued documents)."""

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

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_issued:
            return False  # never deleted: a credit note corrects an invoice
        return super().has_delete_permission(request, obj)


def ledger_csv(request, *, ledger: str, invoices, payments):
    """Every issued document of one ledger the staff member manages, oldest first, amounts
    written the way the reader's spreadsheet reads them ("200,00" in French)."""
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
    order = {DocumentKind.INVOICE: 0, DocumentKind.CREDIT_NOTE: 1, DocumentKind.RECEIPT: 2}
    rows = [
        (i.date, order[i.kind], i.number, i.family.name, "", i.label, i.signed_total, None, "")
        for i in invoices.issued().filter(ledger=ledger).select_related("family")
    ]
    rows += [
        (
            p.date,
            order[DocumentKind.RECEIPT],
            p.number,
            p.family.name,
            p.get_mode_display(),
            p.label,
            None,
            p.amount,
            gettext("yes") if p.deposited else gettext("no"),
        )
        for p in payments.issued().filter(ledger=ledger).select_related("family")
    ]
    rows.sort(key=lambda row: row[:3])
    for on, _order, number, family, mode, label, debit, credit, deposited in rows:
        writer.writerow(
            [
                date_format(on, "SHORT_DATE_FORMAT"),
                spreadsheet_safe(family),
                mode,
                number,
                spreadsheet_safe(label),
                # Our own amounts, written as numbers (a minus sign included).
                "" if debit is None else number_format(debit, 2),
                "" if credit is None else number_format(credit, 2),
                deposited,
            ]
        )
    return response


@admin.register(Invoice)
class InvoiceAdmin(IssuedDocumentAdmin):
    """Invoices and credit notes: drafts are edited, issuing gives the number and freezes them."""

    pdf_url_name = "billing_invoice_pdf"
    list_display = ["__str__", "date", "family", "ledger", "kind", "amount", "state"]
    list_filter = ["ledger", "kind", "date", "establishment"]
    search_fields = ["number", "label", "family__name"]
    autocomplete_fields = ["family", "payer", "corrects"]
    inlines = [InvoiceLineInline]
    actions = ["issue_selected", "credit_selected", "delete_drafts"]
    date_hierarchy = "date"
    change_list_template = "admin/billing/invoice/change_list.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("family")
            .prefetch_related("lines", "credit_notes", "settlements")
        )

    @admin.display(description=_("amount"))
    def amount(self, invoice):
        if invoice.is_issued:
            return money(invoice.total)
        return money(sum((line.amount for line in invoice.lines.all()), Decimal("0.00")))

    @admin.display(description=_("state"))
    def state(self, invoice):
        if not invoice.is_issued:
            return gettext("draft")
        if invoice.is_credit_note:
            return gettext("issued")
        notes = [note for note in invoice.credit_notes.all() if note.is_issued]
        if notes and sum(note.total for note in notes) >= invoice.total:
            return gettext("cancelled by %(numbers)s") % {
                "numbers": ", ".join(note.number for note in notes)
            }
        left = services.invoice_remaining(invoice)
        if left <= 0:
            return gettext("paid")
        return gettext("issued, %(amount)s left to pay") % {"amount": money(left)}

    @admin.display(description=_("payments and credit notes"))
    def settled_by(self, invoice):
        rows = [
            (s.payment.number, s.payment.get_mode_display(), money(s.amount))
            for s in invoice.settlements.select_related("payment")
        ]
        rows += [
            (note.number, gettext("Credit note"), money(note.total))
            for note in invoice.credit_notes.issued()
        ]
        if not rows:
            return "—"
        items = (
            (gettext("%(number)s – %(kind)s: %(amount)s") % {"number": n, "kind": k, "amount": a},)
            for n, k, a in rows
        )
        return format_html_join(mark_safe("<br>"), "{}", items)

    def get_fields(self, request, obj=None):
        if obj is not None and obj.is_issued:
            return [
                "number",
                "state",
                "establishment",
                "family",
                "payer",
                "ledger",
                "kind",
                "corrects",
                "date",
                "label",
                "amount",
                "settled_by",
                "duplicate",
                "family_name",
                "family_address",
                "issuer_name",
                "issuer_address",
                "issued_at",
                "issued_by",
            ]
        return DRAFT_FIELDS

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_issued:
            return self.get_fields(request, obj)
        return []

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_issued:
            return False  # shown, never changed
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.save()
            return
        # Issued meanwhile (the list's action, a colleague)? Nothing of the draft is written.
        current = Invoice.objects.select_for_update().get(pk=obj.pk)
        if current.is_issued:
            request._billing_issued_meanwhile = True
            self.message_user(
                request,
                gettext("%(number)s was issued meanwhile: your changes were not saved.")
                % {"number": current.number},
                messages.ERROR,
            )
            return
        obj.save(update_fields=DRAFT_FIELDS)

    def save_formset(self, request, form, formset, change):
        if getattr(request, "_billing_issued_meanwhile", False):
            # Nothing saved: the change message says so too.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            return
        super().save_formset(request, form, formset, change)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") in {"payment", "invoice"}:
            # The invoices a payment settles, or a credit note corrects: issued invoices only.
            queryset = queryset.issued().filter(kind=DocumentKind.INVOICE)
        return queryset, may_have_duplicates

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

    def _report(self, request, done: str, errors: list[tuple[object, str]]):
        if done:
            self.message_user(request, done)
        for document, error in errors:
            self.message_user(
                request,
                gettext("%(document)s: %(error)s") % {"document": document, "error": error},
                messages.ERROR,
            )

    @admin.action(description=_("Issue the selected drafts (numbers them)"), permissions=["change"])
    def issue_selected(self, request, queryset):
        issued, errors = 0, []
        for invoice in queryset.order_by("pk"):
            try:
                services.invoice_issue(invoice=invoice, issued_by=request.user)
                issued += 1
            except BillingError as error:
                errors.append((invoice, error.message))
        done = gettext("%(count)d document(s) issued.") % {"count": issued} if issued else ""
        self._report(request, done, errors)

    @admin.action(
        description=_("Cancel the selected invoices with a credit note"), permissions=["change"]
    )
    def credit_selected(self, request, queryset):
        invoices = queryset.issued().filter(kind=DocumentKind.INVOICE).order_by("pk")
        if "apply" not in request.POST:
            return render(
                request,
                "admin/billing/invoice/confirm_credit.html",
                {
                    **self.admin_site.each_context(request),
                    "title": gettext("Cancel invoices with credit notes"),
                    "invoices": invoices,
                    "left": queryset.count() - invoices.count(),
                    "opts": self.model._meta,
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                    "back_url": reverse("admin:billing_invoice_changelist"),
                },
            )
        notes, errors = [], []
        for invoice in invoices:
            try:
                notes.append(services.credit_note_for(invoice=invoice, issued_by=request.user))
            except BillingError as error:
                errors.append((invoice, error.message))
        done = ""
        if notes:
            done = gettext("Credit note(s) issued: %(numbers)s.") % {
                "numbers": ", ".join(note.number for note in notes)
            }
        self._report(request, done, errors)
        return None

    @admin.action(description=_("Delete the selected drafts"), permissions=["delete"])
    def delete_drafts(self, request, queryset):
        drafts = queryset.filter(number="")
        kept = queryset.count() - drafts.count()
        count = len(drafts)
        for draft in drafts:
            draft.delete()
        message = gettext("%(count)d draft(s) deleted.") % {"count": count}
        if kept:
            message += " " + gettext(
                "%(count)d issued document(s) kept: an issued document is corrected by a "
                "credit note, never deleted."
            ) % {"count": kept}
        self.message_user(request, message)


@admin.register(Payment)
class PaymentAdmin(IssuedDocumentAdmin):
    """Payments received: recording one numbers its receipt; afterwards only the paid-in
    (remise) box changes."""

    form = PaymentAdminForm
    pdf_url_name = "billing_payment_pdf"
    list_display = ["number", "date", "family", "ledger", "mode", "paid", "settled_numbers"]
    list_display += ["deposited"]
    list_filter = ["ledger", "mode", "deposited", "date", "establishment"]
    search_fields = ["number", "label", "family__name"]
    date_hierarchy = "date"
    actions = ["mark_deposited"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("family")
            .prefetch_related("settlements__invoice")
        )

    @admin.display(description=_("amount"), ordering="amount")
    def paid(self, payment):
        return money(payment.amount)

    @admin.display(description=_("invoices settled"))
    def settled(self, payment):
        return ", ".join(
            f"{s.invoice.number} ({money(s.amount)})" for s in payment.settlements.all()
        ) or gettext("on account")

    @admin.display(description=_("invoices settled"))
    def settled_numbers(self, payment):
        return ", ".join(s.invoice.number for s in payment.settlements.all()) or gettext(
            "on account"
        )

    def chosen_family(self, request) -> Family | None:
        """The family a new payment is recorded for: the one posted, or the first step's."""
        data = request.POST if request.method == "POST" else request.GET
        value = str(data.get("family", ""))
        if not (value.isascii() and value.isdigit()):
            return None
        return payable_families(request.user).filter(pk=value).first()

    def add_view(self, request, form_url="", extra_context=None):
        """Recording a payment starts with the family who paid (a form that needs no
        JavaScript), so that the payment's form offers that family's invoices only."""
        if (
            request.method == "GET"
            and self.has_add_permission(request)
            and self.chosen_family(request) is None
        ):
            return self.family_step(request)
        return super().add_view(request, form_url, extra_context)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        family = self.chosen_family(request)
        if family is not None and "ledger" not in initial:
            # The ledger of what the family owes, when it owes in one ledger only.
            owed = [
                ledger
                for ledger in Ledger.values
                if services.open_invoices(family=family, ledger=ledger)
            ]
            if len(owed) == 1:
                initial["ledger"] = owed[0]
        return initial

    def family_step(self, request):
        bound = "family" in request.GET
        form = PaymentFamilyForm(request.GET if bound else None, user=request.user)
        if bound:
            form.is_valid()  # an unknown or another establishment's family: said next to it
        title = gettext("Record a payment: the family")
        return render(
            request,
            "admin/billing/payment/choose_family.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "errors_title": bound and bool(form.errors),
                "form": form,
                "kept": [(k, v) for k, v in request.GET.items() if k != "family"],
                "opts": self.model._meta,
                "has_view_permission": self.has_view_permission(request),
            },
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None or "family" not in form.base_fields:
            return form  # a recorded payment: read only, but its paid-in box
        fields = form.base_fields
        # A field of its own for this request: the declared one is shared by every form.
        fields["settles"] = settles = copy.deepcopy(fields["settles"])
        settles.queryset = staff_scope(
            Invoice.objects.issued().filter(kind=DocumentKind.INVOICE), request.user
        ).prefetch_related("settlements", "credit_notes")
        families = payable_families(request.user)
        family = self.chosen_family(request)
        fields["family"].widget = forms.Select()
        fields["payer"].widget = forms.Select()
        if family is None:
            fields["family"].queryset = families
            fields["payer"].queryset = Guardian.objects.none()
            return form
        fields["family"].queryset = families.filter(pk=family.pk)
        fields["family"].empty_label = None
        fields["family"].help_text = format_html(
            '<a href="{}">{}</a>',
            reverse("admin:billing_payment_add"),
            gettext("Record a payment of another family"),
        )
        fields["establishment"].queryset = fields["establishment"].queryset.filter(
            pk=family.establishment_id
        )
        fields["establishment"].empty_label = None
        fields["payer"].queryset = Guardian.objects.filter(family=family).order_by("pk")
        fields["payer"].empty_label = gettext("the family (every guardian)")
        open_invoices = [
            invoice
            for ledger in Ledger.values
            for invoice in services.open_invoices(family=family, ledger=ledger)
        ]
        settles.offer(open_invoices)
        if not open_invoices:
            settles.help_text = gettext(
                "%(family)s has no invoice left to pay: the payment is recorded on account."
            ) % {"family": family}
        return form

    def get_fields(self, request, obj=None):
        if obj is not None and obj.pk:
            return [*self.get_readonly_fields(request, obj), "deposited"]
        return [*PaymentAdminForm.Meta.fields[:-1], "settles", "deposited"]

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
                "settled",
                "duplicate",
                "issued_by",
            ]
        return []

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=["deposited"])
            return
        with transaction.atomic():
            services.payment_issue(payment=obj, recorded_by=request.user)
            try:
                with transaction.atomic():
                    left = services.payment_settle(
                        payment=obj, invoices=form.cleaned_data.get("settles") or []
                    )
            except BillingError as error:
                # The invoices changed since the form was checked (another payer meanwhile):
                # the payment is kept, on account, for the staff to settle.
                left = Decimal("0.00")
                self.message_user(
                    request,
                    gettext("%(number)s is recorded on account: %(reason)s")
                    % {"number": obj.number, "reason": error.message},
                    messages.WARNING,
                )
        if left > 0:
            self.message_user(
                request,
                gettext(
                    "%(number)s: %(amount)s is more than what was left to pay of the invoices "
                    "chosen; it is paid on account."
                )
                % {"number": obj.number, "amount": money(left)},
                messages.WARNING,
            )

    def has_delete_permission(self, request, obj=None):
        return False  # a payment is numbered as soon as it is recorded

    @admin.action(description=_("Mark the selected payments as paid in"), permissions=["change"])
    def mark_deposited(self, request, queryset):
        count = queryset.filter(deposited=False).update(deposited=True)
        self.message_user(
            request, gettext("%(count)d payment(s) marked as paid in.") % {"count": count}
        )


@admin.register(PaymentAttempt)
class PaymentAttemptAdmin(ReadOnlyAdminMixin, TenantAdminMixin, admin.ModelAdmin):
    """Online payments as the provider reported them: read only. Those started and not
    confirmed are counted on the admin's home page, until they are abandoned
    (``PAYMENT_EXPIRY_MINUTES``)."""

    # The reference last: long, read only to search the provider's back office.
    list_display = ["created_at", "family", "ledger", "paid", "status", "expiry", "payment"]
    list_display += ["reference"]
    list_filter = ["status", "ledger", "establishment"]
    search_fields = ["reference", "transaction_id", "family__name"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("family", "payment")

    @admin.display(description=_("amount"), ordering="amount")
    def paid(self, attempt):
        return money(attempt.amount)

    @admin.display(description=_("abandoned unless confirmed by"))
    def expiry(self, attempt):
        if attempt.status != PaymentAttempt.Status.STARTED:
            return "—"
        return date_format(timezone.localtime(attempt.expires_at), "SHORT_DATETIME_FORMAT")
