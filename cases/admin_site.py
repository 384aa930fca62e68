"""Harbor's admin site: Django's, without the "view on site" redirect.

`/manage/r/<content type>/<id>/` turned a sequential id into a case reference for anyone with
admin access, across facilities. Kept apart from cases.admin, which registers models on it.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from cases.forms import AdminSignInForm


class HarborAdminSite(admin.AdminSite):
    site_header = _("Harbor administration")
    site_title = _("Harbor administration")
    index_title = _("Users, units and facilities")

    login_form = AdminSignInForm

    @method_decorator(never_cache)
    @method_decorator(login_not_required)
    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        response = super().login(request, extra_context)
        form = getattr(response, "context_data", {}).get("form")
        if request.method == "POST" and form is not None and form.has_error("username"):
            response.status_code = 400  # a malformed name, as on Harbor's own sign-in page
        return response

    def get_urls(self) -> list[URLResolver | URLPattern]:
        # No "view on site" shortcut: see the module docstring.
        return [url for url in super().get_urls() if getattr(url, "name", "") != "view_on_site"]
