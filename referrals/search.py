"""Directory search: the filters a clinician sets, as one query with a bounded number of reads.

Filters are chainable `ServiceQuerySet` methods; this module combines them, ranks what matches
(barriers addressed first, stale entries lower) and shapes each result with what the clinician
must know before offering it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Case as When_
from django.db.models import IntegerField, Q, Value, When
from django.db.models.functions import Lower
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases.languages import translated
from referrals import rules
from referrals.models import (
    BARRIER,
    FLAG,
    KIND,
    REFERRAL_READY_FIELDS,
    Attribute,
    Language,
    Phone,
    Schedule,
    Service,
)
from referrals.terms import Term, directory_terms

# A page of results: what a clinician reads before offering one; the rest is a "more" link away.
# Fifty cards were 57 KiB and most of the response time, and nobody reads the fiftieth.
PAGE_SIZE = 20
LAST_PAGE = 50  # the deepest page offered (1,000 results): the ranked ids are read up to it


@dataclass(frozen=True)
class SearchCriteria:
    text: str = ""
    need: str = ""
    language: str = ""
    region: str = ""
    open_now: bool = False
    always_open: bool = False
    age: int | None = None
    barriers: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class PhoneShown:
    number: str
    type: str


@dataclass
class Result:
    """One card: everything it shows, worked out once here rather than per use in the template."""

    service: Service
    freshness: rules.Freshness
    title: str = ""
    description: str = ""
    languages: list[str] = field(default_factory=list)
    phones: list[PhoneShown] = field(default_factory=list)
    hours: str = ""
    kinds: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    flag_codes: set[str] = field(default_factory=set)
    barriers: list[str] = field(default_factory=list)
    barrier_matches: int = 0

    @property
    def ages(self) -> str:
        low, high = self.service.minimum_age, self.service.maximum_age
        if low is None and high is None:
            return _("Any age")
        if high is None:
            return _("%(low)s and over") % {"low": low}
        if low is None:
            return _("Up to %(high)s") % {"high": high}
        return _("%(low)s to %(high)s") % {"low": low, "high": high}

    @property
    def police_report(self) -> str:
        if "no-police-report" in self.flag_codes:
            return _("No police report needed")
        return _("Ask whether a police report is needed")


@dataclass
class ResultPage:
    """One page of results in rank order, and whether another page follows."""

    results: list[Result]
    number: int = 1
    has_more: bool = False

    def __iter__(self) -> Iterator[Result]:
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    @property
    def first(self) -> int:
        return (self.number - 1) * PAGE_SIZE + 1

    @property
    def last(self) -> int:
        return (self.number - 1) * PAGE_SIZE + len(self.results)


def search_services(
    criteria: SearchCriteria,
    *,
    now: datetime,
    stale_after_days: int,
    page: int = 1,
    terms: Sequence[Term] | None = None,
) -> ResultPage:
    """One page of the services matching `criteria`, best first. `terms`: the directory's
    terms when the caller has them already (`terms.directory_terms`)."""
    today = now.date()
    page = min(max(page, 1), LAST_PAGE)
    terms_named = _term_ids(criteria, terms if terms is not None else directory_terms())
    services = Service.objects.listed()
    if criteria.need:
        services = services.with_term_ids(terms_named.get((KIND, criteria.need), []))
    for flag in criteria.flags:
        services = services.with_term_ids(terms_named.get((FLAG, flag), []))
    if criteria.language:
        services = services.speaking(criteria.language)
    if criteria.region:
        services = services.serving(criteria.region)
    if criteria.age is not None:
        services = services.for_age(criteria.age)
    if criteria.always_open:
        services = services.filter(always_open=True)
    if criteria.open_now:
        services = services.open_at(now)
    if criteria.text:
        services = services.matching(criteria.text)
    barrier_ids = [i for code in criteria.barriers for i in terms_named.get((BARRIER, code), [])]
    if criteria.barriers:
        services = services.with_term_ids(barrier_ids)
    # Rank on narrow rows and keep this page's ids (and one more, to know if a page follows);
    # then read only those entries in full.
    start = (page - 1) * PAGE_SIZE
    ids = _first_ids(
        services,
        barrier_ids,
        limit=start + PAGE_SIZE + 1,
        today=today,
        stale_after_days=stale_after_days,
    )
    shown = ids[start : start + PAGE_SIZE]
    rows = {
        service.pk: service for service in Service.objects.filter(pk__in=shown).only(*CARD_FIELDS)
    }
    parts = _card_parts(shown)
    results = [
        _result(rows[pk], parts, criteria, today=today, stale_after_days=stale_after_days)
        for pk in shown
    ]
    return ResultPage(results, number=page, has_more=len(ids) > start + PAGE_SIZE)


def _term_ids(criteria: SearchCriteria, terms: Sequence[Term]) -> dict[tuple[str, str], list[Any]]:
    """The ids of every term the criteria name (the filters then probe the entries' search keys
    by id)."""
    wanted = {(KIND, criteria.need)} if criteria.need else set()
    wanted |= {(FLAG, code) for code in criteria.flags}
    wanted |= {(BARRIER, code) for code in criteria.barriers}
    found: dict[tuple[str, str], list[Any]] = {}
    for term in terms:
        if (term.taxonomy, term.code) in wanted:
            found.setdefault((term.taxonomy, term.code), []).append(term.id)
    return found


def _first_ids(
    services: Any, barrier_ids: list[Any], *, limit: int, today: date, stale_after_days: int
) -> list[Any]:
    """The ids of the first `limit` services in rank order.

    Without barriers the order is fresh entries by name, then stale ones by name: two queries
    that each walk the name index and stop at the limit. One query sorting on "is it stale"
    (which depends on today, so no index has it) sorted every match, 26 ms for a region at
    20,000 services against under 1 ms this way.
    """
    if barrier_ids:
        ranked = _ranked(services, barrier_ids, today=today, stale_after_days=stale_after_days)
        if len(barrier_ids) > 1:
            # The entries addressing every barrier rank first, and often fill the page: ask for
            # them alone first (the search keys' index finds them, a few hundred rows), and rank
            # every match (thousands of rows read) only when they are too few.
            every = [rules.term_key(i) for i in barrier_ids]
            first = list(
                ranked.filter(search_keys__has_keys=every).values_list("pk", flat=True)[:limit]
            )
            if len(first) == limit:
                return first
        return list(ranked.values_list("pk", flat=True)[:limit])
    cutoff = today - timedelta(days=stale_after_days)
    by_name = (Lower("name"), "pk")
    ids = list(
        services.filter(assured_date__gte=cutoff)
        .order_by(*by_name)
        .values_list("pk", flat=True)[:limit]
    )
    if len(ids) < limit:
        stale = services.filter(Q(assured_date__isnull=True) | Q(assured_date__lt=cutoff))
        ids += stale.order_by(*by_name).values_list("pk", flat=True)[: limit - len(ids)]
    return ids


def _ranked(services: Any, barrier_ids: list[Any], *, today: date, stale_after_days: int) -> Any:
    limit = today - timedelta(days=stale_after_days)
    stale = When_(
        When(Q(assured_date__isnull=True) | Q(assured_date__lt=limit), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    # How many of the patient's barriers the entry addresses, read off its own search keys.
    matches = [
        When_(
            When(search_keys__has_key=rules.term_key(i), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
        for i in barrier_ids
    ]
    return services.annotate(
        barrier_matches=sum(matches[1:], matches[0]),
        stale=stale,
    ).order_by("-barrier_matches", "stale", Lower("name"), "pk")


# What a result card reads of the entry itself (`referrals/results.html`): not the HSDS extras,
# the search columns or the rest of the record.
CARD_FIELDS = (
    "id",
    "name",
    "screen_label",
    "description",
    "translations",
    "is_demo",
    "alert",
    "interpretation_services",
    "fees_description",
    "eligibility_description",
    "minimum_age",
    "maximum_age",
    "assured_date",
    "always_open",
    *REFERRAL_READY_FIELDS,
)


@dataclass
class _CardParts:
    """A page's nested lists, grouped by service, as plain values in position order."""

    languages: dict[Any, list[str]] = field(default_factory=dict)
    phones: dict[Any, list[PhoneShown]] = field(default_factory=dict)
    hours: dict[Any, list[str]] = field(default_factory=dict)
    terms: dict[Any, list[tuple[str, str, str]]] = field(default_factory=dict)


