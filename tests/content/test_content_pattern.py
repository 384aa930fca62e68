"""The one content pattern (cases.content, cases.editing): row-level history, stale refusals
showing theirs and yours, restore, and history pages that load only what they show."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.content import cached_rule, diff, unique_slug
from cases.schemas import Problem
from safety.models import ChecklistTemplate
from screening.forms import SignsEditor
from screening.models import IndicatorSet
from tests.content_forms import as_submitted

ROWS = {"items": "slug", "items.parts": None}
BASE = {
    "slug": "s",
    "title": "T",
    "items": [{"slug": "a", "text": "A"}, {"slug": "b", "text": "B"}],
}

DIFFS = [
    pytest.param(
        None,
        BASE,
        [
            {
                "row": "items:a",
                "op": "added",
                "fields": {"slug": [None, "a"], "text": [None, "A"], "position": [None, 1]},
            },
            {
                "row": "items:b",
                "op": "added",
                "fields": {"slug": [None, "b"], "text": [None, "B"], "position": [None, 2]},
            },
        ],
        id="first-version-adds-every-row-not-the-header",
    ),
    pytest.param(
        BASE,
        {**BASE, "title": "U"},
        [
            {"row": "", "op": "changed", "fields": {"title": ["T", "U"]}},
        ],
        id="header-field-changed",
    ),
    pytest.param(
        BASE,
        {**BASE, "items": [BASE["items"][0]]},
        [
            {"row": "items:b", "op": "removed", "fields": {}},
        ],
        id="row-removed",
    ),
    pytest.param(
        BASE,
        {**BASE, "items": [BASE["items"][1], BASE["items"][0]]},
        [
            {"row": "items:b", "op": "changed", "fields": {"position": [2, 1]}},
            {"row": "items:a", "op": "changed", "fields": {"position": [1, 2]}},
        ],
        id="rows-moved",
    ),
    pytest.param(
        BASE,
        {**BASE, "items": [{"slug": "a", "text": "A2"}, BASE["items"][1]]},
        [
            {"row": "items:a", "op": "changed", "fields": {"text": ["A", "A2"]}},
        ],
        id="row-text-changed",
    ),
    pytest.param(
        {**BASE, "items": [{"slug": "a", "text": "A", "parts": [{"x": 1}]}]},
        {**BASE, "items": [{"slug": "a", "text": "A", "parts": [{"x": 2}]}]},
        [{"row": "items:a/parts:1", "op": "changed", "fields": {"x": [1, 2]}}],
        id="nested-positional-row-changed",
    ),
    pytest.param(BASE, {**BASE, "version": 9}, [], id="version-number-is-not-a-change"),
]


@pytest.mark.parametrize(("before", "after", "expected"), DIFFS)
def test_diff_is_row_level(before, after, expected):
    assert diff(before, after, ROWS) == expected


@pytest.mark.parametrize(
    ("text", "taken", "expected"),
    [
        ("Call a code grey now", set(), "call-a-code-grey-now"),
        ("Call a code grey now", {"call-a-code-grey-now"}, "call-a-code-grey-now-2"),
        ("1.1", set(), "i-11"),
        ("", set(), "item"),
        ("one two three four five six seven", set(), "one-two-three-four-five-six"),
    ],
)
def test_unique_slug(text, taken, expected):
    assert unique_slug(text, taken) == expected


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ((), "wrong"),
        (("title",), "title: wrong"),
        (("items", 0, "text"), "items 1 › text: wrong"),
        (("themes", 2, "questions", 0), "themes 3 › questions 1: wrong"),
    ],
)
def test_a_problem_names_its_place_counting_from_one(path, expected):
    assert str(Problem(path, "wrong")) == expected


def signs_post(signs: IndicatorSet, **changes: str) -> dict[str, str]:
    full = IndicatorSet.for_content(IndicatorSet.objects.filter(pk=signs.pk)).get()
    newest = IndicatorSet.objects.newest(signs.slug)
    editor = SignsEditor(None, content=full.as_content(), base_version=newest.version)
    return as_submitted(editor, **changes)


def test_a_refused_stale_save_shows_their_changes_and_mine(personas, content):
    signs = IndicatorSet.objects.get()
    client = personas.client_for("administrator")
    url = reverse("screening:edit-indicators", args=[signs.pk])
    theirs = signs_post(signs, **{"signs-0-text": "Their wording", "note": "Theirs"})
    mine = signs_post(signs, **{"signs-1-text": "My wording"})
    assert client.post(url, theirs).status_code == 302

    refused = client.post(url, mine)
    body = refused.content.decode()
    assert refused.status_code == 409
    theirs_part = body.split("Theirs (saved)")[1].split("Yours (not saved yet)")[0]
    yours_part = body.split("Yours (not saved yet)")[1].split("</div>")[0]
    assert "Their wording" in theirs_part and "My wording" not in theirs_part
    # Mine against what is saved now: my sign changed, and theirs would go back.
    assert "My wording" in yours_part
    assert 'name="base_version" value="2"' in body
    assert IndicatorSet.objects.count() == 2


def test_an_old_version_opened_from_the_history_is_restored_as_a_new_one(personas, content):
    signs = IndicatorSet.objects.get()
    client = personas.client_for("administrator")
    url = reverse("screening:edit-indicators", args=[signs.pk])
    client.post(url, signs_post(signs, **{"signs-0-text": "Changed"}))
    page = client.get(url + "?version=1").content.decode()
    assert "Restore version 1" in page  # the note is filled in
    first = IndicatorSet.objects.get(version=1)
    restored = client.post(url + "?version=1", signs_post(first, note="Restore version 1"))
    assert restored.status_code == 302
    newest = IndicatorSet.for_content(IndicatorSet.objects.filter(version=3)).get()
    assert newest.as_content()["indicators"] == first.as_content()["indicators"]
    assert newest.note == "Restore version 1" and newest.published
    sign = first.indicators.first()
    # The edit dropped the sign's translation (its English changed); the restore brings the
    # version's English back, and with it the translation of that English.
    assert newest.changes == [
        {
            "row": "indicators:" + sign.slug,
            "op": "changed",
            "fields": {"text": ["Changed", sign.text], "translations": [None, sign.translations]},
        }
    ]
    assert client.get(url + "?version=99").status_code == 404


def test_the_history_loads_only_what_it_shows(personas, content, django_assert_num_queries):
    client = personas.client_for("administrator")
    url = reverse("safety:admin-checklist", args=["safety-protocol"])
    client.get(url)  # warm the session and the template cache

    def page_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    one_version = page_queries()
    template = ChecklistTemplate.objects.newest("safety-protocol")
    for n in range(2, 7):
        ChecklistTemplate.objects.create(
            slug=template.slug,
            version=n,
            title=template.title,
            items=template.items,
            changes=[{"row": "", "op": "changed", "fields": {"title": ["a", f"v{n}"]}}],
        )
    assert page_queries() == one_version
    body = client.get(url).content.decode()
    assert "v6" in body and "Version 1" in body


def test_a_stored_version_is_read_into_frozen_items_once(content):
    template = ChecklistTemplate.objects.newest("immediate-care")
    first = template.rule()
    again = ChecklistTemplate.objects.get(pk=template.pk).rule()
    assert first is again
    assert cached_rule(template, lambda: "other") is first
    forensic = template.item("forensic-evidence")
    assert forensic is not None and forensic.requires_consent
