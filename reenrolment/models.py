import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TENANT_SHARED, TenantModel, check_same_establishment


class Campaign(TenantModel):
    """A re-enrolment campaign of an establishment for a coming school year: when families may
    re-enrol their children, which steps the wizard has, what they may choose."""

    name = models.CharField(_("name"), max_length=150)
    school_year = models.ForeignKey(
        "students.SchoolYear",
        verbose_name=_("school year re-enrolled for"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    opens_at = models.DateTimeField(_("opens on"))
    closes_at = models.DateTimeField(_("closes on"))
    step_contact_details = models.BooleanField(_("step: contact details"), default=True)
    step_authorisations = models.BooleanField(_("step: authorisations"), default=True)
    step_documents = models.BooleanField(_("step: documents"), default=True)
    step_courses = models.BooleanField(_("step: courses"), default=True)
    course_choice_allowed = models.BooleanField(
        _("families choose their courses"),
        default=True,
        help_text=_('Without it, the courses step offers "administrative re-enrolment" only.'),
    )
    required_documents = models.ManyToManyField(
        "family.DocumentType",
        verbose_name=_("documents required"),
        blank=True,
        related_name="+",
    )
    rules = models.TextField(
        _("rules of the establishment"),
        blank=True,
        help_text=_("Shown at the authorisations step; families accept them."),
    )
    waiting_lists = models.BooleanField(
        _("waiting lists for full time slots"),
        default=True,
        help_text=_(
            "A family may choose a full time slot: the student waits for a seat, in the order "
            "of arrival."
        ),
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("hours to accept a freed seat"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(720)],
        help_text=_(
            "When a seat frees, the first family waiting is offered it by e-mail for this many "
            "hours; then it passes to the next family."
        ),
    )

    tenant_family_path = TENANT_SHARED

    class Meta:
        ordering = ["-opens_at", "pk"]
        verbose_name = _("re-enrolment campaign")
        verbose_name_plural = _("re-enrolment campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="campaign_closes_after_opening",
                violation_error_message=_("A campaign closes after it opens."),
            )
        ]
        indexes = [models.Index(fields=["establishment", "opens_at", "closes_at"])]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        check_same_establishment(self, "school_year")
        if self.opens_at and self.closes_at:
            if self.closes_at <= self.opens_at:
                raise ValidationError({"closes_at": _("A campaign closes after it opens.")})
            overlapping = Campaign.objects.filter(
                establishment=self.establishment_id,
                school_year=self.school_year_id,
                opens_at__lt=self.closes_at,
                closes_at__gt=self.opens_at,
            ).exclude(pk=self.pk)
            if self.establishment_id and self.school_year_id and overlapping.exists():
                raise ValidationError(
                    {
                        "opens_at": _(
                            "Another campaign for this school year is open during these dates."
                        )
                    }
                )

    def is_open(self, at=None) -> bool:
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at

    def deadline(self) -> str:
        """Until when families may answer, as they read it: a campaign closing at midnight
        names its last day ("03/01/2027 inclusive"), never the next day at 00:00."""
        closes = timezone.localtime(self.closes_at)
        if closes.time() == datetime.time(0, 0):
            last_day = closes.date() - datetime.timedelta(days=1)
            return gettext("%(date)s inclusive") % {
                "date": date_format(last_day, "SHORT_DATE_FORMAT")
            }
        return gettext("%(date)s at %(time)s") % {
            "date": date_format(closes, "SHORT_DATE_FORMAT"),
            "time": date_format(closes, "H:i"),
        }


class Offer(TenantModel):
    """What a campaign offers to re-enrol into: a cursus, a discipline, or a collective course
    (whose time slots have a number of seats)."""

    class Kind(models.TextChoices):
        CURSUS = "cursus", _("cursus")
        DISCIPLINE = "discipline", _("discipline")
        COLLECTIVE = "collective", _("collective course")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="offers"
    )
    label = models.CharField(_("label"), max_length=150)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    tenant_family_path = TENANT_SHARED

    class Meta:
        ordering = ["campaign", "position", "label", "pk"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "label"], name="offer_label_unique")
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self):
        check_same_establishment(self, "campaign")


