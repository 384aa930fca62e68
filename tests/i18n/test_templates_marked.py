"""Every word a person reads in a template is marked for translation."""

from __future__ import annotations

import pytest

from tests.i18n.unmarked import ROOT, template_files, unmarked_text


@pytest.mark.parametrize("path", template_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_template_has_no_unmarked_text(path) -> None:
    assert unmarked_text(path) == []


def test_the_check_finds_unmarked_text(tmp_path) -> None:
    # The check itself must be able to fail: plain text, a title and a button's value are found;
    # marked text, variables and comments are not.
    template = tmp_path / "sample.html"
    template.write_text(
        "{% load i18n %}<h1>{% translate 'Shown' %}</h1>\n"
        "<p>{{ case.label }} {# a note #}</p>\n"
        "<p>Plain words</p>\n"
        '<a title="Open it" href="#">{% blocktranslate %}Go {{ x }}{% endblocktranslate %}</a>\n'
        '<input type="submit" value="Save">\n'
        "<script>const never = 'checked here';</script>\n",
        encoding="utf-8",
    )
    assert unmarked_text(template) == ["3: Plain words", '4: title="Open it"', '5: value="Save"']
