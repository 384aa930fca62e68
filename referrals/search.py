"""Directory search: the filters a clinician sets, as one query with a bounded number of reads.

Filters are chainable `ServiceQuerySet` methods; this module combines them, ranks what matches
(barriers addressed first, stale entries lower) and shapes each result with what the clinician
must know before offering it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Case as When_
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cases.languages import translated
from referrals import rules
from referrals.models import (
    BARRIER,
    FLAG,
    KIND,
    Attribute,
    Language,
    Phone,
    Schedule,
    Service,
    TaxonomyTerm,
)

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


@dataclass
class Result:
    """One card: everything it shows, worked out once here rather than per use in the template."""

    service: Service
    freshness: rules.Freshness
    title: str = ""
    description: str = ""
    languages: list[str] = field(default_factory=list)
    phones: list[Phone] = field(default_factory=list)
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
    criteria: SearchCriteria, *, now: datetime, stale_after_days: int, page: int = 1
) -> ResultPage:
    today = now.date()
    page = min(max(page, 1), LAST_PAGE)
    terms = _term_ids(criteria)
    services = Service.objects.listed()
    if criteria.need:
        services = services.with_term_ids(terms.get((KIND, criteria.need), []))
    for flag in criteria.flags:
        services = services.with_term_ids(terms.get((FLAG, flag), []))
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
    barrier_ids = [i for code in criteria.barriers for i in terms.get((BARRIER, code), [])]
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
    rows = {service.pk: service for service in _full(Service.objects.filter(pk__in=shown))}
    results = [
        _result(rows[pk], criteria, today=today, stale_after_days=stale_after_days) for pk in shown
    ]
    return ResultPage(results, number=page, has_more=len(ids) > start + PAGE_SIZE)


def _term_ids(criteria: SearchCriteria) -> dict[tuple[str, str], list[Any]]:
    """The ids of every term the criteria name, in one query (the EXISTS filters then probe the
    attribute index by id)."""
    wanted = Q()
    if criteria.need:
        wanted |= Q(taxonomy=KIND, code=criteria.need)
    if criteria.flags:
        wanted |= Q(taxonomy=FLAG, code__in=criteria.flags)
    if criteria.barriers:
        wanted |= Q(taxonomy=BARRIER, code__in=criteria.barriers)
    if not wanted:
        return {}
    found: dict[tuple[str, str], list[Any]] = {}
    rows = TaxonomyTerm.objects.filter(wanted).values_list("taxonomy", "code", "pk")
    for taxonomy, code, pk in rows:
        found.setdefault((taxonomy, code), []).append(pk)
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
    if not barrier_ids:
        return services.annotate(stale=stale).order_by("stale", Lower("name"), "pk")
    matches = (
        Attribute.objects.filter(
            service=OuterRef("pk"),
            taxonomy_term_id__in=barrier_ids,
        )
        .values("service")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return services.annotate(
        barrier_matches=Coalesce(Subquery(matches, output_field=IntegerField()), Value(0)),
        stale=stale,
    ).order_by("-barrier_matches", "stale", Lower("name"), "pk")


def _full(services: Any) -> Any:
    """The page of entries with exactly what a result card shows (the nested lists in four
    queries, without the HSDS extras nobody reads here)."""
    return (
        services.select_related("organization")
        .defer("search_text", "search_vector", "extra", "organization__extra")
        .prefetch_related(
            Prefetch(
                "languages",
                queryset=Language.objects.only("service", "name", "code").order_by("position"),
            ),
            Prefetch(
                "phones",
                queryset=Phone.objects.only("service", "number", "type").order_by("position"),
            ),
            Prefetch(
                "schedules",
                queryset=Schedule.objects.only("service", "description").order_by("position"),
            ),
            Prefetch(
                "attributes",
                queryset=Attribute.objects.select_related("taxonomy_term")
                .only(
                    "service",
                    "taxonomy_term__taxonomy",
                    "taxonomy_term__code",
                    "taxonomy_term__name",
                )
                .order_by("position"),
            ),
        )
    )


def _result(
    service: Service, criteria: SearchCriteria, *, today: date, stale_after_days: int
) -> Result:
    language = get_language()
    hours = (
        _("24 hours a day, 7 days a week")
        if service.always_open
        else " ".join(s.description for s in service.schedules.all() if s.description)
        or _("Hours not recorded")
    )
    result = Result(
        service=service,
        freshness=service.freshness(today=today, stale_after_days=stale_after_days),
        title=translated(service, "screen_label", language).text or service.name,
        description=translated(service, "description", language).text,
        languages=[lang.name or lang.code for lang in service.languages.all()],
        phones=list(service.phones.all()),
        hours=hours,
    )
    for attribute in service.attributes.all():
        term = attribute.taxonomy_term
        label = rules.term_label(term.taxonomy, term.code, term.name)
        if term.taxonomy == KIND:
            result.kinds.append(label)
        elif term.taxonomy == FLAG:
            result.flags.append(label)
            result.flag_codes.add(term.code)
        elif term.taxonomy == BARRIER:
            result.barriers.append(label)
            result.barrier_matches += term.code in criteria.barriers
    return result
