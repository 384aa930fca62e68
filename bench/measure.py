"""In-process measurements with Django's test Client over the benchmark's PostgreSQL database.

Each probe is one request a person makes (a page, or the fragment an HTMX control asks for),
timed round after round around `Client.get/post` (so middleware, session, audit writes and
template rendering are all in), with its query count (one extra round under
CaptureQueriesContext) and its size. Pages are set beside the trivial view and Django admin's
changelist of the same cases, measured in the same run.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import seed
from cases.models import Case, User
from safety.models import ChecklistItem
from screening.models import Answer, ObservedIndicator

CODES = (
    "sexual=suspected&labour=not_suspected&encounter=A&multiple=unknown&past=unknown"
    "&childhood=unknown"
)
HTMX_TAB = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "tab-panel"}


def htmx(target: str) -> dict[str, str]:
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": target}


@dataclass
class Probe:
    name: str
    persona: str
    url: str
    method: str = "get"
    headers: dict[str, Any] = field(default_factory=dict)
    # A POST's body, made fresh before each round (versions move on after every save).
    data: Callable[[], dict[str, Any]] | None = None
    status: int = 200
    # A page known to take seconds (the directory admin's unpaged list) gets fewer rounds, so
    # the run stays bounded; its p95 is then the slowest of those.
    rounds: int | None = None


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


def _send(client: Client, probe: Probe) -> Any:
    body = probe.data() if probe.data else None
    if probe.method == "post":
        return client.post(probe.url, body or {}, **probe.headers)
    return client.get(probe.url, **probe.headers)


def run_probes(made: dict[str, Client], probes: list[Probe], rounds: int) -> list[dict[str, Any]]:
    """Every probe once per round, round after round: a burst of load from the other tenants of
    this shared machine then slows all probes alike, and the ratios between them hold."""
    for probe in probes:
        for _ in range(2):  # warm: templates compiled, rule objects cached
            _send(made[probe.persona], probe)
    timings: list[list[float]] = [[] for _ in probes]
    for round_number in range(rounds):
        for probe, own in zip(probes, timings, strict=True):
            if probe.rounds is not None and round_number >= probe.rounds:
                continue
            client = made[probe.persona]
            body = probe.data() if probe.data else None  # outside the timing
            start = time.perf_counter()
            if probe.method == "post":
                client.post(probe.url, body or {}, **probe.headers)
            else:
                client.get(probe.url, **probe.headers)
            own.append((time.perf_counter() - start) * 1000)
    rows = []
    for probe, own in zip(probes, timings, strict=True):
        with CaptureQueriesContext(connection) as queries:
            response = _send(made[probe.persona], probe)
        rows.append(
            {
                "name": probe.name,
                "url": probe.url,
                "status": response.status_code,
                "ok": response.status_code == probe.status,
                "median_ms": round(statistics.median(own), 2),
                "p95_ms": round(percentile(own, 0.95), 2),
                "queries": len(queries.captured_queries),
                "kib": round(len(response.content) / 1024, 1),
            }
        )
    return rows


def clients() -> dict[str, Client]:
    made = {}
    for persona, username in (
        ("clinician", "clinician0_0"),
        ("supervisor", "supervisor"),
        ("administrator", "administrator"),
        ("bench_admin", "bench_admin"),
    ):
        client = Client()
        client.force_login(User.objects.get(username=username))
        made[persona] = client
    return made


def _autosave_post(
    row: Any, prefix: str, fields: Callable[[int], dict[str, str]], url: str
) -> Callable[[], dict[str, Any]]:
    """The body of one autosave of `row` (an answer or a sign), fresh each call: its current
    version, and words that change every time so each save really writes."""
    state = {"n": 0}

    def data() -> dict[str, Any]:
        fresh = type(row).objects.get(pk=row.pk)
        state["n"] += 1
        body = {f"{prefix}-{name}": value for name, value in fields(state["n"]).items()}
        return {**body, f"{prefix}-version": str(fresh.version)}

    data.url = url  # type: ignore[attr-defined]
    return data


def _answer_post(case: Case) -> Callable[[], dict[str, Any]]:
    answer = Answer.objects.filter(screening__case=case).order_by("pk").first()
    assert answer is not None
    return _autosave_post(
        answer,
        f"answer-{answer.pk}",
        lambda n: {"status": "answered", "note": f"Typed so far {n}"},
        f"/screening/cases/{case.ref}/answers/{answer.pk}/",
    )


def _sign_post(case: Case) -> Callable[[], dict[str, Any]]:
    sign = ObservedIndicator.objects.filter(screening__case=case).order_by("pk").last()
    assert sign is not None
    return _autosave_post(
        sign,
        f"sign-{sign.pk}",
        lambda n: {"observed": "on", "note": f"Seen {n}"},
        f"/screening/cases/{case.ref}/signs/{sign.pk}/",
    )


def _tick_post(case: Case, checklist: str, item: str) -> Callable[[], dict[str, Any]]:
    def data() -> dict[str, Any]:
        current = ChecklistItem.objects.filter(
            checklist__case=case, checklist__slug=checklist, slug=item
        ).first()
        done = current is not None and current.status == ChecklistItem.Status.DONE
        return {
            "status": ChecklistItem.Status.OPEN if done else ChecklistItem.Status.DONE,
            "reason": "",
            "base_version": str(current.version if current else 0),
        }

    return data


def _note_post(case: Case) -> Callable[[], dict[str, Any]]:
    from documentation.models import EncounterNote

    state = {"n": 0}

    def data() -> dict[str, Any]:
        note = EncounterNote.objects.get(case=case)
        state["n"] += 1
        body = {"version": str(note.version), "sensitive": "on", "sensitive_reason": "At risk"}
        for slug, text in note.sections.items():
            body[f"section_{slug}"] = text
        body["section_observations"] = f"{seed.NOTE_TEXT} ({state['n']})"
        for slug, value in note.consents.items():
            body[f"consent_{slug}"] = value
        return body

    return data


def _facts_post(case: Case) -> Callable[[], dict[str, Any]]:
    def data() -> dict[str, Any]:
        # "check" only shows the outcome; the rules' version matters only to "record".
        return {
            "age": "24",
            "age_basis": "confirmed",
            "injury_kind": "none",
            "lives_in_care_facility": "no",
            "patient_consents": "no",
            "action": "check",
        }

    return data


def page_probes(case: Case, busy: Case) -> list[Probe]:
    ref = case.ref
    screening = case.screenings.get()
    last_theme = screening.bank.themes.order_by("position").last()
    theme = f"?theme={last_theme.slug}" if last_theme else ""
    return [
        Probe("home (clinician)", "clinician", "/"),
        Probe("home (supervisor)", "supervisor", "/"),
        Probe("home (administrator)", "administrator", "/"),
        Probe("case overview", "clinician", f"/cases/{ref}/"),
        Probe("case edit", "clinician", f"/cases/{ref}/edit/"),
        Probe("escalate form", "clinician", f"/cases/{ref}/escalate/"),
        Probe("screening tab", "clinician", f"/screening/cases/{ref}/"),
        Probe("screening tab, last theme", "clinician", f"/screening/cases/{ref}/{theme}"),
        Probe("safety tab", "clinician", f"/safety/cases/{ref}/"),
        Probe("care tab", "clinician", f"/safety/cases/{ref}/care/"),
        Probe("reporting tab", "clinician", f"/safety/cases/{ref}/reporting/"),
        Probe("referrals tab", "clinician", f"/referrals/cases/{ref}/"),
        Probe("notes tab", "clinician", f"/documentation/cases/{ref}/"),
        Probe("EHR text", "clinician", f"/documentation/cases/{ref}/ehr-text/"),
        Probe("access log (500-row cap)", "supervisor", f"/cases/{busy.ref}/access-log/"),
        Probe("review queue", "supervisor", "/review/"),
        Probe("review page", "supervisor", f"/cases/{ref}/review/"),
        Probe("work lists", "supervisor", "/review/work/"),
        Probe("figures", "supervisor", "/review/figures/"),
        Probe("directory search page", "clinician", "/referrals/search/"),
        Probe("directory admin", "administrator", "/referrals/directory/", rounds=5),
        Probe("facility settings", "administrator", "/facility/"),
        Probe("checklist editor list", "administrator", "/safety/checklists/"),
        Probe(
            "immediate-care checklist editor", "administrator", "/safety/checklists/immediate-care/"
        ),
        Probe("jurisdictions", "administrator", "/safety/jurisdictions/"),
        Probe("jurisdiction editor (CA-ON)", "administrator", "/safety/jurisdictions/CA-ON/"),
        Probe("question banks", "administrator", "/screening/content/"),
    ]


def fragment_probes(case: Case) -> list[Probe]:
    ref = case.ref
    answer = _answer_post(case)
    sign = _sign_post(case)
    return [
        Probe("tab switch: overview", "clinician", f"/cases/{ref}/", headers=HTMX_TAB),
        Probe("tab switch: screening", "clinician", f"/screening/cases/{ref}/", headers=HTMX_TAB),
        Probe("tab switch: safety", "clinician", f"/safety/cases/{ref}/", headers=HTMX_TAB),
        Probe("tab switch: care", "clinician", f"/safety/cases/{ref}/care/", headers=HTMX_TAB),
        Probe(
            "tab switch: reporting",
            "clinician",
            f"/safety/cases/{ref}/reporting/",
            headers=HTMX_TAB,
        ),
        Probe("tab switch: referrals", "clinician", f"/referrals/cases/{ref}/", headers=HTMX_TAB),
        Probe("tab switch: notes", "clinician", f"/documentation/cases/{ref}/", headers=HTMX_TAB),
        Probe("case summary", "clinician", f"/cases/{ref}/summary/", headers=htmx("case-summary")),
        Probe(
            "screening summary",
            "clinician",
            f"/screening/cases/{ref}/summary/",
            headers=htmx("summary"),
        ),
        Probe(
            "autosave answer",
            "clinician",
            answer.url,  # type: ignore[attr-defined]
            method="post",
            data=answer,
            headers=htmx("answer"),
        ),
        Probe(
            "autosave sign",
            "clinician",
            sign.url,  # type: ignore[attr-defined]
            method="post",
            data=sign,
            headers=htmx("sign"),
        ),
        Probe(
            "checklist tick (safety)",
            "clinician",
            f"/safety/cases/{ref}/checklists/safety-protocol/stay-with-patient/",
            method="post",
            data=_tick_post(case, "safety-protocol", "stay-with-patient"),
            headers=htmx("item"),
        ),
        Probe(
            "checklist tick (care)",
            "clinician",
            f"/safety/cases/{ref}/checklists/immediate-care/screen-sti/",
            method="post",
            data=_tick_post(case, "immediate-care", "screen-sti"),
            headers=htmx("item"),
        ),
        Probe(
            "reporting facts check",
            "clinician",
            f"/safety/cases/{ref}/reporting/check/",
            method="post",
            data=_facts_post(case),
            headers=htmx("facts"),
        ),
        Probe(
            "note autosave",
            "clinician",
            f"/documentation/cases/{ref}/save/",
            method="post",
            data=_note_post(case),
            headers=htmx("note"),
        ),
        Probe(
            "ICD-10 suggestions",
            "clinician",
            f"/documentation/cases/{ref}/codes/?{CODES}",
            headers=htmx("codes"),
        ),
        Probe(
            "referrals search (case)",
            "clinician",
            f"/referrals/cases/{ref}/search/?region=CA-ON&text=legal",
            headers=htmx("results"),
        ),
        Probe("review queue refresh", "supervisor", "/review/", headers=htmx("queue")),
    ]


SEARCHES = [
    "region=CA-ON",
    "region=CA-ON&need=housing&barriers=money&barriers=transportation",
    "region=US-NY&language=es&age=30",
    "region=CA-ON&open_now=on&flags=trauma-informed",
    "region=CA-ON&text=legal+clinic",
    "text=housing+support&always_open=on",
]
ADMIN_SEARCHES = ["legal+clinic", "housing+support", "immigration", "youth"]


def search_probes() -> list[Probe]:
    probes = [
        Probe(f"search: {q}", "clinician", f"/referrals/search/?{q}", headers=htmx("results"))
        for q in SEARCHES
    ]
    probes += [
        Probe(
            f"admin search: {q}",
            "bench_admin",
            f"/bench/admin/referrals/service/?q={q}",
        )
        for q in ADMIN_SEARCHES
    ]
    return probes


def measure_search(rounds: int) -> dict[str, Any]:
    """Directory search over the services of the current database, beside the admin's search."""
    rows = run_probes(clients(), search_probes(), rounds)
    ours = [r for r in rows if not r["name"].startswith("admin")]
    theirs = [r for r in rows if r["name"].startswith("admin")]
    return {
        "rows": rows,
        "p95_ms": max(r["p95_ms"] for r in ours),
        "median_ms": round(statistics.median(r["median_ms"] for r in ours), 2),
        "admin_p95_ms": max(r["p95_ms"] for r in theirs),
        "admin_median_ms": round(statistics.median(r["median_ms"] for r in theirs), 2),
        "ok": all(r["ok"] for r in rows),
    }


