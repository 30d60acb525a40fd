from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TENANT_SHARED, TenantModel, check_same_establishment


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


class Student(TenantModel):
    """A pupil of the establishment, member of one family."""

    family = models.ForeignKey(
        "family.Family",
        verbose_name=_("family"),
        on_delete=models.PROTECT,
        related_name="students",
    )
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)

    tenant_family_path = "family"

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name = _("student")
        verbose_name_plural = _("students")
        indexes = [models.Index(fields=["family", "last_name", "first_name"])]

    def __str__(self) -> str:
        return self.full_name

    def clean(self):
        check_same_establishment(self, "family")

    @property
    def full_name(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}".strip()
