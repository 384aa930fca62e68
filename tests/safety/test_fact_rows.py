"""Each fact of the Reporting tab's form is written by `safety_fields.as_question`: the same row
as the template partial it replaced, with and without help and errors, in each language."""

from __future__ import annotations

import pytest
from django import forms
from django.template import engines
from django.utils import translation

from safety.reporting_forms import FactsForm
from safety.templatetags.safety_fields import as_question

# The `question` partial of safety/case_reporting.html as it was, the reference.
PARTIAL = """
{# One fact as a compact row: the question is the legend of its own group of inline radios. #}
<fieldset class="row g-1 align-items-center mb-1"{% if field.help_text or field.errors %} aria-describedby="{% if field.help_text %}{{ field.auto_id }}_help {% endif %}{% if field.errors %}{{ field.auto_id }}_error{% endif %}"{% endif %}>
  <legend class="col-sm-6 col-form-label col-form-label-sm py-0 mb-0">{{ field.label }}</legend>
  <div class="col-sm-6">
    {% for choice in field %}<div class="form-check form-check-inline mb-0">{{ choice.tag }}<label class="form-check-label" for="{{ choice.id_for_label }}">{{ choice.choice_label }}</label></div>{% endfor %}
  </div>
  {% if field.help_text %}<div id="{{ field.auto_id }}_help" class="form-text col-12 mt-0">{{ field.help_text }}</div>{% endif %}
  {% if field.errors %}<div id="{{ field.auto_id }}_error" class="invalid-feedback d-block col-12 mt-0">{% for error in field.errors %}{{ error }} {% endfor %}</div>{% endif %}
</fieldset>
"""  # noqa: E501 - the partial's own lines


def reference(field) -> str:
    return engines["django"].from_string(PARTIAL).render({"field": field})


ASKED = ["injury_kind", "lives_in_care_facility", "patient_consents", "exploitation_kind"]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_each_row_is_the_partials_row(language):
    with translation.override(language):
        form = FactsForm(initial={"age_basis": "unknown"}, ask=ASKED)
        for field in [form["age_basis"], *form.questions()]:
            assert as_question(field) == reference(field)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_row_with_errors_and_help_is_the_partials_row(language):
    with translation.override(language):
        # An age with "not known" and no injury answer: both rows carry their errors.
        form = FactsForm({"age": "40", "age_basis": "unknown"}, ask=ASKED)
        form.fields["injury_kind"].help_text = "Gunshot & stab wounds <first>"
        assert not form.is_valid()
        rows = [form["age_basis"], form["injury_kind"]]
        assert all(row.errors for row in rows)
        for field in rows:
            html = as_question(field)
            assert html == reference(field)
            assert f'aria-describedby="{field.auto_id}_' in html
        assert "&amp; stab wounds &lt;first&gt;" in as_question(form["injury_kind"])


def test_a_plain_choice_field_reads_the_same():
    class Asked(forms.Form):
        answer = forms.ChoiceField(
            label="Is <this> asked?",
            choices=[("yes", "Yes"), ("no", "No")],
            widget=forms.RadioSelect,
        )

    field = Asked({"answer": "maybe"})["answer"]
    assert as_question(field) == reference(field)
    assert "Is &lt;this&gt; asked?" in as_question(field)
