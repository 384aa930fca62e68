"""Which language a text shows in, and the fallbacks (pure rules, table-driven)."""

from __future__ import annotations

import pytest

from cases.languages import candidates, carry_translations, patient_view, translated

ITEM = {
    "text": "Useful numbers",
    "translations": {"fr": {"text": "Numéros utiles"}, "es-419": {"text": "Números útiles"}},
}


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr-CA", ["fr-CA", "fr", "en"]),
        ("fr", ["fr", "en"]),
        ("en", ["en"]),
        ("zh-Hant-TW", ["zh-Hant-TW", "zh-Hant", "zh", "en"]),
        ("", ["en"]),
        (None, ["en"]),
    ],
)
def test_candidates_go_from_the_tag_to_its_shorter_forms_then_english(language, expected):
    assert candidates(language) == expected


def test_candidates_are_worked_out_once_and_each_caller_gets_its_own_list():
    # Worked out once per tag (a page asks a hundred times): a caller changing its list must
    # not change the next caller's, and another fallback is another answer.
    first = candidates("fr-CA")
    first.append("de")
    assert candidates("fr-CA") == ["fr-CA", "fr", "en"]
    assert candidates("fr-CA", fallback="es") == ["fr-CA", "fr", "es"]
    assert candidates("fr-CA", fallback="fr") == ["fr-CA", "fr"]


@pytest.mark.parametrize(
    ("language", "text", "shown_in"),
    [
        ("fr", "Numéros utiles", "fr"),
        ("fr-ca", "Numéros utiles", "fr"),  # Django's own spelling of fr-CA
        ("es-419", "Números útiles", "es-419"),
        ("es", "Useful numbers", "en"),  # only a regional Spanish exists: not a fallback for es
        ("pt", "Useful numbers", "en"),
        ("en", "Useful numbers", "en"),
        (None, "Useful numbers", "en"),
    ],
)
def test_clinician_facing_text_is_in_the_interface_language_else_english(language, text, shown_in):
    shown = translated(ITEM, "text", language)
    assert (shown.text, shown.language) == (text, shown_in)


def test_an_empty_translation_falls_back_to_english():
    item = {"text": "Hello", "translations": {"fr": {"other": "x"}}}
    assert translated(item, "text", "fr").language == "en"


@pytest.mark.parametrize(
    ("patient", "interface", "reads", "missing", "beside"),
    [
        # The patient's language, the clinician's beside it when it differs.
        ("fr", "en", ("Numéros utiles", "fr"), False, ("Useful numbers", "en")),
        ("fr", "fr", ("Numéros utiles", "fr"), False, None),
        ("fr-CA", "en", ("Numéros utiles", "fr"), False, ("Useful numbers", "en")),
        ("en", "fr", ("Useful numbers", "en"), False, ("Numéros utiles", "fr")),
        # No text in the patient's language: English is shown, and the clinician is told.
        ("pt", "en", ("Useful numbers", "en"), True, None),
        ("pt", "fr", ("Useful numbers", "en"), True, ("Numéros utiles", "fr")),
    ],
)
def test_patient_facing_text_is_in_the_patients_language_with_the_clinicians_beside(
    patient, interface, reads, missing, beside
):
    view = patient_view(ITEM, "text", patient=patient, interface=interface)
    assert (view.patient.text, view.patient.language) == reads
    assert view.missing is missing
    assert ((view.beside.text, view.beside.language) if view.beside else None) == beside


def test_an_english_edit_keeps_translations_of_unchanged_texts_and_drops_changed_ones():
    before = {
        "items": [
            {
                "slug": "a",
                "text": "A",
                "help": "H",
                "translations": {"fr": {"text": "À", "help": "Aide"}},
            },
            {"slug": "b", "text": "B", "translations": {"fr": {"text": "Bé"}}},
        ]
    }
    after = {"items": [{"slug": "b", "text": "B"}, {"slug": "a", "text": "A", "help": "New help"}]}
    carried = carry_translations(before, after, {"items": ("text", "help")}, {"items": "slug"})
    assert carried["items"][0]["translations"] == {"fr": {"text": "Bé"}}  # moved, kept
    assert carried["items"][1]["translations"] == {"fr": {"text": "À"}}  # help changed: dropped
