from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TENANT_SHARED, TenantModel, check_same_establishment
from family.fields import PhoneNumberField, PostalCodeField


class Family(TenantModel):
    """A household of an establishment: its guardians and its students."""

    name = models.CharField(_("name"), max_length=150)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    tenant_family_path = "pk"

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("family")
        verbose_name_plural = _("families")
        indexes = [models.Index(fields=["establishment", "name"])]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.pk is None:
            return
        moved = Family.objects.filter(pk=self.pk).exclude(establishment=self.establishment_id)
        if moved.exists() and (self.guardians.exists() or self.students.exists()):
            raise ValidationError(
                {
                    "establishment": _(
                        "A family with guardians or students cannot change establishment."
                    )
                }
            )


class ChoiceKind(models.TextChoices):
    CIVILITY = "civility", _("Civility")
    MARITAL_STATUS = "marital_status", _("Family situation")
    SOCIO_PROFESSIONAL = "socio_professional", _("Socio-professional code")
    SCHOOL_LEVEL = "school_level", _("School level")


class ChoiceItem(TenantModel):
    """One entry of a choice list of an establishment (Civilité, Situation familiale, Code
    socio-professionnel, Niveau scolaire), edited by its staff."""

    kind = models.CharField(_("list"), max_length=30, choices=ChoiceKind.choices)
    label = models.CharField(_("label"), max_length=100)
    label_en = models.CharField(
        _("label in English"), max_length=100, blank=True, help_text=_("Optional.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("offered"), default=True)

    tenant_family_path = TENANT_SHARED

    class Meta:
        ordering = ["kind", "position", "label"]
        verbose_name = _("choice list entry")
        verbose_name_plural = _("choice lists")
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "kind", "label"],
                name="choiceitem_label_unique",
                violation_error_message=_("This list already has this entry."),
            )
        ]

    def __str__(self) -> str:
        if self.label_en and get_language() == "en":
            return self.label_en
        return self.label


def choice_of(kind: str, verbose_name):
    """A foreign key to one choice list (its entries are scoped to the establishment in forms)."""
    return models.ForeignKey(
        ChoiceItem,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": kind, "is_active": True},
    )


class Guardian(TenantModel):
    """A legal guardian ("responsable") of a family; the first one holds the family's login."""

    family = models.ForeignKey(
        Family, verbose_name=_("family"), on_delete=models.CASCADE, related_name="guardians"
    )
    civility = choice_of(ChoiceKind.CIVILITY, _("civility"))
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = PostalCodeField(_("postal code"))
    city = models.CharField(_("city"), max_length=100, blank=True)
    home_phone = PhoneNumberField(_("home phone"))
    mobile_phone = PhoneNumberField(_("mobile"))
    work_phone = PhoneNumberField(_("work phone"))
    email = models.EmailField(_("e-mail"), blank=True)
    marital_status = choice_of(ChoiceKind.MARITAL_STATUS, _("family situation"))
    socio_professional = choice_of(ChoiceKind.SOCIO_PROFESSIONAL, _("socio-professional code"))
    profession = models.CharField(_("profession"), max_length=100, blank=True)
    extra_phone_1 = PhoneNumberField(_("additional phone 1"))
    extra_phone_2 = PhoneNumberField(_("additional phone 2"))
    extra_phone_3 = PhoneNumberField(_("additional phone 3"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("family login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guardian",
        limit_choices_to=Q(is_staff=False, is_superuser=False),
    )

    tenant_family_path = "family"

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")

    def __str__(self) -> str:
        return self.full_name

    def clean(self):
        check_same_establishment(
            self, "family", "user", "civility", "marital_status", "socio_professional"
        )

    @property
    def full_name(self) -> str:
        """Family name in capitals first, as on the guides' screens: "ABARRE Jérémie"."""
        return f"{self.last_name.upper()} {self.first_name}".strip()


class ChangeRequest(TenantModel):
    """The changes a family asked for on one of its records (a guardian, a student), waiting
    for the staff. Saving never changes the record: the request holds, per field, the value
    when it was asked for and the value wanted, as text (``Field.value_to_string``)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting validation")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    family = models.ForeignKey(
        Family, verbose_name=_("family"), on_delete=models.CASCADE, related_name="change_requests"
    )
    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=_("record type"), on_delete=models.PROTECT
    )
    object_id = models.PositiveBigIntegerField(_("record"))
    changes = models.JSONField(_("changes"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided on"), null=True, blank=True)
    reason = models.TextField(_("reason of the refusal"), blank=True)

    tenant_family_path = "family"

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"],
                condition=Q(status="pending"),
                name="changerequest_one_pending_per_record",
            )
        ]
        indexes = [models.Index(fields=["establishment", "status", "created_at"])]

    def __str__(self) -> str:
        return _("Request no. %(number)d (%(status)s)") % {
            "number": self.pk or 0,
            "status": self.get_status_display(),
        }