def _card_parts(ids: list[Any]) -> _CardParts:
    """The nested lists a page of cards shows, in four narrow queries of plain values: model
    instances for a page's ~400 child rows (with their prefetch bookkeeping) were the larger
    part of a search's time."""
    parts = _CardParts()

    def rows(model: Any, *columns: str) -> Any:
        return (
            model.objects.filter(service_id__in=ids)
            .order_by("service_id", "position", "pk")
            .values_list("service_id", *columns)
        )

    for service_id, name, code in rows(Language, "name", "code"):
        parts.languages.setdefault(service_id, []).append(name or code)
    for service_id, number, kind in rows(Phone, "number", "type"):
        parts.phones.setdefault(service_id, []).append(PhoneShown(number, kind))
    for service_id, description in rows(Schedule, "description"):
        if description:
            parts.hours.setdefault(service_id, []).append(description)
    for service_id, taxonomy, code, name in rows(
        Attribute, "taxonomy_term__taxonomy", "taxonomy_term__code", "taxonomy_term__name"
    ):
        parts.terms.setdefault(service_id, []).append((taxonomy, code, name))
    return parts


def _result(
    service: Service,
    parts: _CardParts,
    criteria: SearchCriteria,
    *,
    today: date,
    stale_after_days: int,
) -> Result:
    language = get_language()
    pk = service.pk
    hours = (
        _("24 hours a day, 7 days a week")
        if service.always_open
        else " ".join(parts.hours.get(pk, [])) or _("Hours not recorded")
    )
    result = Result(
        service=service,
        freshness=service.freshness(today=today, stale_after_days=stale_after_days),
        title=translated(service, "screen_label", language).text or service.name,
        description=translated(service, "description", language).text,
        languages=parts.languages.get(pk, []),
        phones=parts.phones.get(pk, []),
        hours=hours,
    )
    for taxonomy, code, name in parts.terms.get(pk, []):
        label = rules.term_label(taxonomy, code, name)
        if taxonomy == KIND:
            result.kinds.append(label)
        elif taxonomy == FLAG:
            result.flags.append(label)
            result.flag_codes.add(code)
        elif taxonomy == BARRIER:
            result.barriers.append(label)
            result.barrier_matches += code in criteria.barriers
    return result
