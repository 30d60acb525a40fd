"""The forms of recording a payment in the admin, in two steps: the family who paid, then the
payment, with that family's invoices left to pay to tick (no JavaScript needed)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import staff_scope
from billing import services
from billing.models import Invoice, Payment
from billing.templatetags.billing import money
from family.models import Family

NOT_THE_FAMILYS = _(
    "One of the invoices ticked is not one of this family's invoices left to pay: tick "
    "among those listed."
)


def payable_families(user):
    """The families a staff member may record a payment of (anonymised ones are done with)."""
    families = Family.objects.filter(anonymised_at=None).order_by("name", "pk")
    return staff_scope(families, user)


class PaymentFamilyForm(forms.Form):
    """The first step: whose payment it is."""

    family = forms.ModelChoiceField(
        label=_("Family"),
        queryset=Family.objects.none(),
        help_text=_(
            "The family who paid. The next step offers its invoices left to pay. In the "
            "list, type the first letters of a name to go to it."
        ),
        error_messages={
            "required": _("Choose the family who paid."),
            "invalid_choice": _("Choose a family of the list."),
        },
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["family"]
        field.queryset = payable_families(user).select_related("establishment")
        field.queryset = field.queryset.prefetch_related("guardians")
        many = user.is_superuser

        def label(family) -> str:
            guardians = ", ".join(guardian.full_name for guardian in family.guardians.all())
            text = f"{family.name} ({guardians})" if guardians else family.name
            return f"{text} – {family.establishment.name}" if many else text

        field.label_from_instance = label


def invoice_label(invoice) -> str:
    """ "12FC01785 of 04/12/2012, Rentals – 50,00 € left to pay", and whose it is when a
    guardian pays it alone."""
    text = gettext("%(number)s of %(date)s, %(ledger)s – %(amount)s left to pay") % {
        "number": invoice.number,
        "date": date_format(invoice.date, "SHORT_DATE_FORMAT"),
        "ledger": invoice.get_ledger_display(),
        "amount": money(services.invoice_remaining(invoice)),
    }
    if invoice.payer_id:
        text += " – " + gettext("paid by %(guardian)s") % {"guardian": invoice.payer}
    return text


class InvoiceCheckboxes(forms.CheckboxSelectMultiple):
    """The invoices to tick, as one group named after the field (for screen readers)."""

    template_name = "admin/billing/payment/invoice_checkboxes.html"
    group_label = ""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["group_label"] = self.group_label
        return context


class InvoicesSettledField(forms.ModelMultipleChoiceField):
    """Checked against every issued invoice of the staff member's establishment (so that
    another family's is refused by name), but offering only ``offer()``'s: the chosen
    family's invoices left to pay."""

    widget = InvoiceCheckboxes

    def __init__(self, *args, **kwargs):
        self.offered: list[tuple[int, str]] = []
        super().__init__(*args, **kwargs)
        self.widget.group_label = str(self.label)

    def _get_choices(self):
        return self.offered

    choices = property(_get_choices, forms.ChoiceField.choices.fset)

    def offer(self, invoices) -> None:
        self.offered = [(invoice.pk, invoice_label(invoice)) for invoice in invoices]
        self.widget.choices = self.offered


class PaymentAdminForm(forms.ModelForm):
    settles = InvoicesSettledField(
        label=_("Invoices settled"),
        queryset=Invoice.objects.none(),
        required=False,
        help_text=_(
            "The amount goes to them oldest first, each up to what is left to pay of it; "
            "what is more is paid on account."
        ),
        error_messages={"invalid_choice": NOT_THE_FAMILYS, "invalid_pk_value": NOT_THE_FAMILYS},
    )

    class Meta:
        model = Payment
        fields = ["establishment", "family", "payer", "ledger", "date", "mode", "amount", "label"]
        fields += ["deposited"]
        localized_fields = ["amount"]  # "50,00" in French, as staff type it

    def clean(self):
        cleaned = super().clean()
        family, ledger = cleaned.get("family"), cleaned.get("ledger")
        for invoice in cleaned.get("settles") or []:
            if family and invoice.family_id != family.pk:
                raise ValidationError(
                    {
                        "settles": gettext(
                            "%(invoice)s is not an invoice of the family %(family)s."
                        )
                        % {"invoice": invoice, "family": family}
                    }
                )
            if ledger and invoice.ledger != ledger:
                raise ValidationError(
                    {
                        "settles": gettext(
                            "%(invoice)s is an invoice of the ledger %(ledger)s: choose that "
                            "ledger, or untick it."
                        )
                        % {"invoice": invoice, "ledger": invoice.get_ledger_display()}
                    }
                )
            if invoice.payer_id != getattr(cleaned.get("payer"), "pk", None):
                raise ValidationError(
                    {
                        "settles": gettext("%(invoice)s is not paid by the payer of this payment.")
                        % {"invoice": invoice}
                    }
                )
            if services.invoice_remaining(invoice) <= 0:
                raise ValidationError(
                    {
                        "settles": gettext("%(invoice)s has nothing left to pay: untick it.")
                        % {"invoice": invoice}
                    }
                )
        return cleaned
