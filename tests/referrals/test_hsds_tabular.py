"""The HSDS tabular data package (CSV + datapackage.json): the published one imports, and what
Harbor exports reads back the same."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from referrals import hsds_import, hsds_tabular
from referrals.models import Service

CSV_DIR = Path(__file__).resolve().parents[3] / "shared" / "hsds" / "examples" / "csv"
EXAMPLE_SERVICE = "ac148810-d857-441c-9679-408f346de14b"


def published() -> dict[str, str]:
    return {path.name: path.read_text() for path in CSV_DIR.glob("*.csv")}


def zipped(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in files.items():
            archive.writestr(f"package/{name}", text)
    return buffer.getvalue()


def test_the_published_package_imports_and_exports_every_linked_row(db):
    objects, notes = hsds_tabular.read_tabular(published())
    assert [o["id"] for o in objects] == [EXAMPLE_SERVICE]
    # The example's attribute points at no row of the package: reported, not imported.
    assert (
        "attributes.csv row ae58cc39-8b70-4ab1-8aea-786882e5ac8e is linked to nothing in the "
        "package: not imported" in notes
    )
    assert "metadata.csv: not a table Harbor reads" in notes
    hsds_import.commit_import(json.dumps(objects), by=None)
    tables = hsds_tabular.tabular_tables(Service.objects.filter(pk=EXAMPLE_SERVICE))
    compared = 0
    for name, text in published().items():
        stem = name.removesuffix(".csv")
        if stem not in hsds_tabular.TABLE_SCHEMAS:
            continue
        ours = {row["id"]: row for row in tables.get(stem, ([], []))[1]}
        for row in csv.DictReader(io.StringIO(text)):
            if any(f"{stem}.csv row {row['id']}" in note for note in notes):
                continue
            for column, value in row.items():
                if value:
                    assert str(ours[row["id"]].get(column, "")) == value, (stem, column)
                    compared += 1
    assert compared >= 150  # every linked table of the example, column by column


def test_our_package_reads_back_unchanged(directory):
    from referrals.views import _exported_services

    raw, notes, error = hsds_tabular.read_package(hsds_tabular.write_package(_exported_services()))
    assert (notes, error) == ([], "")
    plan = hsds_import.plan_import(raw)
    assert {row.outcome for row in plan.rows} == {"unchanged"}
    assert len(plan.rows) == 20


def test_a_zip_upload_is_a_dry_run_with_its_notes(personas, db):
    client = personas.client_for("administrator")
    upload = SimpleUploadedFile("package.zip", zipped(published()))
    response = client.post(reverse("referrals:directory-import"), {"file": upload})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-outcome="added"' in html and "Community Counselling" in html
    assert "metadata.csv: not a table Harbor reads" in html
    assert not Service.objects.exists()


def test_a_broken_zip_is_refused(personas, db):
    client = personas.client_for("administrator")
    for content, message in (
        (b"not a zip", "not a readable ZIP"),
        (zipped({"phones.csv": "id,number\n"}), "neither services.csv nor organizations.csv"),
    ):
        upload = SimpleUploadedFile("package.zip", content)
        response = client.post(reverse("referrals:directory-import"), {"file": upload})
        assert response.status_code == 400
        assert message in response.content.decode()
