"""The load half of the served benchmark, run with locust as a library (its own process:
locust's gevent patches the standard library). Writes its figures as JSON.

    python -m bench.load PLAN.json OUT.json --host http://127.0.0.1:PORT [--quick]

1. Ward load: every planned clinician (200) signed in, each acting every 5 s for 60 s on the
   mix below, from their own case. People at a ward do not act in step: each starts at a
   random moment of the first 5 s and then acts every 5 s on their own clock (`bench.pacing`),
   and the figures are taken once everyone is acting.
2. Throughput: closed-loop users with no pause, doubled step after step, on the mix and on the
   neutral page alone; the throughput where p95 passes 250 ms is the best step still under it.

The mix is what a ward does on a case: mostly tab switches, autosaves and checklist ticks, the
home page between cases, now and then a whole case page or a directory search. A saved answer
answers with HX-Trigger, and the page then refreshes its case header and screening summary
(`screening-changed`): those two requests follow each autosave here as they do in a browser.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import itertools  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
from locust import FastHttpUser, constant, task  # noqa: E402
from locust.env import Environment  # noqa: E402

from bench.pacing import first_turn, pacing  # noqa: E402

PLAN: dict[str, Any] = {}
WARD_USERS = 200
NEXT_USER = itertools.count()
TABS = [
    "/screening/cases/{}/",
    "/safety/cases/{}/",
    "/safety/cases/{}/care/",
    "/safety/cases/{}/reporting/",
    "/referrals/cases/{}/",
    "/documentation/cases/{}/",
]


class Clinician(FastHttpUser):
    """One person at a ward workstation on their case: mostly reading tabs, some autosaves."""

    wait_time = pacing(5)
    abstract = True

    # Seconds over which the people start (the ward's pacing): 0 for closed-loop users.
    start_within = 0.0

    def on_start(self) -> None:
        users = PLAN["users"]
        # The plan's own dict: the versions an autosave or tick moved on carry over to the next
        # run (ramp steps reuse the ward's people), so no save is refused as stale.
        self.me = users[next(NEXT_USER) % len(users)]
        self.cookies = f"sessionid={self.me['session']}; csrftoken={self.me['csrf']}"
        self.ref = self.me["case"]
        now = time.perf_counter()
        self.next_turn = first_turn(self.start_within, now) if self.start_within else now
        gevent.sleep(self.next_turn - now)

    def _headers(self, target: str | None = None, post: bool = False) -> dict[str, str]:
        headers = {"Cookie": self.cookies}
        if target:
            headers |= {"HX-Request": "true", "HX-Target": target}
        if post:
            headers["X-CSRFToken"] = self.me["csrf"]
        return headers

    @task(2)
    def home(self) -> None:
        self.client.get("/", headers=self._headers(), name="home")

    @task(1)
    def case_page(self) -> None:
        self.client.get(f"/cases/{self.ref}/", headers=self._headers(), name="case page")

    @task(5)
    def tab_switch(self) -> None:
        tab = random.choice(TABS).format(self.ref)  # noqa: S311
        self.client.get(tab, headers=self._headers("tab-panel"), name="tab switch")

    @task(3)
    def autosave(self) -> None:
        if not self.me["answer"]:
            return
        prefix = f"answer-{self.me['answer']}"
        with self.client.post(
            f"/screening/cases/{self.ref}/answers/{self.me['answer']}/",
            data={
                f"{prefix}-status": "answered",
                f"{prefix}-note": f"typed {time.monotonic()}",
                f"{prefix}-version": str(self.me["answer_version"]),
            },
            headers=self._headers("answer", post=True),
            name="autosave answer",
            catch_response=True,
        ) as response:
            # A save answers with HX-Trigger; a refused (stale) one without it.
            saved = response.status_code == 200 and bool(response.headers.get("HX-Trigger"))
            if saved:
                self.me["answer_version"] += 1
                response.success()
            else:
                response.failure(f"autosave {response.status_code}")
        if saved:
            # What the screening tab asks next (hx-trigger="screening-changed from:body").
            self.client.get(
                f"/cases/{self.ref}/summary/",
                headers=self._headers("case-summary"),
                name="case summary",
            )
            self.client.get(
                f"/screening/cases/{self.ref}/summary/",
                headers=self._headers("summary"),
                name="screening summary",
            )

    @task(2)
    def tick(self) -> None:
        status = "open" if self.me["item_done"] else "done"
        with self.client.post(
            f"/safety/cases/{self.ref}/checklists/immediate-care/screen-sti/",
            data={"status": status, "reason": "", "base_version": str(self.me["item_version"])},
            headers=self._headers("item", post=True),
            name="checklist tick",
            catch_response=True,
        ) as response:
            if response.status_code == 200 and "Someone else changed" not in response.text:
                self.me["item_version"] += 1
                self.me["item_done"] = not self.me["item_done"]
                response.success()
            else:
                response.failure(f"tick {response.status_code}")

    @task(1)
    def search(self) -> None:
        self.client.get(
            "/referrals/search/?region=CA-ON&text=legal",
            headers=self._headers("results"),
            name="directory search",
        )


class WardClinician(Clinician):
    abstract = False
    start_within = 5.0


class BusyClinician(Clinician):
    abstract = False
    wait_time = constant(0)


class NeutralPage(FastHttpUser):
    abstract = False
    wait_time = constant(0)

    def on_start(self) -> None:
        users = PLAN["users"]
        me = users[next(NEXT_USER) % len(users)]
        self.cookies = f"sessionid={me['session']}"

    @task
    def neutral(self) -> None:
        self.client.get("/welcome/", headers={"Cookie": self.cookies}, name="neutral page")


def drain(host: str) -> None:
    """Wait until the server has worked off the previous run's queue (at most 60 s): a backlog
    would otherwise be charged to the next run's first requests."""
    import urllib.request

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        started = time.monotonic()
        urllib.request.urlopen(f"{host}/accounts/login/", timeout=60)  # noqa: S310 - loopback
        if time.monotonic() - started < 0.05:
            return
        gevent.sleep(0.5)


