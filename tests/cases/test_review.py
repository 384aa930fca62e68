"""Supervisor review: the queue, the review page, comment, return and sign-off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from cases import actions, review
from cases.events import EventKind
from cases.models import AuditEntry, Case, Role
from tests.conftest import ALL_PERSONAS, Personas, make_user

Act = review.Act


@pytest.mark.parametrize(
    ("user_id", "acts", "created_by", "expected"),
    [
        (1, [], 1, True),  # opened the case
        (2, [], 1, False),
        (2, [Act("screening.completed", 2, {})], 1, True),
        (2, [Act("review.commented", 2, {}), Act("case.assigned", 2, {})], 1, False),
        (2, [Act("case.escalation_resolved", 2, {}), Act("safety.item_done", 3, {})], 1, False),
        (2, [Act("review.signed_off", 2, {}), Act("case.escalated", 2, {})], 1, True),
    ],
)
def test_worked_on(user_id: int, acts: list[Act], created_by: int, expected: bool) -> None:
    assert review.worked_on(user_id, acts, created_by_id=created_by) is expected


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ({"is_supervisor": False, "worked": False, "is_open": True, "signed_off": False}, "Only"),
        ({"is_supervisor": True, "worked": True, "is_open": True, "signed_off": False}, "worked"),
        ({"is_supervisor": True, "worked": False, "is_open": False, "signed_off": False}, "closed"),
        ({"is_supervisor": True, "worked": False, "is_open": True, "signed_off": True}, "already"),
        ({"is_supervisor": True, "worked": False, "is_open": True, "signed_off": False}, None),
    ],
)
def test_sign_off_refusal(flags: dict[str, bool], expected: str | None) -> None:
    refusal = review.sign_off_refusal(**flags)
    if expected is None:
        assert refusal is None
    else:
        assert refusal is not None and expected in refusal


@pytest.mark.parametrize(
    ("report", "acts", "expected"),
    [
        (False, [], []),
        (True, [], ["Report to log"]),
        (False, [Act("safety.threat_reported", 1, {})], ["Safety items open"]),
        (False, [Act("safety.threat_reported", 1, {}), Act("safety.item_done", 1, {})], []),
        (False, [Act("safety.threat_reported", 1, {}), Act("safety.threat_withdrawn", 1, {})], []),
        (
            False,
            [
                Act("referral.accepted", 1, {"referral": 4}),
                Act("referral.accepted", 1, {"referral": 5}),
            ],
            ["2 referrals without follow-up"],
        ),
        (
            True,
            [
                Act("referral.accepted", 1, {"referral": 4}),
                Act("referral.follow_up_set", 1, {"referral": 4}),
                Act("referral.accepted", 1, {"referral": 5}),
            ],
            ["Report to log", "1 referral without follow-up"],
        ),
    ],
)
def test_open_items(report: bool, acts: list[Act], expected: list[str]) -> None:
    assert review.open_items(report_outstanding=report, acts_oldest_first=acts) == expected


@pytest.mark.parametrize(
    ("minutes", "expected"), [(-5, "0 min"), (45, "45 min"), (180, "3 h"), (60 * 72, "3 d")]
)
def test_waited(minutes: int, expected: str) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert review.waited(now - timedelta(minutes=minutes), now) == expected


def escalate(case: Case, personas: Personas, reason: str = "Patient is frightened") -> Case:
    return actions.escalate_case(case, reason=reason, to=None, by=personas.clinician)


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_only_supervisors_see_the_queue(personas: Personas, case: Case, persona: str) -> None:
    escalate(case, personas)
    response = personas.client_for(persona).get("/review/")
    if persona == "anonymous":
        assert response.status_code == 302 and "/login" in response["Location"]
    elif persona == "supervisor":
        assert response.status_code == 200
        assert case.ref in response.content.decode()
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_only_supervisors_open_a_case_for_review(
    personas: Personas, case: Case, persona: str
) -> None:
    response = personas.client_for(persona).get(f"/cases/{case.ref}/review/")
    expected = {
        "anonymous": 302,
        "clinician": 403,
        "other_clinician": 404,
        "supervisor": 200,
        "administrator": 403,
    }[persona]
    assert response.status_code == expected
    reviews = AuditEntry.objects.filter(case=case, action=AuditEntry.Action.CASE_REVIEW)
    assert reviews.count() == (1 if persona == "supervisor" else 0)


def test_queue_oldest_first_filtered_by_unit_with_open_items(personas: Personas) -> None:
    def open_on(unit):  # noqa: ANN001, ANN202
        by = personas.clinician if unit == personas.emergency else personas.other_clinician
        return actions.open_case(
            unit=unit, jurisdiction="CA-ON", age_years=30, preferred_language="en", by=by
        )

    first, second = open_on(personas.emergency), open_on(personas.maternity)
    actions.escalate_case(first, reason="First alarm", to=None, by=personas.clinician)
    actions.escalate_case(second, reason="Second alarm", to=None, by=personas.other_clinician)
    Case.objects.filter(pk=first.pk).update(report_outstanding=True)
    client = personas.client_for("supervisor")
    page = client.get("/review/").content.decode()
    assert page.index("First alarm") < page.index("Second alarm")
    assert "Report to log" in page
    assert 'hx-trigger="every 30s"' in page
    only_maternity = client.get(f"/review/?unit={personas.maternity.pk}").content.decode()
    assert "Second alarm" in only_maternity and "First alarm" not in only_maternity
    fragment = client.get("/review/", headers={"HX-Request": "true"}).content.decode()
    assert "First alarm" in fragment and "<html" not in fragment


def test_queue_query_bound(personas: Personas, django_assert_max_num_queries) -> None:
    for n in range(12):
        case = actions.open_case(
            unit=personas.emergency,
            jurisdiction="CA-ON",
            age_years=20 + n,
            preferred_language="en",
            by=personas.clinician,
        )
        escalate(case, personas, reason=f"Reason {n}")
    client = personas.client_for("supervisor")
    with django_assert_max_num_queries(12):
        response = client.get("/review/")
    assert response.content.decode().count("Reason ") == 12


def test_header_counts_new_escalations_until_reviewed(personas: Personas, case: Case) -> None:
    client = personas.client_for("supervisor")
    assert "1 new" not in client.get("/").content.decode()
    escalate(case, personas)
    assert "1 new" in client.get("/").content.decode()
    client.get(f"/cases/{case.ref}/review/")
    assert "1 new" not in client.get("/").content.decode()
    # A clinician's header has no queue at all.
    assert "/review/" not in personas.client_for("clinician").get("/").content.decode()


def test_escalated_case_appears_once_on_supervisor_home(personas: Personas, case: Case) -> None:
    escalate(case, personas)
    Case.objects.filter(pk=case.pk).update(report_outstanding=True)
    page = personas.client_for("supervisor").get("/").content.decode()
    assert page.count(f">{case.ref}</a>") == 1


def test_return_shows_request_on_clinician_home(personas: Personas, case: Case) -> None:
    escalate(case, personas)
    case.refresh_from_db()
    client = personas.client_for("supervisor")
    response = client.post(
        f"/cases/{case.ref}/review/return/",
        {"request": "Please log the report decision", "version": case.version},
    )
    assert response.status_code == 302
    home = personas.client_for("clinician").get("/").content.decode()
    assert "Returned to you by a supervisor" in home and "Please log the report decision" in home
    assert "Please log" not in personas.client_for("other_clinician").get("/").content.decode()
    entry = AuditEntry.objects.filter(case=case, detail__event="review.returned").get()
    assert entry.detail == {"event": "review.returned"}  # the request's words stay off the log


def test_return_with_stale_version_keeps_text(personas: Personas, case: Case) -> None:
    escalate(case, personas)
    response = personas.client_for("supervisor").post(
        f"/cases/{case.ref}/review/return/", {"request": "Keep this text", "version": 1}
    )
    assert response.status_code == 409
    assert "Keep this text" in response.content.decode()
    case.refresh_from_db()
    assert case.review_status == ""


def test_empty_comment_is_refused(personas: Personas, case: Case) -> None:
    response = personas.client_for("supervisor").post(
        f"/cases/{case.ref}/review/comment/", {"comment": ""}
    )
    assert response.status_code == 400
    assert not case.events.filter(kind=EventKind.REVIEW_COMMENTED).exists()


def test_comment_goes_on_the_timeline(personas: Personas, case: Case) -> None:
    response = personas.client_for("supervisor").post(
        f"/cases/{case.ref}/review/comment/", {"comment": "Looks careful"}
    )
    assert response.status_code == 302
    assert case.events.get(kind=EventKind.REVIEW_COMMENTED).payload == {"comment": "Looks careful"}


def test_sign_off_closes_escalation_and_leaves_queue(personas: Personas, case: Case) -> None:
    escalate(case, personas)
    case.refresh_from_db()
    client = personas.client_for("supervisor")
    client.post(f"/cases/{case.ref}/review/comment/", {"comment": "Fine"})  # supervision only
    response = client.post(f"/cases/{case.ref}/review/sign-off/", {"version": case.version})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.review_status == Case.Review.SIGNED_OFF and not case.is_escalated
    assert case.signed_off_by == personas.supervisor
    assert case.ref not in client.get("/review/").content.decode()


def test_no_self_sign_off_even_as_supervisor(personas: Personas, case: Case) -> None:
    # A clinician who also holds the supervisor role worked on this case.
    personas.clinician.groups.add(*personas.supervisor.groups.all())
    both = type(personas.clinician).objects.get(pk=personas.clinician.pk)
    assert both.is_supervisor and both.is_clinician
    escalate(case, personas)
    case.refresh_from_db()
    page = personas.client_for("clinician").get(f"/cases/{case.ref}/review/").content.decode()
    assert "another supervisor must sign it off" in page
    response = personas.client_for("clinician").post(
        f"/cases/{case.ref}/review/sign-off/", {"version": case.version}
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.review_status == ""


def test_supervisor_who_acted_clinically_cannot_sign_off(personas: Personas, case: Case) -> None:
    other = make_user("second_supervisor", personas.facility, [Role.SUPERVISOR], [])
    actions.log_line_call(case, phone="555-0100", by=personas.supervisor)
    with pytest.raises(actions.SignOffRefused):
        actions.sign_off_case(case, by=personas.supervisor, base_version=case.version)
    actions.sign_off_case(case, by=other, base_version=case.version)
    case.refresh_from_db()
    assert case.signed_off_by == other


def test_supervisor_who_only_autosaved_work_cannot_sign_off(personas: Personas, case: Case) -> None:
    """Autosaved answers and note drafts are in the audit log only (not on the timeline): they
    are work on the case all the same."""
    from cases import audit

    escalate(case, personas)
    case.refresh_from_db()
    # What screening's save_answer writes for an autosaved answer.
    audit.record(
        AuditEntry.Action.CASE_CHANGE,
        user=personas.supervisor,
        case=case,
        event=EventKind.SCREENING_ANSWER_SAVED,
        question="q1",
        status="answered",
    )
    assert actions.sign_off_refusal(case, personas.supervisor) == (
        "You worked on this case, so another supervisor must sign it off."
    )
    response = personas.client_for("supervisor").post(
        f"/cases/{case.ref}/review/sign-off/", {"version": case.version}
    )
    assert response.status_code == 403


def test_queue_row_shows_wait_reason_concern_and_what_is_open(
    personas: Personas, case: Case
) -> None:
    escalate(case, personas, reason="Companion answers every question")
    Case.objects.filter(pk=case.pk).update(
        escalated_at=datetime.now(UTC) - timedelta(hours=3, minutes=5),
        concern_level=Case.Concern.HIGH,
        report_outstanding=True,
    )
    actions.record_event(
        case,
        EventKind.SAFETY_THREAT_REPORTED,
        by=personas.clinician,
        summary="Threat",
        payload={"was_escalated": True},
    )
    actions.record_event(
        case,
        EventKind.REFERRAL_ACCEPTED,
        by=personas.clinician,
        summary="Accepted",
        payload={"referral": 7, "consent_to_share": True, "follow_up_on": None},
    )
    page = personas.client_for("supervisor").get("/review/").content.decode()
    row = page[page.index(case.ref) : page.index("</tr>", page.index(case.ref))]
    for shown in (
        "3 h",
        "Companion answers every question",
        "High concern",
        "Report to log",
        "Safety items open",
        "1 referral without follow-up",
        "New",
    ):
        assert shown in row, shown


@pytest.mark.parametrize("path", ["/", "/review/work/", "/review/figures/", "/cases/{ref}/"])
def test_header_shows_new_escalations_on_every_page(
    personas: Personas, case: Case, path: str
) -> None:
    escalate(case, personas)
    page = personas.client_for("supervisor").get(path.format(ref=case.ref)).content.decode()
    nav = page[page.index('id="review-nav"') :]
    assert "1 new" in nav[: nav.index("</a>")]


@pytest.mark.parametrize(
    "path", ["/review/", "/review/work/", "/review/figures/", "/review/figures.csv"]
)
def test_a_clinician_sees_no_queue_no_work_lists_and_no_figures(
    personas: Personas, case: Case, path: str
) -> None:
    escalate(case, personas)
    client = personas.client_for("clinician")
    assert client.get(path).status_code == 403
    home = client.get("/").content.decode()
    assert 'id="review-nav"' not in home and "Waiting for review" not in home


@pytest.mark.parametrize(
    "path", ["/cases/{ref}/", "/cases/{ref}/review/", "/cases/{ref}/access-log/"]
)
def test_an_administrator_sees_no_case(personas: Personas, case: Case, path: str) -> None:
    escalate(case, personas, reason="Bruises on both wrists")
    client = personas.client_for("administrator")
    response = client.get(path.format(ref=case.ref))
    assert response.status_code == 403
    assert "Bruises" not in response.content.decode()
    home = client.get("/").content.decode()
    assert case.ref not in home and "Bruises" not in home
    assert client.get("/review/").status_code == 403
    assert not AuditEntry.objects.filter(
        user=personas.administrator, case=case, action=AuditEntry.Action.CASE_VIEW
    ).exists()


# The loop as review_queue.html had it, verbatim.
OLD_QUEUE_LOOP = """{% load i18n %}{% for row in rows %}
      <tr>
        <td><a href="{% url 'cases:review-case' row.ref %}">{{ row.ref }}</a>
          {% if row.is_new %} <span class="badge text-bg-primary">{% translate "New" %}</span>{% endif %}
          {% if row.is_returned %} <span class="badge text-bg-secondary">{% translate "Returned" %}</span>{% endif %}</td>
        <td>{{ row.unit }}</td>
        <td>{{ row.waited }}</td>
        <td>{{ row.reason }}</td>
        <td>{{ row.concern }}</td>
        <td>{% for item in row.open_items %}<span class="badge text-bg-warning me-1">{{ item }}</span>{% empty %}—{% endfor %}</td>
      </tr>
    {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["en", "fr"])
