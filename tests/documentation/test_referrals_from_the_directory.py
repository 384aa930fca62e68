"""The note and the contacts handout read a case's referrals from the referral directory
(settings HARBOR_CASE_REFERRALS_PROVIDER → referrals.providers.case_referrals), under a name
paper may carry."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from cases.providers import CaseReferral
from documentation.models import EncounterNote
from referrals import actions as referral_actions
from referrals.models import Schedule, Service
from referrals.providers import case_referrals
from tests.documentation.test_documents import read, url

CA_LINE = "Canadian Human Trafficking Hotline"
LEGAL_CLINIC = "Demo: Lakeshore legal clinic"


@pytest.fixture
def offered(personas, case, directory) -> list[Service]:
    """The Canadian national line (telling name, neutral screen label) and a demo partner,
    offered on the case through the real action, the line first."""
    call_command("load_safety_content", stdout=StringIO())
    services = [Service.objects.get(name=CA_LINE), Service.objects.get(name=LEGAL_CLINIC)]
    for service in services:
        referral_actions.offer_service(case, service, by=personas.clinician)
    return services


def test_settings_name_the_directory_as_the_case_referrals_provider(settings):
    assert settings.HARBOR_CASE_REFERRALS_PROVIDER == "referrals.providers.case_referrals"


def test_a_case_referrals_come_newest_first_under_screen_safe_names(offered, case):
    assert case_referrals(case=case) == [
        CaseReferral(
            name=LEGAL_CLINIC,
            phone="+1 416 555 0102",
            hours="Tuesday to Thursday, 10:00 to 16:00.",
            status="Offered",
        ),
        CaseReferral(
            name="National 24/7 helpline", phone="1-833-900-1010", hours="24/7", status="Offered"
        ),
    ]


def test_a_telling_name_without_a_screen_label_gets_a_neutral_one(offered, case):
    Service.objects.filter(name=CA_LINE).update(screen_label="")
    names = [line.name for line in case_referrals(case=case)]
    assert names == [LEGAL_CLINIC, "Confidential 24/7 helpline"]


def test_a_case_without_referrals_has_none(personas, case, directory):
    assert case_referrals(case=case) == []


def test_the_provider_reads_in_a_bounded_number_of_queries(
    offered, case, django_assert_max_num_queries
):
    with django_assert_max_num_queries(3):
        assert len(case_referrals(case=case)) == 2


def test_names_only_reads_one_query_and_names_each_line_as_the_full_answer(
    offered, case, django_assert_num_queries
):
    with django_assert_num_queries(1):
        lines = case_referrals(case=case, contacts=False)
    assert lines == [
        CaseReferral(name=line.name, status=line.status) for line in case_referrals(case=case)
    ]
    assert [line.name for line in lines] == [LEGAL_CLINIC, "National 24/7 helpline"]


@pytest.mark.parametrize("always_open", [True, False])
def test_names_only_a_telling_name_is_labelled_by_its_hours_as_the_full_answer(
    offered, case, always_open, django_assert_num_queries
):
    # The neutral label says 24/7 when the hours do: from the entry's always-open flag, or from
    # a schedule's words (read then, for those entries alone).
    line = Service.objects.get(name=CA_LINE)
    Service.objects.filter(pk=line.pk).update(screen_label="", always_open=always_open)
    line.schedules.all().delete()
    Schedule.objects.create(service=line, position=0, description="Open 24/7, every day")
    full = [line.name for line in case_referrals(case=case)]
    with django_assert_num_queries(1 if always_open else 2):
        names = [line.name for line in case_referrals(case=case, contacts=False)]
    assert names == full == [LEGAL_CLINIC, "Confidential 24/7 helpline"]
    Schedule.objects.filter(service=line).update(description="Weekdays 9 to 5")
    expected = "Confidential 24/7 helpline" if always_open else "Confidential helpline"
    assert [line.name for line in case_referrals(case=case, contacts=False)][1] == expected
    assert [line.name for line in case_referrals(case=case)][1] == expected


def test_the_notes_referrals_section_is_prefilled_from_the_directory(offered, personas, case):
    personas.client_for("clinician").post(f"/documentation/cases/{case.ref}/start/")
    note = EncounterNote.objects.get(case=case)
    assert note.sections["referrals"] == (
        f"- {LEGAL_CLINIC}: Offered\n- National 24/7 helpline: Offered"
    )


def test_the_contacts_handout_lists_the_neutral_label_never_the_full_name(offered, personas, case):
    _, text = read(personas.client_for("clinician").get(url(case, "contacts/")))
    assert "National 24/7 helpline" in text and "1-833-900-1010" in text
    assert "Lakeshore legal clinic" in text
    assert "Trafficking" not in text and CA_LINE not in text
    assert "Offered" not in text  # the referral's status is for the team, not the patient
