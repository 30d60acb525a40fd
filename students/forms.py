from django import forms
from django.utils.translation import gettext_lazy as _

from family.forms import IDENTITY_LABELS, IdentityFormMixin, identity_formfield
from family.models import ChoiceItem
from students.models import SchoolLevel, Student


class StudentIdentityForm(IdentityFormMixin, forms.ModelForm):
    """A student's Identité: the student's file, and the re-enrolment's first step.

    ``school_year``: the year whose school level is asked for (none: not asked)."""

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

    def __init__(self, *args, school_year=None, **kwargs):
        self.school_year = school_year
        super().__init__(*args, **kwargs)

    def record_initial(self, instance) -> dict:
        # The level of the year asked for, shown as stored.
        if self.school_year is None or instance is None or instance.pk is None:
            return {}
        level = (
            SchoolLevel.objects.filter(student=instance, school_year=self.school_year)
            .values_list("level_id", flat=True)
            .first()
        )
        return {"school_level": level}

    def prepare_fields(self) -> None:
        if self.school_year is None:
            del self.fields["school_level"]
        else:
            self.fields["school_level"].label = _("School level (%(year)s)") % {
                "year": self.school_year.label
            }

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
