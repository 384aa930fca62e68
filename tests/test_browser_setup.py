"""`make test` sets up the browser journeys' Chromium: each branch of tests/browser/chromium.py.

Without Debian's chromium, `make test` used to fail 14 browser tests on a fresh machine.
"""

from __future__ import annotations

import pytest

from tests.browser import chromium


@pytest.fixture
def machine(monkeypatch):
    """A machine with nothing installed; each test adds what it has."""
    state = {"system": None, "playwright": None, "root": False, "ran": []}

    def run(command, timeout):
        state["ran"].append(" ".join(command[-3:]))
        if command[-2:] == ["install", "chromium"] and state.get("download_works"):
            state["playwright"] = "/root/.cache/ms-playwright/chromium/chrome"
            return True
        if command[-1] == "chromium" and "apt-get" in command[0] and state["root"]:
            state["system"] = "/usr/bin/chromium"
            return True
        return command[-1] == "-qq"  # apt-get update

    monkeypatch.delenv("HARBOR_CHROMIUM", raising=False)
    monkeypatch.setattr(chromium, "system_chromium", lambda: state["system"])
    monkeypatch.setattr(chromium, "playwright_chromium", lambda: state["playwright"])
    monkeypatch.setattr(chromium, "run", run)
    monkeypatch.setattr(chromium.os, "geteuid", lambda: 0 if state["root"] else 1000)
    monkeypatch.setattr(chromium.shutil, "which", lambda name: f"/usr/bin/{name}")
    return state


@pytest.mark.parametrize(
    ("has", "expected", "said"),
    [
        ({"system": "/usr/bin/chromium"}, "/usr/bin/chromium", "using the system Chromium"),
        ({"playwright": "/pw/chrome"}, "/pw/chrome", "using Playwright's Chromium (/pw"),
        (
            {"download_works": True},
            "/root/.cache/ms-playwright/chromium/chrome",
            "Playwright's Chromium, just downloaded",
        ),
        ({"root": True}, "/usr/bin/chromium", "Debian's chromium package, just installed"),
        ({}, None, "no Chromium could be set up"),
    ],
)
def test_set_up_uses_the_first_that_works_and_says_which(machine, capsys, has, expected, said):
    machine.update(has)
    assert chromium.set_up() == expected
    assert said in capsys.readouterr().err


def test_the_system_chromium_means_no_download(machine):
    machine["system"] = "/usr/bin/chromium"
    chromium.set_up()
    assert machine["ran"] == []


def test_harbor_chromium_wins_when_it_exists(machine, monkeypatch, tmp_path):
    browser = tmp_path / "chrome"
    browser.write_text("")
    monkeypatch.setenv("HARBOR_CHROMIUM", str(browser))
    machine["system"] = "/usr/bin/chromium"
    assert chromium.find() == (str(browser), f"using $HARBOR_CHROMIUM ({browser})")
