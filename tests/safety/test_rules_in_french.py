"""The reporting engine and the capacity assessment speak French when French is active.

One case per message the engines build: headlines, questions (unknowns), reasons, each report's
reason and label, the guide note, the place's name and the capacity results, each with its
parameters filled in. Each names a phrase only the French catalogue holds, so an English message
or a sentence glued together outside the catalogue fails. Recipients and statutes are the rule
table's data and stay as the table gives them. Needs the compiled catalogue (`make messages`).
"""

from __future__ import annotations

import copy
import json
from importlib.resources import files

import pytest
from django.utils import translation

from cases.schemas import ContentInvalid
from safety.capacity import Ability, AbilityFinding, CapacityOutcome, assess_capacity
from safety.facts import AgeBasis, ReportingFacts, Tri
from safety.rule_table import InjuryKind, check_entry, load_jurisdiction_rules
from safety.rules import ReportingDecision, reporting_requirements

TABLE = json.loads((files("safety") / "content" / "jurisdictions.json").read_text("utf-8"))
HAS = CapacityOutcome.HAS_CAPACITY
LACKS = CapacityOutcome.LACKS_CAPACITY
NONE = InjuryKind.NONE


def french(text: str) -> str:
    # French puts a no-break space before a colon; compare on plain spaces.
    return text.replace("\u00a0", " ")


def decide(code: str, age: int | None = 30, **facts) -> ReportingDecision:
    basis = facts.pop("age_basis", AgeBasis.CONFIRMED if age is not None else AgeBasis.UNKNOWN)
    with translation.override("fr"):
        return reporting_requirements(
            ReportingFacts(jurisdiction=code, age=age, age_basis=basis, **facts),
            load_jurisdiction_rules(TABLE, code),
        )


def everything(decision: ReportingDecision) -> list[str]:
    """Every sentence the Reporting tab shows for a decision."""
    reports = [
        *decision.required,
        *decision.permitted,
        *decision.needs_consent,
        *decision.declined,
    ]
    return [
        french(text)
        for text in (
            decision.headline,
            decision.age_guidance,
            decision.guide_note,
            decision.jurisdiction_name,
            *decision.unknowns,
            *decision.reasons,
            *(report.reason for report in reports),
            *(report.label for report in reports),
        )
    ]


CAPABLE_ELDER_CA = {"code": "US-CA", "age": 70, "capacity": HAS, "injury_kind": NONE}
CAPABLE_ADULT_BC = {"code": "CA-BC", "capacity": HAS, "injury_kind": NONE}
WOUND_OPEN_ON = {
    "code": "CA-ON",
    "capacity": HAS,
    "lives_in_care_facility": Tri.NO,
    "patient_consents": Tri.NO,
}
GUNSHOT_ON = {
    "code": "CA-ON",
    "capacity": HAS,
    "injury_kind": InjuryKind.GUNSHOT,
    "patient_consents": Tri.NO,
}

HEADLINES = [
    pytest.param(
        CAPABLE_ELDER_CA,
        "Obligatoire : un signalement à adult protective services or local police.",
        id="required",
    ),
    pytest.param(
        GUNSHOT_ON,
        "Obligatoire : un signalement à local police. Une réponse manquante pourrait en ajouter "
        "un autre : voir les questions.",
        id="required-and-not-settled",
    ),
    pytest.param(
        WOUND_OPEN_ON,
        "Non tranché : une réponse manquante pourrait rendre un signalement obligatoire.",
        id="not-settled",
    ),
    pytest.param(
        {**CAPABLE_ADULT_BC, "patient_consents": Tri.NO},
        "Aucun signalement n’est obligatoire d’après ces faits.",
        id="none-required",
    ),
    pytest.param(
        {"code": "ELSEWHERE", "capacity": HAS},
        "Conseil général du guide, et non la loi de cet endroit. Non tranché",
        id="elsewhere",
    ),
    pytest.param(
        {
            "code": "CA-ON",
            "age": 16,
            "age_basis": AgeBasis.ESTIMATED,
            "capacity": HAS,
            "injury_kind": NONE,
        },
        "L’âge du patient n’est pas confirmé : ce qui s’applique à une personne mineure et à une "
        "personne adulte est présenté côte à côte.",
        id="age-not-confirmed",
    ),
]


