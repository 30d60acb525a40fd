import abc

from django.apps import apps
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
    anonymised_at = models.DateTimeField(
        _("anonymised on"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Set when the family's personal data was erased (family_anonymise)."),
    )

    tenant_family_path = "pk"

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("family")
        verbose_name_plural = _("families")
        indexes = [models.Index(fields=["establishment", "name"])]
        # Erasing a family is for good: given to named staff members, not to the whole
        # secretariat group (accounts.services.staff_group_sync leaves it out).
        permissions = [("anonymise_family", _("Can anonymise a family that left"))]

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

    # The identity tab's fields, in its order: its form, the family's data download and
    # the anonymisation all go by this list.
    IDENTITY_FIELDS = [
        "civility",
        "last_name",
        "first_name",
        "address",
        "postal_code",
        "city",
        "home_phone",
        "mobile_phone",
        "work_phone",
        "email",
        "marital_status",
        "socio_professional",
        "profession",
        "extra_phone_1",
        "extra_phone_2",
        "extra_phone_3",
    ]

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
    # Each guardian with a login reads their own record only (separated parents).
    tenant_guardian_path = "pk"

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


class RequestedValue(abc.ABC):
    """A value a family may ask to change on a record without it being a column of that
    record (a student's school level, kept per school year). Models list them in
    ``change_request_extra_fields``; to the change requests they behave like a field: text in,
    text out, applied by ``apply`` when the staff approve."""

    is_relation = False
    related_model = None
    null = True
    name = ""
    verbose_name = ""

    @property
    def attname(self) -> str:
        return self.name

    def get_internal_type(self) -> str:
        return "CharField"

    @abc.abstractmethod
    def value_to_string(self, record) -> str:
        """The stored value, as text."""

    @abc.abstractmethod
    def text_of(self, value) -> str:
        """The text a cleaned form value is stored as in a request."""

    def to_python(self, text: str):
        return text

    @abc.abstractmethod
    def apply(self, record, text: str) -> None:
        """Store the approved value."""


def requested_field(model, name: str):
    """The field (or ``RequestedValue``) a change request names."""
    extra = getattr(model, "change_request_extra_fields", {})
    if name in extra:
        return extra[name]
    return model._meta.get_field(name)


def field_text(field, record) -> str:
    """A record's value as a change request stores it: text, and "" for no value (Django's
    ``value_to_string`` writes an empty list entry as "None")."""
    if not isinstance(field, RequestedValue) and field.value_from_object(record) is None:
        return ""
    return field.value_to_string(record) or ""


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

    @classmethod
    def tenant_guardian_q(cls, guardian_id: int, students) -> Q:
        """A guardian reads the requests about their own record and about the students they
        are responsible for (``students``: a subquery of their ids)."""
        from django.contrib.contenttypes.models import ContentType

        return Q(
            content_type=ContentType.objects.get_for_model(Guardian), object_id=guardian_id
        ) | Q(
            content_type=ContentType.objects.get_for_model(apps.get_model("students", "Student")),
            object_id__in=students,
        )

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


def documents_storage():
    """The private storage of uploaded documents: never served by a public URL, only through
    the views that check who asks (family.views, family.admin)."""
    from django.core.files.storage import storages

    return storages["documents"]


class DocumentType(TenantModel):
    """A document an establishment asks families for ("Justificatif de domicile"), once per
    family or once per student, required or not."""

    class Holder(models.TextChoices):
        FAMILY = "family", _("the family")
        STUDENT = "student", _("each student")

    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(
        _("name in English"), max_length=100, blank=True, help_text=_("Optional.")
    )
    description = models.TextField(
        _("explanation for the families"),
        blank=True,
        help_text=_('Shown to families, e.g. "less than three months old".'),
    )
    description_en = models.TextField(
        _("explanation in English"), blank=True, help_text=_("Optional.")
    )
    holder = models.CharField(
        _("asked of"), max_length=10, choices=Holder.choices, default=Holder.FAMILY
    )
    is_required = models.BooleanField(_("required"), default=True)
    is_active = models.BooleanField(
        _("asked for"), default=True, help_text=_("Untick to stop asking for it; files are kept.")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    tenant_family_path = TENANT_SHARED

    class Meta:
        ordering = ["holder", "position", "name", "pk"]
        verbose_name = _("document type")
        verbose_name_plural = _("document types")
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "holder", "name"],
                name="documenttype_name_unique",
                violation_error_message=_("This establishment already asks for this document."),
            )
        ]

    def __str__(self) -> str:
        if self.name_en and get_language() == "en":
            return self.name_en
        return self.name

    @property
    def explanation(self) -> str:
        """The explanation for the families, in English when there is one."""
        if self.description_en and get_language() == "en":
            return self.description_en
        return self.description


