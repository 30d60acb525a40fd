import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, Q
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext
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


class YearSchoolLevel(RequestedValue):
    """The student's Niveau scolaire for one school year, asked for on the student's record like
    one of its fields (it is kept per year, in ``SchoolLevel``): the current year's, named
    ``school_level`` (the Identité tab), or a given year's, named ``school_level_<year id>``
    (the year a re-enrolment is for)."""

    is_relation = True
    related_model = ChoiceItem

    def __init__(self, year_id: int | None = None):
        self.year_id = year_id
        self.name = "school_level" if year_id is None else f"school_level_{year_id}"

    @staticmethod
    def name_for(year) -> str:
        """The name a change request gives the level of ``year``."""
        return "school_level" if year.is_current else f"school_level_{year.pk}"

    @cached_property
    def verbose_name(self):
        if self.year_id is None:
            return _("school level")
        label = SchoolYear.objects.filter(pk=self.year_id).values_list("label", flat=True)
        return _("school level (%(year)s)") % {"year": label.first() or "?"}

    def get_internal_type(self) -> str:
        return "ForeignKey"

    def _levels(self, student):
        levels = SchoolLevel.objects.filter(student=student)
        if self.year_id is None:
            return levels.filter(school_year__is_current=True)
        return levels.filter(school_year=self.year_id)

    def value_to_string(self, student) -> str:
        level = self._levels(student).values_list("level_id", flat=True).first()
        return str(level) if level else ""

    def text_of(self, value) -> str:
        value = getattr(value, "pk", value)
        return str(value) if value else ""

    def to_python(self, text: str):
        return int(text) if text else None

    def apply(self, student, text: str) -> None:
        years = SchoolYear.objects.filter(establishment=student.establishment_id)
        if self.year_id is None:
            year = years.filter(is_current=True).first()
            missing = _(
                "The establishment has no current school year: the school level cannot be set."
            )
        else:
            year = years.filter(pk=self.year_id).first()
            missing = _("This school year no longer exists: the school level cannot be set.")
        if year is None:
            raise FamilyError(missing)
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


class SchoolLevelValues(Mapping):
    """The school levels a change request of a student may name (``YearSchoolLevel``)."""

    def __getitem__(self, name: str) -> YearSchoolLevel:
        if name == "school_level":
            return YearSchoolLevel()
        match = re.fullmatch(r"school_level_(\d+)", name)
        if match is None:
            raise KeyError(name)
        return YearSchoolLevel(int(match[1]))

    def __iter__(self):
        return iter(["school_level"])

    def __len__(self) -> int:
        return 1


# A student's (or a guardian's) address and phones.
CONTACT_FIELDS = ("address", "postal_code", "city", "home_phone", "mobile_phone", "work_phone")


@dataclass(frozen=True)
class ContactDetails:
    """A student's address and phones as the establishment uses them (``Student.contact``):
    the student's own, or, with "Utiliser les coordonnées du responsable légal", those of the
    guardian the rule names (``Student.contact_guardian``), as validated (their record, not a
    change awaiting validation)."""

    address: str = ""
    postal_code: str = ""
    city: str = ""
    home_phone: str = ""
    mobile_phone: str = ""
    work_phone: str = ""
    guardian: object = None  # whose they are; None: the student's own
    withheld: bool = False  # another guardian's, not shown to the guardian reading

    @classmethod
    def of(cls, record, *, guardian=None) -> "ContactDetails":
        """The address and phones of ``record`` (a student, or a guardian)."""
        return cls(**{name: getattr(record, name) for name in CONTACT_FIELDS}, guardian=guardian)

    @property
    def postal_address(self) -> str:
        """ "19 rue de Paris, 45000 ORLEANS" """
        town = " ".join(part for part in (self.postal_code, self.city) if part)
        return ", ".join(part for part in (self.address, town) if part)

    @property
    def phones(self) -> list[str]:
        return [phone for phone in (self.home_phone, self.mobile_phone, self.work_phone) if phone]

    @property
    def summary(self) -> str:
        """ "19 rue de Paris, 45000 ORLEANS · 02 38 55 02 38", each phone kept on one line."""
        phones = [phone.replace(" ", "\u00a0") for phone in self.phones]
        return " · ".join(part for part in (self.postal_address, *phones) if part)

    def seen_by(self, guardian_id: int | None) -> "ContactDetails":
        """The details as a family login reads them: another guardian's address and phones
        are theirs to give (each login reads its own guardian's record only, separated parents
        included): only whose they are is said."""
        if self.guardian is None or guardian_id is None or self.guardian.pk == guardian_id:
            return self
        return ContactDetails(guardian=self.guardian, withheld=True)


