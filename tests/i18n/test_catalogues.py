"""The French catalogues are complete: nothing untranslated or fuzzy, placeholders kept."""

from __future__ import annotations

import re

import polib
import pytest

from tests.i18n.unmarked import APPS, ROOT

CATALOGUES = sorted(
    path
    for folder in [ROOT / "locale", *(ROOT / app / "locale" for app in APPS)]
    if folder.exists()
    for path in folder.glob("fr/LC_MESSAGES/*.po")
)
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|{(\w*)}")


def test_every_app_has_a_french_catalogue() -> None:
    folders = {path.relative_to(ROOT).parts[0] for path in CATALOGUES}
    assert folders >= {"locale", *APPS}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_catalogue_is_complete(path) -> None:
    catalogue = polib.pofile(str(path))
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda path: str(path.relative_to(ROOT)))
def test_translations_keep_their_placeholders(path) -> None:
    mismatched = []
    for entry in polib.pofile(str(path)).translated_entries():
        pairs = [(entry.msgid, entry.msgstr)]
        if entry.msgid_plural:
            pairs = [(entry.msgid_plural, text) for text in entry.msgstr_plural.values()]
        for source, translation in pairs:
            if sorted(_PLACEHOLDER.findall(source)) != sorted(_PLACEHOLDER.findall(translation)):
                mismatched.append(entry.msgid)
    assert mismatched == []


@pytest.fixture(scope="module")
def refreshed(tmp_path_factory):
    """The catalogues as `makemessages` rebuilds them from today's code, in a copy of the tree.

    A catalogue can be complete yet stale: a string marked since the last `makemessages` has no
    entry at all, so the checks above never see it. Rebuilt here, it shows as untranslated.
    """
    import shutil
    import subprocess
    import sys

    copy = tmp_path_factory.mktemp("tree") / "harbor"
    ignored = shutil.ignore_patterns(".venv", ".git", "__pycache__", "*.mo", "bench", "tests")
    shutil.copytree(ROOT, copy, ignore=ignored)
    command = [sys.executable, str(copy / "manage.py"), "makemessages", "-l", "fr"]
    command += ["--no-obsolete", "--no-location", "-v", "0"]
    for app in APPS:
        # Only an app with its locale/ folder: without one, makemessages writes the app's
        # strings into the project catalogue (LOCALE_PATHS) and drops the project's entries.
        if (copy / app / "locale").is_dir():
            subprocess.run(command, cwd=copy / app, check=True)  # noqa: S603 - our manage.py
    project = [f"--ignore={app}/*" for app in APPS] + ["--ignore=static/vendor/*"]
    subprocess.run(command + project, cwd=copy, check=True)  # noqa: S603
    subprocess.run([*command, *project, "-d", "djangojs"], cwd=copy, check=True)  # noqa: S603
    return copy


@pytest.mark.parametrize(
    "catalogue_path",
    [
        "locale/fr/LC_MESSAGES/djangojs.po",
        "locale/fr/LC_MESSAGES/django.po",
        *(f"{app}/locale/fr/LC_MESSAGES/django.po" for app in APPS),
    ],
)
def test_no_marked_string_is_missing_from_its_catalogue(refreshed, catalogue_path) -> None:
    path = refreshed / catalogue_path
    assert path.exists(), (
        f"{catalogue_path} does not exist yet (mkdir -p <app>/locale, then make catalogues)"
    )
    catalogue = polib.pofile(str(path))
    assert [entry.msgid for entry in catalogue.untranslated_entries()] == []
    assert [entry.msgid for entry in catalogue.fuzzy_entries()] == []
