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
