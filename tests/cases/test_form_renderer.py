"""The fast widget renderer writes exactly the HTML Django's widget templates write."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from cases.renderers import FastWidgetRenderer

CHOICES = [("a", "Alpha & co"), ("b", "Beta"), ("Group <1>", [("c", "Gamma"), ("d", "Delta")])]
# Whole numbers as values and labels (a choice of people by id), text to escape, a label marked
# safe, one translated lazily, and enough options for a long select.
NUMBERED = [
    (1, "O'Neil & <Sons>"),
    (2000, 12345),
    (-3, mark_safe("<b>safe</b>")),
    (4, gettext_lazy("Yes")),
    *((n, f"Person {n}") for n in range(10, 250)),
]


class Everything(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"class": "x", "data-x": '"q"'}))
    empty = forms.CharField(required=False)
    hidden = forms.IntegerField(widget=forms.HiddenInput)
    number = forms.IntegerField(min_value=0, max_value=130)
    email = forms.EmailField()
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "disabled": True}))
    blank_notes = forms.CharField(widget=forms.Textarea, required=False)
    flag = forms.BooleanField(required=False)
    choice = forms.ChoiceField(choices=CHOICES)
    many = forms.MultipleChoiceField(choices=CHOICES, required=False)
    radio = forms.ChoiceField(choices=CHOICES, widget=forms.RadioSelect(attrs={"class": "r"}))
    boxes = forms.MultipleChoiceField(
        choices=CHOICES, widget=forms.CheckboxSelectMultiple, required=False
    )
    safe = forms.CharField(initial=mark_safe("<b>kept</b>"))
    person = forms.TypedChoiceField(choices=NUMBERED, coerce=int, required=False)
    people = forms.TypedMultipleChoiceField(choices=NUMBERED, coerce=int, required=False)
    quoted = forms.ChoiceField(choices=[('say "hi"', "Quote"), ("x&y", "Amp")], required=False)


DATA = [
    {},
    {
        "text": "<script>'x'</script>",
        "hidden": "7",
        "number": "12",
        "email": "a@b.c",
        "date": "2026-12-01",
        "notes": "line one\nline <two> & three",
        "flag": "on",
        "choice": "c",
        "many": ["a", "d"],
        "radio": "b",
        "boxes": ["c"],
        "person": "2000",
        "people": ["1", "-3", "249"],
        "quoted": 'say "hi"',
    },
]


@pytest.mark.parametrize("data", DATA)
@pytest.mark.parametrize("field", list(Everything.base_fields))
def test_each_widget_renders_as_django_renders_it(field, data):
    stock = Everything(data or None, renderer=DjangoTemplates())
    fast = Everything(data or None, renderer=FastWidgetRenderer())
    assert str(fast[field]) == str(stock[field])


@pytest.mark.parametrize("language", ["en", "fr"])
def test_long_selects_render_as_django_renders_them(language, settings):
    settings.USE_THOUSAND_SEPARATOR = True  # a whole-number label is localized as text is not
    with override(language):
        for data in ({"person": "249", "people": ["10", "11"]}, None):
            stock = Everything(data, renderer=DjangoTemplates())
            fast = Everything(data, renderer=FastWidgetRenderer())
            for field in ("person", "people"):
                assert str(fast[field]) == str(stock[field])
                assert str(fast[field]).count("<option") == len(NUMBERED)


def test_whole_form_renders_as_django_renders_it():
    assert str(Everything(renderer=FastWidgetRenderer())) == str(
        Everything(renderer=DjangoTemplates())
    )


def without_tokens(html: str) -> str:
    """A page with the per-request values (CSRF token, CSP nonce, times) blanked out."""
    html = re.sub(r'(csrfmiddlewaretoken" value=|X-CSRFToken": )"[^"]+"', r"\1-", html)
    html = re.sub(r'nonce="[^"]+"', "nonce", html)
    return re.sub(r"\d\d:\d\d(:\d\d)?", "hh:mm", html)


@pytest.fixture
def content(db, directory):
    from io import StringIO

    from django.core.management import call_command

    call_command("load_content", stdout=StringIO())


def test_harbors_form_pages_are_the_same_with_either_renderer(personas, case, content, settings):
    pages = [
        ("clinician", f"/screening/cases/{case.ref}/"),
        ("clinician", f"/safety/cases/{case.ref}/care/"),
        ("clinician", f"/safety/cases/{case.ref}/reporting/"),
        ("clinician", f"/referrals/cases/{case.ref}/"),
        ("clinician", f"/cases/{case.ref}/edit/"),
        ("administrator", "/safety/checklists/immediate-care/"),
        ("administrator", "/safety/jurisdictions/CA-ON/"),
        ("administrator", "/facility/"),
    ]
    clients = {name: personas.client_for(name) for name in ("clinician", "administrator")}
    for persona, url in pages:
        settings.FORM_RENDERER = "django.forms.renderers.DjangoTemplates"
        stock = clients[persona].get(url)
        settings.FORM_RENDERER = "cases.renderers.FastWidgetRenderer"
        fast = clients[persona].get(url)
        assert stock.status_code == fast.status_code == 200, url
        assert without_tokens(fast.content.decode()) == without_tokens(stock.content.decode()), url
