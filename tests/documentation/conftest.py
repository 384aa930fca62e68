"""The hotline directory is another app: tests point HARBOR_HOTLINES_PROVIDER at this small
function (the real boundary `cases.providers.hotlines_for` calls)."""

from __future__ import annotations

import pytest

from cases.providers import Hotline

FULL_NAMES = ("National Human Trafficking Hotline", "Ligne d'urgence canadienne contre la traite")


def directory_hotlines(*, jurisdiction: str, language: str = "en") -> list[Hotline]:
    labels = {"en": "24/7 helpline", "fr": "Ligne d'aide 24 h/24", "es": "Línea de ayuda 24/7"}
    return [
        Hotline(
            service_id="line-1",
            screen_label=labels.get(language, labels["en"]),
            full_name=FULL_NAMES[0],
            phone="1-833-900-1010",
            text="233733",
            hours="24/7",
            country=jurisdiction[:2],
        ),
        Hotline(
            service_id="line-2",
            screen_label="988",
            full_name=FULL_NAMES[1],
            phone="988",
        ),
    ]


@pytest.fixture(autouse=True)
def hotline_directory(settings) -> None:
    settings.HARBOR_HOTLINES_PROVIDER = "tests.documentation.conftest.directory_hotlines"
