"""The language check: every branch, table-driven, with no database."""

from __future__ import annotations

import copy

import pytest

from documentation.language import (
    Category,
    WordListError,
    check_language,
    check_sections,
    load_word_list,
    note_languages,
    shipped_word_list,
)

# (text, patient is a minor, language, expected (entry id, matched text, category))
CASES = [
    (
        "Patient claims her partner took her passport.",
        False,
        "en",
        [("claims", "claims", Category.JUDGEMENTAL)],
    ),
    ("She CLAIMED it happened.", False, "en", [("claims", "CLAIMED", Category.JUDGEMENTAL)]),
    (
        "Allegedly assaulted last night.",
        False,
        "en",
        [("alleges", "Allegedly", Category.SPECULATIVE)],
    ),
    (
        "Patient refused the pelvic exam.",
        False,
        "en",
        [("refused", "refused", Category.JUDGEMENTAL)],
    ),
    (
        "Non-compliant with antibiotics.",
        False,
        "en",
        [("non-compliant", "Non-compliant", Category.JUDGEMENTAL)],
    ),
    (
        "Admits to working 16 hours a day.",
        False,
        "en",
        [("admits", "Admits", Category.JUDGEMENTAL)],
    ),
    ("Known prostitute.", False, "en", [("prostitute", "prostitute", Category.LABELLING)]),
    # The guide's point: for a minor, this is child sexual abuse.
    ("Known prostitute.", True, "en", [("prostitute", "prostitute", Category.MINOR)]),
    ("Says she is a sex worker.", True, "en", [("minor-consent", "sex worker", Category.MINOR)]),
    # An adult's own description is not relabelled as child abuse.
    ("Says she is a sex worker.", False, "en", []),
    # Unknown age: the minor rule still shows (marked as conditional) rather than hiding.
    ("Says she is a sex worker.", None, "en", [("minor-consent", "sex worker", Category.MINOR)]),
    # Longest phrase wins, and whole words only.
    ("Illegal alien, no papers.", False, "en", [("illegal", "Illegal alien", Category.LABELLING)]),
    ("Reclaimed her bag; claimant not present.", False, "en", []),
    # A phrase split over a line break still matches.
    ("likely a\nvictim", False, "en", [("speculation", "likely a\nvictim", Category.SPECULATIVE)]),
    # The patient's words between quotation marks are never flagged.
    ("Patient states, “I refused to go back.”", False, "en", []),
    ('Patient states, "they call me a prostitute".', False, "en", []),
    ("Patient states, ‘He says I’m non-compliant’.", False, "en", []),
    # ...but an apostrophe is not a closing quote.
    (
        "The patient’s friend claims to be her cousin.",
        False,
        "en",
        [("claims", "claims", Category.JUDGEMENTAL)],
    ),
    (
        "Two in one: claims she refused.",
        False,
        "en",
        [("claims", "claims", Category.JUDGEMENTAL), ("refused", "refused", Category.JUDGEMENTAL)],
    ),
    ("Neutral: 3 cm bruise, left forearm, purple.", False, "en", []),
    ("", False, "en", []),
    # French notes are checked against the French list, and only that.
    (
        "La patiente prétend avoir été frappée.",
        False,
        "fr",
        [("fr-pretend", "prétend", Category.JUDGEMENTAL)],
    ),
    ("A refusé l'examen.", False, "fr", [("fr-refuse", "refusé", Category.JUDGEMENTAL)]),
    ("Patient claims.", False, "fr", []),
    ("Prostituée connue.", True, "fr", [("fr-prostituee", "Prostituée", Category.MINOR)]),
]


@pytest.mark.parametrize(("text", "minor", "language", "expected"), CASES)
def test_check_language_flags_exactly_these_wordings(text, minor, language, expected):
    findings = check_language(text, patient_is_minor=minor, language=language)
    assert [(f.entry_id, f.matched, f.category) for f in findings] == expected
    for finding in findings:
        assert text[finding.start : finding.end] == finding.matched
        assert finding.suggestion and finding.why


def test_a_minor_is_told_it_is_child_sexual_abuse_with_the_suggestion_to_use():
    (finding,) = check_language("Known prostitute.", patient_is_minor=True)
    assert "child sexual abuse" in finding.why
    assert finding.suggestion.startswith("child sexual abuse")
    assert not finding.only_if_minor
    (adult,) = check_language("Known prostitute.", patient_is_minor=False)
    assert "child" not in adult.why


def test_unknown_age_marks_the_minor_rule_as_conditional():
    (finding,) = check_language("willingly", patient_is_minor=None)
    assert finding.only_if_minor
    (known,) = check_language("willingly", patient_is_minor=True)
    assert not known.only_if_minor


def test_the_check_never_changes_the_text():
    text = "Patient refused, claims it was nothing."
    before = str(text)
    check_language(text, patient_is_minor=False)
    assert text == before


def test_sections_skip_verbatim_and_clean_sections():
    result = check_sections(
        {"presentation": "Refused vitals.", "own_words": "I refused.", "plan": "Follow up."},
        patient_is_minor=False,
        verbatim=frozenset({"own_words"}),
    )
    assert list(result) == ["presentation"]
    assert result["presentation"][0].entry_id == "refused"


