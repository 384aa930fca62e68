"""The in-process half of the benchmark (a subprocess of `bench.run`, with DATABASE_URL naming
the run database and BENCH_DB_2K the 2,000-service one): pages, fragments, documents, search."""

from __future__ import annotations

import argparse
import gc
import json
import os
import sys
from pathlib import Path

import django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--rounds", type=int, default=40)
    args = parser.parse_args()
    django.setup()
    import dj_database_url
    from django.db import connection

    from bench import measure

    # As a served worker does (config/wsgi.py): what startup loaded is kept out of the
    # collector's scans, so the probes measure requests, not full collections of the heap.
    gc.freeze()

    print("[bench] pages and fragments", file=sys.stderr, flush=True)
    results = measure.measure_pages(args.rounds)
    case, _busy = measure.bench_case()
    print("[bench] documents", file=sys.stderr, flush=True)
    results["documents"] = measure.measure_documents(case, max(5, args.rounds // 4))
    print("[bench] search at 20,000 services", file=sys.stderr, flush=True)
    at_20k = measure.measure_search(args.rounds)
    # The same searches over the 2,000-service database: same code, same connection settings.
    connection.close()
    connection.settings_dict["NAME"] = dj_database_url.parse(os.environ["BENCH_DB_2K"])["NAME"]
    print("[bench] search at 2,000 services", file=sys.stderr, flush=True)
    at_2k = measure.measure_search(args.rounds)
    results["search"] = {"20000": at_20k, "2000": at_2k}
    args.out.write_text(json.dumps(results))


if __name__ == "__main__":
    main()
