"""HSDS 3.0: the published examples round-trip; bad files are refused, changing nothing."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from cases.models import AuditEntry
from referrals import hsds, hsds_import, hsds_tabular
from referrals.models import Organization, Service, ServiceVersion

SHARED = Path(__file__).resolve().parents[3] / "shared" / "hsds"
EXAMPLES = SHARED / "examples"
ROUND_TRIP = [
    "service_full.json",
    "service_list.json",
    "organization_full.json",
    "organization_list.json",
]


def example(name: str) -> str:
    return (EXAMPLES / name).read_text()


def exported(kind: str, pk: str) -> dict:
    if kind == "service":
        return hsds.export_service(Service.objects.get(pk=pk))
    return hsds.export_organization(Organization.objects.get(pk=pk))


def test_the_shipped_schemas_are_the_published_ones():
    for path in (SHARED / "schema").glob("*.json"):
        if path.name == "openapi.json":
            continue
        assert (hsds.SCHEMA_DIR / path.name).read_text() == path.read_text(), path.name


@pytest.mark.parametrize("name", ROUND_TRIP)
def test_a_published_example_imports_exports_and_imports_again_without_loss(db, name):
    raw = example(name)
    plan = hsds_import.commit_import(raw, by=None)
    assert plan.count("rejected") == 0
    objects, _terms, _error = hsds_import.read_document(raw)
    first = []
    for kind, original in objects:
        out = exported(kind, original["id"])
        assert hsds_import.contains(out, original), f"{name}: export lost data"
        assert hsds.schema_errors(out, kind) == []
        first.append((kind, out))
    # Import what we exported: nothing changes, and the second export equals the first.
    again = hsds_import.plan_import(json.dumps([out for _kind, out in first]))
    assert {row.outcome for row in again.rows} == {"unchanged"}
    hsds_import.commit_import(json.dumps([out for _kind, out in first]), by=None)
    for kind, out in first:
        assert exported(kind, out["id"]) == out


def test_the_example_service_lands_in_harbors_columns(db):
    hsds_import.commit_import(example("service_full.json"), by=None)
    service = Service.objects.get(pk="ac148810-d857-441c-9679-408f346de14b")
    assert (service.minimum_age, service.maximum_age) == (12, 100)
    assert service.assured_date.isoformat() == "2005-01-01"
    assert [lang.code for lang in service.languages.all()] == ["ur"]
    assert service.schedules.get().byday == "TH,FR"
    assert service.organization.name == "Example Organization Inc."
    assert service.at_locations.get().location.addresses.get().city == "MyCity"
    assert "funding" in service.extra and "cost_options" in service.extra


def bad_service() -> dict:
    service = json.loads(example("service_full.json"))
    service = copy.deepcopy(service)
    service["status"] = "open"  # not in the HSDS enum
    service["phones"][0]["id"] = "not-a-uuid"
    return service


def test_a_schema_invalid_row_is_rejected_with_its_reasons(db):
    plan = hsds_import.plan_import(json.dumps([bad_service()]))
    [row] = plan.rows
    assert row.outcome == "rejected"
    assert (
        "status: 'open' is not one of ['active', 'inactive', 'defunct', 'temporarily closed']"
        in row.reasons
    )
    assert "phones[0].id: 'not-a-uuid' is not a 'uuid'" in row.reasons
    assert not plan.can_commit


def test_harbors_own_checks_are_reasons_too(db):
    service = json.loads(example("service_full.json"))
    service["minimum_age"], service["maximum_age"] = 30, 20
    service["schedules"][0]["opens_at"] = "nine"
    service["attributes"] = [
        {
            "id": "ae58cc39-8b70-4ab1-8aea-786882e5ac8e",
            "taxonomy_term_id": "3f7b145d-84af-42d7-8fae-eaca714b02b2",
        }
    ]
    [row] = hsds_import.plan_import(json.dumps(service)).rows
    assert row.reasons == [
        "minimum_age is greater than maximum_age",
        "schedules[0].opens_at: not a time (HH:MM:SS)",
        "attributes[0]: taxonomy term 3f7b145d-84af-42d7-8fae-eaca714b02b2 is not in the directory",
    ]


def test_one_bad_row_means_nothing_is_imported(directory):
    before = Service.objects.count(), ServiceVersion.objects.count()
    good = json.loads(example("service_full.json"))
    with pytest.raises(hsds_import.ImportRefused) as refused:
        hsds_import.commit_import(json.dumps([good, bad_service()]), by=None)
    assert [row.outcome for row in refused.value.plan.rows] == ["added", "rejected"]
    assert (Service.objects.count(), ServiceVersion.objects.count()) == before


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{not json", "The file is not valid JSON"),
        ("42", "neither HSDS objects nor a list"),
        ("[]", "no service or organization"),
    ],
)
def test_a_malformed_file_is_refused_as_a_whole(db, raw, message):
    plan = hsds_import.plan_import(raw)
    assert message in plan.error
    assert not plan.can_commit
    with pytest.raises(hsds_import.ImportRefused):
        hsds_import.commit_import(raw, by=None)
    assert Service.objects.count() == 0


def test_harbor_flags_and_fields_travel_as_attributes(directory):
    shelter = Service.objects.get(name="Demo: Safe Harbour emergency shelter")
    out = hsds.export_service(shelter)
    assert hsds.schema_errors(out, "service") == []
    by_code = {a["taxonomy_term"]["code"]: a for a in out["attributes"]}
    assert by_code["trauma-informed"]["taxonomy_term"]["taxonomy"] == "harbor-flag"
    assert by_code["demo"]["value"] == "true"
    assert by_code["handover-contact"]["value"] == "Shelter worker on shift"
    # Round trip through Harbor's own export keeps the columns.
    Service.objects.filter(pk=shelter.pk).update(handover_contact="", is_demo=False)
    hsds_import.commit_import(json.dumps(out), by=None)
    shelter.refresh_from_db()
    assert (shelter.handover_contact, shelter.is_demo) == ("Shelter worker on shift", True)


def test_the_tabular_package_has_hsds_tables_and_a_datapackage(directory):
    tables = hsds_tabular.tabular_tables(Service.objects.all())
    columns, rows = tables["services"]
    assert columns[:4] == ["id", "organization_id", "program_id", "name"]
    assert len(rows) == 20
    phone_columns, phones = tables["phones"]
    assert "service_id" in phone_columns and all(p["service_id"] for p in phones)
    package = hsds_tabular.datapackage(tables)
    assert package["profile"] == "tabular-data-package"
    assert {r["path"] for r in package["resources"]} >= {
        "services.csv",
        "phones.csv",
        "attributes.csv",
    }
    services_resource = next(r for r in package["resources"] if r["path"] == "services.csv")
    assert [f["name"] for f in services_resource["schema"]["fields"]] == columns


def test_published_tabular_columns_match_ours():
    header = (EXAMPLES / "csv" / "services.csv").read_text().splitlines()[0].split(",")
    assert [name for name, _type in hsds_tabular.table_fields("service")] == header


def test_export_and_import_views_are_audited(personas, directory):
    from django.urls import reverse

    client = personas.client_for("administrator")
    response = client.get(reverse("referrals:directory-export"))
    data = json.loads(response.content)
    assert data["total_items"] == 20
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.EXPORT, user=personas.administrator
    ).exists()


def test_an_import_and_a_re_import_renew_the_search_keys(db):
    """Search filters read keys derived from the imported rows: a re-import must renew them."""
    raw = json.loads(example("service_full.json"))
    hsds_import.commit_import(json.dumps(raw), by=None)
    service = Service.objects.get(pk=raw["id"])
    term_ids = list(service.attributes.values_list("taxonomy_term_id", flat=True))
    assert term_ids, "the example carries taxonomy attributes"
    # Written out, not derived by rules.search_keys: the example's area is no region code, so
    # it has no key.
    assert set(service.search_keys) == {f"term:{i}" for i in term_ids} | {"language:ur"}
    for term_id in term_ids:
        assert list(Service.objects.with_term_ids([term_id])) == [service]
    assert list(Service.objects.speaking("ur")) == [service]

    raw["languages"][0]["code"] = "pa"
    raw["service_areas"][0]["extent"] = "CA-ON"
    hsds_import.commit_import(json.dumps(raw), by=None)
    assert list(Service.objects.speaking("ur")) == []
    assert list(Service.objects.speaking("pa").serving("CA-ON")) == [service]
