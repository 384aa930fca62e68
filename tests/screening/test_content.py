"""The shipped screening content: complete, loadable, and discreet where the patient can see it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import screening
from screening.rules import (
    HIGH_CONCERN_THEMES,
    IndicatorWeight,
    confidentiality_limits_text,
    load_bank,
    load_indicators,
    load_instrument,
)

CONTENT = Path(screening.__file__).parent / "content"


def read(name: str) -> dict:
    return json.loads((CONTENT / name).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def bank():
    return load_bank(read("seed_bank.json"))


@pytest.fixture(scope="module")
def indicators():
    return load_indicators(read("indicators.json"))


@pytest.fixture(scope="module")
def gate():
    return read("gate.json")


def names_the_crime(text: str) -> bool:
    return "traffick" in text.lower()


# --- Conversation guide -----------------------------------------------------------------------


def test_seed_bank_has_the_six_themes_in_the_seed_order(bank):
    assert [theme.title for theme in bank.themes] == [
        "Environment and daily life",
        "Autonomy and boundaries",
        "Emotional safety and wellbeing",
        "Control over ID, money and contact",
        "Threats, violence and pressure",
        "Support and connection",
    ]
    assert [len(theme.questions) for theme in bank.themes] == [5, 5, 4, 4, 4, 2]


def test_every_theme_has_its_purpose_line(bank):
    for theme in bank.themes:
        assert theme.purpose.startswith("These questions")


def test_seed_questions_are_quoted_word_for_word(bank):
    questions = {q.slug: q.text for theme in bank.themes for q in theme.questions}

    assert questions["able-to-go-outside-or-leave"] == (
        "Are you able to go outside or leave when you want to?"
    )
    assert questions["who-holds-documents"] == (
        "Who usually holds onto your important documents, like your ID or health card?"
    )
    assert questions["home-lately"] == (
        "Can you tell me what home has been like for you lately — any stress or concerns there?"
    )


# Copied from the seed's "Sample Screening Questions" with its punctuation (curly and straight
# apostrophes as published): each theme's purpose line, then its questions, in the seed's order.
SEED_THEMES = [
    (
        (
            "These questions gently explore where someone lives or stays, what their routines "
            "look like, and whether their basic needs are being met."
        ),
        [
            (
                "Can you tell me a bit about where you're staying and what a typical day looks "
                "like for you?"
            ),
            "What’s your sleeping setup like? And how do meals usually work where you are?",
            (
                "Have there been times when it’s been hard to get the basics — like food, rest, "
                "or medical care — when you needed them?"
            ),
            (
                "Are there any rules or expectations around when you can eat, rest, or use the "
                "washroom?"
            ),
            "Are you able to go outside or leave when you want to?",
        ],
    ),
    (
        (
            "These questions focus on power dynamics, freedom of movement, and how a person’s "
            "choices are respected (or not)."
        ),
        [
            (
                "How does your partner/friend/family member usually respond when you set "
                "boundaries or say no?"
            ),
            (
                "Have you ever done something that didn’t feel right just to keep someone happy "
                "or avoid drama?"
            ),
            (
                "How does [name/they] usually react when you spend time with others or make your "
                "own choices?"
            ),
            "If you ever felt the need to leave, what would feel difficult or risky about that?",
            (
                "What would a safe or healthier situation look like for you, if things could be "
                "different?"
            ),
        ],
    ),
    (
        (
            "These questions gently explore feelings in relationships, especially when there may "
            "be confusion, attachment, or emotional coercion."
        ),
        [
            "What does it usually feel like when you’re around [partner’s name/family/friend]?",
            (
                "It’s common to have mixed feelings — have there been moments where something "
                "didn’t feel right, even if you care about them?"
            ),
            "What usually happens if you disagree or say no to [partner’s name/family/friend]?",
            (
                "Have you ever felt like someone made you feel guilty or like you had to stay, "
                "even if you didn’t want to?"
            ),
        ],
    ),
    (
        (
            "These questions focus on financial control, possession of ID, and isolation from "
            "social supports — all potential signs of coercion."
        ),
        [
            "Who usually holds onto your important documents, like your ID or health card?",
            (
                "When you earn money or get paid, what do you usually do with it or hope to do "
                "with it?"
            ),
            (
                "Do you get to hang out or talk with people you care about, like family or close "
                "friends, much these days?"
            ),
            (
                "Have you ever felt like someone was keeping tabs on you, like watching where you "
                "go or who you talk to?"
            ),
        ],
    ),
    (
        # The one purpose reworded from the seed so that the screen never names the crime
        # (cases/content/telling_words.json); every other line is the seed's, word for word.
        (
            "These questions gently surface manipulation, fear, and being made to work or do "
            "things against one's will — including survival-based decisions."
        ),
        [
            (
                "Have there ever been times someone used people you care about to pressure or "
                "scare you?"
            ),
            (
                "Has anyone ever crossed a line with you physically or made you feel afraid for "
                "your safety?"
            ),
            (
                "Has anyone ever said something would be one way, but it turned out really "
                "different — and you felt stuck?"
            ),
            (
                "Has someone ever made you do things to get money or stuff for them, even if you "
                "didn’t want to?"
            ),
        ],
    ),
    (
        (
            "These questions explore trust, belonging, and whether the person feels emotionally "
            "or socially supported."
        ),
        [
            "Is there someone you feel really gets you or has your back?",
            (
                "Can you tell me what home has been like for you lately — any stress or concerns "
                "there?"
            ),
        ],
    ),
]


def test_every_seed_question_and_purpose_line_is_quoted_word_for_word_in_order(bank):
    # (but one purpose, reworded to be screen-safe: see SEED_THEMES)
    shipped = [(theme.purpose, [q.text for q in theme.questions]) for theme in bank.themes]

    assert shipped == [(purpose, questions) for purpose, questions in SEED_THEMES]
    assert sum(len(questions) for _, questions in SEED_THEMES) == 24


def test_the_high_concern_themes_exist_in_the_seed_bank(bank):
    # The concern rules name these themes by slug: renaming one must fail here, not silently.
    assert HIGH_CONCERN_THEMES <= {theme.slug for theme in bank.themes}


def test_seed_bank_says_it_is_a_conversation_guide_not_an_instrument(bank):
    assert "Human Trafficking in Healthcare (Part 2)" in bank.source
    assert "6 August 2025" in bank.source
    assert "not a validated" in bank.source


def test_seed_bank_carries_five_principles_and_questioning_guidance(bank):
    assert [p.title for p in bank.principles] == [
        "Minimize retelling",
        "Show respect",
        "Ask permission",
        "Share power",
        "Provide comfort",
    ]
    guidance = " ".join(g.text for g in bank.guidance).lower()
    for point in ("own words", "never ask", "come and go", "tattoo"):
        assert point in guidance


def test_no_title_shown_on_screen_names_the_crime(bank):
    titles = [bank.title, *(theme.title for theme in bank.themes)]
    titles += [p.title for p in bank.principles] + [g.title for g in bank.guidance]

    assert not any(names_the_crime(title) for title in titles)


# --- Observed indicators ----------------------------------------------------------------------


def test_indicator_slugs_are_unique(indicators):
    slugs = [indicator.slug for indicator in indicators]

    assert len(slugs) == len(set(slugs))


# Each sign the seed names, and words of the seed's that its checklist text must keep.
SEED_SIGNS = {
    "companion-answers-for-patient": ["answers for them"],
    "companion-controls-money-or-documents": ["money or documents"],
    "injuries-do-not-match-explanation": ["Injuries that do not match"],
    "afraid-to-be-examined-alone-or-undress": ["examined alone", "gown"],
    "fearful-hypervigilant-avoids-eye-contact": ["eye contact", "reluctant to speak", "fearful"],
    "constant-phone-checks": ["Constant texting"],
    "poor-hygiene-not-allowed-to-wash": ["Poor hygiene", "wash", "change clothes"],
    "no-id-with-them": ["no ID"],
    "someone-else-holds-id": ["someone else keeps their ID"],
    "ownership-tattoo": ["Tattoo"],
    "scripted-or-inconsistent-history": ["scripted"],
    "malnutrition-or-dehydration": ["malnutrition", "dehydration"],
    "untreated-injuries-or-delayed-care": ["Untreated injuries"],
}


@pytest.mark.parametrize(("slug", "words"), list(SEED_SIGNS.items()))
def test_the_seed_signs_are_on_the_checklist(indicators, slug, words):
    texts = {indicator.slug: indicator.text for indicator in indicators}

    assert slug in texts
    for word in words:
        assert word in texts[slug]


def test_the_tattoo_indicator_carries_the_open_tattoo_question(indicators):
    tattoo = next(i for i in indicators if i.slug == "ownership-tattoo")

    assert tattoo.follow_up_question == "What does that tattoo mean or represent?"
    assert tattoo.weight is IndicatorWeight.STRONG
    for mark in ("crown", "dollar sign", "chain", "property of", "bar code"):
        assert mark in tattoo.text


def test_indicator_texts_do_not_name_the_crime(indicators):
    assert not any(names_the_crime(i.text) for i in indicators)


# --- Gate -------------------------------------------------------------------------------------


def test_gate_lists_the_not_screened_reasons(gate):
    assert [reason["slug"] for reason in gate["not_screened_reasons"]] == [
        "companion_would_not_leave",
        "no_interpreter",
        "patient_declined",
        "clinically_unstable",
        "other",
    ]
    assert all(reason["label"].strip() for reason in gate["not_screened_reasons"])


def test_gate_offers_a_routine_procedure_pretext_among_separation_methods(gate):
    slugs = [method["slug"] for method in gate["separation_methods"]]

    assert "routine-procedure" in slugs
    assert len(slugs) == len(set(slugs))


def test_companion_interpreters_are_refused_with_a_reason(gate):
    interpreter = gate["interpreter"]
    acceptable = {o["slug"]: o["acceptable"] for o in interpreter["options"]}

    assert acceptable["companion-or-family"] is False
    assert acceptable["professional-phone-or-video"] is True
    assert "professional interpreter" in interpreter["companion_warning"]


@pytest.mark.parametrize("key", ["default", "CA", "US"])
def test_confidentiality_limits_name_mandated_reports_and_leave_the_rest_to_the_patient(gate, key):
    text = gate["confidentiality_limits"]["texts"][key]

    assert "child" in text
    assert "you decide" in text
    assert not names_the_crime(text)


@pytest.mark.parametrize(
    ("jurisdiction", "expected_key"),
    [
        pytest.param(None, "default", id="unknown-jurisdiction"),
        pytest.param("CA", "CA", id="country-code"),
        pytest.param("CA-ON", "CA", id="province-falls-back-to-country"),
        pytest.param("US-NY", "US", id="state-falls-back-to-country"),
        pytest.param("FR", "default", id="other-country"),
        pytest.param("CAN", "default", id="prefix-must-end-at-a-hyphen"),
    ],
)
def test_confidentiality_text_is_chosen_by_jurisdiction_prefix(gate, jurisdiction, expected_key):
    expected = gate["confidentiality_limits"]["texts"][expected_key]

    assert confidentiality_limits_text(gate, jurisdiction) == expected


def test_a_more_specific_confidentiality_text_wins():
    gate = {"confidentiality_limits": {"texts": {"default": "d", "CA": "ca", "CA-QC": "qc"}}}

    assert confidentiality_limits_text(gate, "CA-QC") == "qc"
    assert confidentiality_limits_text(gate, "CA-ON") == "ca"


def test_universal_education_patient_text_is_neutral(gate):
    education = gate["universal_education"]
    patient_facing = [education["patient_text"]]

    assert not any(names_the_crime(text) for text in patient_facing)


def test_the_gate_content_keeps_no_second_list_of_lines(gate):
    # The lines to offer are the referral directory's (cases.providers.hotlines_for).
    assert "resources" not in gate["universal_education"]


def test_every_content_file_cites_its_source(gate):
    for name in ("seed_bank.json", "indicators.json", "gate.json"):
        assert read(name)["source"].strip()
    assert gate["universal_education"]["source"].strip()


# --- Instruments ------------------------------------------------------------------------------


def test_only_the_demo_instrument_ships():
    # Licensed instruments (AHTST, RAFT, QYIT) stay out until their rights are confirmed.
    assert sorted(p.name for p in (CONTENT / "instruments").glob("*.json")) == [
        "demo_brief_screen.json"
    ]


def test_demo_instrument_is_clearly_a_demo():
    instrument = load_instrument(read("instruments/demo_brief_screen.json"))

    assert instrument.demo is True
    assert len(instrument.items) == 4
    assert all(item.answer_type == "yes_no" for item in instrument.items)
    assert (instrument.positive_if_at_least, instrument.min_age, instrument.max_age) == (1, 18, 120)
    assert instrument.validation_note == (
        "Demo only: not a validated instrument; replace with a licensed instrument"
    )
    assert not names_the_crime(instrument.title)
    assert not any(names_the_crime(item.text) for item in instrument.items)


def test_nothing_said_or_given_to_the_patient_names_the_crime(bank, indicators, gate):
    # Everything read aloud to the patient or handed over: the questions, the open tattoo
    # question, the confidentiality texts, the resource wording and the instrument items (the
    # lines' own labels are the directory's, scanned in tests/referrals).
    education = gate["universal_education"]
    instrument = load_instrument(read("instruments/demo_brief_screen.json"))
    patient_facing = [q.text for theme in bank.themes for q in theme.questions]
    patient_facing += [i.follow_up_question for i in indicators if i.follow_up_question]
    patient_facing += list(gate["confidentiality_limits"]["texts"].values())
    patient_facing += [education["patient_text"]]
    patient_facing += [item.text for item in instrument.items]

    assert len(patient_facing) > 30
    assert [text for text in patient_facing if names_the_crime(text)] == []
