"""The HSDS tabular data package: one CSV per table and its `datapackage.json`, in a zip.

Written from the same export as the JSON (`referrals.hsds.export_page`) and read back into the
same JSON document, so an import of either goes through one dry run (`referrals.hsds_import`).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from referrals.hsds import SCHEMA_DIR, export_service
from referrals.models import (
    Service,
)

# Table (CSV file stem) → the HSDS schema file describing one row.
TABLES = {
    "organizations": "organization",
    "services": "service",
    "phones": "phone",
    "schedules": "schedule",
    "service_areas": "service_area",
    "languages": "language",
    "attributes": "attribute",
    "taxonomy_terms": "taxonomy_term",
    "locations": "location",
    "addresses": "address",
    "service_at_location": "service_at_location",
}


@cache
def _schema(schema_name: str) -> dict[str, Any]:
    return dict(json.loads((SCHEMA_DIR / f"{schema_name}.json").read_text()))


@cache
def table_fields(schema_name: str) -> tuple[tuple[str, str], ...]:
    """A table's columns: the schema's scalar properties, in order, with their types."""
    properties = _schema(schema_name)["properties"]
    return tuple(
        (name, spec.get("type", "string"))
        for name, spec in properties.items()
        if spec.get("type") not in ("array", "object") and "$ref" not in spec
    )


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)  # 100, as the publisher wrote it, not 100.0
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else value


# How the tables nest into HSDS JSON objects: table → (JSON key, child table, its link column,
# many?). Used both ways, so a package read in and written out keeps every linked row.
RELATIONS: dict[str, tuple[tuple[str, str, str, bool], ...]] = {
    "services": (
        ("phones", "phones", "service_id", True),
        ("schedules", "schedules", "service_id", True),
        ("service_areas", "service_areas", "service_id", True),
        ("languages", "languages", "service_id", True),
        ("service_at_locations", "service_at_location", "service_id", True),
        ("funding", "funding", "service_id", True),
        ("cost_options", "cost_options", "service_id", True),
        ("required_documents", "required_documents", "service_id", True),
        ("contacts", "contacts", "service_id", True),
        ("attributes", "attributes", "link_id", True),
    ),
    "organizations": (
        ("funding", "funding", "organization_id", True),
        ("contacts", "contacts", "organization_id", True),
        ("phones", "phones", "organization_id", True),
        ("locations", "locations", "organization_id", True),
        ("programs", "programs", "organization_id", True),
        ("organization_identifiers", "organization_identifiers", "organization_id", True),
    ),
    "locations": (
        ("languages", "languages", "location_id", True),
        ("addresses", "addresses", "location_id", True),
        ("contacts", "contacts", "location_id", True),
        ("accessibility", "accessibility", "location_id", True),
        ("phones", "phones", "location_id", True),
        ("schedules", "schedules", "location_id", True),
    ),
    "service_at_location": (
        ("contacts", "contacts", "service_at_location_id", True),
        ("phones", "phones", "service_at_location_id", True),
        ("schedules", "schedules", "service_at_location_id", True),
    ),
    "phones": (("languages", "languages", "phone_id", True),),
    "contacts": (("phones", "phones", "contact_id", True),),
}
# Single objects a row points at: (JSON key, table, the row's column holding the id).
REFERENCES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "services": (
        ("organization", "organizations", "organization_id"),
        ("program", "programs", "program_id"),
    ),
    "service_at_location": (("location", "locations", "location_id"),),
    "attributes": (("taxonomy_term", "taxonomy_terms", "taxonomy_term_id"),),
    "taxonomy_terms": (("taxonomy_detail", "taxonomies", "taxonomy_id"),),
}
TABLE_SCHEMAS = {
    **TABLES,
    "funding": "funding",
    "cost_options": "cost_option",
    "required_documents": "required_document",
    "contacts": "contact",
    "programs": "program",
    "organization_identifiers": "organization_identifier",
    "accessibility": "accessibility",
    "taxonomies": "taxonomy",
}


def _typed(value: str, kind: str) -> Any:
    if kind == "number":
        number = float(value)
        return int(number) if number.is_integer() else number
    if kind == "boolean":
        return value.strip().lower() in ("true", "1", "yes")
    return value


def read_tabular(files: dict[str, str]) -> tuple[list[dict[str, Any]], list[str]]:
    """The services (and service-less organizations) of a tabular package, as HSDS objects.

    Returns them with the rows that link to nothing in the package, which are not imported.
    """
    tables: dict[str, list[dict[str, Any]]] = {}
    for name, schema_name in TABLE_SCHEMAS.items():
        text = files.get(f"{name}.csv")
        if text is None:
            continue
        kinds = dict(table_fields(schema_name))
        # An empty cell of a required text column is an empty string, not a missing field.
        required = set(_schema(schema_name).get("required", [])) - {"id"}
        rows = []
        for raw in csv.DictReader(io.StringIO(text)):
            row: dict[str, Any] = {}
            for key, value in raw.items():
                if key in required and value == "" and kinds.get(key) == "string":
                    row[key] = ""
                if key is None or value in (None, ""):
                    continue
                try:
                    row[key] = _typed(value, kinds.get(key, "string"))
                except ValueError:
                    row[key] = value  # left for the schema to reject, with its reason
            rows.append(row)
        tables[name] = rows
    used: set[tuple[str, str]] = set()

    def build(table: str, row: dict[str, Any], depth: int = 0) -> dict[str, Any]:
        used.add((table, str(row.get("id"))))
        obj = dict(row)
        if depth > 4:
            return obj
        for key, child, link, _many in RELATIONS.get(table, ()):
            children = [r for r in tables.get(child, []) if str(r.get(link)) == str(row.get("id"))]
            if children:
                # The link back to this row is implied by nesting (and written again on export).
                obj[key] = [
                    {k: v for k, v in build(child, r, depth + 1).items() if k != link}
                    for r in children
                ]
        for key, target, column in REFERENCES.get(table, ()):
            found = next(
                (r for r in tables.get(target, []) if str(r.get("id")) == str(row.get(column))),
                None,
            )
            if found is not None:
                obj[key] = build(target, found, depth + 1)
        return obj

    objects = [build("services", row) for row in tables.get("services", [])]
    objects += [
        build("organizations", row)
        for row in tables.get("organizations", [])
        if ("organizations", str(row.get("id"))) not in used
    ]
    skipped = [
        _("%(name)s: not a table Harbor reads") % {"name": name}
        for name in sorted(files)
        if name.endswith(".csv") and name[:-4] not in TABLE_SCHEMAS
    ]
    skipped += [
        _("%(table)s.csv row %(id)s is linked to nothing in the package: not imported")
        % {"table": table, "id": row.get("id", "?")}
        for table, rows in tables.items()
        for row in rows
        if (table, str(row.get("id"))) not in used
    ]
    return objects, skipped


def read_package(data: bytes) -> tuple[str, list[str], str]:
    """A zipped tabular package as an HSDS JSON document, its notes, or why it cannot be read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            files = {
                Path(name).name: archive.read(name).decode("utf-8-sig")
                for name in archive.namelist()
                if name.endswith(".csv") and archive.getinfo(name).file_size < 5_000_000
            }
    except (zipfile.BadZipFile, UnicodeDecodeError) as error:
        return (
            "",
            [],
            _("The file is not a readable ZIP of CSV files: %(error)s") % {"error": error},
        )
    if "services.csv" not in files and "organizations.csv" not in files:
        return "", [], _("The package has neither services.csv nor organizations.csv.")
    objects, notes = read_tabular(files)
    return json.dumps(objects), notes, ""


