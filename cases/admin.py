"""Django's admin, for administrators: users, roles, units and facilities — never cases.

Case, CaseEvent and AuditEntry are deliberately not registered: administrators do not read
case contents, and nobody edits the audit log. An administrator who is not a superuser manages
only their own facility's people, cannot change their own roles or units (which would open
case contents to them), cannot hand out superuser rights, and every role or unit change they
make is written to the audit log.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest

from cases import audit
from cases.models import AuditEntry, Facility, Unit, User

ALWAYS_READ_ONLY = ("is_superuser", "user_permissions", "last_login", "date_joined")
READ_ONLY_ON_SELF = ("groups", "units", "facility", "is_staff", "is_active")


@admin.register(User)
class HarborUserAdmin(UserAdmin):
    fieldsets = (
        *UserAdmin.fieldsets,
        ("Workplace", {"fields": ("facility", "units")}),
    )
    list_display = ("username", "first_name", "last_name", "facility", "is_active")
    list_filter = ("facility", "groups", "is_active")
    filter_horizontal = ("groups", "user_permissions", "units")

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        users = super().get_queryset(request)
        if request.user.is_superuser:
            return users
        return users.filter(facility_id=request.user.facility_id)

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Any:
        if request.user.is_superuser:
            return ()
        if obj is not None and obj.pk == request.user.pk:
            return ALWAYS_READ_ONLY + READ_ONLY_ON_SELF
        return ALWAYS_READ_ONLY

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "facility" and not request.user.is_superuser:
            kwargs["queryset"] = Facility.objects.filter(pk=request.user.facility_id)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "units" and not request.user.is_superuser:
            kwargs["queryset"] = Unit.objects.filter(facility_id=request.user.facility_id)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @transaction.atomic
    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        user = form.instance
        before = access_of(user) if change else ([], [])
        super().save_related(request, form, formsets, change)
        after = access_of(user)
        if after != before:
            audit.record(
                AuditEntry.Action.CONTENT_CHANGE,
                user=request.user,
                object="user_access",
                target=user.pk,
                roles=after[0],
                units=after[1],
                previous_roles=before[0],
                previous_units=before[1],
            )


def access_of(user: User) -> tuple[list[str], list[int]]:
    roles = sorted(user.groups.values_list("name", flat=True))
    units = sorted(user.units.values_list("pk", flat=True))
    return roles, units


@admin.register(Facility)
class FacilityAdmin(admin.ModelAdmin):
    list_display = ("name", "jurisdiction", "security_phone", "emergency_phone")


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "facility")
    list_filter = ("facility",)
