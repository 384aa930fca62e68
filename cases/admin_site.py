"""Harbor's admin site: Django's, without the "view on site" redirect.

`/manage/r/<content type>/<id>/` turned a sequential id into a case reference for anyone with
admin access, across facilities. Kept apart from cases.admin, which registers models on it.
"""

from __future__ import annotations

from django.contrib import admin
from django.urls import URLPattern, URLResolver
from django.utils.translation import gettext_lazy as _


class HarborAdminSite(admin.AdminSite):
    site_header = _("Harbor administration")
    site_title = _("Harbor administration")
    index_title = _("Users, units and facilities")

    def get_urls(self) -> list[URLResolver | URLPattern]:
        # No "view on site" shortcut: see the module docstring.
        return [url for url in super().get_urls() if getattr(url, "name", "") != "view_on_site"]
