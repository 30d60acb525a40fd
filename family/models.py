from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.tenancy import TenantModel, check_same_establishment


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


class Civility(models.TextChoices):
    MR = "M", pgettext_lazy("civility", "Mr")
    MRS = "MME", pgettext_lazy("civility", "Mrs")
    MISS = "MLLE", pgettext_lazy("civility", "Miss")


class Guardian(TenantModel):
    """A legal guardian ("responsable") of a family; the first one holds the family's login."""

    family = models.ForeignKey(
        Family, verbose_name=_("family"), on_delete=models.CASCADE, related_name="guardians"
    )
    civility = models.CharField(_("civility"), max_length=5, choices=Civility.choices, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
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
        check_same_establishment(self, "family", "user")

    @property
    def full_name(self) -> str:
        """Family name in capitals first, as on the guides' screens: "ABARRE Jérémie"."""
        return f"{self.last_name.upper()} {self.first_name}".strip()
