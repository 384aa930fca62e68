"""Chromium (Playwright) against the served benchmark: click to swapped content for the main
HTMX interactions, and the weight of a page loaded with nothing cached.

    python -m bench.browser PLAN.json OUT.json --host http://127.0.0.1:PORT [--quick]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import time
from typing import Any

from playwright.sync_api import Page, sync_playwright

CHROMIUM = os.environ.get("HARBOR_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Records when the last click (or change) happened and when the content of each htmx swap was
# on screen, so the figure is the page's own clock from the person's action to the new content
# shown: the swap settled, then the next frame rendered (a timeout queued from that frame's
# animation callback runs once it has been painted), not merely the DOM changed.
PROBE = """
window.__bench = {action: 0, settled: []};
document.addEventListener('click', () => { window.__bench.action = performance.now(); }, true);
document.addEventListener('change', () => { window.__bench.action = performance.now(); }, true);
document.body.addEventListener('htmx:afterSettle', () => {
  const from = window.__bench.action;
  requestAnimationFrame(() => setTimeout(() => {
    window.__bench.settled.push(performance.now() - from);
  }, 0));
});
"""


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))], 1)


def _timed(
    page: Page, act: Any, rounds: int, gap_ms: int = 50, *, whole: bool = False
) -> list[float]:
    """Click (or change) to the first swap's content on screen; `whole`: to the last swap of
    what the action brought, when parts of it load once it is shown (hx-trigger="load"): the
    time until nothing more arrived for 300 ms."""
    times = []
    for i in range(rounds):
        count = page.evaluate("window.__bench.settled.length")
        act(i)
        # Polled from here: the page's CSP rightly forbids the eval wait_for_function needs.
        deadline = time.monotonic() + 10
        while page.evaluate("window.__bench.settled.length") <= count:
            if time.monotonic() > deadline:
                raise TimeoutError("no swap after the action")
            time.sleep(0.005)
        if whole:
            seen, quiet_since = count + 1, time.monotonic()
            while time.monotonic() - quiet_since < 0.3:
                now_seen = page.evaluate("window.__bench.settled.length")
                if now_seen != seen:
                    seen, quiet_since = now_seen, time.monotonic()
                time.sleep(0.01)
            times.append(page.evaluate(f"window.__bench.settled[{seen - 1}]"))
            continue
        page.wait_for_timeout(gap_ms)  # let a second swap of the same action land first
        times.append(page.evaluate(f"window.__bench.settled[{count}]"))
    return times


def interactions(page: Page, host: str, ref: str, rounds: int) -> list[dict[str, Any]]:
    rows = []
    page.goto(f"{host}/cases/{ref}/")
    page.evaluate(PROBE)
    tabs = ["Safety", "Screening", "Care", "Notes", "Reporting", "Referrals"]

    def switch(i: int) -> None:
        page.locator("nav[aria-label] a.nav-link", has_text=tabs[i % len(tabs)]).first.click()

    # To the whole tab: the Referrals tab's pre-filled results arrive in a second swap.
    rows.append(("tab switch", _timed(page, switch, rounds, whole=True)))

    page.goto(f"{host}/safety/cases/{ref}/care/")
    page.evaluate(PROBE)
    item = 'form[hx-post*="/checklists/immediate-care/screen-sti/"]'

    def tick(_i: int) -> None:
        page.locator(f"{item} button[name=status]").first.click()

    rows.append(("checklist tick", _timed(page, tick, rounds)))

    page.goto(f"{host}/screening/cases/{ref}/")
    page.evaluate(PROBE)
    note = page.locator("form[hx-post*='/answers/'] textarea").first

    def autosave(i: int) -> None:
        # Typing waits 800 ms for a pause by design; leaving the field ("change") saves at
        # once, which is what is timed here: from leaving the field to the saved status shown.
        note.fill(f"Typed in the browser {i}")
        note.dispatch_event("change")

    # The typing also queued the save that fires 800 ms after the last key (hx-trigger "input
    # delay:800ms"); the next round waits for it to have gone and come back, as a person's next
    # words in the same field come later than that, instead of queueing behind it
    # (hx-sync "queue last") and timing the wait.
    rows.append(("autosave (on change)", _timed(page, autosave, rounds, gap_ms=1200)))
    return [
        {"name": name, "median_ms": round(statistics.median(t), 1), "p95_ms": p95(t), "n": len(t)}
        for name, t in rows
    ]


def weight(browser: Any, cookies: list[Any], host: str, ref: str) -> list[dict[str, Any]]:
    rows = []
    for name, path in (
        ("home", "/"),
        ("case overview", f"/cases/{ref}/"),
        ("screening tab", f"/screening/cases/{ref}/"),
        ("care tab", f"/safety/cases/{ref}/care/"),
    ):
        context = browser.new_context()  # nothing cached
        context.add_cookies(cookies)
        page = context.new_page()
        sizes: dict[str, int] = {"html": 0, "css": 0, "js": 0, "other": 0}
        count = 0

        def on_response(response: Any, sizes: dict[str, int] = sizes) -> None:
            nonlocal count
            try:
                body = response.body()
            except Exception:  # noqa: BLE001 - a redirect or aborted load has no body
                return
            count += 1
            kind = response.request.resource_type
            key = {"document": "html", "stylesheet": "css", "script": "js"}.get(kind, "other")
            sizes[key] += len(gzip.compress(body, 6))

        page.on("response", on_response)
        page.goto(f"{host}{path}", wait_until="networkidle")
        context.close()
        rows.append(
            {
                "name": name,
                "total_kb": round(sum(sizes.values()) / 1000, 1),
                "html_kb": round(sizes["html"] / 1000, 1),
                "css_kb": round(sizes["css"] / 1000, 1),
                "js_kb": round(sizes["js"] / 1000, 1),
                "requests": count,
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("plan")
    parser.add_argument("out")
    parser.add_argument("--host", required=True)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    plan = json.load(open(args.plan))  # noqa: SIM115
    me = plan["users"][0]
    ref = plan["bench_case"]
    host_name = args.host.split("//")[1].split(":")[0]
    cookies: list[Any] = [
        {"name": "sessionid", "value": me["session"], "domain": host_name, "path": "/"},
    ]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context()
        context.add_cookies(cookies)
        page = context.new_page()
        rows = interactions(page, args.host, ref, 10 if args.quick else 30)
        context.close()
        weights = weight(browser, cookies, args.host, ref)
        browser.close()
    json.dump(
        {"browser": {"interactions": rows}, "weight": {"pages": weights}}, open(args.out, "w")
    )  # noqa: SIM115


if __name__ == "__main__":
    main()