def test_shipped_word_list_has_its_source_and_both_languages():
    words = shipped_word_list()
    assert "seed guide" in words.source
    assert words.for_language("en") and words.for_language("fr")
    # Every example the issue names is on the list.
    for term in ("claims", "alleges", "refused", "non-compliant", "admits", "prostitute"):
        assert check_language(term, patient_is_minor=False), term


def _document(**entry_changes):
    entry = {
        "id": "x",
        "language": "en",
        "category": "judgemental",
        "terms": ["foo"],
        "why": "because",
        "suggestion": "bar",
    }
    entry.update(entry_changes)
    return {"source": "test", "version": 1, "entries": [entry]}


BROKEN = [
    ({"source": ""}, "source"),
    ({"version": 0}, "version"),
    ({"version": True}, "version"),
    ({"entries": []}, "no entries"),
    ({"entries": ["x"]}, "object"),
    ({"entries": [{"id": ""}]}, "id"),
]
BROKEN_ENTRY = [
    ({"language": "de"}, "language"),
    ({"category": "rude"}, "category"),
    ({"terms": []}, "terms"),
    ({"terms": ["  "]}, "terms"),
    ({"why": ""}, "why"),
    ({"suggestion": " "}, "suggestion"),
    ({"minor_only": "yes"}, "minor_only"),
    ({"minor_only": True}, "only the minor category"),
    ({"translations": {"fr": "texte"}}, "translations"),
    ({"translations": ["fr"]}, "translations"),
]


@pytest.mark.parametrize(("changes", "message"), BROKEN)
def test_malformed_word_list_is_refused(changes, message):
    document = _document()
    document.update(changes)
    with pytest.raises(WordListError, match=message):
        load_word_list(document)


@pytest.mark.parametrize(("changes", "message"), BROKEN_ENTRY)
def test_malformed_entry_is_refused(changes, message):
    with pytest.raises(WordListError, match=message):
        load_word_list(_document(**changes))


def test_duplicate_ids_and_terms_are_refused():
    document = _document()
    document["entries"].append(copy.deepcopy(document["entries"][0]))
    with pytest.raises(WordListError, match="used twice"):
        load_word_list(document)
    document["entries"][1]["id"] = "y"
    document["entries"][1]["terms"] = ["FOO"]
    with pytest.raises(WordListError, match="already in"):
        load_word_list(document)


def test_a_custom_word_list_is_used_when_given():
    words = load_word_list(_document(terms=["grumpy"]))
    (finding,) = check_language("grumpy today", patient_is_minor=False, word_list=words)
    assert (finding.entry_id, finding.suggestion) == ("x", "bar")
    assert check_language("claims", patient_is_minor=False, word_list=words) == ()


@pytest.mark.parametrize(
    ("active", "expected"),
    [("en", ("en", "fr")), ("fr", ("fr", "en")), ("fr-ca", ("fr", "en")), (None, ("en", "fr"))],
)
def test_a_note_is_checked_in_the_writers_language_first_then_the_others(active, expected):
    assert note_languages(active) == expected


@pytest.mark.parametrize(
    ("text", "languages", "expected"),
    [
        # A bilingual team: an English note by a French-speaking clinician is still checked.
        ("Patient refused; a refusé.", ("fr", "en"), ["refused", "fr-refuse"]),
        # The same word in both lists: the first language's entry is the one shown.
        ("Prostitution.", ("fr", "en"), ["fr-prostituee"]),
        ("Prostitution.", ("en", "fr"), ["prostitute"]),
    ],
)
def test_several_languages_are_checked_the_first_winning_a_shared_word(text, languages, expected):
    findings = check_language(text, patient_is_minor=False, language=languages)
    assert [f.entry_id for f in findings] == expected


@pytest.mark.parametrize(
    ("text", "minor", "explain_in", "expected_why", "expected_suggestion"),
    [
        ("Claims it.", False, "fr", "Laisse entendre que le clinicien doute", "states / reports"),
        ("Claims it.", False, "en", "Suggests the clinician doubts", "states / reports"),
        ("Claims it.", False, "es", "Suggests the clinician doubts", "states / reports"),
        ("Known prostitute.", True, "fr", "il s'agit d'abus sexuel sur un enfant", "child sexual"),
        ("A refusé.", False, "en", "Frames the patient's choice", "a décliné"),
    ],
)
def test_the_reason_is_given_in_the_readers_language_the_suggestion_in_the_notes(
    text, minor, explain_in, expected_why, expected_suggestion
):
    (finding,) = check_language(
        text, patient_is_minor=minor, language=("en", "fr"), explain_in=explain_in
    )
    assert expected_why in finding.why
    assert finding.suggestion.startswith(expected_suggestion)


def test_every_shipped_entry_explains_itself_in_both_interface_languages():
    for entry in shipped_word_list().entries:
        other = "fr" if entry.language == "en" else "en"
        assert entry.explained("why", other) != entry.why, entry.id
        if entry.minor_why:
            assert entry.explained("minor_why", other) != entry.minor_why, entry.id
