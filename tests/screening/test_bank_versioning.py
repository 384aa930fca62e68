"""Editing content makes a new version; a finished screening keeps the wording it used."""

from __future__ import annotations

from django.urls import reverse

from cases.models import AuditEntry
from screening.models import IndicatorSet, Instrument, QuestionBank
from tests.screening.conftest import GATE_MET, answer_post


def bank_edit_post(bank: QuestionBank, **changes: str) -> dict[str, str]:
    """The edit form as submitted unchanged, with `changes` applied."""
    content = bank.as_content()
    data = {"title": content["title"], "source": content["source"]}
    for kind in ("principles", "guidance"):
        for i, item in enumerate(content[kind]):
            data[f"{kind}-{i}-title"] = item["title"]
            data[f"{kind}-{i}-text"] = item["text"]
    for t, theme in enumerate(content["themes"]):
        data[f"theme-{t}-title"] = theme["title"]
        data[f"theme-{t}-purpose"] = theme["purpose"]
        data[f"theme-{t}-new"] = ""
        for q, question in enumerate(theme["questions"]):
            data[f"q-{t}-{q}-text"] = question["text"]
    data.update(changes)
    return data


def test_editing_a_bank_makes_a_new_published_version(personas, content):
    bank = QuestionBank.objects.get()
    client = personas.client_for("administrator")
    response = client.post(
        reverse("screening:edit-bank", args=[bank.pk]),
        bank_edit_post(bank, **{"q-0-0-text": "Where are you staying at the moment?"}),
    )
    assert response.status_code == 302
    old, new = QuestionBank.objects.order_by("version")
    assert (old.version, old.published, new.version, new.published) == (1, False, 2, True)
    assert old.themes.first().questions.first().text.startswith("Can you tell me")
    assert new.themes.first().questions.first().text == "Where are you staying at the moment?"
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CONTENT_CHANGE, detail__version=2, detail__how="edit"
    ).exists()


def test_a_question_can_be_added_and_removed(personas, content):
    bank = QuestionBank.objects.get()
    personas.client_for("administrator").post(
        reverse("screening:edit-bank", args=[bank.pk]),
        bank_edit_post(
            bank, **{"q-5-0-remove": "on", "theme-5-new": "Who could you call tonight?"}
        ),
    )
    new = QuestionBank.objects.get(version=2)
    support = new.themes.get(slug="support-and-connection")
    texts = list(support.questions.values_list("text", flat=True))
    assert texts[-1] == "Who could you call tonight?"
    assert len(texts) == 2


def test_an_empty_theme_is_refused_and_nothing_is_saved(personas, content):
    bank = QuestionBank.objects.get()
    response = personas.client_for("administrator").post(
        reverse("screening:edit-bank", args=[bank.pk]),
        bank_edit_post(bank, **{"q-5-0-remove": "on", "q-5-1-remove": "on"}),
    )
    assert response.status_code == 200
    assert "must be a non-empty list" in response.content.decode()
    assert QuestionBank.objects.count() == 1


def test_a_finished_screening_keeps_showing_the_version_it_used(personas, case, content):
    clinician = personas.client_for("clinician")
    clinician.post(reverse("screening:start-screening", args=[case.ref]), GATE_MET)
    screening = case.screenings.get()
    answer = screening.answers.first()
    clinician.post(
        reverse("screening:save-answer", args=[case.ref, answer.pk]), answer_post(answer)
    )
    clinician.post(reverse("screening:complete-screening", args=[case.ref]))

    bank = QuestionBank.objects.get()
    personas.client_for("administrator").post(
        reverse("screening:edit-bank", args=[bank.pk]),
        bank_edit_post(bank, **{"q-0-0-text": "Reworded first question?"}),
    )

    page = clinician.get(reverse("screening:case-screening", args=[case.ref])).content.decode()
    assert "Can you tell me a bit about where you" in page
    assert "Reworded first question?" not in page
    assert "version 1" in page
    # A new screening uses the new version.
    clinician.post(reverse("screening:start-screening", args=[case.ref]), GATE_MET)
    assert case.screenings.first().bank.version == 2


def test_editing_the_checklist_makes_a_new_version(personas, content):
    checklist = IndicatorSet.objects.get()
    indicators = list(checklist.indicators.all())
    data = {"source": checklist.source, "new_text": "Wears clothes unsuited to the weather"}
    data |= {"new_weight": "supporting", "new_category": "physical"}
    for i, indicator in enumerate(indicators):
        data[f"i-{i}-text"] = indicator.text
        data[f"i-{i}-weight"] = indicator.weight
        data[f"i-{i}-follow_up"] = indicator.follow_up_question
    response = personas.client_for("administrator").post(
        reverse("screening:edit-indicators", args=[checklist.pk]), data
    )
    assert response.status_code == 302
    new = IndicatorSet.objects.get(version=2)
    assert new.indicators.count() == len(indicators) + 1
    assert new.indicators.last().text == "Wears clothes unsuited to the weather"


def test_editing_an_instrument_makes_a_new_version_and_checks_its_rule(personas, content):
    instrument = Instrument.objects.get()
    data = {
        "title": instrument.title,
        "source": instrument.source,
        "positive_if_at_least": "9",  # more than its four items: never positive
        "min_age": "18",
        "max_age": "120",
        "validation_note": instrument.validation_note,
        "demo": "on",
    }
    data |= {f"item-{i}": item["text"] for i, item in enumerate(instrument.items)}
    client = personas.client_for("administrator")
    url = reverse("screening:edit-instrument", args=[instrument.pk])
    refused = client.post(url, data)
    assert "could never be positive" in refused.content.decode()
    assert Instrument.objects.count() == 1
    assert client.post(url, {**data, "positive_if_at_least": "2"}).status_code == 302
    assert Instrument.objects.get(published=True).positive_if_at_least == 2


def test_the_content_list_takes_a_fixed_number_of_queries(
    personas, content, django_assert_max_num_queries
):
    client = personas.client_for("administrator")
    for _ in range(3):
        bank = QuestionBank.objects.filter(published=True).get()
        client.post(
            reverse("screening:edit-bank", args=[bank.pk]),
            bank_edit_post(bank, title=f"Guide {bank.version}"),
        )
    with django_assert_max_num_queries(10):
        response = client.get(reverse("screening:admin-banks"))
    assert response.content.decode().count("Edit as new version<") == 6
