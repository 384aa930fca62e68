"""A directory entry as one document, and that document written back onto the directory's rows.

The directory is stored as HSDS rows (a service, its phones, languages, service areas,
attributes and schedules) because search, import and export need them. What an administrator
edits of one service is also kept whole, as the document of each saved `ServiceVersion`
(`directory-entry.schema.json`), so the entry has the one content pattern's history: every
save through `cases.content.save_version`, a stale one refused with `StaleVersion`, the
row-level diff stored with it, any version restorable.

`entry_document` reads the rows as that document; `apply_entry` writes a document onto them,
changing only what differs from the rows as they are (so a publisher's second schedule, its
GeoJSON service area or a language without a code survive an edit that did not touch them).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from referrals import rules
from referrals.models import (
    BARRIER,
    FLAG,
    KIND,
    LANGUAGE_CODE,
    LANGUAGE_PATTERN,
    REFERRAL_READY_FIELDS,
    Attribute,
    Language,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    TaxonomyTerm,
)

# The service columns the document carries as they are (dates as ISO text).
COLUMNS = (
    "name",
    "description",
    "alert",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "fees_description",
    "interpretation_services",
    "application_process",
    "wait_time",
    "url",
    "email",
    *REFERRAL_READY_FIELDS,
    "hotline_rank",
    "screen_label",
    "is_demo",
    "status",
    "assured_date",
    "assurer_email",
)
DATE_COLUMNS = {"protocol_reviewed_on", "assured_date"}
# The document's lists of Harbor's own terms, by taxonomy.
TERM_LISTS = {"kinds": KIND, "flags": FLAG, "barriers": BARRIER}
HOURS = ("always_open", "days", "opens_at", "closes_at")
REGION_TYPE = "harbor-region"  # service areas Harbor's editor owns (others are a publisher's)


def with_entry_rows(services: Any) -> Any:
    """`services` with everything `entry_document` reads prefetched."""
    return services.select_related("organization").prefetch_related(
        Prefetch("phones", queryset=Phone.objects.order_by("position")),
        Prefetch("languages", queryset=Language.objects.order_by("position")),
        Prefetch("service_areas", queryset=ServiceArea.objects.order_by("position")),
        Prefetch("schedules", queryset=Schedule.objects.order_by("position")),
        Prefetch("attributes", queryset=Attribute.objects.select_related("taxonomy_term")),
    )


def _clock(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def entry_document(service: Service) -> dict[str, Any]:
    """The service's rows as its entry document (directory-entry.schema.json)."""
    document: dict[str, Any] = {"slug": str(service.pk)}
    for name in COLUMNS:
        value = getattr(service, name)
        document[name] = value.isoformat() if isinstance(value, date) else value
    document["organization_name"] = service.organization.name if service.organization else ""
    phones = list(service.phones.all())
    document["phone"] = next((p.number for p in phones if p.type in ("voice", "")), "")
    document["text_number"] = next((p.number for p in phones if p.type == "text"), "")
    document["languages"] = list(
        dict.fromkeys(
            lang.code for lang in service.languages.all() if LANGUAGE_CODE.match(lang.code)
        )
    )
    document["regions"] = list(
        dict.fromkeys(
            area.extent
            for area in service.service_areas.all()
            if area.extent_type == REGION_TYPE and area.extent
        )
    )
    terms = sorted(
        (a.taxonomy_term.taxonomy, a.taxonomy_term.code) for a in service.attributes.all()
    )
    for name, taxonomy in TERM_LISTS.items():
        document[name] = [code for kind, code in terms if kind == taxonomy]
    schedules = list(service.schedules.all())
    first = schedules[0] if schedules and not service.always_open else None
    document["always_open"] = service.always_open
    document["days"] = sorted(rules.parse_byday(first.byday), key=_day_order) if first else []
    document["opens_at"] = _clock(first.opens_at) if first else None
    document["closes_at"] = _clock(first.closes_at) if first else None
    return document


def _day_order(day: str) -> int:
    return rules.WEEKDAYS.index(day) if day in rules.WEEKDAYS else len(rules.WEEKDAYS)


def current_document(service_id: Any) -> dict[str, Any] | None:
    service = with_entry_rows(Service.objects.filter(pk=service_id)).first()
    return entry_document(service) if service else None


