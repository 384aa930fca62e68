"""Each persona against each safety URL: the case's team and supervisors in, everyone else out."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import CaseEvent

CASE_PAGES = ["safety:case-safety", "safety:case-care", "safety:case-reporting"]
CASE_POSTS = [
    ("safety:report-threat", {}),
    ("safety:assess-capacity", {}),
    ("safety:check-reporting", {}),
    ("safety:log-disclosure", {}),
]
CASE_STATUS = {
    "clinician": 200,
    "supervisor": 200,
    "other_clinician": 404,
    "administrator": 403,
    "anonymous": 302,
}
EDITORS = [
    ("safety:admin-checklists", {}),
    ("safety:admin-checklist", {"slug": "safety-protocol"}),
    ("safety:admin-jurisdictions", {}),
    ("safety:admin-jurisdiction", {"code": "CA-ON"}),
    ("safety:admin-jurisdiction", {"code": "US-WA"}),  # a new one: the empty editor
]
EDITOR_STATUS = {
    "clinician": 403,
    "supervisor": 403,
    "other_clinician": 403,
    "administrator": 200,
    "anonymous": 302,
}


@pytest.mark.parametrize("url_name", CASE_PAGES)
@pytest.mark.parametrize("persona", list(CASE_STATUS))
def test_case_tab_access_per_persona(personas, case, content, persona, url_name):
    response = personas.client_for(persona).get(reverse(url_name, args=[case.ref]))
    assert response.status_code == CASE_STATUS[persona]
    if persona == "anonymous":
        assert "/accounts/login/" in response["Location"]
    if response.status_code == 200:
        assert case.ref in response.content.decode()
    else:
        assert "Threatening behaviour" not in response.content.decode()


@pytest.mark.parametrize(("url_name", "data"), CASE_POSTS)
@pytest.mark.parametrize("persona", ["other_clinician", "administrator", "anonymous"])
def test_outsiders_cannot_change_safety_records(personas, case, content, persona, url_name, data):
    response = personas.client_for(persona).post(reverse(url_name, args=[case.ref]), data)
    assert response.status_code == {"other_clinician": 404, "administrator": 403}.get(persona, 302)
    assert list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == [
        "case.opened"
    ]


@pytest.mark.parametrize("persona", ["other_clinician", "administrator", "anonymous"])
def test_outsiders_cannot_tick_a_checklist_item(personas, case, content, persona):
    url = reverse(
        "safety:set-checklist-item", args=[case.ref, "safety-protocol", "alert-supervisor"]
    )
    response = personas.client_for(persona).post(url, {"status": "done", "base_version": 0})
    assert response.status_code == CASE_STATUS[persona]
    assert not case.checklists.exists()


@pytest.mark.parametrize(("url_name", "kwargs"), EDITORS)
@pytest.mark.parametrize("persona", list(EDITOR_STATUS))
def test_editors_are_for_administrators_only(personas, content, persona, url_name, kwargs):
    response = personas.client_for(persona).get(reverse(url_name, kwargs=kwargs))
    assert response.status_code == EDITOR_STATUS[persona]


def test_every_safety_url_avoids_naming_the_concern(personas, case, content):
    from safety.urls import urlpatterns

    assert not [p for p in urlpatterns if "traffick" in str(p.pattern).lower()]
