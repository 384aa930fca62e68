"""The screening rules speak French when French is active: every message a branch produces comes
from the catalogue, with its parameters filled in.

Each case names a phrase only the French translation holds, so a message left in English (or
built by concatenation outside the catalogue) fails. Needs the compiled catalogue (`make
messages`).
"""

from __future__ import annotations

import copy

import pytest
from django.utils import translation

from cases.schemas import ContentInvalid
from screening import fhir, fhir_import
from screening.rules import (
    AnswerFact,
    AnswerStatus,
    IndicatorWeight,
    Instrument,
    InstrumentItem,
    ObservedIndicator,
    check_bank,
    concern_summary,
    load_instrument,
    score_instrument,
)

THREATS = "threats-violence-and-exploitation"
DAILY = "environment-and-daily-life"


def french(text: str) -> str:
    # French puts a no-break space before a colon and inside « »; compare on plain spaces.
    return text.replace("\u00a0", " ")


def strong(slug: str = "tattoo") -> ObservedIndicator:
    return ObservedIndicator(slug, f"signe {slug}", IndicatorWeight.STRONG)


def supporting(slug: str = "phone") -> ObservedIndicator:
    return ObservedIndicator(slug, f"indice {slug}", IndicatorWeight.SUPPORTING)


def concern(theme: str, slug: str = "q", text: str = "", title: str = "") -> AnswerFact:
    return AnswerFact(slug, theme, AnswerStatus.ANSWERED, True, text, title)


def declined(slug: str) -> AnswerFact:
    return AnswerFact(slug, DAILY, AnswerStatus.DECLINED, False)


SUMMARY_CASES = [
    pytest.param(
        [],
        [concern(THREATS)],
        True,
        "Préoccupation élevée : une préoccupation a été notée dans une réponse portant sur des "
        "menaces",
        id="high-core-theme",
    ),
    pytest.param(
        [],
        [concern(DAILY, "a"), concern(DAILY, "b")],
        True,
        "des préoccupations ont été notées dans 2 réponses",
        id="high-two-concerns",
    ),
    pytest.param(
        [strong("a"), strong("b")], [], True, "2 signes forts ont été observés", id="high-strong"
    ),
    pytest.param(
        [strong()],
        [concern(DAILY)],
        True,
        "un signe fort a été observé et une préoccupation a été notée",
        id="high-strong-and-concern",
    ),
    pytest.param(
        [strong()],
        [],
        True,
        "Préoccupation possible : un signe fort a été observé.",
        id="possible-strong",
    ),
    pytest.param(
        [],
        [concern(DAILY)],
        True,
        "Préoccupation possible : une préoccupation a été notée dans une réponse.",
        id="possible-one-concern",
    ),
    pytest.param(
        [supporting("a"), supporting("b")],
        [],
        True,
        "2 signes d’appoint ont été observés",
        id="possible-supporting",
    ),
    pytest.param([], [], True, "Aucune préoccupation : aucun signe fort", id="none"),
    pytest.param([], [], False, "aucune question n’a donc été posée", id="gate-not-met-reason"),
    pytest.param([strong("x")], [], True, "Observé (signe fort) : signe x", id="observed-strong"),
    pytest.param(
        [supporting("y")], [], True, "Observé (signe d’appoint) : indice y", id="observed-support"
    ),
    pytest.param(
        [],
        [concern(DAILY, "q", "Qui garde vos papiers?", "Vie quotidienne")],
        True,
        "Préoccupation notée dans la réponse à « Qui garde vos papiers? » (Vie quotidienne)",
        id="concern-named-by-question",
    ),
    pytest.param(
        [],
        [concern(DAILY, "papers")],
        True,
        f"Préoccupation notée dans la réponse à « papers » (thème « {DAILY} »)",
        id="concern-named-by-slug",
    ),
    pytest.param(
        [],
        [declined("a")],
        True,
        "Le patient a refusé 1 question; un refus n’est pas compté",
        id="one-declined",
    ),
    pytest.param(
        [],
        [declined("a"), declined("b"), declined("c")],
        True,
        "Le patient a refusé 3 questions;",
        id="several-declined",
    ),
]


@pytest.mark.parametrize(("indicators", "answers", "gate_met", "expected"), SUMMARY_CASES)
def test_concern_reasons_are_in_french(indicators, answers, gate_met, expected) -> None:
    with translation.override("fr"):
        summary = concern_summary(indicators, answers, gate_met=gate_met)
    assert any(expected in french(reason) for reason in summary.reasons), summary.reasons


