"""Forms of the user admin: the rules of the three kinds of account, checked before saving.

A family account (not staff) belongs to an establishment, has an identifier, and its login
name is derived from both; a staff account belongs to an establishment and has a plain login
name; a superuser belongs to none. The database constraints are the backstop; these forms turn
the same rules into messages next to the fields.
"""

from django import forms
from django.contrib.auth.forms import (
    AdminPasswordChangeForm,
    AdminUserCreationForm,
    ReadOnlyPasswordHashWidget,
    UserChangeForm,
)
from django.utils.formats import date_format
from django.utils.timezone import localtime, now
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User

# Django's help speaks of single sign-on and LDAP, which the portal has not.
USABLE_PASSWORD_HELP = _(
    "Disabled: the login has no password until one is set here; a family can also get one "
    "with “Generate a new password” on the portal."
)


class PasswordSummaryWidget(ReadOnlyPasswordHashWidget):
    """The user's page says whether a password is set (and a temporary one pending), rather
    than the algorithm, salt and hash Django shows."""

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        user = self.user
        summary = [
            {
                "label": gettext("A personal password is set.")
                if user.has_usable_password()
                else gettext("No personal password.")
            }
        ]
        expires = user.temporary_password_expires_at
        if user.temporary_password and expires and expires > now():
            summary.append(
                {
                    "label": gettext("A temporary password sent by e-mail is valid until %(date)s.")
                    % {"date": date_format(localtime(expires), "SHORT_DATETIME_FORMAT")}
                }
            )
        if user.must_change_password:
            summary.append(
                {"label": gettext("The family chooses its own password at its next login.")}
            )
        context["summary"] = summary
        return context


class IdentifierField(forms.CharField):
    """Identifiers are compared without case and surrounding spaces: stored lower-case."""

    def to_python(self, value):
        value = super().to_python(value)
        return value.strip().lower() if value else value


class AccountRulesMixin:
    def _value(self, name):
        if name in self.fields:
            return self.cleaned_data.get(name)
        return getattr(self.instance, name)

    def clean(self):
        cleaned = super().clean()
        is_staff = bool(self._value("is_staff"))
        is_superuser = bool(self._value("is_superuser"))
        establishment = (
            cleaned.get("establishment")
            if "establishment" in self.fields
            else (self.instance.establishment if self.instance.establishment_id else None)
        )
        if is_superuser:
            if establishment is not None:
                self.add_error("establishment", _("A superuser belongs to no establishment."))
        elif establishment is None and "establishment" not in self.errors:
            self.add_error("establishment", _("Choose the establishment of this account."))
        if is_staff:
            username = self._value("username")
            if username and ":" in username:
                self.add_error("username", _("A staff login cannot contain a colon."))
            elif not username and "username" not in self.errors:
                self.add_error("username", _("Enter the staff member's login."))
            return cleaned
        email = self._value("email")
        if email and establishment is not None:
            same_email = User.objects.filter(
                establishment=establishment, is_staff=False, email__iexact=email
            ).exclude(pk=self.instance.pk)
            if same_email.exists():
                # "Un seul identifiant par adresse mail", as the guides say.
                self.add_error(
                    "email", _("Another family account of this establishment has this e-mail.")
                )
        identifier = self._value("identifier")
        if not identifier:
            if "identifier" not in self.errors:
                self.add_error("identifier", _("A family account needs an identifier."))
        elif establishment is not None:
            username = User.family_username(establishment, identifier)
            taken = User.objects.filter(username=username).exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error(
                    "identifier", _("This identifier is already used in this establishment.")
                )
            else:
                cleaned["username"] = username
                self.instance.username = username
        return cleaned


class PortalUserCreationForm(AccountRulesMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username",)
        field_classes = {"identifier": IdentifierField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "usable_password" in self.fields:
            self.fields["usable_password"].help_text = USABLE_PASSWORD_HELP
        if "username" in self.fields:
            self.fields["username"].required = False
            self.fields["username"].help_text = _(
                "Staff accounts only: the login of the administration. A family account's "
                "login is made from the establishment and the identifier."
            )


class PortalUserChangeForm(AccountRulesMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        field_classes = {"identifier": IdentifierField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password" in self.fields:
            self.fields["password"].widget = PasswordSummaryWidget(self.instance)


class PortalAdminPasswordChangeForm(AdminPasswordChangeForm):
    """A password set by the staff: any pending temporary password goes, and a family must
    replace the staff's password by its own at its next login."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "usable_password" in self.fields:
            self.fields["usable_password"].help_text = USABLE_PASSWORD_HELP

    def save(self, commit=True):
        user = super().save(commit=False)
        user.temporary_password = ""
        user.temporary_password_expires_at = None
        user.must_change_password = not (user.is_staff or user.is_superuser)
        if commit:
            user.save()
        return user
