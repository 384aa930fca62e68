"""Measure a few of the benchmark's probes, for working on one page (README "Benchmark").

    python -m bench.probe "referrals tab" "search:" --rounds 20 [--profile]

runs every probe (page, fragment, document or search, and the baselines) whose name contains one
of the given words, against a private copy of the benchmark's template database (`--db`, made
with `CREATE DATABASE … TEMPLATE harbor_bench_tpl_<hash>` and migrated if your branch added
migrations), and prints median, p95, queries and size. `--profile` prints cProfile's top
functions for the first matching probe instead, for finding where its time goes.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys

import django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("words", nargs="+", help="probe names containing any of these")
    parser.add_argument("--db", required=True, help="a database copied from the bench template")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    pg = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
    os.environ["DATABASE_URL"] = f"{pg}/{args.db}"
    django.setup()
    from bench import measure

    every = [*measure.BASELINES, *measure.search_probes()]
    # The 2,000-service copy holds the directory and the people but no cases: its searches only.
    from cases.models import Case

    if Case.objects.exists():
        case, busy = measure.bench_case()
        every += [
            *measure.page_probes(case, busy),
            *measure.fragment_probes(case),
            *measure.document_probes(case),
        ]
    chosen = [p for p in every if any(word in p.name for word in args.words)]
    if not chosen:
        sys.exit("no probe matches; names: " + ", ".join(p.name for p in every))
    made = measure.clients()
    if args.profile:
        probe = chosen[0]
        for _ in range(2):
            measure._send(made[probe.persona], probe)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(args.rounds):
            measure._send(made[probe.persona], probe)
        profiler.disable()
        print(f"{probe.name}: {args.rounds} rounds")
        pstats.Stats(profiler).sort_stats(os.environ.get("PROBE_SORT", "cumulative")).print_stats(
            45
        )
        return
    for row in measure.run_probes(made, chosen, args.rounds):
        print(
            f"{row['name']:<60} median {row['median_ms']:>8} ms  p95 {row['p95_ms']:>8} ms  "
            f"{row['queries']:>3} queries  {row['kib']:>6} KiB  {row['status']}"
        )


if __name__ == "__main__":
    main()
