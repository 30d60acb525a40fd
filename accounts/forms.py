import re

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Establishment
from accounts.passwords import PortalPolicyValidator


class PasswordToggleInput(forms.PasswordInput):
    """A password field with a show/hide button (added by static/js/portal.js)."""

    template_name = "accounts/widgets/password_toggle.html"


def site_field():
    return forms.ModelChoiceField(
        label=_("Site"),
        queryset=Establishment.objects.active(),
        empty_label=_("Choose your site"),
        error_messages={
            "required": _("Choose your site."),
            "invalid_choice": _("Choose your site from the list."),
        },
    )


def identifier_field():
    return forms.CharField(
        label=_("Username"),
        max_length=100,
        error_messages={"required": _("Enter your username.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )


class LoginForm(forms.Form):
    establishment = site_field()
    identifier = identifier_field()
    password = forms.CharField(
        label=_("Password"),
        max_length=4096,
        strip=False,
        error_messages={"required": _("Enter your password.")},
        widget=PasswordToggleInput(attrs={"autocomplete": "current-password"}),
    )

    error_messages = {
        "invalid_login": _(
            "The login details are incorrect. Check the site, the username and the password, "
            "then try again."
        ),
        "expired": _(
            "This temporary password has expired. Generate a new password, then use the one "
            "you receive by e-mail."
        ),
    }

    def __init__(self, request=None, *args, check_credentials: bool = True, **kwargs):
        self.request = request
        self.user = None
        self.check_credentials = check_credentials
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        establishment = cleaned.get("establishment")
        identifier = cleaned.get("identifier")
        password = cleaned.get("password")
        if self.check_credentials and establishment and identifier and password:
            self.user = authenticate(
                self.request,
                establishment=establishment,
                identifier=identifier,
                password=password,
            )
            if self.user is None:
                if getattr(self.request, "temporary_password_expired", False):
                    raise forms.ValidationError(
                        self.error_messages["expired"], code="temporary_password_expired"
                    )
                raise forms.ValidationError(
                    self.error_messages["invalid_login"], code="invalid_login"
                )
        return cleaned


class PasswordGenerateForm(forms.Form):
    """Générer un nouveau mot de passe: the site, the identifier and the account's e-mail."""

    establishment = site_field()
    identifier = identifier_field()
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        error_messages={
            "required": _("Enter the e-mail address of your account."),
            "invalid": _("Enter an e-mail address such as name@example.org."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            raise forms.ValidationError(
                _("Please check the details you entered: every field is needed."),
                code="incomplete",
            )
        return cleaned


class PortalPasswordChangeForm(forms.Form):
    """Mot de passe: the current password (or the temporary one just used), the new one twice."""

    old_password = forms.CharField(
        label=_("Current password"),
        strip=False,
        max_length=4096,
        error_messages={"required": _("Enter your current password.")},
        widget=PasswordToggleInput(attrs={"autocomplete": "current-password"}),
    )
    new_password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        max_length=4096,
        error_messages={"required": _("Enter a new password.")},
        widget=PasswordToggleInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        max_length=4096,
        error_messages={"required": _("Enter the new password a second time.")},
        widget=PasswordToggleInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].help_text = PortalPolicyValidator().get_help_text()

    def clean_old_password(self):
        old = self.cleaned_data["old_password"]
        if not self.user.check_password(old):
            raise forms.ValidationError(_("Your current password is not this one."), code="wrong")
        return old

    def clean_new_password1(self):
        password = self.cleaned_data["new_password1"]
        password_validation.validate_password(password, self.user)
        return password

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", _("The two new passwords differ."))
        if first and cleaned.get("old_password") == first:
            self.add_error("new_password1", _("Choose a password different from the current one."))
        return cleaned


class TwoFactorCodeForm(forms.Form):
    """The 6-digit code of a staff member's authentication app (spaces allowed, as some apps
    show "123 456")."""

    code = forms.CharField(
        label=pgettext_lazy("authentication app", "Code"),
        max_length=20,
        help_text=_("The 6 digits your authentication app shows now for this account."),
        error_messages={"required": _("Enter the 6-digit code of your authentication app.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "none",
                "spellcheck": "false",
                "size": 10,
            }
        ),
    )

    def clean_code(self):
        code = re.sub(r"\s", "", self.cleaned_data["code"])
        if not re.fullmatch(r"[0-9]{6}", code):
            raise forms.ValidationError(
                _("The code is made of 6 digits, for example 123456."), code="format"
            )
        return code
