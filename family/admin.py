from django.contrib import admin, messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.timezone import localdate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.tenancy import TenantAdminMixin
from family import services
from family.exceptions import FamilyError
from family.models import ChoiceItem, Family, Guardian

IDENTITY_FIELDS = [
    "establishment",
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
    "user",
]


@admin.register(ChoiceItem)
class ChoiceItemAdmin(TenantAdminMixin, admin.ModelAdmin):
    """The establishment's choice lists: Civilité, Situation familiale, Code
    socio-professionnel, Niveau scolaire."""

    list_display = ["label", "label_en", "kind", "position", "is_active", "establishment"]
    list_editable = ["position", "is_active"]
    list_filter = ["kind", "is_active", "establishment"]
    search_fields = ["label", "label_en"]


class GuardianInline(TenantAdminMixin, admin.StackedInline):
    model = Guardian
    extra = 0
    fields = IDENTITY_FIELDS
    autocomplete_fields = ["user"]


@admin.register(Family)
class FamilyAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["name", "establishment", "created_at"]
    list_filter = ["establishment"]
    search_fields = ["name", "guardians__last_name", "students__last_name"]
    inlines = [GuardianInline]


@admin.register(Guardian)
class GuardianAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["last_name", "first_name", "family", "email", "login", "establishment"]
    list_filter = ["establishment"]
    list_select_related = ["family", "establishment", "user"]
    search_fields = ["last_name", "first_name", "email", "family__name"]
    fields = ["family", *IDENTITY_FIELDS]
    autocomplete_fields = ["family", "user"]
    actions = ["create_login", "send_identifier", "print_letter"]

    @admin.display(description=gettext_lazy("identifier"), ordering="user__identifier")
    def login(self, guardian):
        return guardian.user.identifier if guardian.user else "—"

    def _portal_url(self, request) -> str:
        return request.build_absolute_uri(reverse("accounts:login"))

    @admin.action(description=gettext_lazy("Create the family's login"), permissions=["change"])
    def create_login(self, request, queryset):
        for guardian in queryset:
            try:
                user = services.family_login_create(guardian=guardian)
            except FamilyError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(guardian)s: login %(identifier)s created.")
                    % {"guardian": guardian, "identifier": user.identifier},
                    messages.SUCCESS,
                )

    @admin.action(description=gettext_lazy("Send the identifier by e-mail"), permissions=["change"])
    def send_identifier(self, request, queryset):
        for guardian in queryset.select_related("user", "establishment"):
            try:
                services.family_login_send_identifier(
                    guardian=guardian, portal_url=self._portal_url(request)
                )
            except FamilyError as error:
                self.message_user(request, error.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    _("%(guardian)s: identifier sent to %(email)s.")
                    % {"guardian": guardian, "email": guardian.user.email},
                    messages.SUCCESS,
                )

    @admin.action(description=gettext_lazy("Print the identifier letter"), permissions=["view"])
    def print_letter(self, request, queryset):
        guardians = [g for g in queryset.select_related("user", "establishment") if g.user]
        if not guardians:
            self.message_user(
                request, _("None of these guardians has a login yet."), messages.ERROR
            )
            return None
        return render(
            request,
            "family/identifier_letters.html",
            {
                "guardians": guardians,
                "portal_url": self._portal_url(request),
                "today": localdate(),
                "page_title": _("Identifier letters"),
            },
        )