@pytest.mark.parametrize(("facts", "expected"), HEADLINES)
def test_headlines_are_in_french(facts, expected) -> None:
    assert expected in french(decide(**facts).headline)


MESSAGES = [
    # Questions still open (unknowns)
    pytest.param(
        CAPABLE_ADULT_BC,
        "Demandez au patient, seul : avec son accord, un signalement à a designated agency "
        "(usually the regional health authority) et local police peut être fait.",
        id="ask-for-consent-joined-with-et",
    ),
    pytest.param(
        WOUND_OPEN_ON,
        "Blessure — un signalement à local police est obligatoire pour une plaie par balle",
        id="question-on-the-wound",
    ),
    pytest.param(
        {"code": "CA-NL", "capacity": HAS, "patient_consents": Tri.NO},
        "pour une plaie par balle ou plaie par arme blanche",
        id="two-wounds-joined-with-ou",
    ),
    pytest.param(
        {"code": "CA-ON", "age": 16, "age_basis": AgeBasis.ESTIMATED, "capacity": HAS},
        "un signalement à a children's aid society est obligatoire avant 16 ans et est permis "
        "de 16 à 17 ans",
        id="question-on-the-age-with-ranges",
    ),
    pytest.param(
        {"code": "ELSEWHERE", "capacity": HAS},
        "un signalement à local police est obligatoire si la blessure met la vie en danger",
        id="question-on-a-condition",
    ),
    pytest.param(
        {"code": "ELSEWHERE", "capacity": HAS},
        "un signalement à local police est obligatoire si c’est le cas",
        id="question-on-a-crime-injury",
    ),
    pytest.param(
        {"code": "CA-BC", "injury_kind": NONE},
        "Capacité décisionnelle (selon l’évaluation) — ",
        id="question-on-capacity",
    ),
    # Reasons
    pytest.param(
        GUNSHOT_ON,
        "Un signalement à local police est déjà obligatoire; le consentement du patient n’est "
        "donc pas demandé",
        id="consent-not-sought-for-a-required-report",
    ),
    pytest.param(
        {**CAPABLE_ADULT_BC, "patient_consents": Tri.NO},
        "et local police : son refus est respecté.",
        id="refusal-respected",
    ),
    pytest.param(
        WOUND_OPEN_ON,
        "Le patient a refusé un signalement à local police. Ce refus ne tient que si aucune des "
        "questions encore ouvertes",
        id="refusal-pending-open-questions",
    ),
    pytest.param(
        {**CAPABLE_ADULT_BC, "capacity": LACKS, "patient_consents": Tri.YES},
        "un signalement à local police ne peut donc pas reposer sur son consentement",
        id="no-consent-without-capacity",
    ),
    pytest.param(
        {"code": "CA-PE", "capacity": HAS, "injury_kind": InjuryKind.GUNSHOT},
        "Île-du-Prince-Édouard : No gunshot",
        id="no-law-found-named-by-place",
    ),
    pytest.param(
        CAPABLE_ELDER_CA,
        "Proposez les lignes d’aide quelle que soit la décision",
        id="always-offer-the-lines",
    ),
    pytest.param(
        {"code": "CA-ON", "age": 16, "age_basis": AgeBasis.ESTIMATED, "capacity": HAS},
        "prévoyez la possibilité d’une personne mineure",
        id="age-guidance",
    ),
    # Each report's reason and label
    pytest.param(
        CAPABLE_ELDER_CA,
        "Le patient a 70 ans (règle applicable à 65 ans ou plus) : un signalement à adult "
        "protective services or local police est obligatoire.",
        id="required-report-reason",
    ),
    pytest.param(CAPABLE_ELDER_CA, "Protection d’une personne âgée", id="report-label"),
    pytest.param(
        CAPABLE_ADULT_BC,
        "Le patient a la capacité décisionnelle : un signalement à local police nécessite le "
        "consentement du patient.",
        id="consent-report-reason",
    ),
    pytest.param(
        {**CAPABLE_ADULT_BC, "capacity": LACKS},
        "(usually the regional health authority) est permis.",
        id="permitted-report-reason",
    ),
    pytest.param(
        {**CAPABLE_ADULT_BC, "patient_consents": Tri.NO},
        "un signalement à local police a été refusé par le patient.",
        id="declined-report-reason",
    ),
    pytest.param(
        GUNSHOT_ON,
        "Le patient a une plaie par balle : un signalement à local police est obligatoire.",
        id="wound-report-reason",
    ),
    # The guide note and the place's name
    pytest.param(
        {"code": "CA-QC", "age": 12, "capacity": HAS, "injury_kind": NONE},
        "Selon la loi en vigueur (Québec) : un signalement à the Director of Youth Protection "
        "(DPJ) of the region est obligatoire avant 18 ans",
        id="guide-note",
    ),
    pytest.param(CAPABLE_ADULT_BC, "Colombie-Britannique", id="place-name"),
    pytest.param(
        {"code": "ELSEWHERE", "capacity": HAS},
        "Ailleurs (aucune règle dans Harbor)",
        id="elsewhere-name",
    ),
]


