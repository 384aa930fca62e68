"""The Notes tab's option lists (`select_options`) write what the template loop wrote, in each
language and for every value a form can hold, from the cache as from a first render."""

from __future__ import annotations

import pytest
from django.template import engines
from django.utils import translation

from documentation.forms import CodingForm, InjuryForm
from documentation.rules import body_sites
from documentation.templatetags import note_fields

# The loop the tag replaced, as the Notes tab had it.
LOOP = (
    "{% for value, label in field.field.choices %}"
    '<option value="{{ value }}"{% if field.value == value %} selected{% endif %}>'
    "{{ label }}</option>{% endfor %}"
)
TAG = "{% load note_fields %}{% select_options field %}"


def both(field) -> tuple[str, str]:
    engine = engines["django"]
    return (
        engine.from_string(LOOP).render({"field": field}),
        engine.from_string(TAG).render({"field": field}),
    )


def injury_forms():
    slugs = [site.slug for site in body_sites()]
    yield InjuryForm(initial={"version": 1, "site": ""})
    yield InjuryForm(initial={"version": 1, "site": "not-a-site"})
    for slug in (slugs[0], slugs[-1]):
        yield InjuryForm(initial={"version": 1, "site": slug})
        yield InjuryForm({"version": "1", "site": slug, "length_cm": ""})
    yield InjuryForm({"version": "1"})  # posted without a site


def coding_forms():
    yield CodingForm(initial=CodingForm.START)
    yield CodingForm(
        {
            "sexual": "ruled_out",
            "labour": "confirmed",
            "encounter": "S",
            "multiple": "yes",
            "past": "no",
            "childhood": "nonsense",
        }
    )
    yield CodingForm({})


@pytest.mark.parametrize("language", ["en", "fr"])
def test_options_are_the_loops_markup_in_each_language(language):
    note_fields._CACHE.clear()
    with translation.override(language):
        for _round in ("first render", "from the cache"):
            for form in injury_forms():
                loop, tag = both(form["site"])
                assert tag == loop
            for form in coding_forms():
                for field in form:
                    loop, tag = both(field)
                    assert tag == loop
    # Cached per language and option chosen, never per free input.
    assert all(key[2] == language for key in note_fields._CACHE)


def test_the_chosen_site_is_selected_and_labelled_in_the_readers_language():
    chest = next(site for site in body_sites("fr") if site.slug == "chest")
    with translation.override("fr"):
        _loop, tag = both(InjuryForm(initial={"version": 1, "site": "chest"})["site"])
        choose = translation.gettext("Choose…")
    assert chest.label != "Chest"
    assert f'<option value="chest" selected>{chest.label}</option>' in tag
    assert tag.count(" selected") == 1
    assert tag.startswith(f'<option value="">{choose}</option>')


def test_an_unknown_site_selects_nothing_and_adds_no_cache_entry():
    note_fields._CACHE.clear()
    for n in range(5):
        _loop, tag = both(InjuryForm(initial={"version": 1, "site": f"typed-{n}"})["site"])
        assert " selected" not in tag
    assert len(note_fields._CACHE) == 1


# The draft's loops the tags replaced, as the Notes tab had them.
SECTIONS_LOOP = """        {% for field in form.section_fields %}
        <div class="mb-3">
          <label class="form-label fw-semibold" for="{{ field.id_for_label }}">{{ field.label }}</label>
          <p class="form-text mt-0 mb-1" id="{{ field.id_for_label }}-help">{{ field.help_text }}</p>
          {{ field }}
        </div>
        {% endfor %}
        {% for field in form.consent_fields %}{% if forloop.first %}<h4 class="h6">{% translate "Consents" %}</h4>{% endif %}
        <fieldset class="mb-2">
          <legend class="fs-6 mb-0">{{ field.label }}</legend>
          {% for radio in field %}<span class="form-check form-check-inline">{{ radio.tag }}<label class="form-check-label" for="{{ radio.id_for_label }}">{{ radio.choice_label }}</label></span>{% endfor %}
        </fieldset>
        {% endfor %}
"""  # noqa: E501 - the template's own lines
SECTIONS_TAGS = """        {% section_fields form %}
        {% consent_fields form %}
"""


