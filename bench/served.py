"""The served half of the benchmark: gunicorn (2 workers of 4 threads, loopback only) over the
run database, locust's ward load and throughput ramp (`bench.load`), Chromium
(`bench.browser`), and the workers' memory afterwards. Every step is bounded in time."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def worker_rss_mb(master: int) -> list[float]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(round(int(line.split()[1]) / 1024, 1))
    return sizes


def measure(
    env: dict[str, str], *, load: bool, browser: bool, quick: bool, case_ref: str
) -> dict[str, Any]:
    python = sys.executable
    scratch = ROOT / "bench" / "results"
    plan = scratch / ".plan.json"
    subprocess.run([python, "-m", "bench.plan", str(plan)], env=env, check=True, cwd=ROOT)
    # Static files as production serves them (WhiteNoise from STATIC_ROOT).
    subprocess.run(
        [python, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, check=True, cwd=ROOT
    )
    port = free_port()
    host = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(Path(python).with_name("gunicorn")),
            "config.wsgi:application",
            # One process per core, each with threads: a request waiting on PostgreSQL (every
            # case view commits its audit entry) leaves the core to another, where a sync
            # worker would sit idle. Threads also keep locust's connections alive.
            "--workers",
            "2",
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "30",
            # Longer than the ward's 5 s pacing, as a browser keeps its connection: with
            # gunicorn's 2 s default, the server closed idle connections just as the next
            # request went out on them (seen as status 0 "failures" in the ward).
            "--keep-alive",
            "30",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    results: dict[str, Any] = {}
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{host}/accounts/login/", timeout=2)  # noqa: S310 - loopback
                break
            except OSError:
                time.sleep(0.2)
        if load:
            log("ward load and throughput (locust, loopback)")
            out = scratch / ".load.json"
            subprocess.run(
                [
                    python,
                    "-m",
                    "bench.load",
                    str(plan),
                    str(out),
                    "--host",
                    host,
                    *(["--quick"] if quick else []),
                ],
                env=env,
                check=True,
                cwd=ROOT,
                timeout=900,
            )
            results["load"] = json.loads(out.read_text())
            results["load"]["worker_rss_mb"] = worker_rss_mb(server.pid)
            out.unlink()
        if browser:
            log("Chromium: click to swap, page weight")
            out = scratch / ".browser.json"
            subprocess.run(
                [
                    python,
                    "-m",
                    "bench.browser",
                    str(plan),
                    str(out),
                    "--host",
                    host,
                    *(["--quick"] if quick else []),
                ],
                env=env,
                check=True,
                cwd=ROOT,
                timeout=600,
            )
            results.update(json.loads(out.read_text()))
            out.unlink()
    finally:
        server.terminate()
        server.wait(timeout=20)
        plan.unlink(missing_ok=True)
    del case_ref
    return results
