"""Open Referral HSDS 3.0 JSON and the directory tables: the mapping both ways.

Each top-level object (a service, or an organization with its services) is validated against the
published schemas and what Harbor needs on top (integer ages, readable dates and times, known
taxonomy terms), written to the tables (`apply_organization`, `apply_service`) and read back out
(`export_page`). HSDS fields Harbor does not use are kept in each row's `extra`, so a publisher's
file exports again without loss. The schemas ship in `referrals/hsds_schema/` (Open Referral,
CC BY-SA 4.0), identical to the published ones. The dry run and commit of an import are
`referrals.hsds_import`; the tabular data package (CSV) is `referrals.hsds_tabular`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from cases.languages import is_language_tag
from referrals import rules
from referrals.models import (
    BARRIER,
    FLAG,
    KIND,
    Address,
    Attribute,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)

SCHEMA_DIR = Path(__file__).resolve().parent / "hsds_schema"
HARBOR_FIELD = "harbor-field"
HARBOR_NS = uuid.UUID("5b0f3c1e-1f3a-4a7e-9a57-0c0ffee00012")

SERVICE_FIELDS = (
    "name",
    "alternate_name",
    "description",
    "url",
    "email",
    "status",
    "interpretation_services",
    "application_process",
    "fees_description",
    "wait_time",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "alert",
    "assured_date",
    "assurer_email",
    "last_modified",
)
SERVICE_NESTED = (
    "id",
    "organization",
    "organization_id",
    "phones",
    "schedules",
    "service_areas",
    "service_at_locations",
    "languages",
    "attributes",
)
ORGANIZATION_FIELDS = ("name", "alternate_name", "description", "email", "website")
PHONE_FIELDS = ("number", "type", "description")
LANGUAGE_FIELDS = ("name", "code", "note")
SCHEDULE_FIELDS = ("freq", "byday", "opens_at", "closes_at", "description")
AREA_FIELDS = ("name", "description", "extent", "extent_type")
LOCATION_FIELDS = (
    "location_type",
    "name",
    "description",
    "transportation",
    "latitude",
    "longitude",
)
ADDRESS_FIELDS = (
    "attention",
    "address_1",
    "address_2",
    "city",
    "region",
    "state_province",
    "postal_code",
    "country",
    "address_type",
)
TERM_FIELDS = ("taxonomy", "code", "name", "description", "term_uri")

# Harbor's own service columns, carried as attributes of taxonomy "harbor-field".
HARBOR_COLUMNS = {
    "demo": "is_demo",
    "hotline-rank": "hotline_rank",
    "screen-label": "screen_label",
    "refer-by": "refer_by",
    "refer-needs": "refer_needs",
    "refer-never-send": "refer_never_send",
    "consent-requirements": "consent_requirements",
    "handover-contact": "handover_contact",
    "handover-hours": "handover_hours",
    "protocol-reviewed-on": "protocol_reviewed_on",
    "translations": "translations",
}


# --- Validation --------------------------------------------------------------------------------


@cache
def validator(kind: str) -> Draft202012Validator:
    def retrieve(uri: str) -> Resource:
        contents = json.loads((SCHEMA_DIR / Path(uri).name).read_text())
        return DRAFT202012.create_resource(contents)

    schema = json.loads((SCHEMA_DIR / f"{kind}.json").read_text())
    registry: Registry = Registry(retrieve=retrieve)  # type: ignore[call-arg]
    return Draft202012Validator(schema, registry=registry, format_checker=FormatChecker())


def schema_errors(obj: Any, kind: str) -> list[str]:
    """Every way `obj` breaks the HSDS schema, as "where: what" lines."""
    errors = sorted(validator(kind).iter_errors(obj), key=lambda e: list(e.absolute_path))
    return [f"{_where(e.absolute_path)}: {e.message}" for e in errors[:20]]


def _where(path: Iterable[Any]) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or _("the object")


def _harbor_errors(obj: dict[str, Any], known_terms: set[str]) -> list[str]:
    """What Harbor needs beyond the schema, so that a commit can never fail half-way."""
    errors = []
    for name in ("minimum_age", "maximum_age"):
        value = obj.get(name)
        if value is not None and (
            not isinstance(value, int | float) or value != int(value) or not 0 <= value <= 150
        ):
            errors.append(_("%(field)s: must be a whole number of years") % {"field": name})
    low, high = obj.get("minimum_age"), obj.get("maximum_age")
    if isinstance(low, int | float) and isinstance(high, int | float) and low > high:
        errors.append(_("minimum_age is greater than maximum_age"))
    if obj.get("assured_date") and _date(obj["assured_date"]) is None:
        errors.append(_("assured_date: not a date (YYYY-MM-DD)"))
    if obj.get("last_modified") and _datetime(obj["last_modified"]) is None:
        errors.append(_("last_modified: not a date and time"))
    for i, schedule in enumerate(obj.get("schedules") or []):
        for name in ("opens_at", "closes_at"):
            if schedule.get(name) and _time(schedule[name]) is None:
                errors.append(
                    _("schedules[%(i)s].%(field)s: not a time (HH:MM:SS)") % {"i": i, "field": name}
                )
    for i, attribute in enumerate(obj.get("attributes") or []):
        term = attribute.get("taxonomy_term")
        term_id = (term or {}).get("id") or attribute.get("taxonomy_term_id")
        if not term and term_id not in known_terms:
            errors.append(
                _("attributes[%(i)s]: taxonomy term %(term)s is not in the directory")
                % {"i": i, "term": term_id or "?"}
            )
    return errors


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def _datetime(value: Any) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _time(value: Any) -> time | None:
    try:
        return time.fromisoformat(str(value))
    except ValueError:
        return None


def _split(obj: dict[str, Any], mapped: Iterable[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    names = set(mapped)
    return (
        {k: v for k, v in obj.items() if k in names},
        {k: v for k, v in obj.items() if k not in names and k != "id"},
    )


def _text(values: dict[str, Any], names: Iterable[str]) -> dict[str, Any]:
    return {name: "" if values.get(name) is None else values[name] for name in names}


def _save_term(obj: dict[str, Any]) -> TaxonomyTerm:
    mapped, extra = _split(obj, TERM_FIELDS)
    term, _created = TaxonomyTerm.objects.update_or_create(
        id=obj["id"], defaults={**_text(mapped, TERM_FIELDS), "extra": extra}
    )
    return term


def apply_organization(obj: dict[str, Any], *, by: Any, with_services: bool = True) -> Organization:
    mapped, extra = _split(obj, (*ORGANIZATION_FIELDS, "locations", "services"))
    organization, _created = Organization.objects.update_or_create(
        id=obj["id"], defaults={**_text(mapped, ORGANIZATION_FIELDS), "extra": extra}
    )
    for location in obj.get("locations") or []:
        _save_location(location, organization)
    if with_services:
        for service in obj.get("services") or []:
            apply_service(service, by=by, organization=organization)
    return organization


def _save_location(obj: dict[str, Any], organization: Organization | None) -> Location:
    mapped, extra = _split(obj, (*LOCATION_FIELDS, "addresses", "organization_id"))
    values = _text(mapped, ("location_type", "name", "description", "transportation"))
    values["location_type"] = values["location_type"] or Location.Type.PHYSICAL
    values["latitude"] = mapped.get("latitude")
    values["longitude"] = mapped.get("longitude")
    if "organization_id" in obj and (
        organization is None or str(organization.pk) != str(obj["organization_id"])
    ):
        extra["organization_id"] = obj["organization_id"]
    location, _created = Location.objects.update_or_create(
        id=obj["id"], defaults={**values, "organization": organization, "extra": extra}
    )
    location.addresses.all().delete()
    for position, address in enumerate(obj.get("addresses") or []):
        address_mapped, address_extra = _split(address, ADDRESS_FIELDS)
        Address.objects.create(
            id=address["id"],
            location=location,
            position=position,
            extra=address_extra,
            **_text(address_mapped, ADDRESS_FIELDS),
        )
    return location


def apply_service(
    obj: dict[str, Any], *, by: Any, organization: Organization | None = None
) -> Service:
    """Create or replace one service and its nested rows from an HSDS service object."""
    mapped, extra = _split(obj, (*SERVICE_FIELDS, *SERVICE_NESTED))
    if organization is None and isinstance(obj.get("organization"), dict):
        organization = apply_organization(obj["organization"], by=by, with_services=False)
    if organization is None and obj.get("organization_id"):
        organization = Organization.objects.filter(pk=obj["organization_id"]).first()
        if organization is None:
            extra["organization_id"] = obj["organization_id"]
    values: dict[str, Any] = _text(
        mapped, [f for f in SERVICE_FIELDS if f not in _TYPED_SERVICE_FIELDS]
    )
    values["minimum_age"] = _int(mapped.get("minimum_age"))
    values["maximum_age"] = _int(mapped.get("maximum_age"))
    values["assured_date"] = _date(mapped["assured_date"]) if mapped.get("assured_date") else None
    if mapped.get("last_modified"):
        values["last_modified"] = _datetime(mapped["last_modified"])
    attributes = list(obj.get("attributes") or [])
    harbor = {column: _column_default(column) for column in HARBOR_COLUMNS.values()}
    terms = {}
    for attribute in attributes:
        term = _term_for(attribute)
        terms[attribute["id"]] = term
        if term.taxonomy == HARBOR_FIELD and term.code in HARBOR_COLUMNS:
            harbor[HARBOR_COLUMNS[term.code]] = _column_value(
                HARBOR_COLUMNS[term.code], attribute.get("value", "")
            )

    service, created = Service.objects.update_or_create(
        id=obj["id"],
        defaults={**values, **harbor, "organization": organization, "extra": extra},
    )
    _replace_children(service, obj, attributes, terms)
    refresh_search(service)
    # The entry's history: the rows as imported, saved as its next version.
    from referrals.actions import record_entry  # actions reads the rows this module writes

    record_entry(service, by=by, note=pgettext("directory entry", "Imported"))
    return service


_TYPED_SERVICE_FIELDS = {"minimum_age", "maximum_age", "assured_date", "last_modified"}


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _column_default(column: str) -> Any:
    if column == "translations":
        return {}
    return {"is_demo": False, "hotline_rank": None, "protocol_reviewed_on": None}.get(column, "")


def _column_value(column: str, value: str) -> Any:
    if column == "is_demo":
        return str(value).strip().lower() == "true"
    if column == "hotline_rank":
        return int(value) if str(value).strip().isdigit() else None
    if column == "protocol_reviewed_on":
        return _date(value) if value else None
    if column == "translations":
        return _translations_value(value)
    return value or ""


def _translations_value(value: str) -> dict[str, Any]:
    """The "translations" attribute's JSON text as {language: {field: text}}; anything else
    (not JSON, not that shape, a field Harbor does not translate) is dropped, never stored."""
    try:
        parsed = json.loads(value) if value else {}
    except ValueError:
        return {}
    if not isinstance(parsed, dict):
        return {}
    kept: dict[str, Any] = {}
    for language, fields in parsed.items():
        if not (isinstance(language, str) and is_language_tag(language)) or not isinstance(
            fields, dict
        ):
            continue
        texts = {
            f: t
            for f, t in fields.items()
            if f in TRANSLATED_FIELDS and isinstance(t, str) and t.strip() and len(t) <= 1000
        }
        if texts:
            kept[language] = texts
    return kept


# The service texts that may carry other languages (`Service.translations`).
TRANSLATED_FIELDS = ("screen_label", "description")


def _term_for(attribute: dict[str, Any]) -> TaxonomyTerm:
    if isinstance(attribute.get("taxonomy_term"), dict):
        return _save_term(attribute["taxonomy_term"])
    return TaxonomyTerm.objects.get(pk=attribute["taxonomy_term_id"])


def _replace_children(
    service: Service,
    obj: dict[str, Any],
    attributes: list[dict[str, Any]],
    terms: dict[str, TaxonomyTerm],
) -> None:
    for related in (
        service.phones,
        service.languages,
        service.schedules,
        service.service_areas,
        service.attributes,
        service.at_locations,
    ):
        related.all().delete()
    for i, item in enumerate(obj.get("phones") or []):
        mapped, extra = _split(item, PHONE_FIELDS)
        Phone.objects.create(
            id=item["id"], service=service, position=i, extra=extra, **_text(mapped, PHONE_FIELDS)
        )
    for i, item in enumerate(obj.get("languages") or []):
        mapped, extra = _split(item, LANGUAGE_FIELDS)
        Language.objects.create(
            id=item["id"],
            service=service,
            position=i,
            extra=extra,
            **_text(mapped, LANGUAGE_FIELDS),
        )
    for i, item in enumerate(obj.get("schedules") or []):
        mapped, extra = _split(item, SCHEDULE_FIELDS)
        Schedule.objects.create(
            id=item["id"],
            service=service,
            position=i,
            extra=extra,
            freq=mapped.get("freq") or "",
            byday=mapped.get("byday") or "",
            opens_at=_time(mapped["opens_at"]) if mapped.get("opens_at") else None,
            closes_at=_time(mapped["closes_at"]) if mapped.get("closes_at") else None,
            description=mapped.get("description") or "",
        )
    for i, item in enumerate(obj.get("service_areas") or []):
        mapped, extra = _split(item, AREA_FIELDS)
        ServiceArea.objects.create(
            id=item["id"], service=service, position=i, extra=extra, **_text(mapped, AREA_FIELDS)
        )
    for i, item in enumerate(obj.get("service_at_locations") or []):
        mapped, extra = _split(item, ("description", "location", "location_id", "service_id"))
        location_obj = item.get("location")
        if isinstance(location_obj, dict):
            location = _save_location(location_obj, service.organization)
        else:
            found = Location.objects.filter(pk=item.get("location_id")).first()
            if found is None:
                extra["location_id"] = item.get("location_id")
                continue
            location = found
        ServiceAtLocation.objects.create(
            id=item["id"],
            service=service,
            location=location,
            position=i,
            description=mapped.get("description") or "",
            extra=extra,
        )
    for i, item in enumerate(attributes):
        term = terms[item["id"]]
        if term.taxonomy == HARBOR_FIELD:
            continue  # carried by the service's own columns
        mapped, extra = _split(item, ("value", "taxonomy_term", "taxonomy_term_id"))
        Attribute.objects.create(
            id=item["id"],
            service=service,
            taxonomy_term=term,
            value=mapped.get("value") or "",
            position=i,
            extra=extra,
        )


def refresh_search(service: Service) -> None:
    """Recompute the derived search columns (24/7, the normalised text, the tsvector, the
    search keys). Every write to an entry or its child rows ends here."""
    openings = [s.opening() for s in service.schedules.all()]
    terms = TaxonomyTerm.objects.filter(
        pk__in=service.attributes.values("taxonomy_term_id"), taxonomy__in=[FLAG, KIND, BARRIER]
    ).values_list("name", flat=True)
    keys = rules.search_keys(
        term_ids=service.attributes.values_list("taxonomy_term_id", flat=True),
        language_codes=service.languages.values_list("code", flat=True),
        extents=service.service_areas.values_list("extent", flat=True),
    )
    text = rules.normalise_text(
        service.name,
        service.alternate_name,
        service.description,
        service.eligibility_description,
        service.organization.name if service.organization else "",
        " ".join(terms),
    )
    Service.objects.filter(pk=service.pk).update(
        always_open=rules.is_always_open(openings), search_text=text, search_keys=keys
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE referrals_service SET search_vector = to_tsvector('simple', search_text)"
                " WHERE id = %s",
                [service.pk],
            )
    service.refresh_from_db(fields=["always_open", "search_text", "search_keys"])


# --- Export ------------------------------------------------------------------------------------


def _present(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v not in (None, "")}


def _fields(row: Any, names: Iterable[str]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def export_term(term: TaxonomyTerm) -> dict[str, Any]:
    # `description` is required by the schema even when a term has none.
    values = _present(_fields(term, TERM_FIELDS))
    return {**term.extra, "id": str(term.pk), **values, "description": term.description}


def export_location(location: Location) -> dict[str, Any]:
    values = _present(_fields(location, LOCATION_FIELDS))
    result = {**location.extra, "id": str(location.pk), **values}
    if location.organization_id:
        result.setdefault("organization_id", str(location.organization_id))
    addresses = [
        {**a.extra, "id": str(a.pk), **_present(_fields(a, ADDRESS_FIELDS))}
        for a in location.addresses.all()
    ]
    if addresses or "addresses" in location.extra:
        result["addresses"] = addresses
    return result


def export_organization(organization: Organization, *, services: bool = True) -> dict[str, Any]:
    values = _fields(organization, ORGANIZATION_FIELDS)
    result = {
        **organization.extra,
        "id": str(organization.pk),
        **_present(values),
        "description": organization.description,
    }
    locations = [export_location(location) for location in organization.locations.all()]
    if locations:
        result["locations"] = locations
    if services:
        result["services"] = [
            export_service(service, nested_organization=False)
            for service in organization.services.all()
        ]
    return result


def export_service(service: Service, *, nested_organization: bool = True) -> dict[str, Any]:
    values: dict[str, Any] = _fields(service, SERVICE_FIELDS)
    values["assured_date"] = service.assured_date.isoformat() if service.assured_date else None
    values["last_modified"] = (
        service.last_modified.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    )
    result: dict[str, Any] = {**service.extra, "id": str(service.pk), **_present(values)}
    if service.organization_id:
        result["organization_id"] = str(service.organization_id)
        if nested_organization and service.organization is not None:
            result["organization"] = export_organization(service.organization, services=False)
    result["phones"] = [
        {**p.extra, "id": str(p.pk), **_present(_fields(p, PHONE_FIELDS))}
        for p in service.phones.all()
    ]
    result["languages"] = [
        {**lang.extra, "id": str(lang.pk), **_present(_fields(lang, LANGUAGE_FIELDS))}
        for lang in service.languages.all()
    ]
    result["schedules"] = [_export_schedule(s) for s in service.schedules.all()]
    result["service_areas"] = [
        {**a.extra, "id": str(a.pk), **_present(_fields(a, AREA_FIELDS))}
        for a in service.service_areas.all()
    ]
    result["service_at_locations"] = [
        {
            **sal.extra,
            "id": str(sal.pk),
            **_present({"description": sal.description}),
            "location": export_location(sal.location),
        }
        for sal in service.at_locations.select_related("location")
    ]
    result["attributes"] = [
        {
            "link_entity": "service",
            "link_id": str(service.pk),
            **a.extra,
            "id": str(a.pk),
            "taxonomy_term_id": str(a.taxonomy_term_id),
            "taxonomy_term": export_term(a.taxonomy_term),
            **_present({"value": a.value}),
        }
        for a in service.attributes.select_related("taxonomy_term")
    ] + _harbor_attributes(service)
    return result


def _export_schedule(schedule: Schedule) -> dict[str, Any]:
    values = _fields(schedule, SCHEDULE_FIELDS)
    for name in ("opens_at", "closes_at"):
        values[name] = values[name].strftime("%H:%M:%S") if values[name] else None
    return {**schedule.extra, "id": str(schedule.pk), **_present(values)}


def _harbor_attributes(service: Service) -> list[dict[str, Any]]:
    terms = {
        t.code: t for t in TaxonomyTerm.objects.filter(taxonomy=HARBOR_FIELD)
    }  # one small query per exported service; the set is ten rows
    result = []
    for code, column in HARBOR_COLUMNS.items():
        value = getattr(service, column)
        if value in (None, "", False) or code not in terms:
            continue
        text = value.isoformat() if isinstance(value, date) else str(value).lower()
        if isinstance(value, str):
            text = value
        if isinstance(value, dict):
            text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        result.append(
            {
                "id": str(uuid.uuid5(HARBOR_NS, f"{service.pk}/{code}")),
                "link_entity": "service",
                "link_id": str(service.pk),
                "taxonomy_term_id": str(terms[code].pk),
                "taxonomy_term": export_term(terms[code]),
                "value": text,
            }
        )
    return result


def export_page(services: Iterable[Service]) -> dict[str, Any]:
    """The directory as one HSDS API page of full service objects."""
    contents = [export_service(service) for service in services]
    return {
        "total_items": len(contents),
        "total_pages": 1,
        "page_number": 1,
        "size": len(contents),
        "first_page": True,
        "last_page": True,
        "empty": not contents,
        "contents": contents,
    }
