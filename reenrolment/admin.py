from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_navigation import list_url, this_page
from accounts.exports import csv_response, spreadsheet_safe
from accounts.tenancy import TenantAdminMixin
from family.admin import decide_each_and_say, keep_typed_reason, refuse_selected, typed_reason
from reenrolment import services, waiting
from reenrolment.exceptions import ReenrolmentError
from reenrolment.models import Campaign, Choice, Offer, ReenrolmentRequest, Slot, WaitingEntry


class OfferInline(TenantAdminMixin, admin.TabularInline):
    model = Offer
    extra = 0
    fields = ["establishment", "label", "kind", "position"]
    show_change_link = True  # its time slots are on the offer's own page


@admin.register(Campaign)
class CampaignAdmin(TenantAdminMixin, admin.ModelAdmin):
    """A re-enrolment campaign: dates (Europe/Paris), steps, documents, what is offered."""

    list_display = ["name", "school_year", "opens_at", "closes_at", "is_open_now", "establishment"]
    list_filter = ["school_year", "establishment"]
    search_fields = ["name"]
    autocomplete_fields = ["school_year"]
    # Plain checkboxes, rather than Django's two-box widget (its icons carry ARIA attributes
    # screen readers do not accept there).
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}
    inlines = [OfferInline]
    fieldsets = [
        (None, {"fields": ["establishment", "name", "school_year", "opens_at", "closes_at"]}),
        (
            _("Wizard"),
            {
                "fields": [
                    "step_contact_details",
                    "step_authorisations",
                    "step_documents",
                    "step_courses",
                    "course_choice_allowed",
                    "required_documents",
                    "rules",
                ]
            },
        ),
        (_("Waiting lists"), {"fields": ["waiting_lists", "offer_hours"]}),
    ]

    @admin.display(description=_("open now"), boolean=True)
    def is_open_now(self, campaign):
        return campaign.is_open()


class SlotInline(TenantAdminMixin, admin.TabularInline):
    model = Slot
    extra = 0
    fields = ["establishment", "label", "capacity", "taken", "waiting_now"]
    readonly_fields = ["taken", "waiting_now"]

    def get_queryset(self, request):
        waiting_now = Count("waiting_entries", filter=Q(waiting_entries__status="waiting"))
        return super().get_queryset(request).annotate(waiting_now=waiting_now)

    @admin.display(description=_("students waiting"))
    def waiting_now(self, slot):
        return getattr(slot, "waiting_now", 0)


