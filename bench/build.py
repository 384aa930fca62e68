"""Build the benchmark's template databases (run as a subprocess by `bench.run`, with
DATABASE_URL naming the database being built).

Steps: migrate, load the shipped content, the bench facility's people, 2,000 directory services
(then the caller snapshots the 2,000-service template), then the cases (a seed set through the
actions, multiplied by `bench.copies`) and 18,000 more services, then VACUUM ANALYZE.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from io import StringIO

import django


def log(message: str) -> None:
    print(f"[bench build] {message}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("stage", choices=["base", "cases"])
    parser.add_argument("--seed-cases", type=int, default=500)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--services", type=int, default=2_000)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from bench import copies, seed
    from referrals.management.commands.bench_directory_search import Command as DirectoryBench

    started = time.monotonic()
    if args.stage == "base":
        call_command("migrate", verbosity=0)
        call_command("load_content", stdout=StringIO())
        with transaction.atomic():
            seed.people()
            DirectoryBench(stdout=StringIO())._populate(args.services)
        took = time.monotonic() - started
        log(f"base: content, people and {args.services} services in {took:.0f} s")
        return
    seeds = min(args.seed_cases, args.cases)
    seed.seed_cases(seeds, progress=log)
    log(f"{seeds} cases through Harbor's actions in {time.monotonic() - started:.0f} s")
    with transaction.atomic():
        # Whole copies of the seed set: at least the cases asked for.
        copies.multiply(-(-args.cases // seeds) - 1)
        seed.bench_cases()
        DirectoryBench(stdout=StringIO())._populate(args.services)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    took = time.monotonic() - started
    log(f"cases: {args.cases} cases and +{args.services} services in {took:.0f} s")


if __name__ == "__main__":
    main()
