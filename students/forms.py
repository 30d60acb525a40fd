from django import forms
from django.db.models import Q
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from family.forms import IDENTITY_LABELS, IdentityFormMixin, identity_formfield
from family.models import ChoiceItem
from students.models import ContactDetails, SchoolLevel, Student, YearSchoolLevel

# The box that makes the student use a guardian's address and phones (``Student.contact``).
GUARDIAN_CONTACT = "use_guardian_contact"


class StudentIdentityForm(IdentityFormMixin, forms.ModelForm):
    """A student's Identité: the student's file, and the re-enrolment's first step.

    ``school_year``: the year whose school level is asked for (the current year on the file,
    the year re-enrolled for in the wizard; none: not asked). ``reader``: the guardian reading
    the page (another guardian's address and phones are not shown to them). While the box
    "Utiliser les coordonnées du responsable légal" is ticked, the student's own address and
    phones are not asked for: shown switched off and hidden, and ignored when the box is
    sent ticked."""

    required_fields = ("last_name", "first_name", "birth_date")

    # Kept per school year (SchoolLevel): offered for one year, when there is one.
    school_level = forms.ModelChoiceField(queryset=ChoiceItem.objects.none(), required=False)

    class Meta:
        model = Student
        fields = Student.IDENTITY_FIELDS
        formfield_callback = identity_formfield
        widgets = {
            "birth_date": forms.DateInput(
                attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"
            )
        }
        labels = {
            **IDENTITY_LABELS,
            "birth_date": _("Date of birth"),
            "birth_place": _("Place of birth"),
            "emergency_contact": _("Person to contact"),
            "emergency_phone": _("Emergency phone"),
            "use_guardian_contact": _("Use the legal guardian's contact details"),
            "image_rights": _("Image rights"),
            "outing_allowed": _("May leave alone"),
        }

    def __init__(self, *args, school_year=None, reader=None, **kwargs):
        self.school_year = school_year
        self.reader = reader
        if school_year is not None:
            self.request_names = {"school_level": YearSchoolLevel.name_for(school_year)}
        super().__init__(*args, **kwargs)

    def record_initial(self, instance) -> dict:
        # The level of the year asked for, and this year's (said beside another year's).
        self.levels = {}
        if self.school_year is not None and instance is not None and instance.pk is not None:
            self.levels = {
                level.school_year_id: level
                for level in SchoolLevel.objects.filter(
                    Q(school_year=self.school_year) | Q(school_year__is_current=True),
                    student=instance,
                ).select_related("school_year", "level")
            }
        level = self.levels.get(getattr(self.school_year, "pk", None))
        return {"school_level": level.level_id} if level is not None else {}

    def prepare_fields(self) -> None:
        if self.school_year is None:
            del self.fields["school_level"]
        else:
            self._prepare_school_level()
        self._prepare_contact()

    def _prepare_school_level(self) -> None:
        field = self.fields["school_level"]
        field.label = _("School level (%(year)s)") % {"year": self.school_year.label}
        if self.school_year.is_current:
            return
        # Another year's (the year re-enrolled for): this year's level said beside it.
        current = next(
            (level for level in self.levels.values() if level.school_year.is_current), None
        )
        if current is not None:
            # Escaped: a help text is drawn as HTML (the markers' are).
            field.help_text = escape(
                _("This school year (%(year)s): %(level)s.")
                % {"year": current.school_year.label, "level": current.level}
            )

    def _prepare_contact(self) -> None:
        box = self.fields[GUARDIAN_CONTACT]
        if self.is_bound:  # as sent
            ticked = box.widget.value_from_datadict(
                self.data, self.files, self.add_prefix(GUARDIAN_CONTACT)
            )
        else:  # as shown: stored, or asked for and awaiting validation
            ticked = box.widget.check_test(self.get_initial_for_field(box, GUARDIAN_CONTACT))
        self.guardian_contact_used = bool(ticked)
        self.own_contact_id = self.add_prefix("own-contact")
        box.widget.attrs.update(
            {"aria-controls": self.own_contact_id, "data-guardian-contact-box": ""}
        )
        for name in Student.CONTACT_FIELDS if self.guardian_contact_used else ():
            field = self.fields[name]
            if self.is_bound:  # shown back as sent, neither checked nor asked for
                self.ignored_fields.add(name)
                field.required = False
            # Switched off on the page: not sent (the script switches them on when unticked).
            field.widget.attrs["disabled"] = True
        guardian = self.instance.contact_guardian if self.instance.pk else None
        if guardian is None:
            return
        shown = ContactDetails.of(guardian, guardian=guardian).seen_by(self.reader).summary
        if shown:
            help_text = _(
                "Ticked: the address and phones of %(guardian)s are used (%(details)s), and "
                "follow their changes; the student's own are then not asked for."
            ) % {"guardian": guardian.full_name, "details": shown}
        else:
            help_text = _(
                "Ticked: the address and phones of %(guardian)s are used, and follow their "
                "changes; the student's own are then not asked for."
            ) % {"guardian": guardian.full_name}
        box.help_text = escape(help_text)  # drawn as HTML: what families typed, escaped

    def field_groups(self) -> tuple[list, list, list]:
        """The fields up to the box, the student's own address and phones (shown only while
        the box is unticked), and the others."""
        names = list(self.fields)
        cut = names.index(GUARDIAN_CONTACT) + 1
        return (
            [self[name] for name in names[:cut]],
            [self[name] for name in names[cut:] if name in Student.CONTACT_FIELDS],
            [self[name] for name in names[cut:] if name not in Student.CONTACT_FIELDS],
        )

    def validate_unique(self):
        """The record is not saved here: the change goes to a request."""


class AbsenceReportForm(forms.Form):
    """Signaler une absence: the date of a lesson to come, and a reason if the family wishes."""

    date = forms.DateField(
        label=_("Date of the lesson"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label=_("Reason (optional)"),
        max_length=200,
        required=False,
        help_text=_("Seen by the administrative staff and the teacher."),
    )

    def __init__(self, *args, course, **kwargs):
        super().__init__(*args, **kwargs)
        self.course = course

    def clean_date(self):
        from students.services import lesson_date_problem

        day = self.cleaned_data["date"]
        problem = lesson_date_problem(self.course, day)
        if problem:
            raise forms.ValidationError(problem, code="not_a_lesson")
        return day
