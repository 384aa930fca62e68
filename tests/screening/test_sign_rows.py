"""The rows `sign_row` and `answer_row` write are the HTML the tab's template writes for them."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from cases.shell import case_tabs
from screening import actions
from screening.views import TEMPLATE, answer_form, observation_form, screening_context
from tests.screening.conftest import sign_post


def through_template(context):
    """The same context, every sign row written by the template (with its form), as before."""
    rows = [
        {"row": item["row"], "kept": {}, "form": observation_form(item["row"])}
        if item.get("written")
        else item
        for item in context["observations"]
    ]
    themes = [
        {
            **group,
            "answers": [
                {"row": item["row"], "kept": {}, "form": answer_form(item["row"])}
                if item.get("written")
                else item
                for item in group["answers"]
            ],
        }
        for group in context["themes"]
    ]
    return {**context, "observations": rows, "themes": themes}


def tab(context, case, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    html = render_to_string(
        f"{TEMPLATE}#tab",
        {"case": case, "tabs": case_tabs(case), "active_tab": "screening", **context},
        request=request,
    )
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "csrf", html)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_written_rows_are_the_template_s(personas, screening, language):
    observations = list(screening.observations.select_related("indicator"))
    # Rows of every shape: seen with a note to escape, seen without one, never touched.
    actions.save_observation(
        observations[0],
        observed=True,
        note='Bruise <b>"left"</b> & arm',
        base_version=1,
        by=personas.clinician,
    )
    actions.save_observation(
        observations[1], observed=True, note="", base_version=1, by=personas.clinician
    )
    actions.save_observation(
        observations[2],
        observed=False,
        note="only a note",
        base_version=1,
        by=personas.clinician,
    )
    # And answers of every shape in the first theme (the one on screen).
    answers = list(screening.answers.select_related("question__theme"))
    first_theme = [a for a in answers if a.question.theme_id == answers[0].question.theme_id]
    shapes = [
        {
            "status": "answered",
            "note": 'She said "<never>" & left',
            "verbatim": True,
            "concern": True,
        },
        {"status": "declined", "note": "", "verbatim": False, "concern": False},
        {"status": "answered", "note": "", "verbatim": False, "concern": True},
    ]
    for answer, shape in zip(first_theme, shapes, strict=False):
        actions.save_answer(answer, **shape, base_version=1, by=personas.clinician)
    case = screening.case
    with translation.override(language):
        context = screening_context(case, theme_slug=answers[0].question.theme.slug)
        assert all(item.get("written") for item in context["observations"])
        shown = [g for g in context["themes"] if g["theme"] == context["current_theme"]]
        assert all(item.get("written") for item in shown[0]["answers"])
        fast = tab(context, case, personas.clinician)
        stock = tab(through_template(context), case, personas.clinician)
    assert fast == stock
    assert fast.count('class="autosave-status') == len(observations) + 5
    assert "Bruise &lt;b&gt;&quot;left&quot;&lt;/b&gt; &amp; arm" in fast
    assert "She said &quot;&lt;never&gt;&quot; &amp; left" in fast
    rows = fast[fast.index('<section id="signs"') : fast.index('<section id="instrument-')]
    # Two signs seen; a status per question; one box "own words", two "concern".
    assert rows.count(" checked>") == 2 + len(first_theme) + 1 + 2
    assert ("Ask openly:" if language == "en" else "Demandez ouvertement\u00a0:") in fast


def test_a_row_kept_after_a_refused_save_is_still_the_template_s(personas, screening):
    client = personas.client_for("clinician")
    observation = screening.observations.first()
    response = client.post(
        f"/screening/cases/{screening.case.ref}/signs/{observation.pk}/",
        sign_post(observation, note="mine", version=observation.version + 5),
    )
    page = response.content.decode()
    assert "Not saved:" in page
    assert "mine" in page
