"""The note's pure rules: template loading, injuries, prefill, offers and the EHR text."""

from __future__ import annotations

import pytest

from cases.schemas import ContentInvalid, validate
from documentation.rules import (
    NOTE_TEMPLATE_SCHEMA,
    AddendumText,
    CapacityFinding,
    CaseRecord,
    DisclosureMade,
    InjuryError,
    NoteText,
    Quote,
    ReportingSummary,
    changed_sources,
    check_note_template,
    describe_injury,
    ehr_text,
    merge_offer,
    note_template,
    parse_injury,
    prefill_for,
    prefill_sections,
    shipped_documents,
    shipped_templates,
)


def _doc(**template_changes):
    template = {
        "slug": "t",
        "title": "T",
        "sections": [{"slug": "a", "label": "A", "prefill": "plan"}],
    }
    template.update(template_changes)
    return template


def _refusal(document):
    try:
        validate(NOTE_TEMPLATE_SCHEMA, document)
        check_note_template(document)
    except ContentInvalid as invalid:
        return [(p.path, p.message) for p in invalid.problems]
    return []


@pytest.mark.parametrize(
    ("document", "path", "message"),
    [
        (_doc(slug=""), ("slug",), "must be lowercase"),
        (_doc(title=" "), ("title",), "must not be empty"),
        (_doc(version=0), ("version",), "at least 1"),
        (_doc(sections=[]), ("sections",), "needs at least 1"),
        (_doc(sections=[{"slug": "a"}]), ("sections", 0), "label is missing"),
        (
            _doc(sections=[{"slug": "a", "label": "A", "prefill": "gossip"}]),
            ("sections", 0, "prefill"),
            "must be one of",
        ),
        (
            _doc(sections=[{"slug": "a", "label": "A"}, {"slug": "a", "label": "B"}]),
            ("sections", 1, "slug"),
            "a is used twice",
        ),
        (
            _doc(consents=[{"slug": "x", "label": "X"}, {"slug": "x", "label": "Y"}]),
            ("consents", 1, "slug"),
            "x is used twice",
        ),
        (
            _doc(
                sections=[
                    {"slug": "a", "label": "A", "verbatim": True},
                    {"slug": "b", "label": "B", "verbatim": True},
                ]
            ),
            ("sections", 1, "verbatim"),
            "only one section",
        ),
        (
            _doc(translations={"fr": {"colour": "bleu"}}),
            ("translations", "fr"),
            "does not know (colour)",
        ),
    ],
)
def test_malformed_templates_are_refused_at_the_path_they_name(document, path, message):
    problems = _refusal(document)
    assert [p for p, _m in problems] == [path]
    assert message in problems[0][1]


def test_a_template_reads_in_the_language_asked_falling_back_to_its_own_text():
    document = _doc(
        translations={"fr": {"title": "Note"}},
        sections=[
            {
                "slug": "a",
                "label": "Plan",
                "help": "Next",
                "translations": {"fr": {"label": "Plan ?"}},
            }
        ],
        consents=[{"slug": "x", "label": "Photos", "translations": {"fr": {"label": "Photos !"}}}],
    )
    assert _refusal(document) == []
    french = note_template(document, language="fr")
    assert (french.title, french.sections[0].label, french.consents[0].label) == (
        "Note",
        "Plan ?",
        "Photos !",
    )
    assert french.sections[0].help == "Next"  # not translated: the text itself
    spanish = note_template(document, language="es")
    assert (spanish.title, spanish.sections[0].label) == ("T", "Plan")


def test_the_shipped_template_is_complete_in_french():
    for document in shipped_documents():
        french = note_template(document, language="fr")
        english = note_template(document, language="en")
        assert french.title != english.title
        for fr, en in zip(french.sections, english.sections, strict=True):
            assert fr.label != en.label and fr.help != en.help
        for fr, en in zip(french.consents, english.consents, strict=True):
            assert fr.label != en.label


