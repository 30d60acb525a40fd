from django.contrib import admin

from accounts.tenancy import TenantAdminMixin
from family.models import Family, Guardian


class GuardianInline(TenantAdminMixin, admin.StackedInline):
    model = Guardian
    extra = 0
    fields = [
        "establishment",
        "civility",
        "last_name",
        "first_name",
        "email",
        "address",
        "postal_code",
        "city",
        "user",
    ]
    autocomplete_fields = ["user"]


@admin.register(Family)
class FamilyAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["name", "establishment", "created_at"]
    list_filter = ["establishment"]
    search_fields = ["name", "guardians__last_name", "students__last_name"]
    inlines = [GuardianInline]


@admin.register(Guardian)
class GuardianAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["last_name", "first_name", "family", "email", "user", "establishment"]
    list_filter = ["establishment"]
    search_fields = ["last_name", "first_name", "email", "family__name"]
    autocomplete_fields = ["family", "user"]
