"""`make bench`: build (or reuse) the benchmark databases, measure, write bench/results/.

    python -m bench.run [--quick] [--skip-load] [--skip-browser] [--rebuild]

PostgreSQL is reached at BENCH_PG (default postgres://postgres@127.0.0.1:5432). The data set
lives in template databases named after a hash of the migrations, the shipped content and the
build code (harbor_bench_tpl_<hash>, and _2k with 2,000 services only); each run copies them
(CREATE DATABASE … TEMPLATE) into harbor_bench_run and harbor_bench_run_2k, so a later run starts
in seconds and measures a database nobody has written to yet.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
RUN_DB = "harbor_bench_run"
RUN_DB_2K = "harbor_bench_run_2k"


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def data_hash(cases: int) -> str:
    """Changes whenever the built data would: migrations, shipped content, the build code."""
    digest = hashlib.sha256(str(cases).encode())
    files = sorted(
        [
            *ROOT.glob("*/migrations/*.py"),
            *ROOT.glob("*/content/**/*.json"),
            *(ROOT / "bench" / name for name in ("seed.py", "copies.py", "build.py")),
            ROOT / "referrals" / "management" / "commands" / "bench_directory_search.py",
        ]
    )
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def admin() -> psycopg.Connection:
    return psycopg.connect(f"{PG}/postgres", autocommit=True)


def exists(name: str) -> bool:
    with admin() as conn:
        return (
            conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
            is not None
        )


def drop(name: str) -> None:
    with admin() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def create(name: str, template: str | None = None) -> None:
    drop(name)
    with admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else ""))


def env_for(database: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"{PG}/{database}",
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "PYTHONPATH": str(ROOT),
        **extra,
    }


def build(template: str, *, cases: int, seed_cases: int) -> None:
    """Build `template` and `template`_2k from nothing (a few minutes at 10,000 cases)."""
    work = f"{template}_work"
    started = time.monotonic()
    create(work)
    run_build = [sys.executable, "-m", "bench.build"]
    subprocess.run([*run_build, "base", "--services", "2000"], env=env_for(work), check=True)
    create(f"{template}_2k", template=work)
    subprocess.run(
        [
            *run_build,
            "cases",
            "--cases",
            str(cases),
            "--seed-cases",
            str(seed_cases),
            "--services",
            "18000",
        ],
        env=env_for(work),
        check=True,
    )
    drop(template)
    with admin() as conn:
        conn.execute(f'ALTER DATABASE "{work}" RENAME TO "{template}"')
    log(f"built {template} in {time.monotonic() - started:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="1,000 cases, fewer rounds")
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--rounds", type=int)
    parser.add_argument(
        "--skip-inprocess", action="store_true", help="keep the last run's in-process figures"
    )
    args = parser.parse_args()
    quick = args.quick or os.environ.get("BENCH_QUICK", "") not in ("", "0")
    cases, seed_cases = (1000, 100) if quick else (10_000, 500)
    rounds = args.rounds or (15 if quick else 40)

    template = f"harbor_bench_tpl_{data_hash(cases)}"
    if args.rebuild or not (exists(template) and exists(f"{template}_2k")):
        log(f"building {template} ({cases} cases; the first build takes a few minutes)")
        build(template, cases=cases, seed_cases=seed_cases)
    else:
        log(f"reusing {template}")
    started = time.monotonic()
    create(RUN_DB, template=template)
    create(RUN_DB_2K, template=f"{template}_2k")
    log(f"run databases copied from the templates in {time.monotonic() - started:.1f} s")

    results: dict[str, Any] = {"cases": cases, "services": 20_000, "quick": quick, "rounds": rounds}
    out = RESULTS / ("quick.json" if quick else "latest.json")
    RESULTS.mkdir(parents=True, exist_ok=True)
    scratch = RESULTS / ".inprocess.json"
    if args.skip_inprocess:
        kept = json.loads(out.read_text())
        results.update(
            {
                k: kept[k]
                for k in ("baselines", "pages", "fragments", "documents", "search", "case_ref")
            }
        )
    else:
        subprocess.run(
            [sys.executable, "-m", "bench.inprocess", str(scratch), "--rounds", str(rounds)],
            env=env_for(RUN_DB, BENCH_DB_2K=f"{PG}/{RUN_DB_2K}"),
            check=True,
        )
        results.update(json.loads(scratch.read_text()))
        scratch.unlink()
    if not args.skip_load or not args.skip_browser:
        from bench import served

        results.update(
            served.measure(
                env_for(RUN_DB),
                load=not args.skip_load,
                browser=not args.skip_browser,
                quick=quick,
                case_ref=results["case_ref"],
            )
        )
    from bench import report

    results["budgets"] = report.budgets(results)
    out.write_text(json.dumps(results, indent=1) + "\n")
    table = report.markdown(results)
    out.with_suffix(".md").write_text(table)
    print(table)
    drop(RUN_DB)
    drop(RUN_DB_2K)


if __name__ == "__main__":
    main()
