"""The budgets of issue 15 checked against a run's figures, and the Markdown table."""

from __future__ import annotations

from typing import Any


def _budget(name: str, figure: Any, limit: Any, met: bool | None) -> dict[str, Any]:
    return {"budget": name, "figure": figure, "limit": limit, "met": met}


def budgets(r: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    changelist = next(b for b in r["baselines"] if b["name"].startswith("admin changelist"))
    for page in r["pages"]:
        out.append(
            _budget(f"page p95 ≤ 50 ms: {page['name']}", page["p95_ms"], 50, page["p95_ms"] <= 50)
        )
        out.append(
            _budget(
                f"page p95 ≤ 1.0× admin changelist: {page['name']}",
                page["p95_vs_admin_changelist"],
                1.0,
                page["p95_vs_admin_changelist"] <= 1.0,
            )
        )
    for fragment in r["fragments"]:
        out.append(
            _budget(
                f"fragment p95 ≤ 25 ms: {fragment['name']}",
                fragment["p95_ms"],
                25,
                fragment["p95_ms"] <= 25,
            )
        )
    for row in r["pages"] + r["fragments"] + r["documents"]:
        if not row["ok"]:
            out.append(_budget(f"answers {row['name']}", row["status"], "200", False))
    s20, s2 = r["search"]["20000"], r["search"]["2000"]
    out.append(
        _budget("search p95 ≤ 50 ms at 20,000 services", s20["p95_ms"], 50, s20["p95_ms"] <= 50)
    )
    ratio = round(s20["p95_ms"] / s2["p95_ms"], 2)
    out.append(_budget("search p95 at 20,000 < 2× at 2,000", ratio, 2, ratio < 2))
    out.append(
        _budget(
            "search p95 faster than admin changelist search (20,000)",
            f"{s20['p95_ms']} vs {s20['admin_p95_ms']} ms",
            "<",
            s20["p95_ms"] < s20["admin_p95_ms"],
        )
    )
    del changelist
    limits = {"discreet card": 500, "handover report": 1000}
    for doc in r["documents"]:
        if doc["name"] in limits:
            limit = limits[doc["name"]]
            out.append(
                _budget(
                    f"{doc['name']} p95 ≤ {limit} ms", doc["p95_ms"], limit, doc["p95_ms"] <= limit
                )
            )
    load = r.get("load")
    if load:
        ward = load["ward"]
        out.append(_budget("ward load: 0 errors", ward["failures"], 0, ward["failures"] == 0))
        out.append(_budget("ward load p95 ≤ 150 ms", ward["p95_ms"], 150, ward["p95_ms"] <= 150))
        ratio = load.get("mix_vs_neutral")
        out.append(
            _budget(
                "mix throughput ≥ 0.3× neutral page", ratio, 0.3, ratio is not None and ratio >= 0.3
            )
        )
        rss = load.get("worker_rss_mb", [])
        out.append(_budget("each worker ≤ 150 MB RSS", rss, 150, bool(rss) and max(rss) <= 150))
    browser = r.get("browser")
    if browser:
        for row in browser["interactions"]:
            out.append(
                _budget(
                    f"click to swap p95 ≤ 100 ms: {row['name']}",
                    row["p95_ms"],
                    100,
                    row["p95_ms"] <= 100,
                )
            )
    weight = r.get("weight")
    if weight:
        for row in weight["pages"]:
            out.append(
                _budget(
                    f"page weight ≤ 100 KB compressed: {row['name']}",
                    row["total_kb"],
                    100,
                    row["total_kb"] <= 100,
                )
            )
            out.append(
                _budget(
                    f"JavaScript ≤ 60 KB compressed: {row['name']}",
                    row["js_kb"],
                    60,
                    row["js_kb"] <= 60,
                )
            )
    return out


def _table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        lines.append("| " + " | ".join(str(row.get(c, "")) for c in columns) + " |")
    return "\n".join(lines)


def markdown(r: dict[str, Any]) -> str:
    cols = [
        "name",
        "median_ms",
        "p95_ms",
        "queries",
        "kib",
        "p95_vs_trivial",
        "p95_vs_admin_changelist",
        "status",
    ]
    parts = [
        f"# Harbor benchmark ({r['cases']} cases, {r['services']} services"
        f"{', quick' if r['quick'] else ''})",
        "",
        "## Baselines",
        _table(r["baselines"], cols[:5]),
        "",
        "## Pages",
        _table(r["pages"], cols),
        "",
        "## Fragments",
        _table(r["fragments"], cols),
        "",
        "## Directory search",
    ]
    for size in ("2000", "20000"):
        s = r["search"][size]
        parts.append(
            f"- {size} services: p95 {s['p95_ms']} ms (median {s['median_ms']}); "
            f"admin changelist search p95 {s['admin_p95_ms']} ms (median {s['admin_median_ms']})"
        )
    parts += [
        "",
        _table(r["search"]["20000"]["rows"], cols[:5]),
        "",
        "## Documents",
        _table(r["documents"], cols[:5] + ["status"]),
    ]
    if r.get("load"):
        load = r["load"]
        ward = load["ward"]
        parts += [
            "",
            "## Under gunicorn (2 workers × 4 threads, loopback) with locust",
            f"- ward load: {ward['users']} users each acting every {ward['wait_s']} s "
            f"for {ward['seconds']} s: {ward['requests']} requests, {ward['rps']} req/s, "
            f"median {ward['median_ms']} ms, p95 {ward['p95_ms']} ms, {ward['failures']} errors",
            f"- throughput where p95 passes 250 ms: mix {load.get('mix_rps_at_250')} req/s, "
            f"neutral page {load.get('neutral_rps_at_250')} req/s "
            f"(ratio {load.get('mix_vs_neutral')})",
            f"- worker RSS after: {load.get('worker_rss_mb')} MB",
        ]
        if load.get("steps"):
            parts += [
                "",
                _table(load["steps"], ["load", "users", "rps", "median_ms", "p95_ms", "failures"]),
            ]
    if r.get("browser"):
        parts += [
            "",
            "## Chromium: click to swapped content",
            _table(r["browser"]["interactions"], ["name", "median_ms", "p95_ms", "n"]),
        ]
    if r.get("weight"):
        parts += [
            "",
            "## Page weight (gzip, no cached static files)",
            _table(
                r["weight"]["pages"], ["name", "total_kb", "html_kb", "css_kb", "js_kb", "requests"]
            ),
        ]
    missed = [b for b in r["budgets"] if not b["met"]]
    parts += ["", f"## Budgets: {len(r['budgets']) - len(missed)} met, {len(missed)} missed"]
    if missed:
        parts.append(_table(missed, ["budget", "figure", "limit"]))
    return "\n".join(parts) + "\n"
