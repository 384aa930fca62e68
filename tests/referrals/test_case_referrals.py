"""The Referrals tab: barriers → search → offer → decision and consent → follow-up → connected,
the safe-contact plan, warm handover and the refusal path, through the real views."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEntry, Case, CaseEvent
from referrals.models import Referral, Service

SHELTER = "Demo: Safe Harbour emergency shelter"
ALL_PERSONAS = ["clinician", "other_clinician", "supervisor", "administrator", "anonymous"]


def tab(case) -> str:
    return reverse("referrals:case-referrals", args=[case.ref])


def shelter() -> Service:
    return Service.objects.get(name=SHELTER)


def offer(client, case, service=None) -> Referral:
    service = service or shelter()
    response = client.post(reverse("referrals:offer-service", args=[case.ref, service.pk]))
    assert response.status_code == 302
    return Referral.objects.filter(case=case).latest("pk")


def post(client, name, case, referral, data):
    return client.post(reverse(f"referrals:{name}", args=[case.ref, referral.pk]), data)


def kinds(case) -> list[str]:
    return list(
        CaseEvent.objects.filter(case=case).order_by("at", "pk").values_list("kind", flat=True)
    )


EXPECTED_STATUS = {
    "clinician": 200,
    "other_clinician": 404,
    "supervisor": 200,
    "administrator": 403,
    "anonymous": 302,
}


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_who_sees_the_tab(personas, case, directory, persona):
    response = personas.client_for(persona).get(tab(case))
    assert response.status_code == EXPECTED_STATUS[persona]
    if response.status_code == 200:
        assert "Find a service" in response.content.decode()


@pytest.mark.parametrize("persona", ["other_clinician", "administrator", "anonymous"])
def test_outsiders_cannot_offer_or_change_a_referral(personas, case, directory, persona):
    referral = offer(personas.client_for("clinician"), case)
    client = personas.client_for(persona)
    expected = EXPECTED_STATUS[persona]
    assert (
        client.post(reverse("referrals:offer-service", args=[case.ref, shelter().pk])).status_code
        == expected
    )
    response = post(client, "change-status", case, referral, {"status": "accepted", "version": 1})
    assert response.status_code == expected
    assert Referral.objects.filter(case=case).count() == 1
    assert Referral.objects.get().status == "offered"


def test_a_referral_of_another_case_is_not_found(personas, case, directory):
    from cases import actions as case_actions

    other = case_actions.open_case(
        unit=personas.emergency,
        jurisdiction="CA-ON",
        age_years=30,
        preferred_language="en",
        by=personas.clinician,
    )
    client = personas.client_for("clinician")
    referral = offer(client, other)
    response = post(client, "record-decision", case, referral, {"decision": "accept", "version": 1})
    assert response.status_code == 404


def test_barriers_prefill_the_search(personas, case, directory):
    client = personas.client_for("clinician")
    response = client.post(
        reverse("referrals:save-barriers", args=[case.ref]),
        {"barriers": ["housing", "transportation"], "version": 0},
    )
    assert response.status_code == 302
    html = client.get(tab(case)).content.decode()
    assert 'id="search-barrier-housing" checked' in html
    assert 'id="search-barrier-money"' in html and 'id="search-barrier-money" checked' not in html
    assert 'name="region" id="id_region" value="CA-ON"' in html
    # Results are already ranked by those barriers.
    results = html.split('id="results"')[1]
    assert (
        results.index("Demo: Harbourside survivor support")
        < results.index("Canadian Human Trafficking Hotline")
        if "Canadian Human Trafficking Hotline" in results
        else True
    )
    assert "Demo: Harbourside survivor support" in results
    assert kinds(case)[-1] == "referral.barriers_assessed"


def test_saving_barriers_from_an_old_version_is_refused(personas, case, directory):
    client = personas.client_for("clinician")
    url = reverse("referrals:save-barriers", args=[case.ref])
    assert client.post(url, {"barriers": ["housing"], "version": 0}).status_code == 302
    response = client.post(url, {"barriers": ["money"], "version": 0})
    assert response.status_code == 409
    assert "Someone saved the barriers meanwhile" in response.content.decode()


def test_the_whole_loop_to_connected(personas, case, directory):
    client = personas.client_for("clinician")
    referral = offer(client, case)
    assert referral.status == "offered"
    follow_up = timezone.localdate() + timedelta(days=3)
    response = post(
        client,
        "record-decision",
        case,
        referral,
        {
            "decision": "accept",
            "consent_to_share": "on",
            "share_scope": "First name and a safe phone number",
            "follow_up_on": follow_up.isoformat(),
            "responsible": personas.clinician.pk,
            "version": 1,
        },
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.consent_to_share, referral.share_scope) == (
        "accepted",
        True,
        "First name and a safe phone number",
    )
    case.refresh_from_db()
    assert case.next_follow_up == follow_up
    assert (
        post(
            client, "change-status", case, referral, {"status": "contacted", "version": 2}
        ).status_code
        == 302
    )
    assert (
        post(
            client, "change-status", case, referral, {"status": "connected", "version": 3}
        ).status_code
        == 302
    )
    referral.refresh_from_db()
    case.refresh_from_db()
    assert referral.status == "connected"
    assert case.next_follow_up is None  # nothing left to chase
    assert kinds(case)[-4:] == [
        "referral.offered",
        "referral.accepted",
        "referral.contacted",
        "referral.connected",
    ]
    html = client.get(tab(case)).content.decode()
    assert 'data-status="connected">Connected' in html
    assert "Agrees to share: First name and a safe phone number" in html
    # The timeline names the service by its label, and the audit log keeps codes only.
    event = CaseEvent.objects.filter(case=case, kind="referral.accepted").get()
    assert event.summary == f"Referral accepted: {SHELTER}"
    entry = AuditEntry.objects.filter(case=case, detail__event="referral.accepted").get()
    assert entry.detail["consent_to_share"] is True and "summary" not in entry.detail


def test_consent_without_saying_what_is_shared_is_a_400_that_keeps_input(personas, case, directory):
    client = personas.client_for("clinician")
    referral = offer(client, case)
    response = post(
        client,
        "record-decision",
        case,
        referral,
        {
            "decision": "accept",
            "consent_to_share": "on",
            "follow_up_on": "2026-12-24",
            "version": 1,
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Say what the patient agreed may be shared." in html
    assert 'value="2026-12-24"' in html
    assert Referral.objects.get().status == "offered"


def test_contacting_the_recipient_without_consent_needs_an_override(personas, case, directory):
    client = personas.client_for("clinician")
    referral = offer(client, case)
    post(client, "record-decision", case, referral, {"decision": "accept", "version": 1})
    response = post(
        client,
        "change-status",
        case,
        referral,
        {"status": "contacted", "version": 2, "note": "called intake"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "has not agreed to share information" in html
    assert 'value="called intake"' in html
    response = post(
        client,
        "change-status",
        case,
        referral,
        {"status": "contacted", "version": 2, "override_reason": "Mandated report"},
    )
    assert response.status_code == 302
    event = CaseEvent.objects.filter(case=case, kind="referral.contacted").get()
    assert event.payload["consent_overridden"] is True
    assert event.payload["override_reason"] == "Mandated report"


def test_a_transition_the_lifecycle_forbids_is_refused(personas, case, directory):
    client = personas.client_for("clinician")
    referral = offer(client, case)
    response = post(client, "change-status", case, referral, {"status": "connected", "version": 1})
    assert response.status_code == 400  # not one of the choices from "offered"
    assert Referral.objects.get().status == "offered"


def test_a_change_from_an_old_version_is_refused(personas, case, directory):
    client = personas.client_for("clinician")
    referral = offer(client, case)
    post(
        client,
        "record-decision",
        case,
        referral,
        {"decision": "accept", "consent_to_share": "on", "share_scope": "name", "version": 1},
    )
    response = post(
        client, "record-decision", case, referral, {"decision": "decline", "version": 1}
    )
    assert response.status_code == 409
    assert "This referral changed meanwhile" in response.content.decode()
    assert Referral.objects.get().status == "accepted"


def test_follow_up_date_and_who_is_responsible(personas, case, directory):
    client = personas.client_for("clinician")
    referral = offer(client, case)
    due = date(2026, 12, 20)
    response = post(
        client,
        "set-follow-up",
        case,
        referral,
        {"follow_up_on": due.isoformat(), "responsible": personas.supervisor.pk, "version": 1},
    )
    assert response.status_code == 302
    referral.refresh_from_db()
    case.refresh_from_db()
    assert (referral.follow_up_on, referral.responsible, case.next_follow_up) == (
        due,
        personas.supervisor,
        due,
    )
    assert kinds(case)[-1] == "referral.follow_up_set"


def test_an_overdue_follow_up_is_shown(personas, case, directory):
    client = personas.client_for("clinician")
    referral = offer(client, case)
    Referral.objects.filter(pk=referral.pk).update(
        follow_up_on=timezone.localdate() - timedelta(days=1)
    )
    assert "Follow-up overdue" in client.get(tab(case)).content.decode()


def set_plan(case, **fields) -> None:
    Case.objects.filter(pk=case.pk).update(**fields)


def test_do_not_contact_is_shown_and_enforced(personas, case, directory):
    set_plan(case, contact_do_not_contact=True)
    client = personas.client_for("clinician")
    referral = offer(client, case)
    html = client.get(tab(case)).content.decode()
    assert "Do not contact the patient: the safe-contact plan forbids it." in html
    response = post(client, "log-contact", case, referral, {"method": "call", "note": "tried"})
    assert response.status_code == 400
    assert 'value="tried"' in response.content.decode()
    assert not CaseEvent.objects.filter(case=case, kind="referral.patient_contacted").exists()
    response = post(
        client,
        "log-contact",
        case,
        referral,
        {"method": "call", "override_reason": "Patient asked us to call today"},
    )
    assert response.status_code == 302
    event = CaseEvent.objects.get(case=case, kind="referral.patient_contacted")
    assert event.payload["plan_overridden"] is True


def test_phone_may_be_monitored_is_shown_and_texting_needs_agreement(personas, case, directory):
    set_plan(case, contact_may_call=True, contact_safe_times="after 6 pm")
    client = personas.client_for("clinician")
    referral = offer(client, case)
    html = client.get(tab(case)).content.decode()
    assert "Safe times: after 6 pm" in html
    response = post(client, "log-contact", case, referral, {"method": "text"})
    assert response.status_code == 400
    assert "did not agree to be reached by text message" in response.content.decode()
    assert post(client, "log-contact", case, referral, {"method": "call"}).status_code == 302
    set_plan(case, contact_may_call=False)
    assert "the patient&#x27;s phone may be monitored" in client.get(tab(case)).content.decode()


def test_a_warm_handover_is_recorded(personas, case, directory):
    client = personas.client_for("clinician")
    referral = offer(client, case)
    response = post(
        client,
        "record-handover",
        case,
        referral,
        {"introduced_to": "Sam, shelter worker", "how": "in person"},
    )
    assert response.status_code == 302
    entry = referral.entries.get(kind="handover")
    assert (entry.by, entry.introduced_to, entry.handover_how) == (
        personas.clinician,
        "Sam, shelter worker",
        "in person",
    )
    assert kinds(case)[-1] == "referral.warm_handover"
    assert post(client, "record-handover", case, referral, {"how": "phone"}).status_code == 400


def test_when_help_is_declined_the_tab_turns_to_the_refusal_path(personas, case, directory):
    client = personas.client_for("clinician")
    referral = offer(client, case)
    assert "If the patient declines help" not in client.get(tab(case)).content.decode()
    post(client, "record-decision", case, referral, {"decision": "decline", "version": 1})
    html = client.get(tab(case)).content.decode()
    assert "If the patient declines help" in html
    assert "Accept the decision without judgement" in html
    assert "National 24/7 helpline: 1-833-900-1010" in html  # the national line, by its label
    visit = timezone.localdate() + timedelta(days=14)
    response = client.post(
        reverse("referrals:help-declined", args=[case.ref]),
        {
            "national_line_offered": "on",
            "discreet_card_offered": "on",
            "follow_up_on": visit.isoformat(),
        },
    )
    assert response.status_code == 302
    html = client.get(tab(case)).content.decode()
    checklist = html.split('id="refusal-checklist"')[1].split("</ul>")[0]
    assert "Done:</span> Offer the confidential national line anyway." in checklist
    assert "Done:</span> Offer a small discreet card with the numbers." in checklist
    assert "Not recorded:</span> Offer local contacts" in checklist
    assert "Done:</span> Propose a follow-up visit." in checklist
    event = CaseEvent.objects.filter(case=case, kind="referral.help_declined").get()
    assert event.payload["items_done"] == [
        "offer-hotline",
        "offer-discreet-card",
        "follow-up-visit",
    ]
    case.refresh_from_db()
    assert case.next_follow_up == visit


def test_declining_everything_at_once_opens_the_refusal_path(personas, case, directory):
    client = personas.client_for("clinician")
    assert client.post(reverse("referrals:help-declined", args=[case.ref])).status_code == 302
    assert "If the patient declines help" in client.get(tab(case)).content.decode()


def test_the_tab_reads_in_a_bounded_number_of_queries(
    personas, case, directory, django_assert_max_num_queries
):
    client = personas.client_for("clinician")
    for service in Service.objects.filter(is_demo=True)[:6]:
        referral = offer(client, case, service)
        post(
            client, "record-handover", case, referral, {"introduced_to": "someone", "how": "phone"}
        )
    with django_assert_max_num_queries(31):  # the same with 1 referral as with 6
        response = client.get(tab(case))
    assert response.content.decode().count('class="card mb-2" id="referral-') == 6


def test_viewing_the_tab_is_audited(personas, case, directory):
    personas.client_for("supervisor").get(tab(case))
    assert AuditEntry.objects.filter(
        case=case,
        user=personas.supervisor,
        action=AuditEntry.Action.CASE_VIEW,
        detail__part="referrals",
    ).exists()


def test_a_monitored_phone_set_on_the_case_is_shown_at_every_contact_point(
    personas, case, directory
):
    client = personas.client_for("clinician")
    response = client.post(
        reverse("cases:edit-case", kwargs={"case_ref": case.ref}),
        {
            "jurisdiction": case.jurisdiction,
            "preferred_language": case.preferred_language,
            "status": case.status,
            "contact_phone_monitored": "on",
            "contact_may_text": "on",
            "version": case.version,
        },
    )
    assert response.status_code == 302
    referral = offer(client, case)
    html = client.get(tab(case)).content.decode()
    warning = "no texts or voicemails, and call only if the patient agreed to calls."
    # Once at the top, then beside the decision (its follow-up date) and the follow-up and
    # contact forms of the referral.
    assert html.count(warning) == 4
    assert html.count("data-contact-plan") == 3
    # The patient agreed to texts before, but a text to a monitored phone is refused...
    response = post(client, "log-contact", case, referral, {"method": "text", "note": "sent"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "someone else could see it (text message)" in page and 'value="sent"' in page
    assert not referral.entries.filter(kind="contact").exists()
    assert not CaseEvent.objects.filter(case=case, kind="referral.patient_contacted").exists()
    # ...unless overridden, with the reason kept on the entry and flagged on the timeline.
    reason = "Patient asked for a text while her partner is away"
    response = post(
        client, "log-contact", case, referral, {"method": "text", "override_reason": reason}
    )
    assert response.status_code == 302
    assert referral.entries.get(kind="contact").override_reason == reason
    event = CaseEvent.objects.get(case=case, kind="referral.patient_contacted")
    assert event.payload["plan_overridden"] is True


def test_a_call_to_a_monitored_phone_is_logged_when_the_patient_agreed_to_calls(
    personas, case, directory
):
    set_plan(case, contact_phone_monitored=True, contact_may_call=True)
    client = personas.client_for("clinician")
    referral = offer(client, case)
    assert post(client, "log-contact", case, referral, {"method": "call"}).status_code == 302
    event = CaseEvent.objects.get(case=case, kind="referral.patient_contacted")
    assert event.payload["plan_overridden"] is False


def test_the_tab_and_its_search_read_in_fewer_queries_and_list_every_colleague(
    personas, case, directory, django_assert_max_num_queries
):
    from referrals.forms import staff_for

    client = personas.client_for("clinician")
    client.post(
        reverse("referrals:save-barriers", args=[case.ref]), {"barriers": ["money"], "version": 0}
    )
    for service in Service.objects.filter(is_demo=True)[:3]:
        offer(client, case, service)
    client.get(tab(case))
    # Session and user, the case, barriers, the terms (once for both forms), referrals and
    # their steps, help declined, the staff, regions, settings, the search (term ids, ranked
    # ids, the page, its four lists) and the audit entry; national lines only when refused.
    with django_assert_max_num_queries(20):
        html = client.get(tab(case)).content.decode()
    referral = Referral.objects.filter(case=case).latest("pk")
    select = html.split(f'id="follow-resp-{referral.pk}">')[1].split("</select>")[0]
    assert select.count("<option") == len(staff_for(case).names) + 1  # "—" and every colleague
    assert '<li class="card mb-2' in html  # the pre-filled search's results are on the tab


TAB_SWITCH = {"HX-Request": "true", "HX-Target": "tab-panel"}


def test_a_tab_switch_asks_for_the_prefilled_results_right_after_and_gets_the_same_cards(
    personas, case, directory
):
    import html as html_lib
    import re

    client = personas.client_for("clinician")
    client.post(
        reverse("referrals:save-barriers", args=[case.ref]),
        {"barriers": ["housing", "transportation"], "version": 0},
    )
    whole = client.get(tab(case)).content.decode()
    switched = client.get(tab(case), headers=TAB_SWITCH).content.decode()
    # The switch has the tab without its results: a placeholder fetches them at once, in the
    # search form's queue.
    assert "<html" not in switched and '<li class="card mb-2' not in switched
    placeholder = re.search(r'<div id="results"[^>]*>', switched).group(0)
    assert 'hx-trigger="load"' in placeholder and 'hx-sync="#search form:queue last"' in placeholder
    url = html_lib.unescape(re.search(r'hx-get="([^"]+)"', placeholder).group(1))
    search = reverse("referrals:case-search", args=[case.ref])
    assert url == f"{search}?region=CA-ON&barriers=housing&barriers=transportation"
    later = client.get(url, headers={"HX-Request": "true", "HX-Target": "results"})
    assert later.status_code == 200

    # What it brings is what the whole page shows inline (and that page works without
    # JavaScript: its results are there).
    def words(html: str) -> list[str]:  # the CSRF token differs from response to response
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html).split()

    inline = whole.split('<div id="results"')[1].split("</section>")[0]
    fetched = later.content.decode().split('<div id="results"')[1]
    assert words(inline) == [*words(fetched), "</div>"]  # and the tab's own `</div>` after
    assert inline.count('<li class="card mb-2') > 3
    # Up to the results, the switch shows what the whole page shows.
    start = '<section aria-labelledby="tab-heading">'
    before_results = whole.split(start)[1].split('<div id="results"')[0]
    assert words(switched.split(start)[1].split('<div id="results"')[0]) == words(before_results)


def test_a_tab_switch_reads_no_directory_search(
    personas, case, directory, django_assert_max_num_queries
):
    client = personas.client_for("clinician")
    offer(client, case)
    client.get(tab(case), headers=TAB_SWITCH)
    # Session and user, the case, barriers, the terms' marker, referrals and their steps, help
    # declined, the staff, regions (checking the pre-filled filters) and the audit entry.
    with django_assert_max_num_queries(14):
        response = client.get(tab(case), headers=TAB_SWITCH)
    assert response.status_code == 200 and "Finding services…" in response.content.decode()