class Document(TenantModel):
    """One file a family sent for a document type (for the family, or for one of its
    students). Sending another file for the same type keeps the earlier ones as history."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("imported, not sent yet")
        RECEIVED = "received", _("received, awaiting check")
        ACCEPTED = "accepted", _("accepted")
        REFUSED = "refused", _("refused")
        REPLACED = "replaced", _("replaced before being checked")

    family = models.ForeignKey(
        Family, verbose_name=_("family"), on_delete=models.CASCADE, related_name="documents"
    )
    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    document_type = models.ForeignKey(
        DocumentType,
        verbose_name=_("document"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    file = models.FileField(_("file"), storage=documents_storage, max_length=200)
    original_name = models.CharField(_("name of the file sent"), max_length=160)
    mime_type = models.CharField(_("type"), max_length=40)
    size = models.PositiveIntegerField(_("size"))
    reduced = models.BooleanField(_("photo reduced to fit"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("imported on"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("checked on"), null=True, blank=True)
    reason = models.TextField(_("reason of the refusal"), blank=True)

    tenant_family_path = "family"
    # The family's own documents (no student) are every guardian's once sent; a file imported
    # and not sent yet is the guardian's who imported it.
    tenant_student_path = "student"
    tenant_student_optional = True

    @classmethod
    def tenant_guardian_q(cls, guardian_id: int, students) -> Q:
        return ~Q(status=cls.Status.DRAFT) | Q(uploaded_by__guardian=guardian_id)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            # One file awaiting check per family document and per student document, and one
            # imported but not sent per guardian's login (two constraints each: a NULL student
            # is never "equal").
            models.UniqueConstraint(
                fields=["family", "document_type"],
                condition=Q(student__isnull=True, status="received"),
                name="document_one_received_per_family_type",
            ),
            models.UniqueConstraint(
                fields=["student", "document_type"],
                condition=Q(student__isnull=False, status="received"),
                name="document_one_received_per_student_type",
            ),
            models.UniqueConstraint(
                fields=["family", "document_type", "uploaded_by"],
                condition=Q(student__isnull=True, status="draft"),
                name="document_one_draft_per_family_type",
            ),
            models.UniqueConstraint(
                fields=["student", "document_type", "uploaded_by"],
                condition=Q(student__isnull=False, status="draft"),
                name="document_one_draft_per_student_type",
            ),
        ]
        indexes = [
            models.Index(fields=["establishment", "status", "submitted_at"]),
            models.Index(fields=["family", "student", "document_type"]),
        ]

    def __str__(self) -> str:
        if self.student_id:
            return f"{self.document_type} – {self.student}"
        return f"{self.document_type} – {self.family}"

    def clean(self):
        check_same_establishment(self, "family", "student", "document_type")

    @property
    def kind(self) -> str:
        return {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}.get(
            self.mime_type, self.mime_type
        )

    def download_name(self) -> str:
        """The name a download is saved under: the document's, never the one uploaded."""
        from django.utils.text import slugify

        name = str(self.document_type).replace("'", " ").replace("’", " ")
        base = slugify(name) or "document"
        if self.student_id:
            base = f"{base}-{slugify(self.student.first_name)}"
        extension = self.file.name.rpartition(".")[2]
        return f"{base}-{self.uploaded_at:%Y-%m-%d}.{extension}"


class CalendarFeed(TenantModel):
    """A guardian's private calendar address (Famille → Agenda): the current year's lessons and
    répertoire events of the family's students, for a calendar application to subscribe to.
    The token is the only key: renewing it makes a new address, deleting it ends the old one."""

    guardian = models.OneToOneField(
        Guardian,
        verbose_name=_("guardian"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    tenant_family_path = "guardian__family"
    tenant_guardian_path = "guardian"

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self) -> str:
        return str(self.guardian)


class GuardianInvitation(TenantModel):
    """A guardian's request that another guardian of the family (a separated parent) gets a
    login of their own, for the students named: held until the staff check the link, then a
    guardian record and its login are made and the identifier is mailed to the address."""

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting validation")
        VALIDATED = "validated", _("validated")
        REFUSED = "refused", _("refused")

    family = models.ForeignKey(
        Family, verbose_name=_("family"), on_delete=models.CASCADE, related_name="invitations"
    )
    invited_by = models.ForeignKey(
        Guardian,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
    )
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    email = models.EmailField(_("e-mail"))
    students = models.ManyToManyField(
        "students.Student", verbose_name=_("students responsible for"), related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)
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
    guardian = models.OneToOneField(
        Guardian,
        verbose_name=_("guardian made"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitation",
    )

    tenant_family_path = "family"
    tenant_guardian_path = "invited_by"

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("guardian invitation")
        verbose_name_plural = _("guardian invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["family", "email"],
                condition=Q(status="pending"),
                name="invitation_pending_once_per_address",
                violation_error_message=_("An invitation to this address awaits validation."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.last_name.upper()} {self.first_name}".strip()

    def clean(self):
        check_same_establishment(self, "family", "invited_by")
