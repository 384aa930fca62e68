"""Every hotline Harbor shows comes from the directory, through `cases.providers`."""

from __future__ import annotations

import pytest

from cases import providers
from referrals.models import Service

CA_LINES = ["Canadian Human Trafficking Hotline", "9-8-8 Suicide Crisis Helpline (Canada)"]


def names(lines) -> list[str]:
    return [line.full_name for line in lines]


def test_settings_name_the_directory_as_the_provider(settings):
    assert settings.HARBOR_HOTLINES_PROVIDER == "referrals.hotlines.hotlines_for"


def test_an_ontario_case_gets_the_canadian_lines_best_first(directory):
    lines = providers.hotlines_for(jurisdiction="CA-ON", language="en")
    assert names(lines)[:2] == CA_LINES
    assert all(line.country == "CA" for line in lines)
    first = lines[0]
    assert (first.phone, first.hours, first.screen_label) == (
        "1-833-900-1010",
        "24/7",
        "National 24/7 helpline",
    )
    assert first.service_id == "52d40bbb-f2bf-5fe2-bd08-95b3dcf921ee"


def test_a_texas_case_gets_the_us_lines_with_text_numbers(directory):
    lines = providers.hotlines_for(jurisdiction="US-TX", language="es")
    assert names(lines)[:2] == [
        "National Human Trafficking Hotline (US)",
        "988 Suicide and Crisis Lifeline (US)",
    ]
    assert (lines[0].phone, lines[0].text) == ("1-888-373-7888", "233733")
    assert "es" in lines[0].languages
    assert all(line.country == "US" for line in lines)


def test_a_jurisdiction_outside_the_table_gets_no_line(directory):
    assert providers.hotlines_for(jurisdiction="DEFAULT") == []
    assert providers.hotlines_for(jurisdiction="GB") == []


def test_no_provider_means_no_line(settings, directory):
    settings.HARBOR_HOTLINES_PROVIDER = ""
    assert providers.hotlines_for(jurisdiction="CA-ON") == []


def test_a_retired_line_is_not_shown(directory):
    Service.objects.filter(name=CA_LINES[0]).update(status=Service.Status.DEFUNCT)
    assert CA_LINES[0] not in names(providers.hotlines_for(jurisdiction="CA-ON"))


@pytest.mark.parametrize("jurisdiction", ["CA-ON", "US-NY"])
def test_screen_labels_never_name_the_crime(directory, jurisdiction):
    for line in providers.hotlines_for(jurisdiction=jurisdiction):
        assert line.screen_label
        for word in ("traffick", "exploit", "abuse", "assault", "violence"):
            assert word not in line.screen_label.lower()


def test_the_provider_reads_in_a_bounded_number_of_queries(
    directory, django_assert_max_num_queries
):
    # The directory's version marker, then the lines' rows; read again, only the marker
    # (tests/referrals/test_hotlines_kept.py).
    with django_assert_max_num_queries(6):
        assert len(providers.hotlines_for(jurisdiction="US-NY")) >= 5
