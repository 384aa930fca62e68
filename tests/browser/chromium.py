"""Find (or set up) a Chromium for the browser journeys, and say which one.

Run by `make test` before pytest: prints the browser's path on stdout (empty if none could be
had) and what it did on stderr. In order:

1. $HARBOR_CHROMIUM, if it names a file;
2. the system Chromium (Debian's `chromium` package), if installed;
3. Playwright's own Chromium: already downloaded, or `playwright install chromium` now (needs
   the internet);
4. Debian's `chromium` package, installed with apt-get when running as root;

else nothing, and the browser journeys fail saying so (the other tests still run).
The browser tests' conftest calls `find()` too, so plain `pytest` picks the same browser.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

SYSTEM_CANDIDATES = ("chromium", "chromium-browser")


def say(message: str) -> None:
    print(f"Browser journeys: {message}", file=sys.stderr)


def system_chromium() -> str | None:
    for name in SYSTEM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None


def playwright_chromium() -> str | None:
    """Playwright's downloaded Chromium, if present (its path is known without downloading)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        path = playwright.chromium.executable_path
    return path if os.path.exists(path) else None


def find() -> tuple[str | None, str]:
    """The browser already on this machine, and how it was found; nothing is installed."""
    given = os.environ.get("HARBOR_CHROMIUM", "")
    if given and os.path.exists(given):
        return given, f"using $HARBOR_CHROMIUM ({given})"
    system = system_chromium()
    if system:
        return system, f"using the system Chromium ({system})"
    own = playwright_chromium()
    if own:
        return own, f"using Playwright's Chromium ({own})"
    return None, "no Chromium found"


def run(command: list[str], timeout: int) -> bool:
    """Run one of the fixed set-up commands below (no outside input reaches them)."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        done = subprocess.run(command, timeout=timeout, check=False, env=env)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def set_up() -> str | None:
    path, how = find()
    if path:
        say(how)
        return path
    say("no Chromium here; trying `playwright install chromium` (needs the internet)")
    if run([sys.executable, "-m", "playwright", "install", "chromium"], timeout=600):
        own = playwright_chromium()
        if own:
            say(f"using Playwright's Chromium, just downloaded ({own})")
            return own
    apt_get = shutil.which("apt-get")
    if os.geteuid() == 0 and apt_get:
        say("trying Debian's chromium package (apt-get, as root)")
        installed = run([apt_get, "update", "-qq"], timeout=600) and run(
            [apt_get, "install", "-y", "-qq", "chromium"], timeout=900
        )
        system = system_chromium() if installed else None
        if system:
            say(f"using Debian's chromium package, just installed ({system})")
            return system
    say(
        "no Chromium could be set up: install Debian's `chromium` package, or run "
        "`.venv/bin/python -m playwright install chromium` where the internet is reachable"
    )
    return None


if __name__ == "__main__":
    print(set_up() or "")
