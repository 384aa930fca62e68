"""The reporting facts form: compact groups, and the wound questions asked only when they matter."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from safety.models import ReportingDecisionRecord
from tests.safety.test_reporting_decision import HTMX, facts, section


def post(client, case, **changes):
    return client.post(reverse("safety:check-reporting", args=[case.ref]), facts(**changes), **HTMX)


def test_the_questions_come_in_four_labelled_groups(personas, case, content):
    html = (
        personas.client_for("clinician")
        .get(reverse("safety:case-reporting", args=[case.ref]))
        .content.decode()
    )
    form = html.split('id="facts-form"')[1].split("</form>")[0]
    legends = re.findall(r"<legend[^>]*>([^<]+)</legend>", form)
    groups = [
        legend
        for legend in legends
        if legend in {"The patient", "Injury", "Vulnerability", "Consent"}
    ]
    assert groups == ["The patient", "Injury", "Vulnerability", "Consent"]
    # Every radio question is its own fieldset whose legend is the question.
    assert "Was the wound self-inflicted or accidental?" in legends
    assert form.count('type="radio"') == len(re.findall(r'<input[^>]+type="radio"[^>]+id="', form))
    assert 'class="form-check form-check-inline' in form
    # Nothing is pre-answered except what the case already knows.
    assert (
        "checked"
        not in form.split("Decision-making capacity")[0].split("What the patient is made to do")[1]
    )


def test_no_wound_needs_no_self_inflicted_answer_and_is_not_a_weapon_report(
    personas, case, content
):
    html = post(
        personas.client_for("clinician"),
        case,
        injury_kind="none",
        injury_self_inflicted_or_accidental=None,
    ).content.decode()
    assert "What these facts lead to" in html
    assert "local police" not in section(html, "Required")
    # The unanswered question is not turned into a question for the clinician either.
    assert "self-inflicted" not in section(html, "Still unknown")


@pytest.mark.parametrize("kind", ["gunshot", "stab", "unknown"])
def test_a_possible_weapon_wound_needs_the_self_inflicted_answer(personas, case, content, kind):
    html = post(
        personas.client_for("clinician"),
        case,
        injury_kind=kind,
        injury_self_inflicted_or_accidental=None,
        exploitation_kind="labour",
    ).content.decode()
    assert "What these facts lead to" not in html
    assert "Answer this for a gunshot, stab or unknown wound" in html
    # What was chosen is kept, so the clinician only answers the missing question.
    assert re.search(rf'value="{kind}"[^>]*checked', html)
    assert re.search(r'name="exploitation_kind" value="labour"[^>]*checked', html)


def test_the_kind_of_wound_is_never_defaulted(personas, case, content):
    html = post(personas.client_for("clinician"), case, injury_kind=None).content.decode()
    assert "What these facts lead to" not in html
    assert "Some answers are missing or unclear" in html


def test_a_gunshot_wound_answered_unknown_self_inflicted_still_requires_the_report(
    personas, case, content
):
    html = post(
        personas.client_for("clinician"),
        case,
        injury_kind="gunshot",
        injury_self_inflicted_or_accidental="unknown",
    ).content.decode()
    assert "local police" in section(html, "Required")  # Ontario: every gunshot wound


def test_recorded_facts_say_when_the_wound_question_was_not_needed(personas, case, content):
    client = personas.client_for("clinician")
    client.post(
        reverse("safety:check-reporting", args=[case.ref]),
        facts(injury_kind="none", injury_self_inflicted_or_accidental=None, action="record"),
    )
    record = ReportingDecisionRecord.objects.get(case=case)
    assert record.facts["injury_kind"] == "other"
    assert record.facts["injury_self_inflicted_or_accidental"] == "unknown"
    html = client.get(reverse("safety:case-reporting", args=[case.ref])).content.decode()
    used = html.split("Facts used")[1].split("</details>")[0]
    assert "Not a gunshot or stab wound" in used
    assert "not needed: no gunshot or stab wound" in used
