"""Editing content makes a new version; a finished screening keeps the wording it used.

Administrators can rename, reorder, remove and add themes, questions, principles, guidance
points, signs and instrument items; bad input and concurrent edits save nothing and lose nothing.
"""

from __future__ import annotations

import re
from typing import Any

from django.urls import reverse

from cases.models import AuditEntry
from screening.forms import BankEditor, InstrumentEditor, SignsEditor
from screening.models import IndicatorSet, Instrument, QuestionBank
from tests.content_forms import as_submitted
from tests.screening.conftest import GATE_MET, answer_post


def newest(model: type) -> int:
    return model.objects.order_by("-version").first().version


def opened(editor: type, row: Any) -> Any:
    full = type(row).for_content(type(row).objects.filter(pk=row.pk)).get()
    return editor(None, content=full.as_content(), base_version=newest(type(row)))


def bank_edit_post(bank: QuestionBank, **changes: Any) -> dict[str, str]:
    return as_submitted(opened(BankEditor, bank), **changes)


def checklist_post(checklist: IndicatorSet, **changes: Any) -> dict[str, str]:
    return as_submitted(opened(SignsEditor, checklist), **changes)


def instrument_post(instrument: Instrument, **changes: Any) -> dict[str, str]:
    return as_submitted(opened(InstrumentEditor, instrument), **changes)


def edit_bank(client, bank: QuestionBank, data: dict[str, str]):
    return client.post(reverse("screening:edit-bank", args=[bank.pk]), data)


def new_bank() -> QuestionBank:
    return QuestionBank.objects.prefetch_related("themes__questions").get(published=True)


def test_editing_a_bank_makes_a_new_published_version(personas, content):
    bank = QuestionBank.objects.get()
    client = personas.client_for("administrator")
    response = edit_bank(
        client,
        bank,
        bank_edit_post(
            bank, **{"themes-0-questions-0-text": "Where are you staying at the moment?"}
        ),
    )
    assert response.status_code == 302
    old, new = QuestionBank.objects.order_by("version")
    assert (old.version, old.published, new.version, new.published) == (1, False, 2, True)
    assert old.themes.first().questions.first().text.startswith("Can you tell me")
    assert new.themes.first().questions.first().text == "Where are you staying at the moment?"
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CONTENT_CHANGE, detail__version=2, detail__how="edit"
    ).exists()


def test_an_unchanged_save_keeps_every_text_in_the_same_order(personas, content):
    bank = QuestionBank.objects.prefetch_related("themes__questions").get()
    edit_bank(personas.client_for("administrator"), bank, bank_edit_post(bank))
    before = {**bank.as_content(), "version": None}
    assert {**new_bank().as_content(), "version": None} == before


def test_a_question_can_be_added_and_removed(personas, content):
    bank = QuestionBank.objects.get()
    edit_bank(
        personas.client_for("administrator"),
        bank,
        bank_edit_post(
            bank,
            **{
                "themes-5-questions-0-DELETE": "on",
                "themes-5-questions-2-text": "Who could you call tonight?",
            },
        ),
    )
    support = new_bank().themes.get(slug="support-and-connection")
    texts = list(support.questions.values_list("text", flat=True))
    assert texts[-1] == "Who could you call tonight?"
    assert len(texts) == 2


def test_questions_can_be_reordered_within_a_theme(personas, content):
    bank = QuestionBank.objects.get()
    first, second = bank.themes.get(position=5).questions.order_by("position")
    edit_bank(
        personas.client_for("administrator"),
        bank,
        bank_edit_post(
            bank, **{"themes-5-questions-0-ORDER": "2", "themes-5-questions-1-ORDER": "1"}
        ),
    )
    moved = new_bank().themes.get(slug="support-and-connection").questions.order_by("position")
    assert [q.slug for q in moved] == [second.slug, first.slug]


def test_themes_can_be_renamed_reordered_and_removed(personas, content):
    bank = QuestionBank.objects.get()
    response = edit_bank(
        personas.client_for("administrator"),
        bank,
        bank_edit_post(
            bank,
            **{
                "themes-0-title": "Home and daily life",
                "themes-0-ORDER": "3",  # environment moves after autonomy and emotional safety
                "themes-5-DELETE": "on",
            },
        ),
    )
    assert response.status_code == 302
    themes = list(new_bank().themes.order_by("position"))
    assert [t.slug for t in themes] == [
        "autonomy-and-boundaries",
        "emotional-safety-and-wellbeing",
        "environment-and-daily-life",
        "control-over-id-money-and-contact",
        "threats-violence-and-exploitation",
    ]
    assert themes[2].title == "Home and daily life"
    # The old version keeps all six themes.
    assert bank.themes.count() == 6