def note_forms(template):
    from documentation.forms import NoteForm

    slugs = [s.slug for s in template.sections]
    consents = [c.slug for c in template.consents]
    initial = {
        "version": 3,
        **{f"section_{slug}": f"Text <b>{n}</b> & “words”" for n, slug in enumerate(slugs)},
        **{f"consent_{slug}": "given" for slug in consents[:1]},
    }
    yield NoteForm(template, initial=initial)
    # The same template with other answers: the cached consents must follow the answers.
    yield NoteForm(template, initial={**initial, f"consent_{consents[0]}": "declined"})
    yield NoteForm(template, initial=initial)
    posted = {"version": "x", f"section_{slugs[0]}": "a" * 20_001}
    posted |= {f"consent_{consents[-1]}": "nonsense"} if consents else {}
    invalid = NoteForm(template, posted)
    assert not invalid.is_valid()  # errors: the widgets say so (aria-invalid)
    yield invalid


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_drafts_fields_are_the_loops_markup(language):
    from documentation import actions

    engine = engines["django"]
    note_fields._CONSENTS.clear()
    with translation.override(language):
        template = actions.current_template().rule()
        assert template.sections and template.consents
        for form in [*note_forms(template), *note_forms(template)]:  # then from the cache
            loop = engine.from_string("{% load i18n %}" + SECTIONS_LOOP).render({"form": form})
            tags = engine.from_string("{% load note_fields %}" + SECTIONS_TAGS).render(
                {"form": form}
            )
            assert tags == loop
            assert f'for="id_section_{template.sections[0].slug}"' in tags
            assert str(template.sections[0].label) in tags
            assert ('aria-invalid="true"' in tags) == bool(form.is_bound and form.errors)


# The injury form's loop the tag replaced, as the Notes tab had it.
INJURY_LOOP = """          {% for field in injury_form.visible_fields %}
            <div class="{% if field.name == 'description' or field.name == 'site' %}col-12{% else %}col-6{% endif %}">
              <label class="form-label mb-0" for="{{ field.id_for_label }}">{{ field.label }}</label>
              {% if field.name == "site" %}<select name="site" id="{{ field.id_for_label }}" class="form-select{% if field.errors %} is-invalid{% endif %}"{% if field.errors %} aria-describedby="{{ field.id_for_label }}-error"{% endif %}>{% select_options field %}</select>
              {% else %}<input type="text" name="{{ field.html_name }}" id="{{ field.id_for_label }}" value="{{ field.value|default:'' }}" class="form-control{% if field.errors %} is-invalid{% endif %}"{% if field.name == 'length_cm' or field.name == 'width_cm' %} inputmode="decimal"{% endif %}{% if field.errors %} aria-describedby="{{ field.id_for_label }}-error"{% endif %}>{% endif %}
              {% for error in field.errors %}<p class="text-danger small mb-0" id="{{ field.id_for_label }}-error">{{ error }}</p>{% endfor %}
            </div>
          {% endfor %}
"""  # noqa: E501 - the template's own lines
INJURY_TAG = """          {% injury_fields injury_form %}
"""


def filled_injury_forms():
    yield from injury_forms()
    typed = {"version": "1", "site": "chest", "colour": "<b>blue</b> & “dark”"}
    yield InjuryForm({**typed, "length_cm": "2", "width_cm": "x", "description": "round"})
    yield InjuryForm({**typed, "length_cm": "2.5", "shape": "ring", "description": "a" * 301})


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_injury_fields_are_the_loops_markup_with_values_and_errors(language):
    engine = engines["django"]
    with translation.override(language):
        for form in filled_injury_forms():
            context = {"injury_form": form}
            loop = engine.from_string("{% load note_fields %}" + INJURY_LOOP).render(context)
            tag = engine.from_string("{% load note_fields %}" + INJURY_TAG).render(context)
            assert tag == loop
    # The forms above include errors and typed values (escaped), so both paths are compared.
    assert "is-invalid" in loop and "&lt;b&gt;blue" in loop
