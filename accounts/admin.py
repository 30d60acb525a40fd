from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Establishment, User
from accounts.tenancy import TenantAdminMixin, staff_scope


@admin.register(Establishment)
class EstablishmentAdmin(admin.ModelAdmin):
    """Superusers manage establishments; staff see and edit their own one's details."""

    list_display = ["name", "code", "city", "online_payment", "is_active"]
    search_fields = ["name", "code", "city"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return staff_scope(super().get_queryset(request), request.user)

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return ()
        return ("code", "is_active")

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(User)
class UserAdmin(TenantAdminMixin, DjangoUserAdmin):
    list_display = ["username", "identifier", "establishment", "email", "is_staff", "is_active"]
    list_filter = ["is_staff", "is_active", "establishment"]
    search_fields = ["username", "identifier", "email", "last_name", "first_name"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Portal"), {"fields": ("establishment", "identifier", "language")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "establishment",
                    "identifier",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        readonly = ["last_login", "date_joined"]
        if not request.user.is_superuser:
            # Staff cannot raise anyone's rights, their own included.
            readonly += ["is_staff", "is_superuser", "groups", "user_permissions"]
        return readonly