def test_the_shipped_encounter_note_has_every_part_the_guide_asks_for():
    template = shipped_templates()["encounter"]
    assert [s.slug for s in template.sections] == [
        "presentation",
        "observations",
        "own_words",
        "emotional_state",
        "care_given",
        "reporting",
        "referrals",
        "plan",
    ]
    assert template.verbatim_sections == {"own_words"}
    assert [c.slug for c in template.consents] == [
        "examination",
        "photographs",
        "forensic_evidence",
        "sharing_information",
        "police_report",
    ]
    assert "seed guide" in template.source


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"site": "left-forearm", "length_cm": "3", "colour": "purple", "shape": "oval"},
            {
                "site": "left-forearm",
                "length_cm": "3",
                "width_cm": "",
                "colour": "purple",
                "shape": "oval",
                "description": "",
            },
        ),
        (
            {"site": "chest", "length_cm": "2,5", "width_cm": "1.0"},
            {
                "site": "chest",
                "length_cm": "2.5",
                "width_cm": "1",
                "colour": "",
                "shape": "",
                "description": "",
            },
        ),
    ],
)
def test_parse_injury_keeps_measured_entries(data, expected):
    assert parse_injury(data) == expected


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({"site": "", "length_cm": "3"}, {"site"}),
        ({"site": "tail", "length_cm": "3"}, {"site"}),
        ({"site": "chest", "length_cm": ""}, {"length_cm"}),
        ({"site": "chest", "length_cm": "three"}, {"length_cm"}),
        ({"site": "chest", "length_cm": "0"}, {"length_cm"}),
        ({"site": "chest", "length_cm": "NaN"}, {"length_cm"}),
        ({"site": "chest", "length_cm": "500"}, {"length_cm"}),
        ({"site": "chest", "length_cm": "2", "width_cm": "-1"}, {"width_cm"}),
        ({"site": "", "length_cm": "x"}, {"site", "length_cm"}),
    ],
)
def test_parse_injury_refuses_with_a_message_per_field(data, fields):
    with pytest.raises(InjuryError) as error:
        parse_injury(data)
    assert set(error.value.errors) == fields


def test_describe_injury_reads_like_the_guide_example():
    text = describe_injury(
        {
            "site": "left-forearm",
            "length_cm": "3",
            "width_cm": "",
            "colour": "purple",
            "shape": "",
            "description": "swollen",
        }
    )
    assert text == "Left forearm: 3 cm, purple; swollen"
    assert (
        describe_injury(
            {
                "site": "chest",
                "length_cm": "3",
                "width_cm": "2",
                "colour": "",
                "shape": "linear",
                "description": "",
            }
        )
        == "Chest: 3 × 2 cm, linear"
    )


RECORD = CaseRecord(
    screened_alone=True,
    interpreter="Professional interpreter, by phone or video",
    signs=("Scripted history",),
    quotes=(Quote("Who holds your ID?", "He keeps my passport"),),
    summaries=(Quote("Where do you sleep?", "At the workplace"),),
    care_done=("Treat injuries",),
    care_open=("Screen for STIs",),
    transfer_done=("Advance notice given",),
    declined_help_done=("Offer the hotline",),
    forensic_consent_recorded=True,
    capacity=CapacityFinding(
        "Police report", "Has capacity for this decision", "2026-12-01", "Ann"
    ),
    reporting=ReportingSummary(("Police",), ("Hotline",), "2026-12-01"),
    disclosures=(DisclosureMade("Police", "2026-12-01", False),),
    referrals=("Shelter: offered",),
    next_follow_up="2026-12-08",
    contact_summary="text",
)


