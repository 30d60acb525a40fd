from django import forms
from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _

from accounts.models import Establishment


class PasswordToggleInput(forms.PasswordInput):
    """A password field with a show/hide button (added by static/js/portal.js)."""

    template_name = "accounts/widgets/password_toggle.html"


class LoginForm(forms.Form):
    establishment = forms.ModelChoiceField(
        label=_("Site"),
        queryset=Establishment.objects.active(),
        empty_label=_("Choose your site"),
        error_messages={
            "required": _("Choose your site."),
            "invalid_choice": _("Choose your site from the list."),
        },
    )
    identifier = forms.CharField(
        label=_("Username"),
        max_length=100,
        error_messages={"required": _("Enter your username.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"}
        ),
    )
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
    }

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user = None
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        establishment = cleaned.get("establishment")
        identifier = cleaned.get("identifier")
        password = cleaned.get("password")
        if establishment and identifier and password:
            self.user = authenticate(
                self.request,
                establishment=establishment,
                identifier=identifier,
                password=password,
            )
            if self.user is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_login"], code="invalid_login"
                )
        return cleaned
