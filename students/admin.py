from django.contrib import admin

from accounts.tenancy import TenantAdminMixin
from students.models import SchoolLevel, SchoolYear, Student


class SchoolLevelInline(TenantAdminMixin, admin.TabularInline):
    model = SchoolLevel
    fk_name = "student"
    extra = 0
    fields = ["establishment", "school_year", "level"]


@admin.register(SchoolYear)
class SchoolYearAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["label", "start_date", "end_date", "is_current", "establishment"]
    list_filter = ["establishment", "is_current"]


@admin.register(Student)
class StudentAdmin(TenantAdminMixin, admin.ModelAdmin):
    list_display = ["last_name", "first_name", "birth_date", "family", "establishment"]
    list_filter = ["establishment"]
    search_fields = ["last_name", "first_name", "family__name"]
    autocomplete_fields = ["family"]
    inlines = [SchoolLevelInline]
