"""The "who follows up" selects (`select_options`) write what the template loop wrote, for every
value a form can hold, from the options written once per page as from a plain list."""

from __future__ import annotations

import pytest
from django.template import engines

from referrals.forms import FollowUpForm, Staff, _ReadyChoices

# The loop the tag replaced.
LOOP = (
    "{% for value, label in field.field.choices %}"
    '<option value="{{ value }}"{% if field.value|stringformat:"s" == value|stringformat:"s" %}'
    " selected{% endif %}>{{ label }}</option>{% endfor %}"
)
TAG = "{% load referral_fields %}{% select_options field %}"

STAFF = Staff(
    {7: "Ana <b>", 12: "Bo & Co", 120: "Cy"},
    _ReadyChoices((("", "—"), (7, "Ana <b>"), (12, "Bo & Co"), (120, "Cy"))),
)


def render(template: str, field) -> str:
    return engines["django"].from_string(template).render({"field": field})


@pytest.mark.parametrize(
    "form",
    [
        FollowUpForm(staff=STAFF, initial={"version": 1, "responsible": None}),
        FollowUpForm(staff=STAFF, initial={"version": 1, "responsible": 12}),
        FollowUpForm(staff=STAFF, initial={"version": 1, "responsible": 120}),
        FollowUpForm(staff=STAFF, initial={"version": 1, "responsible": 99}),  # no longer staff
        FollowUpForm({"version": "1", "responsible": ""}, staff=STAFF),
        FollowUpForm({"version": "1", "responsible": "7"}, staff=STAFF),
    ],
)
def test_the_options_are_those_the_loop_wrote(form):
    field = form["responsible"]
    assert render(TAG, field) == render(LOOP, field)
    # Twice from the same written options: the first select's choice is not carried over.
    assert render(TAG, field) == render(LOOP, field)


def test_one_option_at_most_is_selected_and_labels_are_escaped():
    html = render(
        TAG, FollowUpForm(staff=STAFF, initial={"version": 1, "responsible": 12})["responsible"]
    )
    assert html.count(" selected") == 1 and '<option value="12" selected>Bo &amp; Co' in html
    assert "Ana &lt;b&gt;" in html
    other = render(
        TAG, FollowUpForm(staff=STAFF, initial={"version": 1, "responsible": 7})["responsible"]
    )
    assert other.count(" selected") == 1 and '<option value="7" selected>' in other
