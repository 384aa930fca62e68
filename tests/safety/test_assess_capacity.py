"""The four-ability capacity assessment, recorded on the case with its evidence."""

from __future__ import annotations

import re

from django.urls import reverse

from safety.models import CapacityAssessment

ABILITIES = ("communicate_choice", "understand", "appreciate", "reason")


def assessment(**changes) -> dict:
    data = {"decision": "Whether to involve the police"}
    for ability in ABILITIES:
        data[ability] = "present"
        data[f"{ability}_evidence"] = f"Evidence for {ability}"
    data.update(changes)
    return data


def post(client, case, data):
    return client.post(reverse("safety:assess-capacity", args=[case.ref]), data)


def test_all_four_present_records_capacity_with_assessor_and_evidence(personas, case, content):
    response = post(personas.client_for("clinician"), case, assessment())
    assert response.status_code == 302 and response["Location"].endswith("/reporting/#capacity")
    recorded = CapacityAssessment.objects.get(case=case)
    assert recorded.outcome == "has_capacity" and recorded.assessed_by == personas.clinician
    assert recorded.understand_evidence == "Evidence for understand"
    assert recorded.decision == "Whether to involve the police"
    event = case.events.get(kind="reporting.capacity_assessed")
    assert event.summary == "Capacity assessed: has capacity for this decision"


def test_one_absent_ability_means_lacking_capacity(personas, case, content):
    post(personas.client_for("clinician"), case, assessment(appreciate="absent"))
    recorded = CapacityAssessment.objects.get(case=case)
    assert recorded.outcome == "lacks_capacity"
    assert recorded.outcome_reasons == [
        "Absent: the ability to appreciate the situation and its consequences."
    ]


def test_an_ability_not_assessed_leaves_capacity_unknown(personas, case, content):
    post(
        personas.client_for("clinician"),
        case,
        assessment(reason="not_assessed", reason_evidence=""),
    )
    assert CapacityAssessment.objects.get(case=case).outcome == "unknown"


def test_a_finding_without_evidence_is_refused_and_the_input_kept(personas, case, content):
    response = post(
        personas.client_for("clinician"),
        case,
        assessment(understand_evidence="", decision="Discharge plan"),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Write the evidence for this finding." in html
    assert 'value="Discharge plan"' in html
    assert not CapacityAssessment.objects.exists()


def test_every_ability_must_be_answered(personas, case, content):
    data = assessment()
    del data["reason"]
    response = post(personas.client_for("clinician"), case, data)
    assert "This field is required." in response.content.decode()
    assert not CapacityAssessment.objects.exists()


def test_the_latest_assessment_is_shown_and_is_the_facts_capacity(personas, case, content):
    client = personas.client_for("clinician")
    post(client, case, assessment(communicate_choice="absent"))
    html = client.get(reverse("safety:case-reporting", args=[case.ref])).content.decode()
    used = html.split('id="capacity-used"')[1].split("</p>")[0]
    assert "Lacks capacity for this decision" in used and "Reassess" in used
    assert 'name="capacity"' not in html.split('id="facts-form"')[1].split("</form>")[0]


def test_each_evidence_box_names_its_ability(personas, case, content):
    html = (
        personas.client_for("clinician")
        .get(reverse("safety:case-reporting", args=[case.ref]))
        .content.decode()
    )
    labels = re.findall(r'<label\s+for="id_(\w+)_evidence"[^>]*>\s*([^<]+?)\s*<', html)
    assert dict(labels) == {
        "communicate_choice": "Evidence for communicating a choice",
        "understand": "Evidence for understanding",
        "appreciate": "Evidence for appreciating the situation",
        "reason": "Evidence for reasoning",
    }


def test_with_htmx_the_tab_is_redrawn_in_place(personas, case, content):
    response = personas.client_for("clinician").post(
        reverse("safety:assess-capacity", args=[case.ref]),
        assessment(),
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="tab-panel",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Capacity assessment recorded." in html
    assert "Has capacity for this decision" in html.split('id="capacity-used"')[1]
