"""The timeline names the checklist item, capacity outcome and report recipient of safety
events, in the reader's language, whoever wrote them (`safety.timeline`)."""

from __future__ import annotations

from cases.models import User
from safety import actions


def page_for(personas, case, name: str, language: str) -> str:
    User.objects.filter(username=name).update(language=language)
    html = personas.client_for(name).get(case.get_absolute_url()).content.decode()
    return html.replace("\u00a0", " ").replace("&#x27;", "'")


def test_a_checklist_item_is_named_in_the_readers_language(personas, case, content):
    actions.set_checklist_item(
        case,
        "safety-protocol",
        "alert-supervisor",
        status="done",
        reason="",
        consent=False,
        base_version=0,
        by=personas.clinician,
    )
    english = page_for(personas, case, "supervisor", "en")
    french = page_for(personas, case, "supervisor", "fr")
    assert "Checklist item done: Safety protocol: “Tell your supervisor as soon as you can.”" in (
        english
    )
    # The checklist and its item in the content's French, inside the French message.
    assert (
        "Élément de la liste fait : Protocole de sécurité : « Avisez votre superviseur dès que "
        "possible. »" in french
    )


def test_a_capacity_assessment_names_its_outcome_in_french(personas, case, content):
    finding = {
        a: ("present", "L’a redit dans ses mots")
        for a in ("communicate_choice", "understand", "appreciate", "reason")
    }
    actions.record_capacity_assessment(
        case, decision="faire intervenir la police", findings=finding, by=personas.clinician
    )
    assert "apte pour cette décision" in page_for(personas, case, "supervisor", "fr")
    assert "has capacity for this decision" in page_for(personas, case, "supervisor", "en")


def test_the_case_page_asks_one_query_for_every_item_event(
    personas, case, content, django_assert_max_num_queries
):
    for item in ("alert-supervisor", "keep-environment-secure"):
        actions.set_checklist_item(
            case,
            "safety-protocol",
            item,
            status="done",
            reason="",
            consent=False,
            base_version=0,
            by=personas.clinician,
        )
    client = personas.client_for("supervisor")
    client.get(case.get_absolute_url())  # warm the session
    with django_assert_max_num_queries(40) as few:
        client.get(case.get_absolute_url())
    actions.set_checklist_item(
        case,
        "safety-protocol",
        "alert-supervisor",
        status="open",
        reason="",
        consent=False,
        base_version=1,
        by=personas.clinician,
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(case.get_absolute_url())
