"""The access log's rows, formatted once in Python, show what the template's filters showed:
the same dates (English and French, in the facility's time zone), names, actions and parts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import translation

from cases import access_log, actions
from cases.models import AuditEntry
from tests.conftest import Personas

# What the page's template rendered for each entry before the rows were formatted in Python.
BEFORE = Template(
    "{% load harbor %}{% for entry in entries %}"
    "{{ entry.at|date:'c' }}|{{ entry.at|date:'DATETIME_FORMAT' }}|"
    "{{ entry.user.display_name|default:entry.username }}|{{ entry.get_action_display }}|"
    "{{ entry.subject|part_label }}|{{ entry.ip_address|default:'—' }}\n{% endfor %}"
)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_rows_show_what_the_template_showed(personas: Personas, language: str) -> None:
    case = actions.open_case(
        unit=personas.emergency,
        jurisdiction="CA-ON",
        age_years=30,
        preferred_language="en",
        by=personas.clinician,
    )
    start = datetime(2026, 3, 8, 6, 59, 58, 123456, tzinfo=UTC)  # the night clocks move
    kinds = [
        (AuditEntry.Action.CASE_VIEW, personas.clinician, {"part": "screening"}, "10.0.0.1"),
        (AuditEntry.Action.CASE_VIEW, personas.supervisor, {"part": "summary"}, None),
        (AuditEntry.Action.CASE_CHANGE, personas.clinician, {"event": "case.opened"}, "::1"),
        (AuditEntry.Action.CASE_CHANGE, None, {}, ""),
        (AuditEntry.Action.CASE_VIEW, personas.other_clinician, {"part": "no-such-part"}, None),
    ]
    for i in range(40):
        action, user, detail, ip = kinds[i % len(kinds)]
        AuditEntry.objects.create(
            action=action,
            user=user,
            username=user.username if user else "unknown-name",
            case=case,
            detail=detail,
            ip_address=ip or None,
            at=start + timedelta(minutes=37 * i, seconds=i),
        )
    entries = case.audit_entries.all()
    with translation.override(language):
        before = BEFORE.render(Context({"entries": list(entries.select_related("user"))}))
        rows = access_log.rows(entries)
    after = "".join(f"{r.at}|{r.when}|{r.who}|{r.what}|{r.part}|{r.where}\n" for r in rows)
    assert after == before
    assert len(rows) == entries.count() > 40


# The page's loop before the rows wrote themselves, verbatim.
LOOP = Template(
    """{% for row in rows %}
      <tr><td><time datetime="{{ row.at }}">{{ row.when }}</time></td><td>{{ row.who }}</td><td>{{ row.what }}</td><td>{{ row.part }}</td><td>{{ row.where }}</td></tr>
    {% endfor %}"""  # noqa: E501
)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_rows_write_what_the_template_loop_wrote(personas: Personas, language: str) -> None:
    case = actions.open_case(
        unit=personas.emergency,
        jurisdiction="CA-ON",
        age_years=30,
        preferred_language="en",
        by=personas.clinician,
    )
    for i, (user, name, detail) in enumerate(
        [
            (personas.clinician, "", {"part": "screening"}),
            (None, '<b>"x" & y</b>', {"part": "<i>odd</i>"}),
            (personas.supervisor, "", {"event": "case.opened"}),
        ]
    ):
        AuditEntry.objects.create(
            action=AuditEntry.Action.CASE_VIEW,
            user=user,
            username=name or user.username,
            case=case,
            detail=detail,
            ip_address="10.0.0.1" if i else None,
        )
    with translation.override(language):
        rows = access_log.rows(case.audit_entries.all())
        page = Template("{{ rows.html }}").render(Context({"rows": rows}))
        assert page == LOOP.render(Context({"rows": list(rows)}))
    assert page.count("<tr>") == len(rows) >= 4
    assert "&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;" in page
