"""Administrators create, edit, verify, retire and import directory entries; nobody else can."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import AuditEntry
from referrals import hsds, hsds_import
from referrals.actions import entry_version
from referrals.forms import ServiceEditor
from referrals.models import DirectoryImport, Service, ServiceVersion
from referrals.search import SearchCriteria, search_services

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "hsds" / "examples"
COUNSELLING = "Demo: Northside counselling"
ADMIN_URLS = [
    ("referrals:directory", []),
    ("referrals:directory-settings", []),
    ("referrals:directory-import", []),
    ("referrals:directory-export", []),
    ("referrals:directory-export-tabular", []),
]
STATUS = {"administrator": 200, "clinician": 403, "other_clinician": 403, "supervisor": 403}


def form_data(service: Service | None = None, **changes) -> dict:
    """What the editor's browser sends for an entry as it stands (plus `changes`)."""
    data: dict = {
        "name": "Demo: a new partner",
        "organization_name": "Demo: New Partner Org",
        "regions": "CA-ON",
        "base_version": 0,
    }
    if service is not None:
        newest = entry_version(service)
        editor = ServiceEditor(None, content=newest.as_content(), base_version=newest.version)
        # As the page shows them (lists of codes typed as "en, fr").
        data = {name: editor.form[name].value() for name in editor.form.fields}
    data.update(changes)
    clean = {}
    for key, value in data.items():
        if value is None or value is False:
            continue
        clean[key] = "on" if value is True else value
    return clean


def edit_url(service, **query) -> str:
    url = reverse("referrals:service-edit", args=[service.pk])
    return f"{url}?{'&'.join(f'{k}={v}' for k, v in query.items())}" if query else url


@pytest.mark.parametrize("persona", [*STATUS, "anonymous"])
@pytest.mark.parametrize(("url_name", "args"), ADMIN_URLS)
def test_only_administrators_reach_the_directory_pages(
    personas, directory, persona, url_name, args
):
    response = personas.client_for(persona).get(reverse(url_name, args=args))
    assert response.status_code == STATUS.get(persona, 302)


@pytest.mark.parametrize("persona", ["clinician", "supervisor"])
def test_clinicians_and_supervisors_cannot_edit_verify_or_retire(personas, directory, persona):
    service = Service.objects.get(name=COUNSELLING)
    client = personas.client_for(persona)
    for name, data in (
        ("referrals:service-edit", form_data(service, name="Changed")),
        ("referrals:service-verify", {"base_version": service.version}),
        ("referrals:service-status", {"base_version": service.version, "status": "defunct"}),
    ):
        assert client.post(reverse(name, args=[service.pk]), data).status_code == 403
    service.refresh_from_db()
    assert (service.name, service.status, service.assured_date.isoformat()) == (
        COUNSELLING,
        "active",
        "2025-01-10",
    )


def new_entry_url(client) -> str:
    response = client.get(reverse("referrals:service-new"))
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.parametrize("persona", [*STATUS, "anonymous"])
def test_only_administrators_start_a_new_entry(personas, directory, persona):
    response = personas.client_for(persona).get(reverse("referrals:service-new"))
    expected = {"administrator": 302, "anonymous": 302}.get(persona, 403)
    assert response.status_code == expected
    if persona == "administrator":
        page = personas.client_for(persona).get(response["Location"])
        assert page.status_code == 200 and "New directory entry" in page.content.decode()


def test_an_administrator_creates_an_entry_clinicians_then_find(personas, directory):
    client = personas.client_for("administrator")
    data = form_data(
        name="Demo: Riverside food bank",
        description="Groceries, no questions asked.",
        regions="CA-ON",
        languages="en, fr",
        phone="+1 416 555 0110",
        kinds=["housing"],
        always_open=True,
    )
    response = client.post(new_entry_url(client), data)
    assert response.status_code == 302
    service = Service.objects.get(name="Demo: Riverside food bank")
    assert (service.always_open, service.organization.name) == (True, "Demo: New Partner Org")
    assert [lang.code for lang in service.languages.all()] == ["en", "fr"]
    version = ServiceVersion.objects.get(slug=str(service.pk))
    assert (version.version, version.created_by, service.version) == (1, personas.administrator, 1)
    assert version.content["kinds"] == ["housing"]
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.CONTENT_CHANGE,
        detail__object="referral-directory-entry",
        detail__slug=str(service.pk),
        detail__version=1,
    ).exists()
    html = (
        personas.client_for("clinician")
        .get(reverse("referrals:search"), {"text": "groceries", "region": "CA-ON"})
        .content.decode()
    )
    assert "Demo: Riverside food bank" in html