def test_a_theme_can_be_added_with_its_questions(personas, content):
    bank = QuestionBank.objects.get()
    edit_bank(
        personas.client_for("administrator"),
        bank,
        bank_edit_post(
            bank,
            **{
                "themes-6-title": "Health and care",
                "themes-6-purpose": "Whether the patient can get care when they need it.",
                "themes-6-questions-0-text": "When did you last see a doctor?",
                "themes-6-questions-1-text": "Who decides if you can go?",
            },
        ),
    )
    theme = new_bank().themes.order_by("position").last()
    assert (theme.slug, theme.title) == ("health-and-care", "Health and care")
    assert theme.purpose == "Whether the patient can get care when they need it."
    assert list(theme.questions.values_list("text", flat=True)) == [
        "When did you last see a doctor?",
        "Who decides if you can go?",
    ]


def test_a_new_screening_asks_the_questions_of_an_added_theme(personas, case, content):
    bank = QuestionBank.objects.get()
    edit_bank(
        personas.client_for("administrator"),
        bank,
        bank_edit_post(
            bank,
            **{
                "themes-6-title": "Health and care",
                "themes-6-purpose": "Access to care.",
                "themes-6-questions-0-text": "When did you last see a doctor?",
            },
        ),
    )
    clinician = personas.client_for("clinician")
    clinician.post(reverse("screening:start-screening", args=[case.ref]), GATE_MET)
    page = clinician.get(reverse("screening:case-screening", args=[case.ref])).content.decode()
    assert "Health and care" in page  # in the list of themes, shown one at a time
    theme = clinician.get(
        reverse("screening:case-screening", args=[case.ref]), {"theme": "health-and-care"}
    ).content.decode()
    assert "When did you last see a doctor?" in theme


def test_principles_and_guidance_can_be_edited_reordered_removed_and_added(personas, content):
    bank = QuestionBank.objects.get()
    edit_bank(
        personas.client_for("administrator"),
        bank,
        bank_edit_post(
            bank,
            **{
                "principles-0-text": "Ask once; write it down.",
                "principles-0-ORDER": "9",  # to the end
                "principles-1-DELETE": "on",
                "principles-5-title": "Offer choice",
                "principles-5-text": "Let the patient choose where to sit.",
                "guidance-4-DELETE": "on",
            },
        ),
    )
    new = new_bank()
    assert [p["title"] for p in new.principles] == [
        "Ask permission",
        "Share power",
        "Provide comfort",
        "Minimize retelling",
        "Offer choice",
    ]
    assert new.principles[3]["text"] == "Ask once; write it down."
    assert len(new.guidance) == len(bank.guidance) - 1


def test_the_guidance_beside_the_questions_shows_the_edited_principles(personas, case, content):
    bank = QuestionBank.objects.get()
    edit_bank(
        personas.client_for("administrator"),
        bank,
        bank_edit_post(
            bank,
            **{"principles-5-title": "Offer choice", "principles-5-text": "Let them choose."},
        ),
    )
    page = personas.client_for("clinician").get(
        reverse("screening:case-screening", args=[case.ref])
    )
    assert "Let them choose." in page.content.decode()


