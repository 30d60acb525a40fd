from django import forms
from django.contrib import admin
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from accounts.exports import csv_response, spreadsheet_safe
from accounts.tenancy import TenantAdminMixin, staff_scope
from students.models import (
    Absence,
    Course,
    Department,
    Enrolment,
    Evaluation,
    Performance,
    Room,
    SchoolLevel,
    SchoolYear,
    Student,
    Teacher,
)
from students.selectors import with_contact


class SchoolLevelInline(TenantAdminMixin, admin.TabularInline):
    model = SchoolLevel
    fk_name = "student"
    extra = 0
    fields = ["establishment", "school_year", "level"]


@admin.register(SchoolYear)
class SchoolYearAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["label", "start_date", "end_date", "is_current", "establishment"]
    list_filter = ["establishment", "is_current"]
    search_fields = ["label"]


class StudentAdminForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        family = cleaned.get("family")
        guardians = cleaned.get("responsible_guardians") or []
        if family is not None and any(g.family_id != family.pk for g in guardians):
            self.add_error(
                "responsible_guardians",
                _(
                    "The guardians ticked are those of the student's former family: untick "
                    "them, save, then tick the guardians of its new family."
                ),
            )
        return cleaned


class CourseThisYearFilter(admin.SimpleListFilter):
    """The students of one course of the current school year: its class list, to export with
    the students' contact details."""

    title = _("course this year")
    parameter_name = "course"

    def _courses(self, request):
        courses = Course.objects.filter(school_year__is_current=True).order_by("label", "pk")
        return staff_scope(courses, request.user)

    def lookups(self, request, model_admin):
        return [(course.pk, course.label) for course in self._courses(request)]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        value = str(self.value())
        number = value.isascii() and value.isdigit()  # "²" is a digit to str, not to int
        course = self._courses(request).filter(pk=value).first() if number else None
        if course is None:
            return queryset.none()
        return queryset.filter(enrolments__course=course).distinct()


# The columns of the students' contact details export, each read from the student
# (``Student.contact`` for the address and phones).
CONTACT_COLUMNS = [
    (_("Last name"), lambda student, contact: student.last_name),
    (_("First name"), lambda student, contact: student.first_name),
    (
        _("Date of birth"),
        lambda student, contact: (
            date_format(student.birth_date, "SHORT_DATE_FORMAT") if student.birth_date else ""
        ),
    ),
    (_("Family"), lambda student, contact: student.family.name),
    (_("Address"), lambda student, contact: contact.address),
    (_("Postal code"), lambda student, contact: contact.postal_code),
    (_("City"), lambda student, contact: contact.city),
    (_("Home phone"), lambda student, contact: contact.home_phone),
    (_("Mobile"), lambda student, contact: contact.mobile_phone),
    (_("Work phone"), lambda student, contact: contact.work_phone),
    (
        _("Address and phones of"),
        lambda student, contact: contact.guardian.full_name if contact.guardian else "",
    ),
    (_("E-mail"), lambda student, contact: student.email),
    (_("Person to contact"), lambda student, contact: student.emergency_contact),
    (_("Emergency phone"), lambda student, contact: student.emergency_phone),
]


