"""Fields of the identity records: French phone numbers and postal codes, checked and normalised.

Phone numbers are stored as a person reads them: the French national format for French numbers
("02 38 55 02 38"), the international format for others ("+44 20 7946 0958").
"""

import re

import phonenumbers
from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


def normalise_phone(value: str) -> str:
    """The number in its readable, canonical form; ValidationError if it is not a number."""
    value = value.strip()
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(
            _("Enter a valid phone number, for example 02 38 55 02 38 or 06 01 02 03 04."),
            code="invalid_phone",
        )
    if number.country_code == 33:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def validate_phone(value: str) -> None:
    normalise_phone(value)


class PhoneFormField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "tel")
        self.widget.input_type = "tel"

    def clean(self, value):
        return normalise_phone(super().clean(value) or "")


class PhoneNumberField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 30)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("validators", [validate_phone])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PhoneFormField, **kwargs})


POSTAL_CODE = re.compile(r"(?!00)\d{5}")


def normalise_postal_code(value: str) -> str:
    value = re.sub(r"\s+", "", value or "")
    if value and not POSTAL_CODE.fullmatch(value):
        raise ValidationError(
            _("Enter a French postal code of five digits, for example 45000."),
            code="invalid_postal_code",
        )
    return value


def validate_postal_code(value: str) -> None:
    normalise_postal_code(value)


class PostalCodeFormField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 10)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("autocomplete", "postal-code")
        self.widget.attrs.setdefault("inputmode", "numeric")

    def clean(self, value):
        return normalise_postal_code(super().clean(value) or "")


class PostalCodeField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("validators", [validate_postal_code])
        super().__init__(*args, **kwargs)

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": PostalCodeFormField, **kwargs})
