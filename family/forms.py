from django import forms
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from family.models import ChoiceItem, ChoiceKind, Guardian
from family.uploads import ACCEPT_ATTRIBUTE, UploadRefused, check_upload, too_large_message

CHOICE_KINDS = {
    "civility": ChoiceKind.CIVILITY,
    "marital_status": ChoiceKind.MARITAL_STATUS,
    "socio_professional": ChoiceKind.SOCIO_PROFESSIONAL,
    "school_level": ChoiceKind.SCHOOL_LEVEL,
}
# The labels of the guides' Identité tabs, shared by the guardian's and the students' forms.
IDENTITY_LABELS = {
    "civility": _("Civility"),
    "last_name": _("Last name"),
    "first_name": _("First name"),
    "address": _("Address"),
    "postal_code": _("Postal code"),
    "city": _("City"),
    "home_phone": _("Home phone"),
    "mobile_phone": _("Mobile"),
    "work_phone": _("Work phone"),
    "email": _("E-mail"),
    "marital_status": _("Family situation"),
    "socio_professional": _("Socio-professional code"),
    "profession": _("Profession"),
    "extra_phone_1": _("Additional phone"),
    "extra_phone_2": _("Additional phone (2)"),
    "extra_phone_3": _("Additional phone (3)"),
}
AUTOCOMPLETE = {
    "last_name": "family-name",
    "first_name": "given-name",
    "address": "street-address",
    "city": "address-level2",
    "email": "email",
    "mobile_phone": "tel",
    "home_phone": "tel",
    "work_phone": "tel",
}


def _as_int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def identity_formfield(db_field, **kwargs):
    """A record's form field, without the model's ``limit_choices_to`` on its lists: the form
    sets each list's entries for the record's establishment (IdentityFormMixin), and Django
    would otherwise build a subquery per list at every display, for nothing."""
    field = db_field.formfield(**kwargs)
    if db_field.name in CHOICE_KINDS:
        field.limit_choices_to = None
    return field


class IdentityFormMixin:
    """Choice lists of the record's establishment, and a marker on each field whose change
    awaits validation (its stored value said in words, not by colour alone)."""

    required_fields: tuple[str, ...] = ()

    def __init__(self, *args, establishment, pending=None, **kwargs):
        super().__init__(*args, **kwargs)
        kinds = {name: kind for name, kind in CHOICE_KINDS.items() if name in self.fields}
        # Every list of the form read at once (one query, not one per list), in their order.
        items = list(
            ChoiceItem.objects.filter(
                establishment=establishment, kind__in=kinds.values(), is_active=True
            )
        )
        self.choice_items = {item.pk: item for item in items}
        for name, kind in kinds.items():
            field = self.fields[name]
            # What a posted value is checked against (a form only displayed checks nothing).
            field.queryset = (
                ChoiceItem.objects.filter(establishment=establishment, kind=kind, is_active=True)
                if self.is_bound
                else ChoiceItem.objects.none()
            )
            field.empty_label = "—"
            field.choices = [("", "—")] + [
                (item.pk, str(item)) for item in items if item.kind == kind
            ]
        for name in self.required_fields:
            self.fields[name].required = True
        for name, attribute in AUTOCOMPLETE.items():
            if name in self.fields:
                self.fields[name].widget.attrs.setdefault("autocomplete", attribute)
        self.pending_fields = set()
        for name, change in (pending.changes if pending else {}).items():
            if name in self.fields:
                self.pending_fields.add(name)
                stored = change["old"] or _("(empty)")
                if name in CHOICE_KINDS and change["old"]:
                    stored = self.choice_items.get(_as_int(change["old"])) or (
                        ChoiceItem.objects.filter(pk=change["old"]).first() or stored
                    )
                self.fields[name].help_text = format_html(
                    '<span class="change-marker">{}</span> {}',
                    _("Changed: awaiting validation."),
                    _("Stored value: %(value)s") % {"value": stored},
                )


class GuardianIdentityForm(IdentityFormMixin, forms.ModelForm):
    required_fields = ("civility", "last_name", "first_name", "address", "postal_code", "city")

    class Meta:
        model = Guardian
        fields = Guardian.IDENTITY_FIELDS
        labels = IDENTITY_LABELS
        formfield_callback = identity_formfield

    def validate_unique(self):
        """The record is not saved here: the change goes to a request (family.services)."""


class DocumentUploadForm(forms.Form):
    """*Parcourir* then *Importer*: one file, checked in full before anything is stored."""

    file = forms.FileField(
        label=_("File to import"),
        help_text=_(
            "PDF, JPEG or PNG, up to 2 MB. A larger photo (up to 10 MB) is reduced to fit."
        ),
        allow_empty_file=True,  # check_upload says it in the portal's own words
        # Not marked "(required)": the document itself may be optional; an empty import is
        # still refused, in clean_file.
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    def __init__(self, *args, oversized=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.oversized = "file" in oversized  # UploadSizeLimit stopped reading it

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if self.oversized:
            raise forms.ValidationError(too_large_message(_("over 10 MB")), code="too_large")
        if not upload:
            raise forms.ValidationError(
                _("Choose a file first (button Browse or Choose File)."), code="required"
            )
        try:
            self.checked = check_upload(upload)
        except UploadRefused as refusal:
            raise forms.ValidationError(refusal.message, code="refused") from None
        return upload


class InvitationForm(forms.Form):
    """Famille → Responsables: another guardian of the family, to get a login of their own."""

    last_name = forms.CharField(label=_("Last name"), max_length=100)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("Their identifier is sent there once the administrative staff have checked."),
    )
    students = forms.ModelMultipleChoiceField(
        label=_("Children they are responsible for"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one child.")},
    )

    def __init__(self, *args, students, family, own_email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.family = family
        self.own_email = own_email
        self.fields["students"].queryset = students

    def clean_email(self):
        from family.services import invitation_problem

        email = self.cleaned_data["email"].strip()
        if self.own_email and email.lower() == self.own_email.lower():
            raise forms.ValidationError(_("This is your own address: give the other guardian's."))
        problem = invitation_problem(family=self.family, email=email)
        if problem:
            raise forms.ValidationError(problem)
        return email