@admin.register(Student)
class StudentAdmin(TenantAdminMixin, admin.ModelAdmin):
    form = StudentAdminForm
    list_display = ["last_name", "first_name", "birth_date", "family", "establishment"]
    list_filter = [CourseThisYearFilter, "establishment"]
    search_fields = ["last_name", "first_name", "family__name"]
    autocomplete_fields = ["family"]
    inlines = [SchoolLevelInline]
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    readonly_fields = ["contact_used"]
    actions = ["export_contacts"]

    def get_fields(self, request, obj=None):
        """What the box "use the legal guardian's contact details" makes of the address and
        phones, said just under it."""
        fields = [name for name in super().get_fields(request, obj) if name != "contact_used"]
        if obj is None or "use_guardian_contact" not in fields:
            return fields
        at = fields.index("use_guardian_contact") + 1
        return [*fields[:at], "contact_used", *fields[at:]]

    @admin.display(description=_("address and phones used"))
    def contact_used(self, student):
        contact = student.contact
        if contact.guardian is None:
            return _("The student's own: %(details)s") % {"details": contact.summary or "—"}
        return _("Those of %(guardian)s, guardian: %(details)s") % {
            "guardian": contact.guardian.full_name,
            "details": contact.summary or "—",
        }

    @admin.action(
        description=_("Export the selected students' contact details (CSV)"),
        permissions=["view"],
    )
    def export_contacts(self, request, queryset):
        """A CSV for spreadsheet software (a class list, with the course filter): the address
        and phones each student is reached at."""
        response, writer = csv_response("eleves-coordonnees.csv")
        writer.writerow([str(label) for label, _read in CONTACT_COLUMNS])
        students = queryset.select_related("family").order_by("last_name", "first_name", "pk")
        for student in with_contact(students):
            contact = student.contact
            writer.writerow(
                [spreadsheet_safe(str(read(student, contact))) for _label, read in CONTACT_COLUMNS]
            )
        return response

    def get_form(self, request, obj=None, change=False, **kwargs):
        """The guardians responsible are ticked among the student's family's (none before the
        student is saved in a family)."""
        form = super().get_form(request, obj, change=change, **kwargs)
        field = form.base_fields.get("responsible_guardians")
        if field is not None:
            family_id = obj.family_id if obj is not None else None
            field.queryset = (
                field.queryset.filter(family=family_id) if family_id else (field.queryset.none())
            )
        return form


@admin.register(Department)
class DepartmentAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["name", "establishment"]
    list_filter = ["establishment"]
    search_fields = ["name"]


@admin.register(Teacher)
class TeacherAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["last_name", "first_name", "establishment"]
    list_filter = ["establishment"]
    search_fields = ["last_name", "first_name"]


@admin.register(Room)
class RoomAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["name", "location", "establishment"]
    list_filter = ["location", "establishment"]
    search_fields = ["name", "location"]


