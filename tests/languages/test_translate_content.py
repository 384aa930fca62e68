"""An administrator writes a language's texts in the app (no code): the translation editor."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from cases.models import AuditEntry
from screening.content import gate_row
from screening.models import GateContent


@pytest.fixture
def loaded(content) -> None:
    call_command("load_cases_content", stdout=open("/dev/null", "w"))  # noqa: SIM115


def url(language="pt", kind="gate", slug="gate"):
    return reverse("cases:translate-content", args=[kind, slug, language])


def test_the_editor_shows_each_english_text_beside_its_translation(personas, loaded):
    page = personas.client_for("administrator").get(url("fr")).content.decode()
    french = gate_row().as_content()["universal_education"]["translations"]["fr"]["patient_text"]
    assert gate_row().as_content()["companion_refuses"].replace("'", "&#x27;") in page
    assert french.replace("'", "&#x27;") in page
    assert 'name="confidentiality_limits.texts.CA"' in page  # a map field, one box per place


def test_an_administrator_adds_portuguese_and_it_is_saved_as_a_new_version(personas, loaded):
    row = gate_row()
    response = personas.client_for("administrator").post(
        url(),
        {
            "base_version": str(row.version),
            "universal_education.patient_text": "Damos esta informação a todas as pessoas.",
            "confidentiality_limits.texts.default": "Antes de conversarmos…",
        },
    )
    assert response.status_code == 302
    new = gate_row()
    assert new.version == row.version + 1
    document = new.as_content()
    assert document["universal_education"]["translations"]["pt"] == {
        "patient_text": "Damos esta informação a todas as pessoas."
    }
    assert document["confidentiality_limits"]["translations"]["pt"] == {
        "texts": {"default": "Antes de conversarmos…"}
    }
    assert document["universal_education"]["translations"]["fr"]  # other languages kept
    entry = AuditEntry.objects.filter(action=AuditEntry.Action.CONTENT_CHANGE).get()
    assert entry.detail["object"] == "gate" and entry.detail["version"] == new.version


def test_a_stale_translation_is_refused_with_what_was_typed_kept(personas, loaded):
    row = gate_row()
    client = personas.client_for("administrator")
    client.post(url(), {"base_version": str(row.version), "companion_refuses": "Primeiro."})
    response = client.post(url(), {"base_version": str(row.version), "companion_refuses": "Meu."})
    assert response.status_code == 409
    text = response.content.decode()
    assert "Someone saved version 2 meanwhile" in text
    assert ">Meu.</textarea>" in text and 'name="base_version" value="2"' in text
    assert GateContent.objects.count() == 2


@pytest.mark.parametrize("persona", ["clinician", "other_clinician", "supervisor"])
def test_only_administrators_translate(personas, loaded, persona):
    client = personas.client_for(persona)
    assert client.get(url()).status_code == 403
    assert client.post(url(), {"base_version": "1", "companion_refuses": "x"}).status_code == 403
    assert GateContent.objects.count() == 1


def test_anonymous_is_sent_to_sign_in(personas, loaded):
    response = personas.client_for("anonymous").get(url())
    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.parametrize(
    "args",
    [("ko", "gate", "gate"), ("en", "gate", "gate"), ("pt", "nope", "gate"), ("pt", "gate", "x")],
)
def test_an_unlisted_language_english_or_unknown_content_is_a_404(personas, loaded, args):
    assert personas.client_for("administrator").get(url(*args)).status_code == 404
