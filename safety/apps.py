from django.apps import AppConfig


class SafetyConfig(AppConfig):
    name = "safety"

    def ready(self) -> None:
        from safety import signals  # noqa: F401  (connects the timeline receiver)
