"""Django's admin, for administrators: users, roles, units and facilities — never cases.

Case, CaseEvent and AuditEntry are deliberately not registered: administrators do not read
case contents, and nobody edits the audit log.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from cases.models import Facility, Unit, User


@admin.register(User)
class HarborUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Workplace", {"fields": ("facility", "units")}),
    )
    list_display = ("username", "first_name", "last_name", "facility", "is_active")
    list_filter = ("facility", "groups", "is_active")
    filter_horizontal = ("groups", "user_permissions", "units")


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ("name", "jurisdiction", "security_phone", "emergency_phone")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "facility")
    list_filter = ("facility",)
