from axes.models import AccessAttempt
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from accounts.audit import action_label
from accounts.tenancy import TenantQuerySet

DEFAULT_WELCOME_TEXT = (
    "Ce portail internet sécurisé est destiné aux usagers du Conservatoire, il vous permet :\n"
    "- de consulter vos données personnelles enregistrées sur notre logiciel administratif\n"
    "- de consulter les données pédagogiques des élèves de votre foyer enregistrées sur notre "
    "logiciel administratif\n"
    "- de modifier, le cas échéant, vos coordonnées personnelles ou celles des élèves de "
    "votre foyer"
)


class EstablishmentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Establishment(models.Model):
    """A school or conservatoire: the tenant every other record belongs to ("Site")."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    code = models.SlugField(
        _("short code"),
        max_length=20,
        unique=True,
        help_text=_("Lower-case letters, digits and hyphens; part of internal login names."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    welcome_text = models.TextField(
        _("welcome text"),
        blank=True,
        default=DEFAULT_WELCOME_TEXT,
        help_text=_("Shown to families on the home page."),
    )
    mail_sender = models.EmailField(
        _("mail sender"),
        blank=True,
        help_text=_("The From address of the e-mails sent to families (for example imuse@…)."),
    )
    logo = models.ImageField(
        _("logo"),
        upload_to="logos/",
        blank=True,
        help_text=_("Printed on invoices and receipts (PNG or JPEG)."),
    )
    online_payment = models.BooleanField(_("online payment offered"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    objects = EstablishmentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("establishment")
        verbose_name_plural = _("establishments")

    def __str__(self) -> str:
        return self.name


class UserQuerySet(TenantQuerySet):
    pass


class PortalUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


username_validator = RegexValidator(
    r"^[\w.@+-]+(:[\w.@+-]+)?$",
    _(
        "Use letters, digits and the characters @ . + - _ only; a family login is "
        "<establishment code>:<identifier>."
    ),
)

identifier_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9._-]*$",
    _("Use lower-case letters, digits, dots, hyphens and underscores only."),
)


class User(AbstractUser):
    """A login: a family account of one establishment, a staff member of one, or a superuser.

    Family identifiers are unique per establishment only, so the globally unique ``username``
    of a family account is ``<establishment code>:<identifier>``; staff keep a plain username
    (without a colon) and log in through the admin.
    """

    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        validators=[username_validator],
        error_messages={"unique": _("A user with that username already exists.")},
    )

    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    identifier = models.CharField(
        _("identifier"),
        max_length=100,
        blank=True,
        validators=[identifier_validator],
        help_text=_("The family's login on the portal, unique in its establishment."),
    )
    language = models.CharField(
        _("language"), max_length=5, blank=True, choices=[("fr", "Français"), ("en", "English")]
    )
    # Accessibilité (the accessibility app reads and writes them; a cookie keeps them for the
    # login page).
    accessible_mode = models.BooleanField(
        _("accessible mode"),
        default=False,
        help_text=_("A linear, high-contrast, large-text layout, with keyboard shortcuts."),
    )
    shortcuts_enabled = models.BooleanField(
        _("keyboard shortcuts"), default=True, help_text=_("In the accessible mode.")
    )
    # The last temporary password mailed (hashed); the personal password keeps working until
    # the family logs in with the temporary one, so that a request by someone else locks
    # nobody out.
    temporary_password = models.CharField(max_length=128, blank=True, editable=False)
    temporary_password_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    must_change_password = models.BooleanField(
        _("must choose a new password"),
        default=False,
        help_text=_("Set after a login with a temporary password."),
    )

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "identifier"],
                condition=~Q(identifier=""),
                name="user_identifier_unique_per_establishment",
                violation_error_message=_("This identifier is already used in this establishment."),
            ),
            models.CheckConstraint(
                condition=Q(is_superuser=True, establishment__isnull=True)
                | Q(is_superuser=False, establishment__isnull=False),
                name="user_superuser_xor_establishment",
                violation_error_message=_(
                    "A superuser belongs to no establishment; every other account belongs to one."
                ),
            ),
            models.CheckConstraint(
                condition=Q(is_staff=True) | ~Q(identifier=""),
                name="user_family_account_has_identifier",
                violation_error_message=_("A family account needs an identifier."),
            ),
        ]

    @staticmethod
    def family_username(establishment: Establishment, identifier: str) -> str:
        return f"{establishment.code}:{identifier}"

    @staticmethod
    def login_shown(username: str) -> str:
        """A login as staff read it: a family's identifier without its establishment's code
        (``abarre1`` for ``c1:abarre1``), a staff member's username as it is."""
        _code, colon, identifier = username.partition(":")
        return identifier if colon else username

    def __str__(self) -> str:
        # Staff read a family's login as its identifier: the establishment is said beside it.
        return self.login_shown(self.username)

    @property
    def is_family(self) -> bool:
        return self.is_authenticated and not self.is_staff and self.establishment_id is not None


