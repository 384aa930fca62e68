"""Measure directory search at scale: p50/p95 over typical queries on N synthetic services.

Run on the database you care about (PostgreSQL in production), e.g.
`DATABASE_URL=postgres://… manage.py bench_directory_search --services 20000`. Synthetic rows are
created inside a transaction that is rolled back, so the directory is left as it was.
"""

from __future__ import annotations

import random
import statistics
import time as clock
import uuid
from datetime import time, timedelta
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from referrals import rules
from referrals.models import (
    BARRIER,
    FLAG,
    KIND,
    Attribute,
    Language,
    Organization,
    Schedule,
    Service,
    ServiceArea,
    TaxonomyTerm,
)
from referrals.search import SearchCriteria, search_services

WORDS = (
    "legal housing shelter counselling support clinic food transport youth family immigration "
    "settlement health crisis outreach advocacy recovery women men newcomer rights"
).split()
REGIONS = ["CA-ON", "CA-QC", "CA-BC", "US-NY", "US-TX", "US-CA", "CA", "US"]
LANGUAGES = ["en", "fr", "es", "pt", "zh", "ar", "tl", "uk"]
QUERIES = [
    SearchCriteria(region="CA-ON"),
    SearchCriteria(region="CA-ON", need="housing", barriers=("money", "transportation")),
    SearchCriteria(region="US-NY", language="es", age=30),
    SearchCriteria(region="CA-ON", open_now=True, flags=("trauma-informed",)),
    SearchCriteria(region="CA-ON", text="legal clinic"),
    SearchCriteria(text="housing support", always_open=True),
    SearchCriteria(region="US-TX", need="legal-aid", text="immigration"),
]


class Command(BaseCommand):
    help = "Time directory searches over synthetic services (rolled back afterwards)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--services", type=int, default=20_000)
        parser.add_argument("--rounds", type=int, default=30)

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("load_referrals_content", stdout=self.stdout)
        with transaction.atomic():
            self._populate(options["services"])
            timings, per_query = self._measure(options["rounds"])
            transaction.set_rollback(True)
        for criteria, own in zip(QUERIES, per_query, strict=True):
            own.sort()
            self.stdout.write(f"  p95 {own[int(len(own) * 0.95) - 1]:6.1f} ms  {criteria}")
        timings.sort()
        p50 = statistics.median(timings)
        p95 = timings[int(len(timings) * 0.95) - 1]
        self.stdout.write(
            f"{connection.vendor}: {len(timings)} searches over {options['services']} services: "
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms"
        )

    def _populate(self, count: int) -> None:
        rng = random.Random(12)  # noqa: S311 - synthetic data, not security
        terms = {t.code + "/" + t.taxonomy: t for t in TaxonomyTerm.objects.all()}
        kinds = [t for t in terms.values() if t.taxonomy == KIND]
        flags = [t for t in terms.values() if t.taxonomy == FLAG]
        barriers = [t for t in terms.values() if t.taxonomy == BARRIER]
        organization = Organization.objects.create(name="Benchmark org", description="")
        today = timezone.localdate()
        services, children = [], []
        for i in range(count):
            words = " ".join(rng.sample(WORDS, 4))
            service = Service(
                id=uuid.uuid4(),
                organization=organization,
                name=f"Benchmark {i} {words}",
                description=f"Synthetic entry about {words}.",
                assured_date=today - timedelta(days=rng.randint(0, 400)),
                minimum_age=rng.choice([None, 16, 18]),
                always_open=rng.random() < 0.1,
            )
            service.search_text = rules.normalise_text(service.name, service.description)
            area = ServiceArea(service=service, extent=rng.choice(REGIONS))
            language = Language(service=service, code=rng.choice(LANGUAGES))
            chosen = {
                rng.choice(kinds),
                rng.choice(flags),
                rng.choice(barriers),
                rng.choice(barriers),
            }
            attributes = [Attribute(service=service, taxonomy_term=term) for term in chosen]
            # As `hsds.refresh_search` derives them on every write through Harbor.
            service.search_keys = rules.search_keys(
                term_ids=[term.pk for term in chosen],
                language_codes=[language.code],
                extents=[area.extent],
            )
            services.append(service)
            children.append(
                (
                    area,
                    language,
                    Schedule(
                        service=service,
                        byday="MO,TU,WE,TH,FR",
                        opens_at=time(9, 0),
                        closes_at=time(17, 0),
                    ),
                    attributes,
                )
            )
        Service.objects.bulk_create(services, batch_size=2000)
        ServiceArea.objects.bulk_create([c[0] for c in children], batch_size=2000)
        Language.objects.bulk_create([c[1] for c in children], batch_size=2000)
        Schedule.objects.bulk_create([c[2] for c in children], batch_size=2000)
        Attribute.objects.bulk_create([a for c in children for a in c[3]], batch_size=5000)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE referrals_service"
                    " SET search_vector = to_tsvector('simple', search_text)"
                )
                cursor.execute("ANALYZE")

    def _measure(self, rounds: int) -> tuple[list[float], list[list[float]]]:
        timings: list[float] = []
        per_query: list[list[float]] = [[] for _query in QUERIES]
        now = timezone.localtime()
        for _round in range(rounds):
            for own, criteria in zip(per_query, QUERIES, strict=True):
                start = clock.perf_counter()
                results = search_services(criteria, now=now, stale_after_days=180)
                [r.languages for r in results]  # noqa: B018 - what the page reads
                timings.append((clock.perf_counter() - start) * 1000)
                own.append(timings[-1])
        return timings, per_query