def test_saving_a_new_entry_twice_makes_one_entry(personas, directory):
    client = personas.client_for("administrator")
    url = new_entry_url(client)
    assert client.post(url, form_data(name="Demo: once")).status_code == 302
    again = client.post(url, form_data(name="Demo: once"))
    assert again.status_code == 409
    assert Service.objects.filter(name="Demo: once").count() == 1


def test_an_edit_keeps_row_level_history_shown_as_a_diff(personas, directory):
    service = Service.objects.get(name=COUNSELLING)
    client = personas.client_for("administrator")
    data = form_data(
        service, alert="Closed 24–26 December", languages="en, pt, zh, es", note="Holidays"
    )
    assert client.post(edit_url(service), data).status_code == 302
    newest = ServiceVersion.objects.newest(str(service.pk))
    assert (newest.version, newest.note, newest.created_by) == (
        2,
        "Holidays",
        personas.administrator,
    )
    [change] = newest.changes
    assert (change["row"], change["op"]) == ("", "changed")
    assert change["fields"] == {
        "alert": ["", "Closed 24–26 December"],
        "languages": [["en", "pt", "zh"], ["en", "pt", "zh", "es"]],
    }
    html = client.get(edit_url(service)).content.decode()
    history = html.split('id="history-heading"')[1]
    assert "Version 2" in history and "Holidays" in history
    assert "alert:</span> <del></del> → Closed 24–26 December" in history


def test_the_history_reads_no_documents(personas, directory, django_assert_max_num_queries):
    service = Service.objects.get(name=COUNSELLING)
    client = personas.client_for("administrator")
    for n in range(6):
        client.post(edit_url(service), form_data(service, alert=f"Notice {n}"))
    assert ServiceVersion.objects.newest(str(service.pk)).version == 7
    # The same whatever the number of versions: history rows come from their stored changes.
    with django_assert_max_num_queries(20):
        html = client.get(edit_url(service)).content.decode()
    assert html.count('href="?version=') == 7


def test_any_version_is_restored_by_opening_and_saving_it(personas, directory):
    service = Service.objects.get(name=COUNSELLING)
    client = personas.client_for("administrator")
    client.post(edit_url(service), form_data(service, alert="Temporary notice"))
    old = client.get(edit_url(service, version=1))
    page = old.content.decode()
    assert old.status_code == 200
    assert "You are looking at version 1" in page and 'value="Restore version 1"' in page
    assert "Temporary notice" not in page.split('id="history-heading"')[0]
    data = form_data(service, alert="", note="Restore version 1")
    data["base_version"] = 2
    assert client.post(edit_url(service, version=1), data).status_code == 302
    service.refresh_from_db()
    newest = ServiceVersion.objects.newest(str(service.pk))
    assert (service.alert, service.version, newest.version) == ("", 3, 3)
    assert newest.changes[0]["fields"]["alert"] == ["Temporary notice", ""]
    assert client.get(edit_url(service, version=9)).status_code == 404


def test_a_save_from_an_old_version_is_refused_showing_theirs_and_yours(personas, directory):
    service = Service.objects.get(name=COUNSELLING)
    client = personas.client_for("administrator")
    stale = form_data(service, alert="Mine")
    client.post(edit_url(service), form_data(service, alert="Theirs"))
    response = client.post(edit_url(service), stale)
    html = response.content.decode()
    assert response.status_code == 409
    assert "saved version 2" in html and "while you were editing" in html
    refused = html.split('id="refused"')[1].split("</div>\n</div>")[0]
    theirs, yours = refused.split("Yours (not saved yet)")
    assert "Theirs" in theirs and "Mine" in yours
    assert "Mine</textarea>" in html  # what was typed stays in the form
    service.refresh_from_db()
    assert service.alert == "Theirs"
    # Saving again, knowingly, replaces theirs.
    again = client.post(edit_url(service), {**stale, "base_version": 2})
    assert again.status_code == 302
    service.refresh_from_db()
    assert service.alert == "Mine"


