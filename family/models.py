from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.tenancy import TenantQuerySet, check_same_establishment


class Family(models.Model):
    """A household of an establishment: its guardians and its students."""

    establishment = models.ForeignKey(
        "accounts.Establishment",
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="families",
    )
    name = models.CharField(_("name"), max_length=150)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = TenantQuerySet.as_manager()
    tenant_family_path = "pk"

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("family")
        verbose_name_plural = _("families")
        indexes = [models.Index(fields=["establishment", "name"])]

    def __str__(self) -> str:
        return self.name


class Civility(models.TextChoices):
    MR = "M", pgettext_lazy("civility", "Mr")
    MRS = "MME", pgettext_lazy("civility", "Mrs")
    MISS = "MLLE", pgettext_lazy("civility", "Miss")


class Guardian(models.Model):
    """A legal guardian ("responsable") of a family; the first one holds the family's login."""

    establishment = models.ForeignKey(
        "accounts.Establishment",
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="guardians",
    )
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
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guardian",
    )

    objects = TenantQuerySet.as_manager()
    tenant_family_path = "family"

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name = _("guardian")
        verbose_name_plural = _("guardians")

    def __str__(self) -> str:
        return self.full_name

    def clean(self):
        check_same_establishment(self, self.family_id and self.family)

    @property
    def full_name(self) -> str:
        """Family name in capitals first, as on the guides' screens: "ABARRE Jérémie"."""
        return f"{self.last_name.upper()} {self.first_name}".strip()
