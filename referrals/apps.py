from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "referrals"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from referrals.directory_version import install_after_migrate

        # The directory's version marker keeps its triggers whatever later migrations rebuild.
        post_migrate.connect(install_after_migrate, sender=self)
