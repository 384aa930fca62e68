"""The directory's lines carry their screen label per language, through HSDS and onto paper."""

from __future__ import annotations

import pytest

from cases.providers import Hotline, hotlines_for
from documentation.documents import card_lines
from referrals.hsds import _translations_value

LINE = Hotline(
    service_id="x",
    screen_label="National 24/7 helpline",
    full_name="Full name",
    phone="1",
    translations={"es": {"screen_label": "Línea de ayuda nacional 24/7"}},
)


@pytest.mark.parametrize(
    ("language", "label"),
    [
        ("es", "Línea de ayuda nacional 24/7"),
        ("es-MX", "Línea de ayuda nacional 24/7"),
        ("fr", "National 24/7 helpline"),
        ("en", "National 24/7 helpline"),
    ],
)
def test_a_card_prints_the_label_in_its_language_else_english(language, label):
    assert card_lines([LINE], language)[0].label == label


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ('{"fr": {"screen_label": "Ligne"}}', {"fr": {"screen_label": "Ligne"}}),
        ('{"fr": {"name": "Nom complet"}}', {}),  # a field Harbor does not translate
        ('{"French!": {"screen_label": "x"}}', {}),  # not a language tag
        ("not json", {}),
        ('["a list"]', {}),
        ("", {}),
    ],
)
def test_the_hsds_translations_field_keeps_only_what_harbor_translates(value, kept):
    assert _translations_value(value) == kept


@pytest.mark.django_db
def test_the_shipped_national_lines_have_their_labels_in_french_and_spanish(directory):
    lines = hotlines_for(jurisdiction="CA-ON", language="fr")
    assert lines and all({"fr", "es"} <= set(line.translations) for line in lines)


@pytest.mark.django_db
def test_the_shipped_national_lines_describe_themselves_in_french(directory):
    from referrals.models import Service

    national = Service.objects.exclude(name__startswith="Demo:")
    assert national.count() == 11
    for service in national:
        french = service.translations.get("fr", {})
        assert french.get("description") and french["description"] != service.description


@pytest.mark.django_db
def test_a_french_clinician_reads_a_lines_description_in_french(directory, personas):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    get_user_model().objects.filter(username="clinician").update(language="fr")
    page = personas.client_for("clinician").get(reverse("referrals:search"), {"q": "988"})
    text = page.content.decode()
    assert "Appelez ou textez le 988" in text
    assert "Call or text 988, 24/7" not in text
