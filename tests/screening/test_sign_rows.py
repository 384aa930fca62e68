"""The sign rows `sign_row` writes are the HTML the tab's template writes for them."""

from __future__ import annotations

import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation

from cases.shell import case_tabs
from screening import actions
from screening.views import TEMPLATE, observation_form, screening_context
from tests.screening.conftest import sign_post


def through_template(context):
    """The same context, every sign row written by the template (with its form), as before."""
    rows = [
        {"row": item["row"], "kept": {}, "form": observation_form(item["row"])}
        if item.get("written")
        else item
        for item in context["observations"]
    ]
    return {**context, "observations": rows}


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
def test_written_sign_rows_are_the_template_s(personas, screening, language):
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
    case = screening.case
    with translation.override(language):
        context = screening_context(case)
        assert all(item.get("written") for item in context["observations"])
        fast = tab(context, case, personas.clinician)
        stock = tab(through_template(context), case, personas.clinician)
    assert fast == stock
    assert fast.count('class="autosave-status') == len(observations) + 5
    assert "Bruise &lt;b&gt;&quot;left&quot;&lt;/b&gt; &amp; arm" in fast
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
