"""Work lists for supervisors; stale directory entries on an administrator's home."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import actions
from cases.models import Case
from tests.conftest import ALL_PERSONAS, Personas


def new_case(personas: Personas, **summary: object) -> Case:
    case = actions.open_case(
        unit=personas.emergency,
        jurisdiction="CA-ON",
        age_years=30,
        preferred_language="en",
        by=personas.clinician,
    )
    Case.objects.filter(pk=case.pk).update(**summary)
    return case


def section(page: str, slug: str) -> str:
    start = page.index(f'id="work-{slug}"')
    return page[start : page.index("</section>", start)]


def test_each_list_holds_its_cases(personas: Personas) -> None:
    today = timezone.localdate()
    report = new_case(personas, report_outstanding=True)
    overdue = new_case(personas, next_follow_up=today - timedelta(days=1))
    due = new_case(personas, next_follow_up=today + timedelta(days=1))
    later = new_case(personas, next_follow_up=today + timedelta(days=10))
    old = new_case(personas, created_at=timezone.now() - timedelta(days=20))
    closed = new_case(personas, report_outstanding=True, status=Case.Status.CLOSED)
    page = personas.client_for("supervisor").get("/review/work/").content.decode()
    assert report.ref in section(page, "reports") and closed.ref not in section(page, "reports")
    assert overdue.ref in section(page, "overdue") and due.ref not in section(page, "overdue")
    assert due.ref in section(page, "due") and later.ref not in section(page, "due")
    assert old.ref in section(page, "long-open") and report.ref not in section(page, "long-open")
    assert "Open longer than 14 days" in page


def test_facility_setting_moves_the_long_open_limit(personas: Personas) -> None:
    case = new_case(personas, created_at=timezone.now() - timedelta(days=5))
    client = personas.client_for("supervisor")
    assert case.ref not in section(client.get("/review/work/").content.decode(), "long-open")
    type(personas.facility).objects.filter(pk=personas.facility.pk).update(open_case_alert_days=3)
    assert case.ref in section(client.get("/review/work/").content.decode(), "long-open")


@pytest.mark.parametrize("persona", ALL_PERSONAS)
def test_only_supervisors_see_work_lists(personas: Personas, persona: str) -> None:
    response = personas.client_for(persona).get("/review/work/")
    assert response.status_code == {"anonymous": 302, "supervisor": 200}.get(persona, 403)


def test_work_lists_query_bound(personas: Personas, django_assert_max_num_queries) -> None:
    for _ in range(10):
        new_case(personas, report_outstanding=True, next_follow_up=timezone.localdate())
    client = personas.client_for("supervisor")
    with django_assert_max_num_queries(12):
        response = client.get("/review/work/")
    assert response.content.decode().count("follow-up") >= 10


def test_administrator_home_lists_stale_directory_entries(personas: Personas) -> None:
    from referrals.models import Service

    Service.objects.create(name="Demo: stale test entry", assured_date=None)
    page = personas.client_for("administrator").get("/").content.decode()
    assert "Directory entries to re-check" in page and "Demo: stale test entry" in page
    assert (
        "Directory entries to re-check"
        not in personas.client_for("supervisor").get("/").content.decode()
    )


def test_no_directory_provider_means_no_section(personas: Personas, settings) -> None:
    settings.HARBOR_STALE_DIRECTORY_PROVIDER = ""
    page = personas.client_for("administrator").get("/").content.decode()
    assert "Directory entries to re-check" not in page


# The page's loop before the lists wrote their lines, verbatim.
ITEMS_LOOP = """{% for item in list.items %}
    <li><a href="{{ item.url }}">{{ item.ref }}</a> · {{ item.unit }}{% if item.follow_up %} · {{ item.follow_up }}{% endif %} · {{ item.opened }}</li>
  {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_lines_are_what_the_template_loop_wrote(personas: Personas, language: str) -> None:
    from django.template import Context, Template
    from django.utils import translation

    from cases import worklists

    today = timezone.localdate()
    personas.emergency.name = '<b>"ER" & co</b>'
    personas.emergency.save()
    new_case(personas, next_follow_up=today - timedelta(days=3))
    new_case(personas, next_follow_up=today + timedelta(days=1))
    new_case(personas, created_at=timezone.now() - timedelta(days=40))
    odd = new_case(personas, next_follow_up=today - timedelta(days=2))
    Case.objects.filter(pk=odd.pk).update(ref="odd ref é")  # not as Harbor makes them
    with translation.override(language):
        lists = worklists.work_lists(
            Case.objects.for_user(personas.supervisor),
            facility=personas.facility,
            today=today,
        )
        shown = 0
        for work_list in lists:
            old = Template(ITEMS_LOOP).render(Context({"list": work_list}))
            assert work_list.items_html == old
            shown += old.count("<li>")
    assert shown >= 4
    page = Template(ITEMS_LOOP).render(Context({"list": lists[1]}))
    assert (
        "&lt;b&gt;&quot;ER&quot; &amp; co&lt;/b&gt;" in page
        and "/cases/odd%20ref%20%C3%A9/" in page
    )
    assert [item.url for item in lists[1].items] == [
        case.get_absolute_url() for case in lists[1].cases
    ]