def apply_entry(slug: str, document: Mapping[str, Any], *, version: int, by: Any) -> Service:
    """Write a validated entry document onto the service's rows (creating the service when it
    is new); only what differs from the rows now is touched."""
    # Only the service row is locked (its organisation is an outer join PostgreSQL cannot lock).
    locked = Service.objects.select_for_update(of=("self",)).filter(pk=slug)
    found = with_entry_rows(locked).first()
    service = found or Service(id=slug, status=Service.Status.ACTIVE)
    live = entry_document(found) if found else {}
    changed = {name for name, value in document.items() if live.get(name) != value}
    for name in COLUMNS:
        if name in changed:
            value = document[name]
            if name in DATE_COLUMNS and value:
                value = date.fromisoformat(value)
            setattr(service, name, value)
    if "assured_date" in changed:
        service.verified_by = by if document["assured_date"] else None
    if "organization_name" in changed and document["organization_name"]:
        name = document["organization_name"]
        organization = Organization.objects.filter(name=name).order_by("pk").first()
        service.organization = organization or Organization.objects.create(name=name)
    service.version = version
    if found is not None and not changed:
        # The rows already say it (an import wrote them): keep the publisher's last_modified.
        Service.objects.filter(pk=service.pk).update(version=version)
        return service
    service.last_modified = timezone.now()
    service.save()
    if {"phone", "text_number"} & changed:
        _sync_phones(service, document["phone"], document["text_number"])
    if "languages" in changed:
        wanted = [{"code": code, "name": code} for code in document["languages"]]
        owned = service.languages.filter(code__regex=LANGUAGE_PATTERN)
        _sync(owned, service.languages, "code", wanted)
    if "regions" in changed:
        wanted = [
            {"extent": code, "name": code, "extent_type": REGION_TYPE}
            for code in document["regions"]
        ]
        areas = service.service_areas.filter(extent_type=REGION_TYPE)
        _sync(areas, service.service_areas, "extent", wanted)
    if changed & set(TERM_LISTS):
        _sync_terms(service, {taxonomy: document[name] for name, taxonomy in TERM_LISTS.items()})
    if changed & set(HOURS):
        _sync_hours(service, document)
    from referrals.hsds import refresh_search  # hsds imports this module for its imports

    refresh_search(service)
    return service


def _sync(owned: Any, related: Any, key: str, wanted: list[dict[str, Any]]) -> None:
    """Make the rows Harbor owns (`owned`, a subset of `related`) hold `wanted`: rows with a
    kept key stay (with their HSDS extras), in the new order."""
    keys = [row[key] for row in wanted]
    owned.exclude(**{f"{key}__in": keys}).delete()
    existing = {getattr(row, key): row for row in owned}
    for position, values in enumerate(wanted):
        row = existing.get(values[key])
        if row is None:
            related.create(position=position, **values)
        elif row.position != position:
            row.position = position
            row.save(update_fields=["position"])


def _sync_phones(service: Service, voice: str, text: str) -> None:
    for kinds, number, phone_type in ((("voice", ""), voice, "voice"), (("text",), text, "text")):
        rows = list(service.phones.filter(type__in=kinds))
        first = rows[0] if rows else None
        if not number:
            service.phones.filter(type__in=kinds).delete()
        elif first is None:
            Phone.objects.create(service=service, number=number, type=phone_type, position=9)
        elif first.number != number:
            first.number = number
            first.save(update_fields=["number"])


def _sync_terms(service: Service, codes: Mapping[str, list[str]]) -> None:
    """Harbor's own terms as the document lists them; a publisher's other attributes stay."""
    wanted = {
        term.pk
        for taxonomy, wanted_codes in codes.items()
        for term in TaxonomyTerm.objects.filter(taxonomy=taxonomy, code__in=wanted_codes)
    }
    editable = TaxonomyTerm.objects.filter(taxonomy__in=list(TERM_LISTS.values()))
    service.attributes.filter(taxonomy_term__in=editable).exclude(
        taxonomy_term_id__in=wanted
    ).delete()
    have = set(service.attributes.values_list("taxonomy_term_id", flat=True))
    for term_id in sorted(wanted - have, key=str):
        Attribute.objects.create(service=service, taxonomy_term_id=term_id, position=99)


def _sync_hours(service: Service, document: Mapping[str, Any]) -> None:
    if document["always_open"]:
        rows = [(",".join(rules.WEEKDAYS), time(0, 0), time(23, 59))]
    elif document["days"] and document["opens_at"] and document["closes_at"]:
        byday = ",".join(day for day in rules.WEEKDAYS if day in document["days"])
        rows = [
            (
                byday,
                time.fromisoformat(document["opens_at"]),
                time.fromisoformat(document["closes_at"]),
            )
        ]
    else:
        rows = []
    service.schedules.all().delete()
    for byday, opens, closes in rows:
        Schedule.objects.create(
            service=service, freq="WEEKLY", byday=byday, opens_at=opens, closes_at=closes
        )


def known_codes() -> dict[str, set[str]]:
    """Harbor's term codes by document list, for `check_content`."""
    found: dict[str, set[str]] = {name: set() for name in TERM_LISTS}
    by_taxonomy = {taxonomy: name for name, taxonomy in TERM_LISTS.items()}
    for taxonomy, code in TaxonomyTerm.objects.filter(
        taxonomy__in=list(TERM_LISTS.values())
    ).values_list("taxonomy", "code"):
        found[by_taxonomy[taxonomy]].add(code)
    return found