def test_bad_input_is_a_400_that_keeps_what_was_typed(personas, directory):
    service = Service.objects.get(name=COUNSELLING)
    response = personas.client_for("administrator").post(
        edit_url(service),
        form_data(service, minimum_age=30, maximum_age=20, regions="Ontario", alert="typed text"),
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "The maximum age is below the minimum age." in html
    assert "Use codes like CA, CA-ON or US-TX (not: ONTARIO)." in html
    assert "typed text" in html
    assert ServiceVersion.objects.newest(str(service.pk)).version == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"languages": "english"}, "Not a language code: english"),
        ({"days": ["MO"], "opens_at": "17:00", "closes_at": "09:00"}, "Closing time must be after"),
        (
            {"days": ["MO"], "opens_at": "09:00", "closes_at": ""},
            "Give the days, the opening and the closing time.",
        ),
        ({"maximum_age": 200}, "200 is greater than the maximum of 130"),
        ({"name": ""}, "This field is required."),
    ],
)
def test_each_rule_of_an_entry_is_shown_on_its_field(personas, directory, changes, message):
    service = Service.objects.get(name=COUNSELLING)
    response = personas.client_for("administrator").post(
        edit_url(service), form_data(service, **changes)
    )
    assert response.status_code == 400
    assert message in response.content.decode()


def test_an_entry_breaking_its_schema_is_refused_by_save_version(directory):
    from cases.content import save_version
    from cases.schemas import ContentInvalid

    service = Service.objects.get(name=COUNSELLING)
    document = {**entry_version(service).as_content(), "status": "closed", "kinds": ["nope"]}
    with pytest.raises(ContentInvalid) as refused:
        save_version(ServiceVersion, str(service.pk), document, base_version=1, by=None)
    assert {problem.path[0] for problem in refused.value.problems} == {"status"}


def test_stale_entries_form_the_work_list_and_verifying_clears_them(personas, directory):
    client = personas.client_for("administrator")
    work_list = (
        client.get(reverse("referrals:directory"))
        .content.decode()
        .split('id="work-list"')[1]
        .split("</section>")[0]
    )
    assert COUNSELLING in work_list  # verified 2025-01-10
    assert "Demo: newcomer settlement services" in work_list  # never verified
    assert "Demo: Safe Harbour emergency shelter" not in work_list
    service = Service.objects.get(name=COUNSELLING)
    response = client.post(
        reverse("referrals:service-verify", args=[service.pk]),
        {"base_version": service.version, "next": "directory"},
    )
    assert response.status_code == 302
    service.refresh_from_db()
    assert (service.assured_date, service.verified_by, service.assurer_email) == (
        timezone.localdate(),
        personas.administrator,
        personas.administrator.email,
    )
    newest = ServiceVersion.objects.newest(str(service.pk))
    assert newest.note == "Verified with the partner"
    assert newest.changes[0]["fields"]["assured_date"] == [
        "2025-01-10",
        timezone.localdate().isoformat(),
    ]
    work_list = (
        client.get(reverse("referrals:directory"))
        .content.decode()
        .split('id="work-list"')[1]
        .split("</section>")[0]
    )
    assert COUNSELLING not in work_list


def test_verifying_from_an_old_page_is_refused(personas, directory):
    service = Service.objects.get(name=COUNSELLING)
    client = personas.client_for("administrator")
    client.post(edit_url(service), form_data(service, alert="Changed first"))
    response = client.post(
        reverse("referrals:service-verify", args=[service.pk]), {"base_version": 1}, follow=True
    )
    assert "The entry changed meanwhile" in response.content.decode()
    service.refresh_from_db()
    assert service.assured_date.isoformat() == "2025-01-10"
    bad = client.post(reverse("referrals:service-verify", args=[service.pk]), {"base_version": "x"})
    assert bad.status_code == 400


def test_the_facility_sets_when_entries_go_stale(personas, directory):
    client = personas.client_for("administrator")
    assert (
        client.post(reverse("referrals:directory-settings"), {"stale_after_days": 7}).status_code
        == 302
    )
    shelter = Service.objects.get(name="Demo: Safe Harbour emergency shelter")
    Service.objects.filter(pk=shelter.pk).update(
        assured_date=timezone.localdate() - timedelta(days=8)
    )
    html = client.get(reverse("referrals:directory")).content.decode()
    assert "not verified in 7 days" in html
    assert (
        "Demo: Safe Harbour emergency shelter"
        in html.split('id="work-list"')[1].split("</section>")[0]
    )
    assert (
        client.post(reverse("referrals:directory-settings"), {"stale_after_days": 0}).status_code
        == 400
    )