def document_probes(case: Case) -> list[Probe]:
    ref = case.ref
    return [
        Probe("discreet card", "clinician", f"/documentation/cases/{ref}/print/card/"),
        Probe("follow-up slip", "clinician", f"/documentation/cases/{ref}/print/slip/"),
        Probe("contacts handout", "clinician", f"/documentation/cases/{ref}/print/contacts/"),
        Probe("handover report", "clinician", f"/documentation/cases/{ref}/print/handover/"),
    ]


def measure_documents(case: Case, rounds: int) -> list[dict[str, Any]]:
    return run_probes(clients(), document_probes(case), rounds)


def bench_case() -> tuple[Case, Case]:
    return (
        Case.objects.get(ward_label=seed.BENCH_CASE_LABEL),
        Case.objects.get(ward_label=seed.BUSY_CASE_LABEL),
    )


BASELINES = [
    Probe("trivial view", "clinician", "/bench/trivial/"),
    Probe("neutral page", "clinician", "/welcome/"),
    Probe("admin changelist (cases)", "bench_admin", "/bench/admin/cases/case/"),
]


def measure_pages(rounds: int) -> dict[str, Any]:
    made = clients()
    case, busy = bench_case()
    pages = page_probes(case, busy)
    fragments = fragment_probes(case)
    rows = run_probes(made, [*BASELINES, *pages, *fragments], rounds)
    baselines = rows[: len(BASELINES)]
    trivial, changelist = baselines[0], baselines[2]
    page_rows = rows[len(BASELINES) : len(BASELINES) + len(pages)]
    fragment_rows = rows[len(BASELINES) + len(pages) :]
    for row in page_rows + fragment_rows:
        row["p95_vs_trivial"] = round(row["p95_ms"] / trivial["p95_ms"], 1)
        row["p95_vs_admin_changelist"] = round(row["p95_ms"] / changelist["p95_ms"], 2)
    return {
        "baselines": baselines,
        "pages": page_rows,
        "fragments": fragment_rows,
        "case_ref": case.ref,
    }