@pytest.mark.parametrize(
    ("indicators", "answers", "gate_met", "expected", "goes_to"),
    [
        ([strong("a"), strong("b")], [], True, "Amorcez le protocole de sécurité", "safety"),
        ([strong()], [], True, "Poursuivez la conversation", ""),
        ([], [], True, "Faites tout de même de la sensibilisation universelle", "care"),
        ([], [], False, "Cherchez une autre occasion de voir le patient seul", ""),
    ],
    ids=["high", "possible", "none", "gate-not-met"],
)
def test_next_steps_are_in_french_and_keep_where_they_lead(
    indicators, answers, gate_met, expected, goes_to
) -> None:
    with translation.override("fr"):
        steps = concern_summary(indicators, answers, gate_met=gate_met).next_steps
    step = next(step for step in steps if expected in step)
    assert step.goes_to == goes_to


def test_the_disclaimer_and_a_summary_made_in_english_stay_in_their_language() -> None:
    with translation.override("fr"):
        in_french = concern_summary([], [], gate_met=True)
    in_english = concern_summary([], [], gate_met=True)
    assert "et non un score de dépistage validé" in in_french.disclaimer
    assert "not a validated screening score" in in_english.disclaimer
    assert in_english.reasons[0].startswith("No concern")


def instrument(threshold: int = 2) -> Instrument:
    return Instrument(
        slug="screen",
        title="Outil",
        version=1,
        items=tuple(InstrumentItem(slug, f"{slug}?", "yes_no") for slug in "abcd"),
        positive_if_at_least=threshold,
        min_age=18,
        max_age=120,
        validation_note="Note",
        demo=True,
    )


@pytest.mark.parametrize(
    ("answers", "age", "expected"),
    [
        (
            {},
            15,
            "l’âge du patient (15 ans) est inférieur à la tranche d’âge de cet outil (18–120)",
        ),
        ({}, 121, "l’âge du patient (121 ans) est supérieur à la tranche d’âge"),
        (
            {},
            None,
            "Âge inconnu : vérifiez que le patient se situe dans la tranche d’âge de cet outil",
        ),
        (
            {"a": True, "b": True, "c": False},
            40,
            "Positif : 2 oui sur 3 réponses; la règle est positive à partir de 2 réponses",
        ),
        ({"a": True}, 40, "Incomplet : 1 oui jusqu’ici et 3 éléments sans réponse"),
        (
            {"a": True, "b": False, "c": False, "d": False},
            40,
            "Négatif : 1 oui sur 4 réponses, et les éléments sans réponse ne peuvent rien y",
        ),
    ],
    ids=["below-range", "above-range", "age-unknown", "positive", "incomplete", "negative"],
)
def test_instrument_reasons_are_in_french(answers, age, expected) -> None:
    with translation.override("fr"):
        result = score_instrument(instrument(), answers, age=age)
    assert any(expected in french(reason) for reason in result.reasons), result.reasons


VALID_INSTRUMENT = {
    "slug": "screen",
    "title": "Screen",
    "version": 2,
    "demo": False,
    "items": [
        {"slug": "a", "text": "A?", "answer_type": "yes_no"},
        {"slug": "b", "text": "B?", "answer_type": "yes_no"},
    ],
    "positive_if_at_least": 2,
    "min_age": 11,
    "max_age": 17,
    "validation_note": "Note",
    "source": "Source",
}


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            {"positive_if_at_least": 3},
            "Il n’y aurait que 2 éléments : 3 réponses « oui » ne pourraient jamais",
        ),
        ({"min_age": 18}, "L’âge maximal ne doit pas être inférieur à l’âge minimal."),
    ],
    ids=["threshold-unreachable", "ages-reversed"],
)
def test_instrument_content_errors_are_in_french(change, expected) -> None:
    data = {**copy.deepcopy(VALID_INSTRUMENT), **change}
    with translation.override("fr"), pytest.raises(ContentInvalid) as refused:
        load_instrument(data)
    assert expected in french(str(refused.value))


def test_a_question_used_twice_is_refused_in_french() -> None:
    question = {"slug": "same", "text": "Q?"}
    bank = {
        "themes": [{"slug": "a", "questions": [question]}, {"slug": "b", "questions": [question]}]
    }
    with translation.override("fr"), pytest.raises(ContentInvalid) as refused:
        check_bank(bank)
    assert "same est utilisé deux fois" in str(refused.value)


@pytest.mark.parametrize(
    ("resource", "convert", "expected"),
    [
        (
            {"resourceType": "Patient"},
            fhir_import.questionnaire_to_bank,
            "Un resourceType « Questionnaire » était attendu pour un guide d’entretien",
        ),
        (
            ["not", "an", "object"],
            fhir_import.questionnaire_to_instrument,
            "Un Questionnaire FHIR était attendu sous forme d’objet JSON; reçu : list.",
        ),
    ],
    ids=["bank-of-another-resource", "instrument-not-an-object"],
)
def test_fhir_import_refusals_are_in_french(resource, convert, expected) -> None:
    with translation.override("fr"), pytest.raises(fhir.FhirImportError) as refused:
        convert(resource)
    assert expected in french(str(refused.value))