def run(user_class: type, users: int, seconds: float, host: str) -> dict[str, Any]:
    drain(host)
    global NEXT_USER
    NEXT_USER = itertools.count()  # each run's people from the first: never two on one case
    # Stopping lets each person finish the task in hand (up to 30 s): a save cut off in flight
    # is still applied by the server, and the next run's same person would then send a stale
    # version and be refused (the 7 "failures" of the 2-user mix step in an earlier run).
    env = Environment(user_classes=[user_class], host=host, stop_timeout=30)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=max(users, 1) * 2)
    # Spawning takes a moment, and ward people start over their first pacing period: measure
    # only once everyone is acting.
    gevent.sleep(min(2.0, seconds / 4) + getattr(user_class, "start_within", 0.0))
    env.stats.reset_all()
    started = time.monotonic()
    gevent.sleep(seconds)
    elapsed = time.monotonic() - started
    total = env.stats.total
    figures = {
        "users": users,
        "seconds": round(elapsed),
        "requests": total.num_requests,
        "failures": total.num_failures,
        "rps": round(total.num_requests / elapsed, 1),
        "median_ms": total.median_response_time,
        "p95_ms": total.get_response_time_percentile(0.95),
        "errors": {f"{e.name}: {e.error}": e.occurrences for e in env.stats.errors.values()},
        "by_name": {
            name: {"requests": s.num_requests, "p95_ms": s.get_response_time_percentile(0.95)}
            for (name, _method), s in env.stats.entries.items()
        },
    }
    runner.quit()
    return figures


def ramp(
    user_class: type, host: str, *, step_seconds: float, label: str
) -> tuple[float, list[dict[str, Any]]]:
    """Double the closed-loop users until p95 passes 250 ms (or 64 users): the best throughput
    of the steps still under it."""
    steps, best = [], 0.0
    for users in (1, 2, 4, 8, 16, 32, 64):
        figures = run(user_class, users, step_seconds, host)
        steps.append(
            {
                "load": label,
                **{
                    k: figures[k]
                    for k in ("users", "rps", "median_ms", "p95_ms", "failures", "errors")
                },
            }
        )
        if figures["p95_ms"] > 250 or figures["failures"]:
            break
        best = max(best, figures["rps"])
    return best, steps


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("plan")
    parser.add_argument("out")
    parser.add_argument("--host", required=True)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    PLAN.update(json.load(open(args.plan)))  # noqa: SIM115
    ward_seconds, step_seconds = (20, 4) if args.quick else (60, 8)
    ward = run(WardClinician, min(WARD_USERS, len(PLAN["users"])), ward_seconds, args.host)
    ward["wait_s"] = 5
    mix_best, mix_steps = ramp(BusyClinician, args.host, step_seconds=step_seconds, label="mix")
    neutral_best, neutral_steps = ramp(
        NeutralPage, args.host, step_seconds=step_seconds, label="neutral page"
    )
    json.dump(
        {
            "ward": ward,
            "mix_rps_at_250": mix_best,
            "neutral_rps_at_250": neutral_best,
            "mix_vs_neutral": round(mix_best / neutral_best, 2) if neutral_best else None,
            "steps": mix_steps + neutral_steps,
        },
        open(args.out, "w"),  # noqa: SIM115
    )


if __name__ == "__main__":
    main()
