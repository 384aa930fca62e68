"""The case's jurisdiction: chosen from the rule table's places (or an explicit "elsewhere"),
with the same field and validation on start and edit, and refused by the model otherwise."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cases import actions
from cases.jurisdictions import ELSEWHERE
from cases.models import Case
from tests.visible_text import visible_text

# What a free-text field used to accept: a name, a made-up code, a misspelt code, the table's
# internal baseline, and a lower-case code.
REFUSED = ["Ontario", "ONTARIO", "ZZ-QQ", "CA-ONT", "DEFAULT", "ca-on", "CA", ""]


def start(client, jurisdiction):
    return client.post(
        reverse("cases:start-case"),
        {"unit": "", "jurisdiction": jurisdiction, "preferred_language": "en"},
    )


@pytest.mark.parametrize("value", REFUSED)
def test_starting_a_case_refuses_a_jurisdiction_outside_the_table(personas, value):
    client = personas.client_for("clinician")
    response = client.post(
        reverse("cases:start-case"),
        {"unit": personas.emergency.pk, "jurisdiction": value, "preferred_language": "es"},
    )
    assert response.status_code == 200
    assert not Case.objects.exists()
    html = response.content.decode()
    assert "Select a valid choice" in html or "This field is required." in html
    assert 'value="es" selected' in html  # what was chosen is kept


@pytest.mark.parametrize("value", REFUSED)
def test_editing_a_case_refuses_a_jurisdiction_outside_the_table(personas, case, value):
    response = personas.client_for("clinician").post(
        reverse("cases:edit-case", kwargs={"case_ref": case.ref}),
        {
            "age_years": 24,
            "jurisdiction": value,
            "preferred_language": "en",
            "status": case.status,
            "version": case.version,
        },
    )
    assert response.status_code == 200
    case.refresh_from_db()
    assert case.jurisdiction == "CA-ON" and case.version == 1


@pytest.mark.parametrize("value", REFUSED)
def test_the_model_refuses_a_jurisdiction_outside_the_table(personas, value):
    case = Case(facility=personas.facility, unit=personas.emergency, jurisdiction=value)
    with pytest.raises(ValidationError) as refused:
        case.full_clean(exclude=["created_by"])
    assert "jurisdiction" in refused.value.message_dict


@pytest.mark.parametrize("value", ["CA-ON", "US-TX", "CA-NU", ELSEWHERE])
def test_a_place_in_the_table_or_elsewhere_is_accepted(personas, value):
    response = personas.client_for("clinician").post(
        reverse("cases:start-case"),
        {"unit": personas.emergency.pk, "jurisdiction": value, "preferred_language": "en"},
    )
    assert response.status_code == 302
    assert Case.objects.get().jurisdiction == value


def test_one_select_grouped_by_country_with_the_facility_preselected(personas):
    html = personas.client_for("clinician").get(reverse("cases:start-case")).content.decode()
    select = html.split('name="jurisdiction"')[1].split("</select>")[0]
    groups = re.findall(r'<optgroup label="([^"]+)">', select)
    assert groups == ["Canada", "United States"]
    canada = select.split('<optgroup label="Canada">')[1].split("</optgroup>")[0]
    names = re.findall(r'<option value="[A-Z-]+"[^>]*>([^<]+)</option>', canada)
    assert len(names) == 13 and names == sorted(names) and "Ontario" in names
    assert re.search(r'<option value="CA-ON" selected>Ontario</option>', select)
    assert '<option value="ELSEWHERE">Elsewhere (no rules in Harbor)</option>' in select
    assert "DEFAULT" not in select and 'value="CA"' not in select
    label = re.search(r'<label\s+for="id_jurisdiction"[^>]*>\s*([^<]+?)\s*<', html)
    assert label and label.group(1).startswith("Province, territory or state")


def test_the_gate_wording_follows_the_cases_jurisdiction(personas):
    for jurisdiction, expected in (("US-NY", "New York"), (ELSEWHERE, "Elsewhere")):
        case = actions.open_case(
            unit=personas.emergency,
            jurisdiction=jurisdiction,
            age_years=30,
            preferred_language="en",
            by=personas.clinician,
        )
        html = (
            personas.client_for("clinician")
            .get(reverse("screening:case-screening", kwargs={"case_ref": case.ref}))
            .content.decode()
        )
        assert f"Limits of confidentiality ({expected}" in html


def test_the_gates_lines_follow_the_country_of_every_place_in_the_table(personas, directory):
    """The directory's national lines cover every country of the rule table, and each province,
    territory or state gets its own country's lines, on the gate as in the directory."""
    from cases.jurisdictions import places
    from cases.providers import hotlines_for

    table = places()
    assert {country for _code, _name, country in table} == {"CA", "US"}
    for code, _name, country in table:
        lines = hotlines_for(jurisdiction=code)
        assert lines, code
        assert {line.country for line in lines} == {country}, code
        phones = {line.phone for line in lines}
        assert ("1-888-373-7888" in phones) is (country == "US"), code  # the US national line
        assert ("1-833-900-1010" in phones) is (country == "CA"), code  # the Canadian line
        assert "988" in phones, code  # the crisis line, in both countries


@pytest.mark.parametrize(
    ("jurisdiction", "shown", "absent"),
    [
        ("US-TX", "1-888-373-7888", "1-833-900-1010"),
        ("CA-QC", "1-833-900-1010", "1-888-373-7888"),
    ],
)
def test_the_gate_shows_the_lines_of_the_case_country(
    personas, directory, jurisdiction, shown, absent
):
    case = actions.open_case(
        unit=personas.emergency,
        jurisdiction=jurisdiction,
        age_years=30,
        preferred_language="en",
        by=personas.clinician,
    )
    page = visible_text(
        personas.client_for("clinician")
        .get(reverse("screening:case-screening", kwargs={"case_ref": case.ref}))
        .content.decode()
    )
    assert shown in page and absent not in page