class Slot(TenantModel):
    """A time slot of a collective course, with its seats. ``taken`` counts the requests that
    chose it; the database refuses more than ``capacity`` (the last guard, behind the lock the
    submission takes)."""

    offer = models.ForeignKey(
        Offer, verbose_name=_("collective course"), on_delete=models.CASCADE, related_name="slots"
    )
    label = models.CharField(_("time slot"), max_length=100, help_text=_('"Mardi 17:30-19:00"'))
    capacity = models.PositiveSmallIntegerField(_("seats"))
    taken = models.PositiveSmallIntegerField(_("seats taken"), default=0, editable=False)

    tenant_family_path = TENANT_SHARED

    class Meta:
        ordering = ["offer", "label", "pk"]
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        constraints = [
            models.CheckConstraint(
                condition=Q(taken__lte=F("capacity")),
                name="slot_never_over_capacity",
                violation_error_message=_(
                    "The seats cannot be fewer than the seats already taken."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.offer} – {self.label}"

    def clean(self):
        check_same_establishment(self, "offer")
        if self.offer_id and self.offer.kind != Offer.Kind.COLLECTIVE:
            raise ValidationError(_("Only a collective course has time slots."))
        if self.capacity is not None and self.capacity < self.taken:
            raise ValidationError(
                {
                    "capacity": _("%(taken)d seats are already taken: the seats cannot be fewer.")
                    % {"taken": self.taken}
                }
            )

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.taken)


class ReenrolmentRequest(TenantModel):
    """A family's re-enrolment of one student in a campaign: the wizard's draft (``answers``,
    saved at every step), then the request the staff validate or refuse."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("in progress")
        DECLINED = "declined", _("not re-enrolled")
        SUBMITTED = "submitted", _("awaiting validation")
        VALIDATED = "validated", _("validated")
        REFUSED = "refused", _("refused")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.PROTECT, related_name="requests"
    )
    family = models.ForeignKey(
        "family.Family", verbose_name=_("family"), on_delete=models.CASCADE, related_name="+"
    )
    student = models.ForeignKey(
        "students.Student",
        verbose_name=_("student"),
        on_delete=models.CASCADE,
        related_name="reenrolment_requests",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    answers = models.JSONField(_("answers of the wizard"), default=dict, blank=True)
    # The wizard's steps the family completed (left with *Suivant*, answers valid): where
    # *Reprendre* goes back to, and the bubbles marked done.
    completed_steps = models.JSONField(_("steps completed"), default=list, blank=True)
    administrative_only = models.BooleanField(_("administrative re-enrolment"), default=False)
    demands = models.TextField(_("further requests"), blank=True)
    documents = models.ManyToManyField(
        "family.Document", verbose_name=_("documents"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("started on"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)
    submitted_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
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
    tenant_student_path = "student"

    class Meta:
        ordering = ["campaign", "student__last_name", "student__first_name", "pk"]
        verbose_name = _("re-enrolment request")
        verbose_name_plural = _("re-enrolment requests")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "student"], name="reenrolment_one_per_student"
            )
        ]
        indexes = [models.Index(fields=["establishment", "campaign", "status"])]

    def __str__(self) -> str:
        return f"{self.student} – {self.campaign}"

    def clean(self):
        check_same_establishment(self, "campaign", "family", "student")


class Choice(TenantModel):
    """What a submitted request re-enrols into: an offer, and for a collective course the time
    slot whose seat it holds."""

    request = models.ForeignKey(
        ReenrolmentRequest,
        verbose_name=_("re-enrolment request"),
        on_delete=models.CASCADE,
        related_name="choices",
    )
    offer = models.ForeignKey(
        Offer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="+"
    )
    slot = models.ForeignKey(
        Slot,
        verbose_name=_("time slot"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="choices",
    )

    tenant_family_path = "request__family"
    tenant_student_path = "request__student"

    class Meta:
        ordering = ["request", "offer__position", "pk"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [
            models.UniqueConstraint(fields=["request", "offer"], name="choice_one_per_offer")
        ]

    def __str__(self) -> str:
        return f"{self.offer} – {self.slot.label}" if self.slot_id else str(self.offer)


class WaitingEntry(TenantModel):
    """A student waiting for a seat of a full time slot, as the request sent chose it. When a
    seat frees, the first waiting (by ``joined_at``) is offered it until ``expires_at``: the
    seat is counted in the slot's ``taken`` from the offer on, so that nobody else takes it;
    accepted, it becomes a choice of the request; declined or expired, it passes to the next.
    Every change of a slot's list is made under the slot's row lock (``reenrolment.waiting``)."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        OFFERED = "offered", _("seat offered")
        ACCEPTED = "accepted", _("seat accepted")
        DECLINED = "declined", _("seat declined")
        EXPIRED = "expired", _("offer expired")
        WITHDRAWN = "withdrawn", _("left the waiting list")

    ACTIVE = [Status.WAITING, Status.OFFERED]

    request = models.ForeignKey(
        ReenrolmentRequest,
        verbose_name=_("re-enrolment request"),
        on_delete=models.CASCADE,
        related_name="waiting_entries",
    )
    slot = models.ForeignKey(
        Slot,
        verbose_name=_("time slot"),
        on_delete=models.PROTECT,
        related_name="waiting_entries",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    joined_at = models.DateTimeField(_("joined on"), default=timezone.now)
    offered_at = models.DateTimeField(_("seat offered on"), null=True, blank=True)
    expires_at = models.DateTimeField(_("offer expires on"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended on"), null=True, blank=True)

    tenant_family_path = "request__family"
    tenant_student_path = "request__student"

    class Meta:
        ordering = ["slot", "joined_at", "pk"]
        verbose_name = _("waiting-list place")
        verbose_name_plural = _("waiting-list places")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "slot"],
                condition=Q(status__in=["waiting", "offered"]),
                name="waiting_once_per_slot",
                violation_error_message=_("This student is already on this waiting list."),
            ),
            models.CheckConstraint(
                condition=~Q(status="offered") | Q(expires_at__isnull=False),
                name="waiting_offer_has_expiry",
            ),
        ]
        indexes = [
            models.Index(fields=["slot", "status", "joined_at"]),
            models.Index(fields=["status", "expires_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.request.student} – {self.slot}"

    def clean(self):
        check_same_establishment(self, "request", "slot")

    def offer_open(self, at=None) -> bool:
        """Offered, and still in time to accept."""
        at = at or timezone.now()
        return self.status == self.Status.OFFERED and self.expires_at > at
