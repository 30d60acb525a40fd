import json

from django import forms
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from family.models import ChoiceItem, ChoiceKind, Guardian
from family.selectors import pending_values
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


# The hidden field of an identity form that carries the values the page showed.
SHOWN = "shown"
# The record of what a page showed is a few kilobytes at most; more is not from our page.
SHOWN_MAX_LENGTH = 100_000


class IdentityFormMixin:
    """An identity record's form (a guardian's, a student's): choice lists of the record's
    establishment, and a marker on each field whose change awaits validation (its stored value
    said in words, not by colour alone).

    Saving asks only for what the family changed (``requested_values``): a field counts when
    the value posted differs from the value the page showed, never because it could not be
    shown or was not sent. The form makes its initial values itself (the record, the values
    awaiting validation, the values kept elsewhere such as a year's school level), the same
    when the page is shown and when it is posted, and the page carries what it showed in a
    hidden field (``shown``), so that a record changed meanwhile by the staff is not changed
    back by a page that showed the earlier values."""

    required_fields: tuple[str, ...] = ()
    # The name a change request gives the value of a form field, when it is not the field's
    # own (a given school year's level).
    request_names: dict[str, str] = {}

    def __init__(self, *args, establishment, pending=None, **kwargs):
        instance = kwargs.get("instance")
        kwargs["initial"] = {
            **self.record_initial(instance),
            **self._pending_initial(pending),
            **(kwargs.get("initial") or {}),
        }
        super().__init__(*args, **kwargs)
        # Fields shown with what was sent, but neither checked nor asked for (``clean``).
        self.ignored_fields: set[str] = set()
        kinds = {name: kind for name, kind in CHOICE_KINDS.items() if name in self.fields}
        # Every list of the form read at once (one query, not one per list), in their order.
        items = list(
            ChoiceItem.objects.filter(
                establishment=establishment, kind__in=kinds.values(), is_active=True
            )
        )
        self.choice_items = {item.pk: item for item in items}
        for name, kind in kinds.items():
            self._offer_choices(name, kind, establishment, items)
        for name in self.required_fields:
            self.fields[name].required = True
        for name, attribute in AUTOCOMPLETE.items():
            if name in self.fields:
                self.fields[name].widget.attrs.setdefault("autocomplete", attribute)
        self.prepare_fields()
        self._mark_pending(pending)
        # A plain field: whatever is posted in it is read, never refused (``_posted_shown``).
        self.fields[SHOWN] = forms.Field(
            widget=forms.HiddenInput,
            required=False,
            # Worked out when the page is drawn, once every field is as it will be shown.
            initial=lambda: json.dumps(self._shown_values(), ensure_ascii=False),
        )

    def record_initial(self, instance) -> dict:
        """Initial values of the fields that are not the record's columns."""
        return {}

    def prepare_fields(self) -> None:
        """Where a form sets its own fields' labels, help and state, before the markers."""

    def _field_for(self, key: str) -> str | None:
        """The form field a change request's value is shown in (None: not in this form)."""
        for name, named in self.request_names.items():
            if named == key:
                return name
        if key in self.request_names:  # this field stands for another value here
            return None
        return key if key in self.fields else None

    def _pending_initial(self, pending) -> dict:
        """The values awaiting validation, by the form's field names."""
        values = {}
        for key, value in pending_values(pending, self._meta.model).items():
            for name, named in self.request_names.items():
                if named == key:
                    values[name] = value
            if key not in self.request_names and key not in self.request_names.values():
                values[key] = value
        return values

    def _offer_choices(self, name: str, kind: str, establishment, items) -> None:
        field = self.fields[name]
        choices = [("", "—")] + [(item.pk, str(item)) for item in items if item.kind == kind]
        # The record's entry, switched off since by the staff, is still shown as it is (so
        # that the page says what is stored, and saving it untouched asks for nothing).
        stored = _as_int(self.get_initial_for_field(field, name))
        kept = None
        if stored is not None and stored not in self.choice_items:
            kept = ChoiceItem.objects.filter(establishment=establishment, kind=kind, pk=stored)
            kept = kept.first()
        if kept is not None:
            self.choice_items[kept.pk] = kept
            choices.append((kept.pk, _("%(entry)s (no longer offered)") % {"entry": kept}))
        # What a posted value is checked against (a form only displayed checks nothing).
        if self.is_bound:
            offered = Q(is_active=True) | Q(pk=kept.pk) if kept is not None else Q(is_active=True)
            field.queryset = ChoiceItem.objects.filter(
                offered, establishment=establishment, kind=kind
            )
        else:
            field.queryset = ChoiceItem.objects.none()
        field.empty_label = "—"
        field.choices = choices

    def _mark_pending(self, pending) -> None:
        self.pending_fields = set()
        for key, change in (pending.changes if pending else {}).items():
            name = self._field_for(key)
            if name is None:
                continue
            self.pending_fields.add(name)
            field = self.fields[name]
            old = change["old"]
            stored = old or _("(empty)")
            if isinstance(field.widget, forms.CheckboxInput):
                stored = _("yes") if old == "True" else _("no")
            elif name in CHOICE_KINDS and old:
                stored = self.choice_items.get(_as_int(old)) or (
                    ChoiceItem.objects.filter(pk=old).first() or stored
                )
            marker = format_html(
                '<span class="change-marker">{}</span> {}',
                _("Changed: awaiting validation."),
                _("Stored value: %(value)s") % {"value": stored},
            )
            field.help_text = (
                format_html("{}<br>{}", marker, field.help_text) if field.help_text else marker
            )

    # What the page showed, and what the family changed.

    def _record_fields(self) -> list[str]:
        return [name for name in self.fields if name != SHOWN]

    def _shown_value(self, name: str):
        """The value the page shows in a field (what a browser sends back untouched): a
        ticked box, or the text of the field; an entry the list does not hold shows "—"."""
        field = self.fields[name]
        value = field.prepare_value(self.get_initial_for_field(field, name))
        if isinstance(field.widget, forms.CheckboxInput):
            return bool(field.widget.check_test(value))
        if isinstance(field.widget, forms.Select):
            text = "" if value is None else str(value)
            return text if text in {str(key) for key, _label in field.choices} else ""
        text = field.widget.format_value(value)
        return "" if text is None else str(text)

    def _shown_values(self) -> dict:
        return {name: self._shown_value(name) for name in self._record_fields()}

    def _posted_shown(self) -> dict | None:
        """What the posted page said it showed (None: a page without it, or garbled)."""
        posted = self.data.get(self.add_prefix(SHOWN)) or ""
        if not isinstance(posted, str) or len(posted) > SHOWN_MAX_LENGTH:
            return None
        try:
            shown = json.loads(posted)
        except (TypeError, ValueError, RecursionError):  # deep nesting: garbled too
            return None
        return shown if isinstance(shown, dict) else None

    def _posted_value(self, name: str):
        field = self.fields[name]
        value = field.widget.value_from_datadict(self.data, self.files, self.add_prefix(name))
        if isinstance(field.widget, forms.CheckboxInput):
            return bool(value)
        return "" if value is None else str(value)

    def changed_fields(self) -> list[str]:
        """The fields the family changed: those whose posted value differs from the value the
        page showed. A field not sent (switched off on the page, or not on it) or that the
        page did not show is not changed."""
        shown = self._posted_shown()
        changed = []
        for name in self._record_fields():
            field = self.fields[name]
            key = self.add_prefix(name)
            if name in self.ignored_fields or field.disabled:
                continue
            if field.widget.value_omitted_from_data(self.data, self.files, key):
                continue
            if shown is None:
                before = self._shown_value(name)
            elif name in shown:
                before = shown[name]
            else:
                continue
            if self._posted_value(name) != before:
                changed.append(name)
        return changed

    def clean(self):
        cleaned = super().clean()
        for name in self.ignored_fields:
            self._errors.pop(name, None)
            cleaned.pop(name, None)
        return cleaned

    def _get_validation_exclusions(self):
        # The record's own rules check what the family changed; a stored value they no longer
        # allow (a list entry switched off since) stays as it is where nobody changes it.
        changed = set(self.changed_fields())
        return super()._get_validation_exclusions() | {
            name for name in self.fields if name not in changed
        }

    def requested_values(self) -> dict:
        """What to ask the staff for (``change_request_submit``): the cleaned value of each
        field the family changed, by the name the change request gives it."""
        return {
            self.request_names.get(name, name): self.cleaned_data[name]
            for name in self.changed_fields()
            if name in self.cleaned_data
        }


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