@pytest.mark.parametrize(("facts", "expected"), MESSAGES)
def test_questions_reasons_and_reports_are_in_french(facts, expected) -> None:
    shown = everything(decide(**facts))
    assert any(expected in text for text in shown), shown


def test_a_decision_made_in_english_stays_in_english() -> None:
    with translation.override("en"):
        decision = reporting_requirements(
            ReportingFacts(jurisdiction="CA-QC", age=12, age_basis=AgeBasis.CONFIRMED),
            load_jurisdiction_rules(TABLE, "CA-QC"),
        )
    assert decision.jurisdiction_name == "Quebec"
    assert decision.headline.startswith("Required: a report to the Director of Youth Protection")


@pytest.mark.parametrize(
    ("findings", "outcome", "expected"),
    [
        (
            {ability: AbilityFinding.PRESENT for ability in Ability},
            HAS,
            "Les quatre capacités sont présentes : communiquer un choix; comprendre l’information "
            "pertinente; saisir la situation et ses conséquences; raisonner sur les options.",
        ),
        (
            {Ability.REASON: AbilityFinding.ABSENT},
            LACKS,
            "Absente : la capacité de raisonner sur les options.",
        ),
        (
            {
                ability: AbilityFinding.PRESENT
                for ability in Ability
                if ability != Ability.APPRECIATE
            },
            CapacityOutcome.UNKNOWN,
            "Non évaluée : la capacité de saisir la situation et ses conséquences.",
        ),
    ],
    ids=["has-capacity", "lacks-capacity", "not-assessed"],
)
def test_capacity_results_are_in_french(findings, outcome, expected) -> None:
    with translation.override("fr"):
        result = assess_capacity(findings)
    assert result.outcome is outcome
    assert [french(reason) for reason in result.reasons] == [expected]


def _ontario_with(**change) -> dict:
    entry = copy.deepcopy(next(e for e in TABLE["jurisdictions"] if e["code"] == "CA-ON"))
    entry["rules"][0].update(change)
    return entry


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"id": "child"}, "Commencez l’identifiant par CA-ON- et ajoutez quelques mots"),
        ({"age_min": 17, "age_max": 15}, "Cette valeur est inférieure à la limite d’âge minimale."),
        ({"age_max": None}, "Une règle de protection de l’enfance doit avoir une limite d’âge"),
        ({"checked_on": "2026-02-31"}, "Inscrivez une date réelle, p. ex. 2026-11-29."),
    ],
    ids=["id-prefix", "ages-reversed", "child-without-upper-age", "impossible-date"],
)
def test_rule_table_errors_are_in_french(change, expected) -> None:
    entry = _ontario_with(**change)
    assert entry["rules"][0]["trigger"] == "child"  # the changes above are about a child rule
    with translation.override("fr"), pytest.raises(ContentInvalid) as refused:
        check_entry(entry)
    assert expected in french(str(refused.value))
