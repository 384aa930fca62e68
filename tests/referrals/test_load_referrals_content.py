"""The shipped directory is HSDS data, loaded by `manage.py load_content`."""

from __future__ import annotations

import io
import json
from pathlib import Path

from django.core.management import call_command

from referrals import hsds
from referrals.models import Service, ServiceVersion

CONTENT = Path(__file__).resolve().parents[2] / "referrals" / "content" / "directory.json"


def test_every_shipped_service_is_valid_hsds():
    document = json.loads(CONTENT.read_text())
    assert document["source"]
    for service in document["services"]:
        assert hsds.schema_errors(service, "service") == [], service["name"]


def test_the_national_lines_of_the_references_are_all_there(directory):
    numbers = set(Service.objects.values_list("phones__number", flat=True))
    for number in (
        "1-888-373-7888",
        "233733",
        "1-833-900-1010",
        "988",
        "1-800-799-7233",
        "1-800-656-4673",
        "1-866-331-9474",
        "1-800-422-4453",
        "1-800-668-6868",
        "1-855-242-3310",
        "1-800-843-5678",
    ):
        assert number in numbers


def test_local_organisations_are_labelled_demo(directory):
    demo = Service.objects.filter(is_demo=True)
    assert demo.count() == 9
    for service in demo:
        assert service.name.startswith("Demo:")
        assert "DEMO ENTRY" in service.description
        assert all("555" in p.number for p in service.phones.all())
    assert not Service.objects.filter(hotline_rank__isnull=False, is_demo=True).exists()


def test_load_content_loads_the_directory_once_and_keeps_edits(db):
    out = io.StringIO()
    call_command("load_content", stdout=out)
    assert "Referral directory: 20 services added." in out.getvalue()
    Service.objects.filter(name__startswith="Demo: Safe Harbour").update(alert="Full tonight")
    out = io.StringIO()
    call_command("load_content", stdout=out)
    assert "Referral directory: 0 services added." in out.getvalue()
    assert Service.objects.get(name__startswith="Demo: Safe Harbour").alert == "Full tonight"
    assert Service.objects.count() == 20
    assert ServiceVersion.objects.filter(note="Imported").count() == 20


def test_derived_search_columns_are_filled(directory):
    shelter = Service.objects.get(name="Demo: Safe Harbour emergency shelter")
    assert shelter.always_open
    assert " shelter " in shelter.search_text
    assert " housing " in shelter.search_text  # its partner kind, from the taxonomy
    assert not Service.objects.get(name="Demo: Lakeshore legal clinic").always_open