def test_prefill_quotes_the_patients_words_and_labels_summaries():
    offered = prefill_sections(RECORD)
    assert (
        offered["own_words"] == "Patient states: “He keeps my passport” (asked: Who holds your ID?)"
    )
    assert "not the patient's words" in offered["presentation"]
    assert "alone, with a professional interpreter" in offered["presentation"]
    assert offered["observations"] == "- Scripted history"
    assert (
        "Forensic evidence collected with the patient's recorded consent." in offered["care_given"]
    )
    assert "Capacity for “Police report”: Has capacity" in offered["reporting"]
    assert "Required: Police." in offered["reporting"]
    assert "With the patient's consent only: Hotline." in offered["reporting"]
    assert "Report made to Police on 2026-12-01 (patient not informed)." in offered["reporting"]
    assert offered["referrals"] == "- Shelter: offered"
    for expected in ("Advance notice given", "declined help", "Screen for STIs", "2026-12-08"):
        assert expected in offered["plan"]


def test_prefill_of_an_empty_case_is_empty_and_not_screened_says_why():
    assert not any(prefill_sections(CaseRecord()).values())
    offered = prefill_sections(CaseRecord(not_screened_reason="Companion would not leave"))
    assert offered["presentation"] == "Screening conversation not held: Companion would not leave."


def test_prefill_for_maps_each_section_to_its_source():
    template = shipped_templates()["encounter"]
    prefill = prefill_for(template, RECORD)
    assert prefill["emotional_state"] == ""  # no source: the clinician writes it
    assert prefill["own_words"].startswith("Patient states")


@pytest.mark.parametrize(
    ("basis", "current", "offered"),
    [
        ({"a": "x"}, {"a": "x"}, {}),
        ({"a": "x"}, {"a": "y"}, {"a": "y"}),
        ({}, {"a": "new"}, {"a": "new"}),
        # A source that now holds nothing offers nothing (never an offer to delete).
        ({"a": "x"}, {"a": ""}, {}),
    ],
)
def test_changed_sources_offer_only_what_is_new(basis, current, offered):
    assert changed_sources(basis, current) == offered


def test_merge_offer():
    assert merge_offer("mine", "new", how="replace") == "new"
    assert merge_offer("mine\n", "new", how="append") == "mine\nnew"
    assert merge_offer("", "new", how="append") == "new"
    with pytest.raises(ValueError, match="Unknown"):
        merge_offer("mine", "new", how="drop")


def _note_text(**changes):
    values = {
        "template": shipped_templates()["encounter"],
        "sections": {"presentation": "Came in with a cut.", "observations": ""},
        "consents": {"examination": "given", "photographs": "declined"},
        "injuries": [
            {
                "site": "chest",
                "length_cm": "2",
                "width_cm": "",
                "colour": "red",
                "shape": "",
                "description": "",
            }
        ],
        "codes": ["T76.51XA"],
        "sensitive_codes": ("SDV", "R"),
        "sensitive_reason": "Partner reads the portal",
        "status_line": "final",
        "addenda": [AddendumText("Ann", "2026-12-01 10:00", "Called back.")],
    }
    values.update(changes)
    return NoteText(**values)


def test_ehr_text_starts_with_the_restriction_and_carries_every_part():
    text = ehr_text(_note_text())
    first = text.splitlines()[0]
    assert (
        first.startswith("RESTRICTED") and "SDV/R" in first and "Partner reads the portal" in first
    )
    for expected in (
        "Presentation:\nCame in with a cut.",
        "Injuries:\n- Chest: 2 cm, red",
        "- Examination: Given",
        "- Photographs: Declined",
        "- Report to the police: Not asked",
        "T76.51XA",
        "Addendum by Ann, 2026-12-01 10:00:\nCalled back.",
    ):
        assert expected in text
    assert "Emotional state" not in text  # empty sections are left out


def test_ehr_text_of_an_unmarked_note_has_no_restriction_line():
    text = ehr_text(_note_text(sensitive_codes=(), sensitive_reason="", codes=[], addenda=[]))
    assert not text.startswith("RESTRICTED")
    assert "ICD-10-CM" not in text and "Addendum" not in text