def test_retiring_hides_an_entry_from_search_and_it_can_come_back(personas, directory):
    service = Service.objects.get(name=COUNSELLING)
    client = personas.client_for("administrator")
    client.post(
        reverse("referrals:service-status", args=[service.pk]),
        {"base_version": 1, "status": "defunct"},
    )
    service.refresh_from_db()
    assert service.status == "defunct"
    search = reverse("referrals:search")
    clinician = personas.client_for("clinician")
    assert COUNSELLING not in clinician.get(search, {"need": "mental-health"}).content.decode()
    client.post(
        reverse("referrals:service-status", args=[service.pk]),
        {"base_version": 2, "status": "active"},
    )
    assert COUNSELLING in clinician.get(search, {"need": "mental-health"}).content.decode()
    notes = ServiceVersion.objects.filter(slug=str(service.pk)).order_by("-version")
    assert list(notes.values_list("note", flat=True)[:2]) == [
        "Returned to the directory",
        "Retired",
    ]
    unknown = client.post(
        reverse("referrals:service-status", args=[service.pk]),
        {"base_version": 3, "status": "paused"},
    )
    assert unknown.status_code == 400


def test_restoring_an_old_version_keeps_the_entry_retired_and_verified_as_it_is(
    personas, directory
):
    service = Service.objects.get(name=COUNSELLING)
    client = personas.client_for("administrator")
    client.post(
        reverse("referrals:service-status", args=[service.pk]),
        {"base_version": 1, "status": "defunct"},
    )
    data = form_data(service, note="Restore version 1")
    assert client.post(edit_url(service, version=1), data).status_code in (302,)
    service.refresh_from_db()
    assert service.status == "defunct"


def test_a_version_kept_from_before_whole_versions_is_readable_not_restorable(personas, directory):
    service = Service.objects.get(name=COUNSELLING)
    ServiceVersion.objects.filter(slug=str(service.pk)).update(content={})  # as migrated
    client = personas.client_for("administrator")
    page = client.get(edit_url(service))  # records the rows as they stand: version 2
    assert page.status_code == 200
    assert ServiceVersion.objects.newest(str(service.pk)).note == "Recorded as the directory stood"
    assert client.get(edit_url(service, version=1)).status_code == 404
    assert client.get(edit_url(service, version=2)).status_code == 200


def test_editing_an_imported_entry_keeps_its_other_hsds_fields(personas, directory):
    raw = (EXAMPLES / "service_full.json").read_text()
    hsds_import.commit_import(raw, by=None)
    service = Service.objects.get(pk="ac148810-d857-441c-9679-408f346de14b")
    client = personas.client_for("administrator")
    # Its service area is GeoJSON, not a Harbor region, so the editor asks for one.
    refused = client.post(edit_url(service), form_data(service))
    assert refused.status_code == 400 and "This field is required." in refused.content.decode()
    data = form_data(service, alert="Moved online", regions="US")
    assert client.post(edit_url(service), data).status_code == 302
    out = hsds.export_service(Service.objects.get(pk=service.pk))
    original = json.loads(raw)
    assert out["alert"] == "Moved online"
    for key in ("funding", "cost_options", "required_documents", "contacts", "program"):
        assert out[key] == original[key]
    for key in ("schedules", "languages"):
        assert len(out[key]) == len(original[key])
    assert out["phones"][0]["extension"] == 100
    assert {area["extent_type"] for area in out["service_areas"]} == {"geojson", "harbor-region"}
    assert hsds.schema_errors(out, "service") == []


def upload(client, raw: str, name="file.json"):
    return client.post(
        reverse("referrals:directory-import"), {"file": SimpleUploadedFile(name, raw.encode())}
    )


def test_import_is_a_dry_run_then_a_commit(personas, directory):
    client = personas.client_for("administrator")
    raw = (EXAMPLES / "service_full.json").read_text()
    response = upload(client, raw)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-outcome="added"' in html and "Community Counselling" in html
    assert not Service.objects.filter(name="Community Counselling").exists()
    pending = DirectoryImport.objects.get()
    response = client.post(reverse("referrals:directory-import-commit", args=[pending.pk]))
    assert response.status_code == 302
    assert Service.objects.filter(name="Community Counselling").exists()
    # A committed import cannot be applied twice, nor by another administrator.
    assert (
        client.post(reverse("referrals:directory-import-commit", args=[pending.pk])).status_code
        == 404
    )


def test_an_invalid_file_shows_its_rows_and_changes_nothing(personas, directory):
    client = personas.client_for("administrator")
    good = json.loads((EXAMPLES / "service_full.json").read_text())
    bad = dict(good, id="not-a-uuid", name="Broken")
    before = Service.objects.count()
    response = upload(client, json.dumps([good, bad]))
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        'data-outcome="rejected"' in html
        and "id: &#x27;not-a-uuid&#x27; is not a &#x27;uuid&#x27;" in html
    )
    assert "Apply this import" not in html
    assert DirectoryImport.objects.count() == 0
    assert Service.objects.count() == before
    response = upload(client, "{oops")
    assert response.status_code == 400 and "The file is not valid JSON" in response.content.decode()


