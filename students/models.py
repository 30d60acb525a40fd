from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TENANT_SHARED, TenantModel, check_same_establishment
from family.exceptions import FamilyError
from family.fields import PhoneNumberField, PostalCodeField
from family.models import ChoiceItem, ChoiceKind, RequestedValue, choice_of


class SchoolYear(TenantModel):
    """A school year of an establishment ("2026/2027"); one of them is the current one."""

    label = models.CharField(_("label"), max_length=20)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    is_current = models.BooleanField(_("current year"), default=False)

    tenant_family_path = TENANT_SHARED

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("school year")
        verbose_name_plural = _("school years")
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "label"], name="schoolyear_label_unique"
            ),
            models.UniqueConstraint(
                fields=["establishment"],
                condition=Q(is_current=True),
                name="schoolyear_one_current_per_establishment",
                violation_error_message=_("This establishment already has a current year."),
            ),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")),
                name="schoolyear_ends_after_start",
                violation_error_message=_("The end date must be after the start date."),
            ),
        ]

    def __str__(self) -> str:
        return self.label


class CurrentSchoolLevel(RequestedValue):
    """The student's Niveau scolaire for the establishment's current school year, asked for on
    the student's record like one of its fields (it is kept per year, in ``SchoolLevel``)."""

    name = "school_level"
    verbose_name = _("school level")
    is_relation = True
    related_model = ChoiceItem

    def get_internal_type(self) -> str:
        return "ForeignKey"

    def value_to_string(self, student) -> str:
        level = (
            SchoolLevel.objects.filter(student=student, school_year__is_current=True)
            .values_list("level_id", flat=True)
            .first()
        )
        return str(level) if level else ""

    def text_of(self, value) -> str:
        value = getattr(value, "pk", value)
        return str(value) if value else ""

    def to_python(self, text: str):
        return int(text) if text else None

    def apply(self, student, text: str) -> None:
        year = SchoolYear.objects.filter(
            establishment=student.establishment_id, is_current=True
        ).first()
        if year is None:
            raise FamilyError(
                _("The establishment has no current school year: the school level cannot be set.")
            )
        if not text:
            SchoolLevel.objects.filter(student=student, school_year=year).delete()
            return
        level = ChoiceItem.objects.filter(
            pk=int(text), establishment=student.establishment_id, kind=ChoiceKind.SCHOOL_LEVEL
        ).first()
        if level is None:
            raise FamilyError(_("This school level is no longer in the list."))
        SchoolLevel.objects.update_or_create(
            student=student,
            school_year=year,
            defaults={"establishment_id": student.establishment_id, "level": level},
        )


class Student(TenantModel):
    """A pupil of the establishment, member of one family."""

    family = models.ForeignKey(
        "family.Family",
        verbose_name=_("family"),
        on_delete=models.PROTECT,
        related_name="students",
    )
    civility = choice_of(ChoiceKind.CIVILITY, _("civility"))
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    marital_status = choice_of(ChoiceKind.MARITAL_STATUS, _("family situation"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = PostalCodeField(_("postal code"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    home_phone = PhoneNumberField(_("home phone"))
    mobile_phone = PhoneNumberField(_("mobile"))
    work_phone = PhoneNumberField(_("work phone"))
    email = models.EmailField(_("e-mail"), blank=True)
    emergency_contact = models.CharField(_("person to contact"), max_length=150, blank=True)
    emergency_phone = PhoneNumberField(_("emergency phone"))
    use_guardian_contact = models.BooleanField(
        _("use the legal guardian's contact details"), default=False
    )
    image_rights = models.BooleanField(_("image rights"), default=False)
    outing_allowed = models.BooleanField(_("may leave alone"), default=False)

    tenant_family_path = "family"
    change_request_extra_fields = {"school_level": CurrentSchoolLevel()}

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name = _("student")
        verbose_name_plural = _("students")
        indexes = [models.Index(fields=["family", "last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name

    def clean(self):
        check_same_establishment(self, "family", "civility", "marital_status")

    @property
    def full_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}".strip()


class SchoolLevel(TenantModel):
    """A student's level at school ("Niveau scolaire") for one school year."""

    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="school_levels"
    )
    school_year = models.ForeignKey(
        SchoolYear, verbose_name=_("school year"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.ForeignKey(
        "family.ChoiceItem",
        verbose_name=_("school level"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": ChoiceKind.SCHOOL_LEVEL},
    )

    tenant_family_path = "student__family"

    class Meta:
        verbose_name = _("school level")
        verbose_name_plural = _("school levels")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school_year"],
                name="schoollevel_one_per_year",
                violation_error_message=_("This student already has a level for this year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.student} – {self.school_year}: {self.level}"

    def clean(self):
        check_same_establishment(self, "student", "school_year", "level")
