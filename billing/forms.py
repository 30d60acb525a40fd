import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from billing.payments.test_provider import luhn_valid


class TestCardForm(forms.Form):
    """The test provider's card page (no real card is ever asked for)."""

    __test__ = False  # not a pytest class

    holder = forms.CharField(label=_("Cardholder's name"), max_length=100)
    number = forms.CharField(
        label=_("Card number"),
        max_length=30,
        help_text=_(
            "16 digits, spaces allowed. Test cards: 4242 4242 4242 4242 is accepted, "
            "4000 0000 0000 0002 is declined."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    expiry = forms.CharField(
        label=_("Expiry date (MM/YY)"),
        max_length=7,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    cvc = forms.CharField(
        label=_("Security code"),
        max_length=4,
        help_text=_("The 3 digits on the back of the card."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )

    def clean_number(self):
        number = re.sub(r"[\s-]", "", self.cleaned_data["number"])
        if not re.fullmatch(r"\d{16}", number):
            raise forms.ValidationError(_("A card number has 16 digits."))
        if not luhn_valid(number):
            raise forms.ValidationError(_("This card number is not valid: check its digits."))
        return number

    def clean_expiry(self):
        match = re.fullmatch(r"\s*(\d{1,2})\s*/\s*(\d{2}|\d{4})\s*", self.cleaned_data["expiry"])
        if not match or not 1 <= int(match[1]) <= 12:
            raise forms.ValidationError(_("Write the expiry date as MM/YY, for example 09/28."))
        month, year = int(match[1]), int(match[2]) % 100 + 2000
        today = timezone.localdate()
        if (year, month) < (today.year, today.month):
            raise forms.ValidationError(_("This card has expired."))
        return f"{month:02d}/{year % 100:02d}"

    def clean_cvc(self):
        cvc = self.cleaned_data["cvc"].strip()
        if not re.fullmatch(r"\d{3}", cvc):
            raise forms.ValidationError(_("The security code has 3 digits."))
        return cvc
