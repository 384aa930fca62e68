"""A bench-only Django admin site over the cases and the directory.

Harbor's own admin never shows cases (administrators must not read case contents), so the
changelist the pages are compared with lives here, reachable only under `bench.settings` by the
bench database's superuser.
"""

from django.contrib import admin

from cases.models import Case
from referrals.models import Service

site = admin.AdminSite(name="bench_admin")


@admin.register(Case, site=site)
class CaseAdmin(admin.ModelAdmin):
    list_display = ("ref", "unit", "status", "concern_level", "assignee", "created_at")
    list_select_related = ("unit", "assignee")
    list_filter = ("status", "unit")
    search_fields = ("ref", "ward_label")


@admin.register(Service, site=site)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ("name", "status", "assured_date")
    search_fields = ("name", "description")
