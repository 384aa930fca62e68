"""The case page's Python-written lists (cases.templatetags.harbor) show exactly what Django's
own `format_html_join` and template loops show: the same HTML, every value escaped."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from cases import actions
from cases.models import User
from cases.templatetags.harbor import html_join, person_options, timeline_items
from cases.timeline import TimelineEntry, timeline

TRICKY = [
    "<script>alert('x')</script>",
    "Quote \" and apostrophe ' & ampersand",
    mark_safe("<em>already safe</em>"),  # noqa: S308 - a constant, as a tag's own markup is
    gettext_lazy("Overview"),
    42,
    None,
    "Élément de la liste : « fait »",
]


@pytest.mark.parametrize("separator", ["\n", "<br>", ", "])
def test_html_join_is_format_html_join(separator):
    rows = [(value, index, value) for index, value in enumerate(TRICKY)]
    fmt = '<li data-n="{1}" title="{0}">{2}</li>'
    ours = html_join(separator, fmt, rows)
    assert ours == format_html_join(separator, fmt, rows)
    assert "<script>" not in ours and "<em>already safe</em>" in ours
    assert hasattr(ours, "__html__")


def test_html_join_of_nothing_is_empty():
    assert html_join("\n", "<li>{}</li>", []) == format_html_join("\n", "<li>{}</li>", []) == ""


TIMELINE_LOOP = Template(
    "{% for event in events %}"
    '      <li><time datetime="{{ event.at|date:\'c\' }}" class="small text-body-secondary">'
    '{{ event.at|date:"SHORT_DATETIME_FORMAT" }}</time> · <span class="small">'
    "{{ event.by.display_name }}</span><br>{{ event.text }}</li>"
    "{% if not forloop.last %}\n{% endif %}{% endfor %}"
)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_timeline_items_are_the_template_loop_they_replace(db, language):
    named = User(username="nurse.b", first_name="Bea <b>", last_name="O'Neil")
    unnamed = User(username="rn&7")
    start = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # around a daylight saving change
    events = [
        TimelineEntry(start + timedelta(hours=hours), author, "case.opened", text)
        for hours, author, text in [
            (0, named, "Case opened on <Emergency>"),
            (3, unnamed, 'Escalated: "she said" & more'),
            (27, named, "Élément de la liste fait : « l'équipe »"),
        ]
    ]
    with translation.override(language):
        expected = TIMELINE_LOOP.render(Context({"events": events}))
        assert timeline_items(events) == expected


def test_person_options_are_the_template_loop_they_replace(personas):
    User.objects.filter(pk=personas.clinician.pk).update(first_name="Zoë <i>", last_name="D'Arc")
    people = User.objects.filter(facility=personas.facility).order_by("last_name", "username")
    loop = Template(
        "{% for person in people %}"
        '<option value="{{ person.pk }}"{% if person.pk == selected %} selected{% endif %}>'
        "{{ person.display_name }}</option>{% if not forloop.last %}\n{% endif %}{% endfor %}"
    )
    selected = personas.clinician.pk
    expected = loop.render(Context({"people": people, "selected": selected}))
    assert person_options(people, selected) == expected
    assert "Zoë &lt;i&gt; D&#x27;Arc</option>" in expected


def test_the_timeline_names_each_author_as_their_profile_does(personas, case):
    User.objects.filter(pk=personas.supervisor.pk).update(first_name="Ada", last_name="Lovelace")
    User.objects.filter(pk=personas.clinician.pk).update(first_name="", last_name="")
    actions.escalate_case(case, reason="Companion answered", to=None, by=personas.clinician)
    actions.assign_case(
        case, to=personas.other_clinician, by=personas.supervisor, base_version=case.version
    )
    entries = timeline(case)
    names = [entry.by.display_name for entry in entries]
    assert names == ["Ada Lovelace", "clinician", "clinician"]
    assert [entry.by.pk for entry in entries] == [
        personas.supervisor.pk,
        personas.clinician.pk,
        personas.clinician.pk,
    ]
    page = personas.client_for("clinician").get(case.get_absolute_url()).content.decode()
    assert re.findall(r'<span class="small">([^<]*)</span><br>', page) == names


def details_form(case, data=None):
    from cases.forms import CaseDetailsForm

    if data is None:
        return CaseDetailsForm(instance=case, initial={"version": case.version})
    return CaseDetailsForm(data, instance=case)


def crispy(form) -> str:
    from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form

    return str(as_crispy_form(form))


@pytest.mark.parametrize("language", ["en", "fr"])
def test_crispy_fast_is_crispy_for_a_new_form_and_again_from_its_kept_layout(
    personas, case, language
):
    from cases.templatetags.harbor import crispy_fast

    other = actions.open_case(
        unit=personas.emergency,
        jurisdiction="US-TX",
        age_years=None,
        preferred_language="fr",
        ward_label='Bay <7> & "B"',
        by=personas.clinician,
    )
    with translation.override(language):
        for shown in (case, other, case):  # the first builds the layout, the others reuse it
            expected = crispy(details_form(shown))
            assert crispy_fast(details_form(shown)) == expected
        assert "Bay &lt;7&gt; &amp; &quot;B&quot;" in crispy_fast(details_form(other))


def test_crispy_fast_is_crispy_for_a_bound_form_and_for_one_with_errors(personas, case):
    from cases.templatetags.harbor import crispy_fast

    valid = {
        "version": "1",
        "ward_label": "Bed 2",
        "age_years": "31",
        "jurisdiction": "CA-ON",
        "preferred_language": "en",
        "status": "open",
        "contact_may_call": "on",
        "contact_safe_times": "after 6 <pm>",
    }
    invalid = {**valid, "age_years": "-4", "jurisdiction": "XX-NOPE"}
    for data in (valid, invalid, valid):
        form = details_form(case, data)
        form.is_valid()
        expected = crispy(details_form(case, data))
        assert crispy_fast(form) == expected
    assert 'class="invalid-feedback"' in crispy_fast(details_form(case, invalid))


def test_crispy_fast_is_crispy_for_the_escalation_form(personas, case):
    from cases.forms import EscalateForm
    from cases.templatetags.harbor import crispy_fast

    for _ in range(2):
        made = [EscalateForm(facility=personas.facility, initial={"version": 3}) for _ in "ab"]
        assert crispy_fast(made[0]) == crispy(made[1])


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_timeline_tells_each_entry_as_describe_does(personas, case, language):
    from cases.events import EventKind
    from cases.timeline import _people_named, describe, phase_details

    for kind in (EventKind.SCREENING_PAUSED, EventKind.SCREENING_RESUMED) * 3:
        actions.record_event(
            case, kind, by=personas.clinician, summary="x", payload={"screening": 1}
        )
    actions.escalate_case(case, reason="Second <look>", to=None, by=personas.clinician)
    with translation.override(language):
        entries = timeline(case)
        events = list(case.events.select_related("by"))
        people, details = _people_named(events), phase_details(events)
        units = {case.unit_id: case.unit.name}
        assert [entry.text for entry in entries] == [
            describe(event, people, details.get(event.pk), units) for event in events
        ]
    assert len(entries) == 8