def tabular_tables(
    services: Iterable[Service],
) -> dict[str, tuple[list[str], list[dict[str, Any]]]]:
    """The directory as HSDS tables (rows keyed by column), flattened from the JSON export."""
    rows: dict[str, dict[str, dict[str, Any]]] = {name: {} for name in TABLE_SCHEMAS}

    def add(table: str, obj: dict[str, Any], links: dict[str, Any]) -> None:
        columns = {name for name, _type in table_fields(TABLE_SCHEMAS[table])}
        row = {k: _cell(v) for k, v in {**obj, **links}.items() if k in columns}
        existing = rows[table].setdefault(str(obj["id"]), row)
        for key, value in row.items():  # a row met under several parents keeps every link
            if existing.get(key) in (None, "") and value != "":
                existing[key] = value
        for key, child, link, _many in RELATIONS.get(table, ()):
            for item in obj.get(key) or []:
                if isinstance(item, dict) and "id" in item:
                    add(child, item, {link: obj["id"]})
        for key, target, column in REFERENCES.get(table, ()):
            item = obj.get(key)
            if isinstance(item, dict) and "id" in item:
                existing.setdefault(column, item["id"])
                if existing.get(column) in (None, ""):
                    existing[column] = item["id"]
                add(target, item, {})

    for service in services:
        add("services", export_service(service), {})
    return {
        name: (
            [column for column, _type in table_fields(TABLE_SCHEMAS[name])],
            list(table.values()),
        )
        for name, table in rows.items()
        if table
    }


def datapackage(tables: dict[str, tuple[list[str], list[dict[str, Any]]]]) -> dict[str, Any]:
    """The `datapackage.json` (Frictionless tabular data package) describing the CSV files."""
    return {
        "profile": "tabular-data-package",
        "name": "harbor-referral-directory",
        "title": "Referral directory (Open Referral HSDS 3.0)",
        "resources": [
            {
                "name": TABLE_SCHEMAS[name],
                "path": f"{name}.csv",
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [
                        {"name": column, "type": kind}
                        for column, kind in table_fields(TABLE_SCHEMAS[name])
                    ],
                    "primaryKey": "id",
                },
            }
            for name in tables
        ],
    }


def write_package(services: Iterable[Service]) -> bytes:
    """The tabular data package as a ZIP: one CSV per table and its `datapackage.json`."""
    tables = tabular_tables(services)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, (columns, rows) in tables.items():
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
            archive.writestr(f"{name}.csv", text.getvalue())
        archive.writestr("datapackage.json", json.dumps(datapackage(tables), indent=1))
    return buffer.getvalue()