class Student(TenantModel):
    """A pupil of the establishment, member of one family."""

    # The identity tab's fields, in its order: its form, the family's data download and
    # the anonymisation all go by this list.
    IDENTITY_FIELDS = [
        "civility",
        "last_name",
        "first_name",
        "birth_date",
        "birth_place",
        "marital_status",
        "use_guardian_contact",
        "address",
        "postal_code",
        "city",
        "home_phone",
        "mobile_phone",
        "work_phone",
        "email",
        "emergency_contact",
        "emergency_phone",
        "image_rights",
        "outing_allowed",
    ]

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

    # The student's address and phones: ``contact`` says which apply (the box above).
    CONTACT_FIELDS = CONTACT_FIELDS

    responsible_guardians = models.ManyToManyField(
        "family.Guardian",
        verbose_name=_("guardians responsible"),
        blank=True,
        related_name="responsible_for",
        help_text=_(
            "The guardians who see this student on the portal and are told about the student. "
            "None ticked: every guardian of the family."
        ),
    )

    tenant_family_path = "family"
    tenant_student_path = "pk"
    change_request_extra_fields = SchoolLevelValues()

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

    @property
    def contact_guardian(self):
        """The guardian whose address and phones the student uses when the box "Utiliser les
        coordonnées du responsable légal" is ticked: the first recorded (the lowest number) of
        the guardians responsible for the student, or, when the student names none, of the
        family's guardians; that is the family's main guardian, unless the student names
        others. Read from prefetched guardians when there are
        (``students.selectors.with_contact``)."""
        if "responsible_guardians" in getattr(self, "_prefetched_objects_cache", {}):
            named = [g for g in self.responsible_guardians.all() if g.family_id == self.family_id]
            guardians = named or list(self.family.guardians.all())
            return min(guardians, key=lambda guardian: guardian.pk, default=None)
        # The same rule, in one query.
        named = self.responsible_guardians.filter(family=self.family_id)
        guardians = self.responsible_guardians.model.objects.filter(family=self.family_id)
        return (
            guardians.filter(Q(pk__in=named.values("pk")) | ~Exists(named)).order_by("pk").first()
        )

    @property
    def contact(self) -> ContactDetails:
        """The student's address and phones as the establishment uses them, the one place
        every page, download and export reads them from: the responsible guardian's
        (``contact_guardian``) while the box is ticked, following their changes once
        validated; the student's own otherwise."""
        guardian = self.contact_guardian if self.use_guardian_contact else None
        return ContactDetails.of(guardian or self, guardian=guardian)


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
    tenant_student_path = "student"

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


NOT_NEGATIVE = MinValueValidator(datetime.timedelta(0), _("A duration cannot be negative."))


def not_negative(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": datetime.timedelta(0)}),
        name=name,
        violation_error_message=_("A duration cannot be negative."),
    )


