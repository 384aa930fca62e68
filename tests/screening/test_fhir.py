"""FHIR R4 export and strict import of screening content and answers."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest

import screening
from screening.fhir import (
    ANSWER_STATUS_EXTENSION,
    CONCERN_EXTENSION,
    PURPOSE_EXTENSION,
    VERBATIM_EXTENSION,
    FhirImportError,
    ResponseAnswer,
    bank_to_questionnaire,
    instrument_to_questionnaire,
    screening_to_questionnaire_response,
)
from screening.fhir_import import questionnaire_to_bank, questionnaire_to_instrument
from screening.rules import AnswerStatus, load_bank, load_instrument

CONTENT = Path(screening.__file__).parent / "content"
SDV = ("http://terminology.hl7.org/CodeSystem/v3-ActCode", "SDV")
RESTRICTED = ("http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "R")


def read(name: str) -> dict:
    return json.loads((CONTENT / name).read_text(encoding="utf-8"))


SEED_BANK = load_bank(read("seed_bank.json"))
DEMO = load_instrument(read("instruments/demo_brief_screen.json"))


def security_codes(resource: dict) -> set[tuple[str, str]]:
    return {(label["system"], label["code"]) for label in resource["meta"]["security"]}


# --- Round trips ------------------------------------------------------------------------------


def test_seed_bank_survives_a_round_trip_through_json():
    resource = json.loads(json.dumps(bank_to_questionnaire(SEED_BANK)))

    assert questionnaire_to_bank(resource) == SEED_BANK


def test_bank_without_principles_or_guidance_round_trips():
    bare = load_bank(
        {k: v for k, v in read("seed_bank.json").items() if k not in ("principles", "guidance")}
    )

    resource = bank_to_questionnaire(bare)

    assert "extension" not in resource
    assert questionnaire_to_bank(resource) == bare


def test_demo_instrument_survives_a_round_trip_through_json():
    resource = json.loads(json.dumps(instrument_to_questionnaire(DEMO)))

    assert questionnaire_to_instrument(resource) == DEMO


# --- Questionnaire structure ------------------------------------------------------------------


def test_bank_questionnaire_groups_questions_by_theme():
    resource = bank_to_questionnaire(SEED_BANK)

    assert resource["resourceType"] == "Questionnaire"
    assert resource["url"] == "urn:harbor:questionnaire:conversation-guide"
    assert (resource["version"], resource["name"], resource["status"]) == (
        "1",
        "ConversationGuide",
        "active",
    )
    assert resource["title"] == "Conversation guide"
    assert "not a validated" in resource["description"]
    groups = resource["item"]
    assert [g["type"] for g in groups] == ["group"] * 6
    assert groups[0]["text"] == "Environment and daily life"
    assert [(e["url"], e["valueString"]) for e in groups[0]["extension"]] == [
        (PURPOSE_EXTENSION, SEED_BANK.themes[0].purpose)
    ]
    questions = [q for g in groups for q in g["item"]]
    assert len(questions) == 24
    assert {q["type"] for q in questions} == {"text"}
    assert questions[0]["linkId"] == "where-staying-typical-day"


def test_instrument_questionnaire_carries_its_rule_in_extensions():
    resource = instrument_to_questionnaire(DEMO)
    extensions = {e["url"].rsplit(":", 1)[-1]: e for e in resource["extension"]}

    assert extensions["positive-if-at-least"]["valueInteger"] == 1
    assert extensions["min-age"]["valueInteger"] == 18
    assert extensions["max-age"]["valueInteger"] == 120
    assert extensions["demo"]["valueBoolean"] is True
    assert extensions["validation-note"]["valueString"].startswith("Demo only")
    assert [i["type"] for i in resource["item"]] == ["boolean"] * 4


@pytest.mark.parametrize(
    "resource",
    [
        pytest.param(bank_to_questionnaire(SEED_BANK), id="bank"),
        pytest.param(instrument_to_questionnaire(DEMO), id="instrument"),
        pytest.param(
            screening_to_questionnaire_response(
                SEED_BANK, [], authored="2026-11-29", subject_ref=None
            ),
            id="response",
        ),
    ],
)
def test_every_exported_resource_is_labelled_sensitive_and_restricted(resource):
    assert {SDV, RESTRICTED} <= security_codes(resource)


# --- Strict import: conversation guide --------------------------------------------------------


def broken_bank(change):
    resource = copy.deepcopy(bank_to_questionnaire(SEED_BANK))
    change(resource)
    return resource


def first_group(resource):
    return resource["item"][0]


BROKEN_BANK_QUESTIONNAIRES = [
    pytest.param(["a", "list"], "as a JSON object, got list", id="not-a-json-object"),
    pytest.param(
        '{"resourceType": "Questionnaire"}', "as a JSON object, got str", id="unparsed-text"
    ),
    pytest.param(
        broken_bank(lambda r: r.update(resourceType="Patient")),
        "Expected resourceType 'Questionnaire' for a conversation guide, got 'Patient'",
        id="wrong-resource-type",
    ),
    pytest.param(
        broken_bank(lambda r: r.pop("resourceType")),
        "got None",
        id="no-resource-type",
    ),
    pytest.param(
        broken_bank(lambda r: r.pop("item")),
        "item is missing",
        id="missing-items",
    ),
    pytest.param(
        broken_bank(lambda r: r.update(item=[])),
        "item: needs at least 1",
        id="empty-items",
    ),
    pytest.param(
        broken_bank(lambda r: r["item"][1]["item"][0].update(linkId="where-staying-typical-day")),
        "linkId 'where-staying-typical-day' is used more than once",
        id="duplicate-question-linkid",
    ),
    pytest.param(
        broken_bank(lambda r: r["item"][1].update(linkId="environment-and-daily-life")),
        "linkId 'environment-and-daily-life' is used more than once",
        id="duplicate-group-linkid",
    ),
    pytest.param(
        broken_bank(lambda r: r["item"].append({"linkId": "stray", "type": "text", "text": "?"})),
        "Item 'stray' is a question outside a theme group",
        id="question-outside-group",
    ),
    pytest.param(
        broken_bank(lambda r: r["item"].append({"linkId": "odd", "type": "banana"})),
        "item 7 › type: must be one of",
        id="unknown-top-level-type",
    ),
    pytest.param(
        broken_bank(lambda r: first_group(r)["item"][0].update(type="choice")),
        "Item 'where-staying-typical-day' in group 'environment-and-daily-life' has type 'choice'",
        id="unsupported-question-type",
    ),
    pytest.param(
        broken_bank(
            lambda r: first_group(r)["item"].append(
                {"linkId": "inner", "type": "group", "item": []}
            )
        ),
        "has type 'group'",
        id="nested-group",
    ),
    pytest.param(
        broken_bank(lambda r: first_group(r).pop("item")),
        "Group 'environment-and-daily-life' has no 'item' list",
        id="group-without-questions",
    ),
    pytest.param(
        broken_bank(lambda r: first_group(r)["item"][0].pop("linkId")),
        "linkId is missing",
        id="missing-linkid",
    ),
    pytest.param(
        broken_bank(lambda r: first_group(r)["item"][0].pop("text")),
        "Item 'where-staying-typical-day' has no 'text'",
        id="question-without-text",
    ),
    pytest.param(
        broken_bank(lambda r: first_group(r)["extension"].append(first_group(r)["extension"][0])),
        "(found 2)",
        id="purpose-given-twice",
    ),
    pytest.param(
        broken_bank(lambda r: first_group(r)["extension"][0].pop("valueString")),
        "must carry valueString",
        id="purpose-without-value",
    ),
    pytest.param(
        broken_bank(lambda r: first_group(r)["item"].append("not an item")),
        "item 6: must be an object",
        id="item-not-an-object",
    ),
    pytest.param(
        broken_bank(lambda r: r.update(status="published")),
        "status: must be one of draft",
        id="unknown-status",
    ),
    pytest.param(
        broken_bank(lambda r: r["extension"][0]["extension"].pop()),
        "needs a 'title' and a 'text' sub-extension",
        id="principle-without-text",
    ),
]


# What other tools write, which Harbor's own export never does: accepted, read as Harbor reads it.
ACCEPTED_BANK_QUESTIONNAIRES = [
    pytest.param(
        broken_bank(lambda r: first_group(r).pop("extension")),
        lambda bank: bank.themes[0].purpose == "Environment and daily life",
        id="group-without-purpose-takes-its-title",
    ),
    pytest.param(
        broken_bank(lambda r: r.pop("title")),
        lambda bank: bank.title == "ConversationGuide",
        id="no-title-takes-the-name",
    ),
    pytest.param(
        broken_bank(lambda r: r.pop("description")),
        lambda bank: (
            bank.source
            == "Imported from the FHIR Questionnaire urn:harbor:questionnaire:conversation-guide."
        ),
        id="no-description-says-where-it-came-from",
    ),
    pytest.param(
        broken_bank(lambda r: r.update(url="http://example.org/Questionnaire/home-safety")),
        lambda bank: bank.slug == "home-safety",
        id="foreign-url-names-the-content",
    ),
    pytest.param(
        broken_bank(lambda r: (r.pop("url"), r.update(identifier=[{"value": "Home Safety 2"}]))),
        lambda bank: bank.slug == "home-safety-2",
        id="no-url-identity-from-identifier",
    ),
    pytest.param(
        broken_bank(lambda r: (r.pop("url"), r.update(name="HomeSafety"))),
        lambda bank: bank.slug == "homesafety",
        id="no-url-or-identifier-identity-from-name",
    ),
    pytest.param(
        broken_bank(lambda r: first_group(r)["item"][0].update(linkId="1.1")),
        lambda bank: bank.themes[0].questions[0].slug == "q-11",
        id="linkid-not-a-slug-becomes-one",
    ),
]


@pytest.mark.parametrize(("resource", "check"), ACCEPTED_BANK_QUESTIONNAIRES)
def test_questionnaires_as_other_tools_write_them_are_accepted(resource, check):
    assert check(questionnaire_to_bank(resource))


def test_a_questionnaire_without_url_identifier_or_name_is_refused():
    resource = broken_bank(lambda r: (r.pop("url"), r.pop("name")))
    with pytest.raises(FhirImportError, match="no url, identifier or name"):
        questionnaire_to_bank(resource)


@pytest.mark.parametrize(("resource", "message"), BROKEN_BANK_QUESTIONNAIRES)
def test_malformed_questionnaire_is_refused_with_a_useful_message(resource, message):
    with pytest.raises(FhirImportError, match=re.escape(message)):
        questionnaire_to_bank(resource)


def test_a_free_text_string_question_is_accepted_and_becomes_text():
    resource = bank_to_questionnaire(SEED_BANK)
    resource["item"][0]["item"][0]["type"] = "string"

    assert questionnaire_to_bank(resource) == SEED_BANK


def test_an_instrument_questionnaire_is_not_a_conversation_guide():
    with pytest.raises(FhirImportError, match="Item 'afraid-of-someone-now' has type 'boolean'"):
        questionnaire_to_bank(instrument_to_questionnaire(DEMO))


# --- Strict import: instruments ---------------------------------------------------------------


def broken_instrument(change):
    resource = copy.deepcopy(instrument_to_questionnaire(DEMO))
    change(resource)
    return resource


def drop_extension(name):
    def change(resource):
        resource["extension"] = [e for e in resource["extension"] if not e["url"].endswith(name)]

    return change


def set_extension(name, **value):
    def change(resource):
        for extension in resource["extension"]:
            if extension["url"].endswith(name):
                extension.clear()
                extension.update(url="urn:harbor:extension:" + name, **value)

    return change


BROKEN_INSTRUMENT_QUESTIONNAIRES = [
    pytest.param(42, "as a JSON object, got int", id="not-a-json-object"),
    pytest.param(
        broken_instrument(lambda r: r.update(resourceType="QuestionnaireResponse")),
        "Expected resourceType 'Questionnaire' for a brief instrument",
        id="wrong-resource-type",
    ),
    pytest.param(
        broken_instrument(lambda r: r.pop("item")),
        "item is missing",
        id="missing-items",
    ),
    pytest.param(
        broken_instrument(lambda r: r["item"][0].update(type="text")),
        "Item 'afraid-of-someone-now' has type 'text'; instrument items must be yes/no",
        id="free-text-item",
    ),
    pytest.param(
        broken_instrument(lambda r: r["item"].append({"linkId": "g", "type": "group"})),
        "Item 'g' has type 'group'",
        id="group-item",
    ),
    pytest.param(
        broken_instrument(lambda r: r["item"][1].update(linkId="afraid-of-someone-now")),
        "linkId 'afraid-of-someone-now' is used more than once",
        id="duplicate-linkid",
    ),
    pytest.param(
        broken_instrument(drop_extension("positive-if-at-least")),
        "exactly one extension urn:harbor:extension:positive-if-at-least (found none)",
        id="no-threshold",
    ),
    pytest.param(
        broken_instrument(set_extension("positive-if-at-least", valueString="1")),
        "positive-if-at-least on the Questionnaire must carry valueInteger",
        id="threshold-wrong-type",
    ),
    pytest.param(
        broken_instrument(set_extension("positive-if-at-least", valueInteger=5)),
        "so 5 yes answers could never be reached",
        id="threshold-above-item-count",
    ),
    pytest.param(
        broken_instrument(set_extension("min-age", valueInteger=200)),
        "max_age: The oldest age must not be below the youngest.",
        id="empty-age-range",
    ),
    pytest.param(
        broken_instrument(drop_extension("validation-note")),
        "urn:harbor:extension:validation-note (found none)",
        id="no-validation-note",
    ),
    pytest.param(
        broken_instrument(set_extension("demo", valueBoolean="yes")),
        "demo: must be true or false",
        id="demo-not-boolean",
    ),
]


@pytest.mark.parametrize(("resource", "message"), BROKEN_INSTRUMENT_QUESTIONNAIRES)
def test_malformed_instrument_questionnaire_is_refused(resource, message):
    with pytest.raises(FhirImportError, match=re.escape(message)):
        questionnaire_to_instrument(resource)


# --- QuestionnaireResponse --------------------------------------------------------------------


def item_by_link_id(resource: dict) -> dict[str, dict]:
    return {q["linkId"]: q for group in resource["item"] for q in group["item"]}


def extension(item: dict, url: str):
    values = [e for e in item.get("extension", []) if e["url"] == url]
    assert len(values) <= 1
    return (
        next((v for k, v in values[0].items() if k.startswith("value")), None) if values else None
    )


RESPONSE_ANSWERS = [
    ResponseAnswer(
        "who-holds-documents", AnswerStatus.ANSWERED, "He keeps my passport", True, True
    ),
    ResponseAnswer(
        "sleeping-and-meals", AnswerStatus.ANSWERED, "Sleeps on a mattress", False, False
    ),
    ResponseAnswer("crossed-a-line-physically", AnswerStatus.DECLINED, "", False, False),
    ResponseAnswer("home-lately", AnswerStatus.ANSWERED, "  ", False, False),
]


@pytest.fixture
def response():
    return screening_to_questionnaire_response(
        SEED_BANK, RESPONSE_ANSWERS, authored="2026-11-29T10:15:00-05:00", subject_ref="Patient/p1"
    )


def test_response_header(response):
    assert response["resourceType"] == "QuestionnaireResponse"
    assert response["status"] == "completed"
    assert response["questionnaire"] == "urn:harbor:questionnaire:conversation-guide|1"
    assert response["authored"] == "2026-11-29T10:15:00-05:00"
    assert response["subject"] == {"reference": "Patient/p1"}


def test_response_has_every_question_grouped_by_theme(response):
    assert [g["linkId"] for g in response["item"]] == [t.slug for t in SEED_BANK.themes]
    assert [g["text"] for g in response["item"]] == [t.title for t in SEED_BANK.themes]
    assert [len(g["item"]) for g in response["item"]] == [5, 5, 4, 4, 4, 2]


def test_answered_question_carries_the_note_verbatim_flag_and_concern(response):
    item = item_by_link_id(response)["who-holds-documents"]

    assert item["answer"][0]["valueString"] == "He keeps my passport"
    assert extension(item["answer"][0], VERBATIM_EXTENSION) is True
    assert extension(item, ANSWER_STATUS_EXTENSION) == "answered"
    assert extension(item, CONCERN_EXTENSION) is True
    assert extension(item_by_link_id(response)["sleeping-and-meals"], CONCERN_EXTENSION) is False


@pytest.mark.parametrize(
    ("link_id", "status"),
    [
        pytest.param("crossed-a-line-physically", "declined", id="declined"),
        pytest.param("able-to-go-outside-or-leave", "not_asked", id="never-mentioned"),
    ],
)
def test_unanswered_questions_carry_only_their_status(response, link_id, status):
    item = item_by_link_id(response)[link_id]

    assert "answer" not in item
    assert extension(item, ANSWER_STATUS_EXTENSION) == status
    assert extension(item, CONCERN_EXTENSION) is None


def test_answered_without_a_note_has_no_empty_answer(response):
    item = item_by_link_id(response)["home-lately"]

    assert "answer" not in item
    assert extension(item, ANSWER_STATUS_EXTENSION) == "answered"


def test_response_without_subject_has_no_subject():
    resource = screening_to_questionnaire_response(
        SEED_BANK, [], authored="2026-11-29", subject_ref=None
    )

    assert "subject" not in resource


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        pytest.param(
            [ResponseAnswer("made-up", AnswerStatus.ANSWERED, "x", False, False)],
            "Question 'made-up' is not in bank 'conversation-guide'",
            id="unknown-question",
        ),
        pytest.param(
            [ResponseAnswer("home-lately", AnswerStatus.DECLINED, "", False, False)] * 2,
            "Question 'home-lately' has more than one answer",
            id="answered-twice",
        ),
        pytest.param(
            [ResponseAnswer("home-lately", AnswerStatus.DECLINED, "note", False, False)],
            "was declined but carries a note or concern mark",
            id="note-on-declined",
        ),
        pytest.param(
            [ResponseAnswer("home-lately", AnswerStatus.NOT_ASKED, "", False, True)],
            "was not asked but carries a note or concern mark",
            id="concern-on-unasked",
        ),
    ],
)
def test_contradictory_answers_are_refused(answers, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        screening_to_questionnaire_response(
            SEED_BANK, answers, authored="2026-11-29", subject_ref=None
        )