def test_queue_rows_are_what_the_template_loop_wrote(language: str) -> None:
    """The rows written in Python are the template loop's, to the byte: badges, open items,
    escaping of what people typed, and an odd reference's address."""
    from django.template import Context, Template
    from django.utils import translation

    from cases.review_views import QueueRow, queue_html

    rows = [
        QueueRow("abcde-23456", "Emergency", "3 h", 'Partner said "<b>x</b>" & left', "High",
                 ["Report to log", "Safety items open"], True, False),
        QueueRow("fghjk-78923", "<i>Maternity</i>", "45 min", "", "", [], False, True),
        QueueRow("odd ref é", "ICU", "2 d", "r", "None", ["1 referral without follow-up"],
                 True, True),
    ]  # fmt: skip
    with translation.override(language):
        old = Template(OLD_QUEUE_LOOP).render(Context({"rows": rows}))
        assert queue_html(rows) == old
    assert "&lt;b&gt;x&lt;/b&gt;" in old and "&lt;i&gt;Maternity&lt;/i&gt;" in old
    assert old.count("<tr>") == 3 and "—" in old


# The review page's timeline loop before it was written in Python, verbatim.
OLD_TIMELINE_LOOP = """{% load i18n %}{% for event in events %}
      <li><time datetime="{{ event.at|date:'c' }}" class="small text-body-secondary">{{ event.at|date:"SHORT_DATETIME_FORMAT" }}</time> · <span class="small">{{ event.by.display_name }}</span><br>{{ event.text }}</li>
    {% empty %}<li>{% translate "Nothing yet." %}</li>{% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["en", "fr"])
def test_review_timeline_is_what_the_template_loop_wrote(
    personas: Personas, case: Case, language: str
) -> None:
    from django.template import Context, Template
    from django.utils import translation

    from cases.review_views import timeline_html
    from cases.views import timeline

    personas.clinician.first_name = '<b>"Al" & co</b>'
    personas.clinician.save()
    actions.escalate_case(case, reason="Partner <script> waiting", to=None, by=personas.clinician)
    actions.comment_on_case(case, comment="Call <b>me</b> & go", by=personas.supervisor)
    events = timeline(case)
    with translation.override(language):
        old = Template(OLD_TIMELINE_LOOP).render(Context({"events": events}))
        assert timeline_html(events) == old
        assert timeline_html([]) == Template(OLD_TIMELINE_LOOP).render(Context({"events": []}))
    assert old.count("<li>") == len(events) >= 3
    assert "&lt;b&gt;&quot;Al&quot; &amp; co&lt;/b&gt;" in old
