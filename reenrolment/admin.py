from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from accounts.tenancy import TenantAdminMixin
from reenrolment.models import Campaign, Offer, Slot


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
    filter_horizontal = ["required_documents"]
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
    ]

    @admin.display(description=_("open now"), boolean=True)
    def is_open_now(self, campaign):
        return campaign.is_open()


class SlotInline(TenantAdminMixin, admin.TabularInline):
    model = Slot
    extra = 0
    fields = ["establishment", "label", "capacity", "taken"]
    readonly_fields = ["taken"]


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

    @admin.display(description=_("seats taken / seats"))
    def seats(self, offer):
        slots = list(offer.slots.all())
        if not slots:
            return "—"
        return f"{sum(s.taken for s in slots)} / {sum(s.capacity for s in slots)}"
