import json

from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.db.models import Q
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.admin_forms import (
    PortalAdminPasswordChangeForm,
    PortalUserChangeForm,
    PortalUserCreationForm,
)
from accounts.admin_readonly import ReadOnlyAdminMixin
from accounts.models import AuditEntry, Establishment, User
from accounts.tenancy import TenantAdminMixin


@admin.register(Establishment)
class EstablishmentAdmin(TenantAdminMixin, admin.ModelAdmin):
    """Superusers manage establishments; staff see and edit their own one's details."""

    list_display = ["name", "code", "city", "online_payment", "is_active"]
    search_fields = ["name", "code", "city"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ()
        return ("code", "is_active")

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


PASSWORD_FIELDS = ("usable_password", "password1", "password2")


@admin.register(User)
class UserAdmin(TenantAdminMixin, DjangoUserAdmin):
    """Family accounts for staff (of their establishment); every account for superusers."""

    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    change_password_form = PortalAdminPasswordChangeForm
    list_display = ["username", "identifier", "establishment", "email", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "establishment"]
    search_fields = ["username", "identifier", "email", "last_name", "first_name"]
    ordering = ["establishment", "identifier", "username"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # Staff manage family accounts, and see their own; never a colleague's.
        return queryset.filter(Q(is_staff=False) | Q(pk=request.user.pk))

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            if request.user.is_superuser:
                first = ("username", "is_staff", "establishment", "identifier", "email")
            else:
                first = ("establishment", "identifier", "email")
            return ((None, {"classes": ("wide",), "fields": first + PASSWORD_FIELDS}),)
        login = ("username", "password") if obj.is_staff else ("password",)
        portal = ("establishment", "identifier", "language")
        if obj.is_staff:
            portal = ("establishment", "language")
        rights = ("is_active",)
        if request.user.is_superuser:
            rights += ("is_staff", "is_superuser", "groups", "user_permissions")
        return (
            (None, {"fields": login}),
            (_("Portal"), {"fields": portal}),
            (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
            (_("Permissions"), {"fields": rights}),
            (_("Important dates"), {"fields": ("last_login", "date_joined")}),
        )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ()
        readonly = ["last_login", "date_joined"]
        if not request.user.is_superuser and obj.pk == request.user.pk:
            # Staff cannot change their own establishment nor switch themselves off.
            readonly += ["establishment", "is_active"]
        return readonly


@admin.register(AccessAttempt)
class LoginLockAdmin(admin.ModelAdmin):
    """Failed logins and lockouts; deleting a row unlocks. Staff see their establishment's
    family logins only (internal logins start with the establishment's code)."""

    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]
    search_fields = ["username", "ip_address"]
    readonly_fields = ["username", "ip_address", "user_agent", "failures_since_start"]
    fields = readonly_fields
    actions = ["delete_selected"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        user = request.user
        if user.is_superuser:
            return queryset
        if not user.is_staff or user.establishment_id is None:
            return queryset.none()
        return queryset.filter(username__startswith=f"{user.establishment.code}:")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdminMixin, TenantAdminMixin, admin.ModelAdmin):
    """The audit log: read, filtered, searched; never written nor changed from here."""

    list_display = ["created_at", "action", "actor_label", "object_repr", "establishment"]
    list_filter = ["action", "establishment"]
    search_fields = ["object_repr", "actor_label", "action"]
    date_hierarchy = "created_at"
    fields = [
        "created_at",
        "establishment",
        "action",
        "actor_label",
        "object_type",
        "object_id",
        "object_repr",
        "shown_details",
    ]
    readonly_fields = fields

    @admin.display(description=_("details"))
    def shown_details(self, entry):
        return format_html("<pre>{}</pre>", json.dumps(entry.details, indent=2, ensure_ascii=False))