class Department(TenantModel):
    """A department of the establishment ("Formation Musicale", "Polyphoniques")."""

    name = models.CharField(_("name"), max_length=100)

    tenant_family_path = TENANT_SHARED

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        constraints = [
            models.UniqueConstraint(fields=["establishment", "name"], name="department_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Teacher(TenantModel):
    """A teacher of the establishment."""

    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)

    tenant_family_path = TENANT_SHARED

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name = _("teacher")
        verbose_name_plural = _("teachers")

    def __str__(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}".strip()


class Room(TenantModel):
    """A room, in a building or site of the establishment ("Fauré", in "Conservatoire")."""

    name = models.CharField(_("name"), max_length=100)
    location = models.CharField(_("location"), max_length=100, blank=True)

    tenant_family_path = TENANT_SHARED

    class Meta:
        ordering = ["location", "name", "pk"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")

    def __str__(self) -> str:
        return f"{self.name} ({self.location})" if self.location else self.name


class Weekday(models.IntegerChoices):
    MONDAY = 1, _("Monday")
    TUESDAY = 2, _("Tuesday")
    WEDNESDAY = 3, _("Wednesday")
    THURSDAY = 4, _("Thursday")
    FRIDAY = 5, _("Friday")
    SATURDAY = 6, _("Saturday")
    SUNDAY = 7, _("Sunday")


class Course(TenantModel):
    """A course of a school year: a class ("FM 2C4") taught to a group ("FM 2C4 A") by a
    teacher, in a room, on a day at a time."""

    school_year = models.ForeignKey(
        SchoolYear, verbose_name=_("school year"), on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField(_("course"), max_length=100)
    class_name = models.CharField(
        _("class"), max_length=100, help_text=_('The class it belongs to, e.g. "FM 2C4".')
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    teacher = models.ForeignKey(
        Teacher,
        verbose_name=_("teacher"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    room = models.ForeignKey(
        Room,
        verbose_name=_("room"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    weekday = models.PositiveSmallIntegerField(
        _("day"), choices=Weekday.choices, null=True, blank=True
    )
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    duration = models.DurationField(_("duration"), null=True, blank=True, validators=[NOT_NEGATIVE])
    end_date = models.DateField(_("end date"), null=True, blank=True)
    cycle = models.CharField(_("cycle"), max_length=20, blank=True)
    adapted_schedule = models.BooleanField(_("adapted school hours"), default=False)

    tenant_family_path = TENANT_SHARED

    class Meta:
        ordering = ["label", "pk"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        indexes = [models.Index(fields=["establishment", "school_year"])]
        constraints = [not_negative("duration", "course_duration_not_negative")]

    def __str__(self) -> str:
        return f"{self.label} ({self.school_year})"

    def clean(self):
        check_same_establishment(self, "school_year", "department", "teacher", "room")

    @property
    def last_day(self) -> datetime.date:
        """The course's last possible lesson day: its end date, within its school year."""
        year_end = self.school_year.end_date
        return min(self.end_date or year_end, year_end)

    def weekday_from(self, day: datetime.date) -> datetime.date:
        """The first day on or after ``day`` that is the course's day of the week (``day``
        itself for a course without one)."""
        if not self.weekday:
            return day
        return day + datetime.timedelta(days=(self.weekday - day.isoweekday()) % 7)

    @property
    def end_time(self):
        """When the course ends: its start time plus its duration."""
        if self.start_time is None or self.duration is None:
            return None
        # Around the clock if it ever passes midnight.
        start = datetime.datetime.combine(datetime.date(2000, 1, 1), self.start_time)
        return (start + self.duration).time()


class Enrolment(TenantModel):
    """A student in a course for its school year, and the year's follow-up: results, averages,
    admission. Past years' enrolments are the student's history."""

    student = models.ForeignKey(
        Student, verbose_name=_("student"), on_delete=models.CASCADE, related_name="enrolments"
    )
    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="enrolments"
    )
    cycle = models.CharField(_("cycle"), max_length=20, blank=True)
    adapted_schedule = models.BooleanField(_("adapted school hours"), default=False)
    activity_status = models.CharField(
        _("activity status"), max_length=50, blank=True, default="ACTIF"
    )
    activity_reason = models.CharField(_("reason"), max_length=200, blank=True)
    first_instrument = models.BooleanField(_("first instrument"), default=False)
    hours = models.DurationField(_("hours"), null=True, blank=True, validators=[NOT_NEGATIVE])
    effective_hours = models.DurationField(
        _("effective hours"), null=True, blank=True, validators=[NOT_NEGATIVE]
    )
    average = models.DecimalField(
        _("average"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    average_denominator = models.DecimalField(
        _("out of"), max_digits=5, decimal_places=2, default=Decimal("20.00")
    )
    letter_average = models.CharField(_("letter average"), max_length=20, blank=True)
    mention = models.CharField(_("mention"), max_length=50, blank=True)
    class_result = models.CharField(_("class result"), max_length=100, blank=True)
    cycle_result = models.CharField(_("cycle result"), max_length=100, blank=True)
    class_admission = models.CharField(_("class admission"), max_length=100, blank=True)
    cycle_admission = models.CharField(_("cycle admission"), max_length=100, blank=True)
    comment = models.TextField(_("comment"), blank=True)

    tenant_family_path = "student__family"
    tenant_student_path = "student"

    class Meta:
        ordering = ["course__label", "pk"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["student", "course"],
                name="enrolment_once_per_course",
                violation_error_message=_("This student is already enrolled in this course."),
            ),
            not_negative("hours", "enrolment_hours_not_negative"),
            not_negative("effective_hours", "enrolment_effective_hours_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.student} – {self.course}"

    def clean(self):
        check_same_establishment(self, "student", "course")

    @property
    def shown_cycle(self) -> str:
        return self.cycle or self.course.cycle


class Evaluation(TenantModel):
    """A mark or an assessment of a student in an enrolment."""

    # The evaluation's fields as the secretariat edits them and the family's data download
    # shows them.
    RECORD_FIELDS = [
        "evaluation_type",
        "date",
        "criterion_type",
        "mark",
        "denominator",
        "coefficient",
        "letter",
        "mention",
        "appreciation",
        "choice",
        "absent",
        "reason",
    ]

    enrolment = models.ForeignKey(
        Enrolment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="evaluations",
    )
    evaluation_type = models.CharField(_("evaluation type"), max_length=100)
    date = models.DateField(_("date"))
    criterion_type = models.CharField(_("criterion type"), max_length=100, blank=True)
    mark = models.DecimalField(_("mark"), max_digits=5, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField(
        _("out of"), max_digits=5, decimal_places=2, default=Decimal("20.00")
    )
    coefficient = models.DecimalField(
        _("coefficient"), max_digits=4, decimal_places=2, default=Decimal("1.00")
    )
    letter = models.CharField(_("letter"), max_length=10, blank=True)
    mention = models.CharField(_("mention"), max_length=50, blank=True)
    appreciation = models.TextField(_("appreciation"), blank=True)
    choice = models.CharField(_("choice"), max_length=100, blank=True)
    absent = models.BooleanField(_("absent"), default=False)
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    tenant_family_path = "enrolment__student__family"
    tenant_student_path = "enrolment__student"

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")

    def __str__(self) -> str:
        return f"{self.evaluation_type} ({self.date:%d/%m/%Y})"

    def clean(self):
        check_same_establishment(self, "enrolment")


class Absence(TenantModel):
    """A student's absence from a course."""

    # The absence's fields as the secretariat edits them and the family's data download
    # shows them.
    RECORD_FIELDS = [
        "start_date",
        "end_date",
        "start_time",
        "end_time",
        "characteristic",
        "justified",
        "letter_sent",
        "letter_date",
    ]

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("course"), on_delete=models.CASCADE, related_name="absences"
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"), null=True, blank=True)
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    characteristic = models.CharField(_("characteristic"), max_length=100, blank=True)
    justified = models.BooleanField(_("justified"), default=False)
    letter_sent = models.BooleanField(_("letter sent"), default=False)
    letter_date = models.DateField(_("letter date"), null=True, blank=True)
    # An absence the family reported ahead from the portal (Signaler une absence): who, when,
    # and the reason they gave, if any. Staff justify it like any other.
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("reported by the family on"), null=True, blank=True)
    family_reason = models.CharField(_("reason given by the family"), max_length=200, blank=True)

    tenant_family_path = "enrolment__student__family"
    tenant_student_path = "enrolment__student"

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="absence_ends_after_start",
                violation_error_message=_("The end date must not be before the start date."),
            ),
            # A lesson is reported once, whoever sends it first (two guardians at once).
            models.UniqueConstraint(
                fields=["enrolment", "start_date"],
                condition=Q(reported_at__isnull=False),
                name="absence_reported_once_per_lesson",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.course.label} ({self.start_date:%d/%m/%Y})"

    @property
    def reported_by_family(self) -> bool:
        return self.reported_at is not None

    @property
    def shown_characteristic(self) -> str:
        """The Caractéristique column: the staff's words, and whether the family reported it."""
        parts = [self.characteristic] if self.characteristic else []
        if self.reported_by_family:
            parts.append(gettext("reported by the family"))
        return capfirst(" – ".join(parts))

    def clean(self):
        check_same_establishment(self, "enrolment")
        if self.reported_at is not None and self.enrolment_id and self.start_date:
            # The admin cannot check this constraint itself (reported_at is read-only there).
            clash = Absence.objects.filter(
                enrolment_id=self.enrolment_id,
                start_date=self.start_date,
                reported_at__isnull=False,
            ).exclude(pk=self.pk)
            if clash.exists():
                raise ValidationError(
                    {"start_date": _("The family already reported an absence on that day.")}
                )


class Performance(TenantModel):
    """A piece a student played at a musical event (the Répertoire tab)."""

    student = models.ForeignKey(
        Student,
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="performances",
    )
    event = models.CharField(_("event"), max_length=150)
    date = models.DateField(_("date"))
    piece = models.CharField(_("piece"), max_length=200)
    duration = models.DurationField(_("duration"), null=True, blank=True, validators=[NOT_NEGATIVE])
    comment = models.TextField(_("comment"), blank=True)

    tenant_family_path = "student__family"
    tenant_student_path = "student"

    class Meta:
        ordering = ["-date", "pk"]
        verbose_name = _("performance")
        verbose_name_plural = _("repertoire")
        indexes = [models.Index(fields=["student", "date"])]
        constraints = [not_negative("duration", "performance_duration_not_negative")]

    def __str__(self) -> str:
        return f"{self.event} – {self.piece}"

    def clean(self):
        check_same_establishment(self, "student")
