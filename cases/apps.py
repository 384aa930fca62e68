from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    default = True
    name = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate, pre_migrate

        from cases import signals  # noqa: F401  (connects the sign-in audit receivers)
        from cases.db_roles import grant_after_migrate
        from cases.timeline_guard import drop_before_migrate, install_after_migrate

        post_migrate.connect(grant_after_migrate, sender=self)
        # The timeline's redaction rule follows cases.events (cases.timeline_guard).
        pre_migrate.connect(drop_before_migrate, sender=self)
        post_migrate.connect(install_after_migrate, sender=self)


class HarborAdminConfig(admin_apps.AdminConfig):
    default = False
    """Django's admin on Harbor's own site (no "view on site" redirect; see cases.admin)."""

    default_site = "cases.admin_site.HarborAdminSite"
