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