class AuditEntry(models.Model):
    """One staff decision or family request, as it happened: who, when, which establishment,
    what, on which record, and for record changes the values before and after. Written in the
    transaction of the change it tells of (``accounts.audit.record``); never changed."""

    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.PROTECT,
        related_name="audit_entries",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    actor = models.ForeignKey(
        "accounts.User",
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_label = models.CharField(_("by (login)"), max_length=150, blank=True)
    object_type = models.CharField(_("record type"), max_length=100, blank=True)
    object_id = models.CharField(_("record id"), max_length=40, blank=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    # The family the record belongs to, when it belongs to one: the entry stays tied to the
    # family after the record is deleted (the anonymisation finds it). No foreign key: the
    # accounts app knows nothing of families.
    family_id = models.PositiveBigIntegerField(
        _("family"), null=True, blank=True, db_index=True, editable=False
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [models.Index(fields=["establishment", "-created_at"])]

    def __str__(self) -> str:
        label = action_label(self.action, self.object_type)
        return f"{label} – {self.object_repr}" if self.object_repr else label


class FailedLogin(AccessAttempt):
    """django-axes's record of failed logins (one per login, address and browser), as staff
    read it: the failures that block a login or an address (``accounts.lockout``)."""

    class Meta:
        proxy = True
        verbose_name = _("failed login")
        verbose_name_plural = _("locked logins")
        default_permissions = ("view",)
        permissions = [("unlock_login", _("Can unlock logins and addresses"))]

    def __str__(self) -> str:
        return f"{User.login_shown(self.username or '')} – {self.ip_address or ''}".strip(" –")


class Mail(models.Model):
    """One mail the portal queued: to whom, about what, when, and what became of it, so that
    the staff can answer "I did not get the mail". Written by ``accounts.emails.queue_mail`` in
    the transaction of what caused it, updated by the mail worker as it sends. django-mailer's
    own log keeps neither recipient nor subject once the body is dropped; this record keeps
    them, and no body (a mail may hold a temporary password) but with ``MAIL_LOG_BODIES``,
    which development turns on so that the demo's mails can be read and followed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be sent")
        SENT = "sent", _("Sent")
        DEFERRED = "deferred", _("Not sent yet: will be tried again")
        FAILED = "failed", _("Not sent: tried too many times")

    establishment = models.ForeignKey(
        Establishment,
        verbose_name=_("establishment"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mails",
    )
    user = models.ForeignKey(
        "accounts.User",
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=255)
    template = models.CharField(_("kind"), max_length=60, blank=True)
    queued_at = models.DateTimeField(_("date"), default=now, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    # The kind of failure and the server's code ("SMTPRecipientsRefused 550"), never its text:
    # an SMTP error may quote addresses.
    failure = models.CharField(_("last failure"), max_length=100, blank=True)
    # The mail's Message-ID header, given when it is queued: how the worker finds this record.
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    body = models.TextField(_("text"), blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-queued_at", "-pk"]
        verbose_name = _("mail")
        verbose_name_plural = _("mail log")
        indexes = [models.Index(fields=["establishment", "-queued_at"])]

    def __str__(self) -> str:
        return f"{self.subject} → {self.recipient}"