@admin.register(Course)
class CourseAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = [
        "label",
        "class_name",
        "school_year",
        "department",
        "teacher",
        "room",
        "weekday",
        "start_time",
        "duration",
    ]
    list_filter = ["school_year", "department", "teacher", "weekday", "establishment"]
    list_select_related = ["school_year", "department", "teacher", "room"]
    search_fields = ["label", "class_name", "teacher__last_name", "department__name"]
    autocomplete_fields = ["school_year", "department", "teacher", "room"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("school_year")

    fields = [
        "establishment",
        "school_year",
        "label",
        "class_name",
        "department",
        "teacher",
        "room",
        "weekday",
        "start_time",
        "duration",
        "end_date",
        "cycle",
        "adapted_schedule",
    ]


class EnrolmentPartInline(TenantAdminMixin, admin.TabularInline):
    """Rows under an enrolment: their establishment is the enrolment's (set on saving)."""

    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("enrolment__course__school_year")


class EvaluationInline(EnrolmentPartInline):
    model = Evaluation
    fields = Evaluation.RECORD_FIELDS


class AbsenceInline(EnrolmentPartInline):
    model = Absence
    fields = [*Absence.RECORD_FIELDS, "reported_at", "family_reason"]
    readonly_fields = ["reported_at", "family_reason"]


class ReportedByFamilyFilter(admin.SimpleListFilter):
    """Absences the families reported ahead from the portal, to justify."""

    title = _("reported by the family")
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(reported_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(reported_at__isnull=True)
        return queryset


@admin.register(Enrolment)
class EnrolmentAdmin(TenantAdminMixin, admin.ModelAdmin):
    """A student's follow-up in a course for a year, with its evaluations and absences."""

    list_display = ["student", "course", "year", "department", "teacher", "average"]
    list_filter = [
        "course__school_year",
        "course__department",
        "course__teacher",
        "student",
        "establishment",
    ]
    list_select_related = [
        "student",
        "course__school_year",
        "course__department",
        "course__teacher",
    ]
    search_fields = [
        "student__last_name",
        "student__first_name",
        "course__label",
        "course__class_name",
    ]
    autocomplete_fields = ["student", "course"]
    inlines = [EvaluationInline, AbsenceInline]
    ordering = ["-course__school_year__start_date", "student__last_name", "course__label"]

    def get_queryset(self, request):
        # Each enrolment reads as "student – course (year)", in lists and autocomplete answers.
        return super().get_queryset(request).select_related("student", "course__school_year")

    def save_formset(self, request, form, formset, change):
        for part in formset.save(commit=False):
            part.establishment_id = form.instance.establishment_id
            part.save()
        for part in formset.deleted_objects:
            part.delete()
        formset.save_m2m()

    @admin.display(description=_("school year"), ordering="course__school_year__start_date")
    def year(self, enrolment):
        return enrolment.course.school_year

    @admin.display(description=_("department"), ordering="course__department__name")
    def department(self, enrolment):
        return enrolment.course.department

    @admin.display(description=_("teacher"), ordering="course__teacher__last_name")
    def teacher(self, enrolment):
        return enrolment.course.teacher or "—"


@admin.register(Evaluation)
class EvaluationAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["enrolment", "evaluation_type", "date", "mark", "denominator"]
    list_filter = [
        "enrolment__course__school_year",
        "enrolment__course__department",
        "enrolment__course__teacher",
        "enrolment__student",
        "evaluation_type",
        "establishment",
    ]
    list_select_related = ["enrolment__student", "enrolment__course__school_year"]
    search_fields = ["enrolment__student__last_name", "evaluation_type"]
    autocomplete_fields = ["enrolment"]
    date_hierarchy = "date"


@admin.register(Absence)
class AbsenceAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = [
        "enrolment",
        "start_date",
        "end_date",
        "reported",
        "justified",
        "letter_sent",
    ]
    list_filter = [
        ReportedByFamilyFilter,
        "justified",
        "letter_sent",
        "enrolment__course__school_year",
        "enrolment__course__department",
        "enrolment__course__teacher",
        "enrolment__student",
        "establishment",
    ]
    list_select_related = ["enrolment__student", "enrolment__course__school_year"]
    search_fields = ["enrolment__student__last_name", "enrolment__course__label"]
    autocomplete_fields = ["enrolment"]
    date_hierarchy = "start_date"
    readonly_fields = ["reported_by", "reported_at", "family_reason"]

    @admin.display(description=_("reported by the family"), boolean=True, ordering="reported_at")
    def reported(self, absence):
        return absence.reported_by_family


class PlayedInYearFilter(admin.SimpleListFilter):
    """The school year a piece was played in (a performance has a date, not a year): the
    years offered are the staff member's establishment's."""

    title = _("school year")
    parameter_name = "school_year"

    def _years(self, request):
        return staff_scope(SchoolYear.objects.all(), request.user)

    def lookups(self, request, model_admin):
        return [(year.pk, year.label) for year in self._years(request)]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        value = str(self.value())  # the facet counts set the choices' ids, not text
        number = value.isascii() and value.isdigit()
        year = self._years(request).filter(pk=value).first() if number else None
        if year is None:
            return queryset.none()
        return queryset.filter(
            establishment=year.establishment_id, date__range=(year.start_date, year.end_date)
        )


@admin.register(Performance)
class PerformanceAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["event", "date", "piece", "student", "duration"]
    list_filter = [PlayedInYearFilter, "student", "establishment"]
    list_select_related = ["student"]
    search_fields = ["event", "piece", "student__last_name", "student__first_name"]
    autocomplete_fields = ["student"]
    date_hierarchy = "date"