def test_an_empty_theme_is_refused_by_name_and_nothing_is_saved(personas, content):
    bank = QuestionBank.objects.get()
    response = edit_bank(
        personas.client_for("administrator"),
        bank,
        bank_edit_post(
            bank,
            **{
                "themes-5-questions-0-DELETE": "on",
                "themes-5-questions-1-DELETE": "on",
                "title": "Typed title kept",
            },
        ),
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "This theme would have no question left" in body
    assert "Typed title kept" in body
    assert QuestionBank.objects.count() == 1


def test_removing_every_theme_is_refused(personas, content):
    bank = QuestionBank.objects.get()
    removals = {f"themes-{t}-DELETE": "on" for t in range(6)}
    response = edit_bank(
        personas.client_for("administrator"), bank, bank_edit_post(bank, **removals)
    )
    assert response.status_code == 400
    assert "needs at least one theme" in response.content.decode()
    assert QuestionBank.objects.count() == 1


def test_a_half_filled_new_theme_or_principle_is_refused_keeping_the_text(personas, content):
    bank = QuestionBank.objects.get()
    response = edit_bank(
        personas.client_for("administrator"),
        bank,
        bank_edit_post(
            bank,
            **{"themes-6-title": "Health and care", "principles-5-title": "Offer choice"},
        ),
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "A new theme needs a title, a purpose and a question." in body
    assert "Give the theme a purpose line." in body
    assert "Give both a title and a text" in body
    assert 'value="Health and care"' in body
    assert QuestionBank.objects.count() == 1


def test_a_concurrent_bank_edit_is_refused_then_saved_knowingly(personas, content):
    bank = QuestionBank.objects.get()
    client = personas.client_for("administrator")
    # Both editors open version 1; the first saves version 2.
    theirs = bank_edit_post(bank, title="Their title")
    mine = bank_edit_post(bank, title="My title")
    assert edit_bank(client, bank, theirs).status_code == 302

    refused = edit_bank(client, bank, mine)
    body = refused.content.decode()
    assert refused.status_code == 409
    assert "saved version 2" in body
    assert 'value="My title"' in body
    assert QuestionBank.objects.count() == 2
    # The page now carries version 2 as seen, so a second Save goes ahead on purpose.
    base_version = re.search(r'name="base_version" value="(\d+)"', body).group(1)
    assert base_version == "2"
    assert edit_bank(client, bank, {**mine, "base_version": base_version}).status_code == 302
    assert new_bank().title == "My title"
    assert new_bank().version == 3


def test_an_old_version_can_be_edited_to_go_back_to_it(personas, content):
    client = personas.client_for("administrator")
    first = QuestionBank.objects.get()
    edit_bank(client, first, bank_edit_post(first, title="Changed"))
    assert edit_bank(client, first, bank_edit_post(first)).status_code == 302
    assert new_bank().version == 3
    assert new_bank().title == first.title


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
    edit_bank(
        personas.client_for("administrator"),
        bank,
        bank_edit_post(
            bank,
            **{"themes-0-questions-0-text": "Reworded first question?", "themes-5-DELETE": "on"},
        ),
    )

    page = clinician.get(reverse("screening:case-screening", args=[case.ref])).content.decode()
    assert "Can you tell me a bit about where you" in page
    assert "Reworded first question?" not in page
    assert "Support and connection" in page  # removed from version 2, kept for this record
    assert "version 1" in page
    # A new screening uses the new version.
    clinician.post(reverse("screening:start-screening", args=[case.ref]), GATE_MET)
    assert case.screenings.first().bank.version == 2


def test_editing_the_checklist_makes_a_new_version(personas, content):
    checklist = IndicatorSet.objects.get()
    count = checklist.indicators.count()
    response = personas.client_for("administrator").post(
        reverse("screening:edit-indicators", args=[checklist.pk]),
        checklist_post(
            checklist,
            **{
                f"signs-{count}-text": "Wears clothes unsuited to the weather",
                f"signs-{count}-weight": "supporting",
                f"signs-{count}-category": "physical",
                f"signs-{count}-follow_up_question": "Do you have what you need for the cold?",
            },
        ),
    )
    assert response.status_code == 302
    new = IndicatorSet.objects.get(version=2)
    assert new.indicators.count() == count + 1
    added = new.indicators.last()
    assert (added.text, added.category) == ("Wears clothes unsuited to the weather", "physical")
    assert added.follow_up_question == "Do you have what you need for the cold?"


def test_signs_can_be_recategorised_reordered_and_removed(personas, content):
    checklist = IndicatorSet.objects.get()
    first, second, third = list(checklist.indicators.all())[:3]
    personas.client_for("administrator").post(
        reverse("screening:edit-indicators", args=[checklist.pk]),
        checklist_post(
            checklist,
            **{
                "signs-0-ORDER": "2",
                "signs-1-ORDER": "1",
                "signs-1-category": "behaviour",
                "signs-2-DELETE": "on",
            },
        ),
    )
    new = list(IndicatorSet.objects.get(version=2).indicators.all())
    assert [i.slug for i in new[:2]] == [second.slug, first.slug]
    assert new[0].category == "behaviour"
    assert third.slug not in {i.slug for i in new}


def test_a_concurrent_checklist_edit_is_refused(personas, content):
    checklist = IndicatorSet.objects.get()
    client = personas.client_for("administrator")
    url = reverse("screening:edit-indicators", args=[checklist.pk])
    theirs = checklist_post(checklist, **{"signs-0-text": "Theirs"})
    mine = checklist_post(checklist, **{"signs-0-text": "Mine, still here"})
    assert client.post(url, theirs).status_code == 302
    refused = client.post(url, mine)
    assert refused.status_code == 409
    assert "Mine, still here" in refused.content.decode()
    assert IndicatorSet.objects.count() == 2


def test_editing_an_instrument_makes_a_new_version_and_checks_its_rule(personas, content):
    instrument = Instrument.objects.get()
    client = personas.client_for("administrator")
    url = reverse("screening:edit-instrument", args=[instrument.pk])
    refused = client.post(url, instrument_post(instrument, positive_if_at_least="9"))
    assert refused.status_code == 400
    assert "could never be reached" in refused.content.decode()
    assert Instrument.objects.count() == 1
    assert (
        client.post(url, instrument_post(instrument, positive_if_at_least="2")).status_code == 302
    )
    assert Instrument.objects.get(published=True).positive_if_at_least == 2


def test_an_instrument_age_range_must_not_be_empty(personas, content):
    instrument = Instrument.objects.get()
    response = personas.client_for("administrator").post(
        reverse("screening:edit-instrument", args=[instrument.pk]),
        instrument_post(instrument, min_age="30", max_age="20"),
    )
    assert response.status_code == 400
    assert "The oldest age must not be below the youngest." in response.content.decode()
    assert Instrument.objects.count() == 1


def test_instrument_items_can_be_added_removed_and_reordered(personas, content):
    instrument = Instrument.objects.get()
    slugs = [item["slug"] for item in instrument.items]
    personas.client_for("administrator").post(
        reverse("screening:edit-instrument", args=[instrument.pk]),
        instrument_post(
            instrument,
            **{
                "items-0-ORDER": "3",  # third of the items saved
                "items-1-DELETE": "on",
                "items-4-text": "Are you paid for the work you do?",
            },
        ),
    )
    new = Instrument.objects.get(published=True)
    assert [item["slug"] for item in new.items] == [
        slugs[2],
        slugs[3],
        slugs[0],
        new.items[3]["slug"],
    ]
    assert new.items[3] == {
        "slug": new.items[3]["slug"],
        "text": "Are you paid for the work you do?",
        "answer_type": "yes_no",
    }
    assert new.version == 2
    assert Instrument.objects.get(version=1).items[1]["slug"] == slugs[1]


def test_a_concurrent_instrument_edit_is_refused(personas, content):
    instrument = Instrument.objects.get()
    client = personas.client_for("administrator")
    url = reverse("screening:edit-instrument", args=[instrument.pk])
    theirs = instrument_post(instrument, title="Theirs")
    mine = instrument_post(instrument, title="Mine")
    assert client.post(url, theirs).status_code == 302
    refused = client.post(url, mine)
    assert refused.status_code == 409
    assert "saved version 2" in refused.content.decode()
    assert Instrument.objects.count() == 2


def test_only_administrators_open_the_editors(personas, content):
    bank = QuestionBank.objects.get()
    urls = [
        reverse("screening:edit-bank", args=[bank.pk]),
        reverse("screening:edit-indicators", args=[IndicatorSet.objects.get().pk]),
        reverse("screening:edit-instrument", args=[Instrument.objects.get().pk]),
    ]
    for url in urls:
        assert personas.client_for("administrator").get(url).status_code == 200
        assert personas.client_for("clinician").get(url).status_code == 403
        assert personas.client_for("supervisor").get(url).status_code == 403
        assert personas.client_for("anonymous").get(url).status_code == 302


def test_the_content_list_takes_a_fixed_number_of_queries(
    personas, content, django_assert_max_num_queries
):
    client = personas.client_for("administrator")
    for _ in range(3):
        bank = new_bank()
        edit_bank(client, bank, bank_edit_post(bank, title=f"Guide {bank.version}"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("screening:admin-banks"))
    assert response.content.decode().count("Edit as new version<") == 6