def test_clinicians_cannot_import(personas, directory):
    raw = (EXAMPLES / "service_full.json").read_text()
    assert upload(personas.client_for("clinician"), raw).status_code == 403
    assert ServiceVersion.objects.filter(note="Imported").count() == 20  # the shipped content only


def test_the_tabular_export_is_a_zip_of_csv_and_datapackage(personas, directory):
    import io
    import zipfile

    response = personas.client_for("administrator").get(
        reverse("referrals:directory-export-tabular")
    )
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert {"datapackage.json", "services.csv", "phones.csv", "attributes.csv"} <= names
    assert archive.read("services.csv").decode().count("\n") == 21  # header + 20 services
    package = json.loads(archive.read("datapackage.json"))
    assert {r["path"] for r in package["resources"]} == names - {"datapackage.json"}


def test_the_directory_list_reads_in_a_bounded_number_of_queries(
    personas, directory, django_assert_max_num_queries
):
    client = personas.client_for("administrator")
    # Session and user, settings, the page and its count, the work list and its count, the
    # session's save: the same for 20 entries as for 20,000.
    with django_assert_max_num_queries(12):
        assert client.get(reverse("referrals:directory")).status_code == 200


def _many_services(count: int) -> None:
    Service.objects.bulk_create(
        [Service(name=f"Demo: bulk entry {i:03}", assured_date=None) for i in range(count)]
    )


def test_the_directory_list_is_paginated_and_bounded_at_any_size(
    personas, directory, django_assert_max_num_queries
):
    _many_services(120)  # 140 entries with the shipped 20
    client = personas.client_for("administrator")
    with django_assert_max_num_queries(12):
        html = client.get(reverse("referrals:directory")).content.decode()
    assert "140 entries" in html and "Page 1 of 3" in html
    assert html.count('href="/referrals/directory/') - html.count("directory/new/") < 90
    # The work list shows the first 20 of those due, and links to all of them.
    assert "See all 126 entries to re-check" in html  # the 120 and 6 shipped ones
    last = client.get(reverse("referrals:directory"), {"page": 3}).content.decode()
    assert "Page 3 of 3" in last and "Demo: youth transitional housing" in last


def test_the_directory_list_filters_by_name_and_by_due_for_re_checking(personas, directory):
    client = personas.client_for("administrator")
    html = client.get(reverse("referrals:directory"), {"name": "legal clinic"}).content.decode()
    assert "1 entry" in html and "Demo: Lakeshore legal clinic" in html
    due = client.get(reverse("referrals:directory"), {"stale": "on"}).content.decode()
    assert "Entries to re-check" in due and COUNSELLING in due
    assert "Demo: Lakeshore legal clinic" not in due.split("all-heading")[1]


def test_an_overlong_name_filter_is_a_400_with_the_list_still_shown(personas, directory):
    response = personas.client_for("administrator").get(
        reverse("referrals:directory"), {"name": "x" * 201}
    )
    assert response.status_code == 400
    assert "Ensure this value has at most 200 characters" in response.content.decode()


@pytest.mark.parametrize("persona", [*STATUS, "anonymous"])
def test_only_administrators_open_an_entry_and_its_versions(personas, directory, persona):
    service = Service.objects.get(name=COUNSELLING)
    client = personas.client_for(persona)
    for url in (edit_url(service), edit_url(service, version=1)):
        response = client.get(url)
        assert response.status_code == STATUS.get(persona, 302)
    if persona == "administrator":
        assert "Demo: Northside counselling" in response.content.decode()


def test_an_edit_is_searched_by_its_new_languages_regions_and_needs_at_once(personas, directory):
    """Search filters read keys derived from the entry's rows: an edit must renew them."""
    service = Service.objects.get(name=COUNSELLING)
    client = personas.client_for("administrator")
    data = form_data(service, languages="pt", regions="US-NY", kinds=["legal-aid"])
    assert client.post(edit_url(service), data).status_code == 302

    def names(**criteria) -> list[str]:
        page = search_services(SearchCriteria(**criteria), now=timezone.now(), stale_after_days=180)
        return [result.service.name for result in page]

    assert COUNSELLING in names(language="pt", region="US-NY", need="legal-aid")
    assert COUNSELLING not in names(region="CA-ON")
    assert COUNSELLING not in names(language="en", region="US-NY")
    assert COUNSELLING not in names(need="mental-health", region="US-NY")