@admin.register(Offer)
class OfferAdmin(TenantAdminMixin, admin.ModelAdmin):
    """A cursus, a discipline or a collective course offered by a campaign, with the time
    slots and seats of a collective course."""

    list_display = ["label", "kind", "campaign", "seats", "establishment"]
    list_filter = ["campaign", "kind", "establishment"]
    list_select_related = ["campaign"]
    search_fields = ["label", "campaign__name"]
    autocomplete_fields = ["campaign"]
    inlines = [SlotInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("slots")

    def save_formset(self, request, form, formset, change):
        if formset.model is not Slot:
            return super().save_formset(request, form, formset, change)
        # The slots' rows locked (in the admin's transaction) before they are saved: their
        # seats taken are written as they are now, not as this page read them, and the seats
        # added go to the waiting list first (offers by e-mail), under the same lock.
        locked = waiting.lock_slots(item.instance.pk for item in formset.forms if item.instance.pk)
        for item in formset.forms:
            if item.instance.pk in locked:
                item.instance.taken = locked[item.instance.pk].taken
        super().save_formset(request, form, formset, change)
        for item in formset.forms:
            slot = locked.get(item.instance.pk)
            if slot is None or "capacity" not in item.changed_data:
                continue
            slot.capacity = item.instance.capacity
            offered = waiting.hand_over(slot)
            if offered:
                self.message_user(
                    request,
                    gettext("%(count)d seat(s) of %(slot)s offered to the waiting list.")
                    % {"count": len(offered), "slot": slot},
                )

    @admin.display(description=_("seats taken / seats"))
    def seats(self, offer):
        slots = list(offer.slots.all())
        if not slots:
            return "—"
        return f"{sum(s.taken for s in slots)} / {sum(s.capacity for s in slots)}"


class ChoiceInline(TenantAdminMixin, admin.TabularInline):
    model = Choice
    extra = 0
    fields = ["offer", "slot"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WaitingEntryInline(TenantAdminMixin, admin.TabularInline):
    model = WaitingEntry
    extra = 0
    fields = ["slot", "status", "joined_at", "expires_at", "ended_at"]
    readonly_fields = fields
    verbose_name_plural = _("waiting lists")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("slot__offer")

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ReenrolmentRequest)
class ReenrolmentRequestAdmin(TenantAdminMixin, admin.ModelAdmin):
    """The re-enrolment requests of a campaign: validate, or refuse with a reason; take note
    of a decision not to re-enrol (the family can no longer undo it then); export."""

    list_display = [
        "student",
        "campaign",
        "status",
        "submitted_at",
        "administrative_only",
        "decided_at",
    ]
    list_filter = ["campaign", "status", "choices__offer", "choices__slot", "establishment"]
    list_select_related = ["student", "campaign"]
    search_fields = ["student__last_name", "student__first_name", "family__name"]
    actions = ["validate_selected", "refuse_selected", "acknowledge_declined", "export_csv"]
    inlines = [ChoiceInline, WaitingEntryInline]
    # The decision's form (admin/reenrolment/…/change_form.html), and the "take note" button.
    change_form_template = "reenrolment/admin_request_change_form.html"
    readonly_fields = [
        "campaign",
        "family",
        "student",
        "status",
        "administrative_only",
        "authorisations",
        "documents_sent",
        "demands",
        "submitted_at",
        "submitted_by",
        "decided_by",
        "decided_at",
        "reason",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).distinct()

    @admin.display(description=_("authorisations"))
    def authorisations(self, reenrolment):
        return _authorisations_text(reenrolment)

    @admin.display(description=_("documents"))
    def documents_sent(self, reenrolment):
        documents = list(reenrolment.documents.select_related("document_type"))
        if not documents:
            return "—"
        return format_html_join(
            ", ",
            '<a href="{}">{}</a> ({})',
            (
                (
                    reverse("admin:family_document_change", args=[document.pk]),
                    document,
                    document.get_status_display(),
                )
                for document in documents
            ),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        reenrolment = self.get_object(request, object_id)
        if reenrolment is None:
            return super().change_view(request, object_id, form_url, extra_context)
        decidable = (
            reenrolment.status == ReenrolmentRequest.Status.SUBMITTED
            and self.has_change_permission(request)
        )
        acknowledgeable = (
            reenrolment.status == ReenrolmentRequest.Status.DECLINED
            and reenrolment.decided_at is None
            and self.has_change_permission(request)
        )
        if request.method == "POST" and acknowledgeable and "_acknowledge" in request.POST:
            try:
                services.request_acknowledge_decline(request=reenrolment, decided_by=request.user)
            except ReenrolmentError as error:
                self.message_user(request, error.message, messages.ERROR)
                return redirect(this_page(request))
            self.message_user(request, gettext("Noted: the student will not be re-enrolled."))
            return redirect(list_url(self, request))
        if request.method == "POST" and "_acknowledge" in request.POST:
            # Undone by the family, or noted by a colleague, since the page was shown: nothing
            # else is saved from this page.
            self.message_user(
                request,
                gettext("There is no longer a refusal to re-enrol to take note of: nothing saved."),
                messages.ERROR,
            )
            return redirect(this_page(request))
        if request.method == "POST" and decidable:
            reason = request.POST.get("reason", "")
            try:
                if "_validate" in request.POST and reason.strip():
                    keep_typed_reason(request, reason)
                    raise ReenrolmentError(
                        gettext(
                            "You typed a reason of refusal: press Refuse to refuse the "
                            "re-enrolment, or clear the reason to validate it."
                        )
                    )
                if "_validate" in request.POST:
                    services.request_validate(request=reenrolment, decided_by=request.user)
                    self.message_user(request, gettext("Re-enrolment validated."))
                    return redirect(list_url(self, request))
                if "_refuse" in request.POST and not reason.strip():
                    return redirect(this_page(request, motif="obligatoire"))
                if "_refuse" in request.POST:
                    services.request_refuse(
                        request=reenrolment, decided_by=request.user, reason=reason
                    )
                    self.message_user(request, gettext("Re-enrolment refused."))
                    return redirect(list_url(self, request))
            except ReenrolmentError as error:
                self.message_user(request, error.message, messages.ERROR)
            return redirect(this_page(request))
        extra_context = {
            **(extra_context or {}),
            "decidable": decidable,
            "acknowledgeable": acknowledgeable,
            "reason_missing": request.GET.get("motif") == "obligatoire",
            "typed_reason": typed_reason(request),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description=_("Validate the selected re-enrolments"), permissions=["change"])
    def validate_selected(self, request, queryset):
        decide_each_and_say(
            self,
            request,
            queryset,
            lambda item: services.request_validate(request=item, decided_by=request.user),
            done=gettext("%(count)d re-enrolment(s) validated."),
            left=gettext("%(count)d left as they were: not awaiting validation."),
            errors=(ReenrolmentError,),
        )

    @admin.action(description=_("Refuse the selected re-enrolments"), permissions=["change"])
    def refuse_selected(self, request, queryset):
        awaiting = queryset.filter(status=ReenrolmentRequest.Status.SUBMITTED)
        return refuse_selected(
            self,
            request,
            awaiting.select_related("family", "student", "campaign"),
            action="refuse_selected",
            title=gettext("Refuse the selected re-enrolments"),
            intro=gettext("These re-enrolments will be refused, and each family told why:"),
            button=gettext("Refuse"),
            decide=lambda item, reason: services.request_refuse(
                request=item, decided_by=request.user, reason=reason
            ),
            done=gettext("Re-enrolments refused."),
            left=queryset.count() - awaiting.count(),
            errors=(ReenrolmentError,),
        )

    @admin.action(
        description=_("Take note of the selected decisions not to re-enrol"),
        permissions=["change"],
    )
    def acknowledge_declined(self, request, queryset):
        """ "Prendre acte": the family declined; from now on it can no longer undo it."""
        decide_each_and_say(
            self,
            request,
            queryset,
            lambda item: services.request_acknowledge_decline(
                request=item, decided_by=request.user
            ),
            done=gettext("%(count)d decision(s) not to re-enrol taken note of."),
            left=gettext(
                "%(count)d left as they were: not a decision not to re-enrol, or already noted."
            ),
            errors=(ReenrolmentError,),
        )

    @admin.action(description=_("Export the selected re-enrolments (CSV)"), permissions=["view"])
    def export_csv(self, request, queryset):
        """A CSV for spreadsheet software: UTF-8 with a BOM, one line per request."""
        response, writer = csv_response("reinscriptions.csv")
        writer.writerow(
            [
                gettext("Student"),
                gettext("Guardian"),
                gettext("E-mail"),
                gettext("Status"),
                gettext("Authorisations"),
                gettext("Administrative re-enrolment"),
                gettext("Choices"),
                gettext("Time slots"),
                gettext("Documents"),
                gettext("Further requests"),
                gettext("Sent on"),
            ]
        )
        rows = queryset.select_related("student", "family").prefetch_related(
            "choices__offer",
            "choices__slot",
            "documents__document_type",
            "family__guardians",
        )
        for item in rows:
            guardian = next(iter(item.family.guardians.all()), None)
            row = [
                item.student.full_name,
                guardian.full_name if guardian else "",
                guardian.email if guardian else "",
                item.get_status_display(),
                _authorisations_text(item),
                gettext("yes") if item.administrative_only else gettext("no"),
                " | ".join(str(choice.offer) for choice in item.choices.all()),
                " | ".join(
                    f"{choice.offer}: {choice.slot.label}"
                    for choice in item.choices.all()
                    if choice.slot_id
                ),
                " | ".join(str(document) for document in item.documents.all()),
                item.demands,
                date_format(timezone.localtime(item.submitted_at), "SHORT_DATETIME_FORMAT")
                if item.submitted_at
                else "",
            ]
            writer.writerow([spreadsheet_safe(str(cell)) for cell in row])
        return response


@admin.register(WaitingEntry)
class WaitingEntryAdmin(TenantAdminMixin, admin.ModelAdmin):
    """The waiting lists of full time slots, in their order: who waits, whom a seat is offered
    to and until when. A seat freed (a refusal, a seat declined, an offer expired, seats
    added to the slot) is offered by the portal itself; the staff may take a student off a
    list."""

    list_display = [
        "student",
        "slot",
        "status",
        "position",
        "joined_at",
        "expires_at",
    ]
    list_filter = ["status", "slot__offer__campaign", "slot", "establishment"]
    list_select_related = ["request__student", "slot__offer"]
    search_fields = ["request__student__last_name", "request__student__first_name"]
    ordering = ["slot", "joined_at", "pk"]
    actions = ["leave_selected"]
    readonly_fields = [
        "request",
        "slot",
        "status",
        "joined_at",
        "offered_at",
        "expires_at",
        "ended_at",
    ]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return waiting.with_positions(super().get_queryset(request))

    @admin.display(description=_("student"), ordering="request__student__last_name")
    def student(self, entry):
        return entry.request.student

    @admin.display(description=_("position"))
    def position(self, entry):
        if entry.status != WaitingEntry.Status.WAITING:
            return "—"
        return entry.ahead + 1

    @admin.action(
        description=_("Take the selected students off their waiting lists"),
        permissions=["change"],
    )
    def leave_selected(self, request, queryset):
        """A seat offered passes to the next student; the family is not mailed."""
        decide_each_and_say(
            self,
            request,
            queryset,
            lambda item: waiting.leave(entry=item, left_by=request.user),
            done=gettext("%(count)d student(s) taken off their waiting lists."),
            left=gettext("%(count)d left as they were: no longer waiting."),
            errors=(ReenrolmentError,),
        )


def _authorisations_text(reenrolment) -> str:
    answer = reenrolment.answers.get("autorisations") or {}
    if not answer:
        return "—"
    said = {True: gettext("yes"), False: gettext("no")}
    return gettext(
        "image rights: %(image)s; may leave alone: %(outing)s; rules accepted: %(rules)s"
    ) % {
        "image": said[bool(answer.get("image_rights"))],
        "outing": said[bool(answer.get("outing_allowed"))],
        "rules": said[bool(answer.get("rules_accepted"))],
    }
